package dev.quicksilver.client;

/**
 * A denoise or info call that did not succeed. The message is one sentence for the user: the cause and
 * the way out.
 */
public final class SidecarException extends RuntimeException {

    /** What went wrong, coarsely, so callers can decide without parsing messages. */
    public enum Kind {
        /** The sidecar died or cannot be reached; a restart is under way (or it failed: see the message). */
        UNAVAILABLE,
        /** The request passed its deadline. */
        DEADLINE_EXCEEDED,
        /** The request was cancelled. */
        CANCELLED,
        /** The sidecar refused the request as malformed; the message names the field. */
        INVALID_REQUEST,
        /** The sidecar's queue is full; retry later. */
        BUSY,
        /** The token does not match the sidecar's. */
        UNAUTHENTICATED,
        /** Anything else: a bug in the sidecar, reported as such. */
        INTERNAL
    }

    private final Kind kind;

    public SidecarException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public SidecarException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
