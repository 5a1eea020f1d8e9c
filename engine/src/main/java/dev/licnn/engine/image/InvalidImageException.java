package dev.licnn.engine.image;

import dev.licnn.engine.InvalidInputException;

/**
 * Thrown when client-supplied image bytes or a client-supplied tensor cannot be used: empty input,
 * an unknown format, corrupt or truncated data, a declared size above the configured pixel limit,
 * or a tensor of the wrong shape or with non-finite values.
 *
 * <p>The message names the problem and is meant to be shown to the client as is.
 */
public final class InvalidImageException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a client-facing message.
     *
     * @param message what is wrong with the input
     */
    public InvalidImageException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a client-facing message and the underlying cause.
     *
     * @param message what is wrong with the input
     * @param cause the decoder error that revealed the problem
     */
    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
