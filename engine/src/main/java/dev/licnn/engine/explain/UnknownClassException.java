package dev.licnn.engine.explain;

import dev.licnn.engine.InvalidInputException;

/** A class id that the model does not have, or a top-k larger than its number of classes. */
public class UnknownClassException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public UnknownClassException(String message) {
        super(message);
    }
}
