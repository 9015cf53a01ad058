package dev.quicksilver.model;

/**
 * A model directory that cannot be loaded. The message is one sentence that names the file, the field
 * or tensor at fault, and the way out, so it can be shown to a user as it is.
 */
public final class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
