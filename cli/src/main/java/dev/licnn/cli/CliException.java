package dev.licnn.cli;

/** A user error (bad path or argument): one line on standard error and exit code 2. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }
}
