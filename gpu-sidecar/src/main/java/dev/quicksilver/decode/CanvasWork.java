package dev.quicksilver.decode;

import dev.quicksilver.transformer.ForwardRequest;
import java.util.List;

/**
 * One canvas being decoded, as the session's loop sees it: say what to compute next, take the logits,
 * commit. {@link DiffusionCanvas} and {@link AutoregressiveCanvas} write; {@link ChoiceCanvas} chooses.
 */
sealed interface CanvasWork extends AutoCloseable permits OneRequestWork, ChoiceCanvas {

    /**
     * This canvas's part of the next batched forward: its windows and logit positions. One request for a canvas
     * that writes; one per candidate still being read for a choice ({@link ChoiceCanvas}).
     */
    List<ForwardRequest> nextForwards();

    /**
     * Takes the scores (logits or greedy picks) of the requests last returned by {@link #nextForwards()}, in
     * their order, and commits tokens.
     *
     * @return tokens committed by this step
     */
    int accept(List<StepScores> scores);

    /**
     * Whether the model's greedy picks (token and probability, {@link StepScores.Picks}) are all this canvas
     * needs: greedy sampling, and a commit rule that ranks by probability or at random.
     */
    boolean greedyPicksSuffice();

    boolean done();

    /** Stops decoding; the result keeps what was committed so far. */
    void cancel();

    /** A copy of the canvas now (masks where nothing is committed yet): for streaming. */
    int[] snapshot();

    CanvasResult result();

    /** Leading positions whose keys/values came from a cross-request {@link ContextCache}. */
    default int contextReused() {
        return 0;
    }

    /** Frees the key/value cache. */
    @Override
    void close();
}
