package dev.licnn.engine;

/**
 * Input that the caller got wrong: an image, a tensor, a class, an option out of range. The message
 * names the problem. Servers report it as the client's fault (INVALID_ARGUMENT, or NOT_FOUND for
 * the subclasses that say so); any other exception from the engine is a fault of the engine.
 */
public class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
