package dev.quicksilver.cli;

/** A user error: its message is one sentence, naming the option or file and the way out, printed as is. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
