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
     */
    record InfillRequest(String context, String prefix, String suffix, int maxTokens) {
        public InfillRequest {
            if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
    }

    /** What the model wrote into one hole. */
    record Infill(String text, int tokens, boolean endedByEos) {
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
