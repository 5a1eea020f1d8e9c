package dev.licnn.engine.model;

import java.io.IOException;

/** A safetensors file is malformed: bad header, unknown dtype, or offsets that do not fit. */
public class SafeTensorsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file and the tensor where known
     */
    public SafeTensorsFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong
     * @param cause the underlying parse error
     */
    public SafeTensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
