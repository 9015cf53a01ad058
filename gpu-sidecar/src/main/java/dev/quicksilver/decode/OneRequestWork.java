package dev.quicksilver.decode;

import dev.quicksilver.transformer.ForwardRequest;
import java.util.List;

/** A canvas that writes: one request per step (its window), whose scores it commits tokens from. */
sealed interface OneRequestWork extends CanvasWork permits DiffusionCanvas, AutoregressiveCanvas {

    /** The window and logit positions of this canvas's part of the next batched forward. */
    ForwardRequest nextForward();

    /** Takes the scores of the request last returned by {@link #nextForward()} and commits tokens. */
    int accept(StepScores scores);

    @Override
    default List<ForwardRequest> nextForwards() {
        return List.of(nextForward());
    }

    @Override
    default int accept(List<StepScores> scores) {
        return accept(scores.getFirst());
    }
}
