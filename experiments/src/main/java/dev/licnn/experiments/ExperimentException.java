package dev.licnn.experiments;

/**
 * A user error in an experiment (a bad path, argument or dataset): the command line prints its
 * message as one line on standard error and exits with code 2.
 */
public final class ExperimentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }
}
