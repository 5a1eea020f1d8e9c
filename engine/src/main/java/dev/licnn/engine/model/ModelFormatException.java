package dev.licnn.engine.model;

import java.io.IOException;

/**
 * A model folder or weights file cannot be used: the message says what was found, in one line, and
 * how to fix it where there is a known way (for example "PyTorch pickle: use `licnn import`").
 */
public class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: what is wrong, naming the file, and a hint where there is one
     */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message one line: what is wrong
     * @param cause the underlying error
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
