package dev.quicksilver.lsp;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The future a handler hands to LSP4J is the one LSP4J cancels on {@code $/cancelRequest}; the work
 * behind it (a sidecar call, a refactor batch) is another future. These helpers bridge the two in one
 * place: the response's cancellation cancels the work, and the work's failure becomes one LSP error.
 */
public final class ResponseFutures {
    private ResponseFutures() {
    }

    /** Cancelling {@code response} cancels {@code work}. */
    public static void cancelWith(CompletableFuture<?> response, CompletableFuture<?> work) {
        response.whenComplete((r, e) -> {
            if (response.isCancelled()) work.cancel(true);
        });
    }

    /**
     * A response completed with {@code toResponse(work's value)}; a failure of the work, or of
     * {@code toResponse}, completes it with the LSP error of {@link Errors#toResponse}.
     */
    public static <T, R> CompletableFuture<R> map(CompletableFuture<T> work, Function<? super T, ? extends R> toResponse) {
        CompletableFuture<R> response = new CompletableFuture<>();
        cancelWith(response, work);
        work.whenComplete((value, e) -> {
            if (e != null) {
                response.completeExceptionally(Errors.toResponse(e));
                return;
            }
            try {
                response.complete(toResponse.apply(value));
            } catch (RuntimeException x) {
                response.completeExceptionally(Errors.toResponse(x));
            }
        });
        return response;
    }
}
