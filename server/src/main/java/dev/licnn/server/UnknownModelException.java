package dev.licnn.server;

/** A model name the server does not serve. */
public class UnknownModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownModelException(String message) {
        super(message);
    }
}
