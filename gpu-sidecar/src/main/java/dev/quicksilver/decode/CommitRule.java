package dev.quicksilver.decode;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Decides, for one block at one step, which of its still-masked positions are committed. Every rule sees
 * the same thing: one confidence per masked position of the block (higher = surer), where the block stands
 * in its schedule, and the canvas's random generator. It answers with indices into the confidence array.
 *
 * <p>Rules that rank (all but {@link RandomOrder}) take the most confident first; equal confidences go to
 * the leftmost position, so greedy runs are deterministic.
 */
public sealed interface CommitRule {

    /**
     * @param confidence     one value per masked position of the block, left to right
     * @param stepInBlock    0 for the first forward of this block
     * @param maskedAtStart  masked positions the block had at its first step
     * @return indices into {@code confidence} to commit (never empty while a position is masked, except
     *         where Dream's schedule itself asks for zero this step)
     */
    int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng);

    /**
     * Fast-dLLM's threshold rule (NVlabs/Fast-dLLM, {@code get_transfer_index} with {@code threshold}):
     * commit every masked position whose confidence is at least {@code tau}, and always the most
     * confident one so every step makes progress.
     */
    record Threshold(double tau) implements CommitRule {
        public Threshold {
            if (!(tau >= 0 && tau <= 1)) {
                throw new IllegalArgumentException("--threshold must be in [0, 1], got " + tau);
            }
        }

        @Override
        public int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng) {
            int[] ranked = mostConfidentFirst(confidence);
            int n = 1;
            while (n < ranked.length && confidence[ranked[n]] >= tau) {
                n++;
            }
            return Arrays.copyOf(ranked, n);
        }
    }

    /**
     * Fast-dLLM's factor rule (paper "Fast-dLLM: Training-free Acceleration of Diffusion LLM", parallel
     * decoding with a factor; repo {@code get_transfer_index_dynamic}): with confidences sorted
     * c_1 >= c_2 >= ..., commit the longest run of the top n for which every m <= n has
     * (m + 1)(1 - c_m) < f, i.e. c_m > 1 - f/(m+1); at least one. (The repo also commits one more when the
     * run stops at the second-to-last position; we follow the paper's rule, not that edge case.)
     */
    record Factor(double factor) implements CommitRule {
        public Factor {
            if (!(factor > 0)) {
                throw new IllegalArgumentException("--factor must be positive, got " + factor);
            }
        }

        @Override
        public int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng) {
            int[] ranked = mostConfidentFirst(confidence);
            int n = 1;
            while (n < ranked.length && (n + 2) * (1 - confidence[ranked[n]]) < factor) {
                n++; // ranked[n] is the (n+1)-th most confident: m = n + 1, so (m + 1) = n + 2
            }
            return Arrays.copyOf(ranked, n);
        }
    }

    /**
     * LLaDA's schedule (ML-GSAI/LLaDA {@code generate.py}, {@code get_num_transfer_tokens}): with a linear
     * noise schedule the same number of tokens moves at every step, so the block's masked count is split
     * evenly over {@code steps}, the first {@code masked % steps} steps taking one more. The k most
     * confident are committed ("low_confidence" remasking keeps the rest masked).
     */
    record FixedCount(int steps) implements CommitRule {
        public FixedCount {
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
            }
        }

        public int countAt(int stepInBlock, int maskedAtStart) {
            if (stepInBlock >= steps) {
                return maskedAtStart; // schedule used up (cannot happen when counts sum up): finish the block
            }
            return maskedAtStart / steps + (stepInBlock < maskedAtStart % steps ? 1 : 0);
        }

        @Override
        public int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng) {
            int k = Math.min(confidence.length, countAt(stepInBlock, maskedAtStart));
            if (k == 0 && confidence.length > 0) {
                k = 1; // a position the schedule meant for an earlier step (only after early stop edits)
            }
            return Arrays.copyOf(mostConfidentFirst(confidence), k);
        }
    }

    /**
     * Dream's schedule for {@code maskgit_plus}, {@code topk_margin} and {@code entropy} (DreamLM/Dream
     * {@code generation_utils.py}, {@code _sample}): timesteps run linearly from 1 to eps over
     * {@code steps}; at step i with t = t_i, s = t_(i+1), {@code int(masked * (1 - s/t))} of the currently
     * masked positions are committed, the most confident first, and everything at the last step. As in
     * Dream this can be zero at early steps.
     */
    record DreamSchedule(int steps, double eps) implements CommitRule {
        public DreamSchedule {
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
            }
        }

        @Override
        public int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng) {
            double p = transferProbability(steps, eps, stepInBlock);
            int k = p >= 1 ? confidence.length : (int) (confidence.length * p);
            return Arrays.copyOf(mostConfidentFirst(confidence), Math.min(k, confidence.length));
        }
    }

    /**
     * Dream's {@code origin} algorithm: every masked position is unmasked independently with probability
     * 1 - s/t (all of them at the last step), in no particular order: confidence plays no part.
     */
    record RandomOrder(int steps, double eps) implements CommitRule {
        public RandomOrder {
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
            }
        }

        @Override
        public int[] choose(double[] confidence, int stepInBlock, int maskedAtStart, RandomGenerator rng) {
            double p = transferProbability(steps, eps, stepInBlock);
            int[] chosen = new int[confidence.length];
            int n = 0;
            for (int i = 0; i < confidence.length; i++) {
                if (p >= 1 || rng.nextDouble() < p) {
                    chosen[n++] = i;
                }
            }
            return Arrays.copyOf(chosen, n);
        }
    }

    /** 1 - s/t for Dream's linear timesteps t_i = 1 - i (1 - eps) / steps; 1 at (or past) the last step. */
    static double transferProbability(int steps, double eps, int step) {
        if (step >= steps - 1) {
            return 1;
        }
        double t = 1 - step * (1 - eps) / steps;
        double s = 1 - (step + 1) * (1 - eps) / steps;
        return 1 - s / t;
    }

    /** Indices of {@code confidence}, most confident first; ties keep the lower index first. */
    static int[] mostConfidentFirst(double[] confidence) {
        Integer[] boxed = new Integer[confidence.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = Double.compare(confidence[b], confidence[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }
}
