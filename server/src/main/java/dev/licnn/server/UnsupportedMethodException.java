package dev.licnn.server;

/** An attribution method the server does not implement yet. */
public class UnsupportedMethodException extends UnsupportedOperationException {

    private static final long serialVersionUID = 1L;

    public UnsupportedMethodException(String message) {
        super(message);
    }
}
