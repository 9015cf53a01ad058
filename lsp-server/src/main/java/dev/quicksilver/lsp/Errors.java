package dev.quicksilver.lsp;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/** LSP errors with one clear sentence each. LSP4J turns a future failed with these into the error response. */
public final class Errors {
    private Errors() {
    }

    public static ResponseErrorException invalidParams(String sentence) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, sentence, null));
    }

    public static ResponseErrorException internal(String sentence) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InternalError, sentence, null));
    }

    public static ResponseErrorException cancelled() {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.RequestCancelled, "the request was cancelled", null));
    }

    public static <T> T require(T value, String what) {
        if (value == null) throw invalidParams(what + " is missing from the request");
        return value;
    }

    /** Strips the wrappers futures put around a failure. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** A failure as an LSP error: cancellations as -32800, ours as they are, anything else as one internal sentence. */
    public static RuntimeException toResponse(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof CancellationException) return new CancellationException("the request was cancelled");
        if (u instanceof ResponseErrorException r) return r;
        if (u instanceof IllegalArgumentException) return invalidParams(u.getMessage());
        String msg = u.getMessage() == null ? u.getClass().getSimpleName() : u.getMessage();
        return internal(msg);
    }
}
