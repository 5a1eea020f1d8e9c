package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;

/** A model name the server does not serve. */
public class UnknownModelException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public UnknownModelException(String message) {
        super(message);
    }
}
