package dev.quicksilver.lsp.model;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seam between the language server and the model process. Requests are text (the sidecar owns the
 * tokenizer and the canvas layout); answers are futures whose cancellation cancels the work in the sidecar
 * within one denoising step. The shipped implementation is {@link SidecarModelService} (the sidecar client over
 * gRPC); lsp-server never links gpu-sidecar classes.
 */
public interface ModelService extends AutoCloseable {

    /**
     * One hole: {@code [context][prefix][MASK x maxTokens][suffix]}.
     *
     * @param context  related code from other files, placed before the prefix (may be empty)
     * @param prefix   text right before the hole
     * @param suffix   text right after the hole
     * @param maxTokens token budget of the hole
     * @param singleLine the hole is one line: the model stops at its end (or EOS) and decodes nothing after it
     * @param candidates when not empty, the hole is not written but chosen among these texts: the one the model
     *                   scores highest (one forward; {@code maxTokens} and {@code singleLine} are then unused)
     */
    record InfillRequest(String context, String prefix, String suffix, int maxTokens, boolean singleLine, List<String> candidates) {
        public InfillRequest {
            if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
            candidates = List.copyOf(candidates);
        }

        public InfillRequest(String context, String prefix, String suffix, int maxTokens, boolean singleLine) {
            this(context, prefix, suffix, maxTokens, singleLine, List.of());
        }

        /** A hole that may span lines (refactor sites). */
        public InfillRequest(String context, String prefix, String suffix, int maxTokens) {
            this(context, prefix, suffix, maxTokens, false);
        }
    }

    /**
     * What the model wrote into one hole (or chose: {@code chosen} is the candidate's index, else -1), and what
     * the request cost in the model process.
     */
    record Infill(String text, int tokens, boolean endedByEos, Cost cost, int chosen) {
        public Infill(String text, int tokens, boolean endedByEos, Cost cost) {
            this(text, tokens, endedByEos, cost, -1);
        }
    }

    /**
     * Where a request's time went in the model process (for logs and benchmarks).
     *
     * @param queueMs             waiting for the batch to take it
     * @param decodeMs            from joining the batch to the answer
     * @param steps               denoising steps (batched forwards) it took part in
     * @param canvasTokens        positions before the first hole (context and prefix), over all its canvases
     * @param contextTokensReused of those, positions whose keys/values came from the cross-request cache
     * @param tokensCut           tokens of far context, prefix or suffix the sidecar left out to fit the model
     */
    record Cost(double queueMs, double decodeMs, int steps, int canvasTokens, int contextTokensReused, int tokensCut) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "queue %.0f ms, decode %.0f ms, %d steps, %d/%d lead tokens reused",
                    queueMs, decodeMs, steps, contextTokensReused, canvasTokens)
                    + (tokensCut > 0 ? ", " + tokensCut + " far tokens cut to fit the model" : "");
        }
    }

    /** Denoising progress of one request: committed tokens out of the masked ones. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = (committed, total) -> { };

        void update(int committed, int total);
    }

    /** Fills one hole (a completion). */
    CompletableFuture<Infill> complete(InfillRequest request, Duration deadline, Progress progress);

    /** Fills many holes as one batch (a multi-site refactor): all sites denoise together. */
    CompletableFuture<List<Infill>> fillSites(List<InfillRequest> sites, Duration deadline, Progress progress);

    /** One line for logs and the status message: model, backend, where the sidecar runs. */
    String describe();

    @Override
    void close();
}
