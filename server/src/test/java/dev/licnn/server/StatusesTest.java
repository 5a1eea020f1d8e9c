package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.UnknownClassException;
import dev.licnn.engine.image.InvalidImageException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Only the project's own bad-input exceptions are the client's fault. */
class StatusesTest {

    @Test
    void badInput_isInvalidArgumentWithItsMessage() {
        Status s =
                Statuses.of(
                        new InvalidInputException("top_k must be between 1 and 10, got 11"), "r1");
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertEquals("top_k must be between 1 and 10, got 11", s.getDescription());
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                Statuses.of(new InvalidImageException("not a PNG or JPEG"), "r1").getCode());
    }

    @Test
    void unknownClassOrModel_isNotFound() {
        assertEquals(
                Status.Code.NOT_FOUND,
                Statuses.of(new UnknownClassException("class 12 does not exist"), "r").getCode());
        assertEquals(
                Status.Code.NOT_FOUND,
                Statuses.of(new UnknownModelException("no model 'x'"), "r").getCode());
    }

    @Test
    void anyOtherException_isInternal_withTheRequestIdAndNoDetails() {
        Status s =
                Statuses.of(
                        new CompletionException(
                                new IllegalArgumentException(
                                        "index 12 out of bounds for length 10")),
                        "req-42");
        assertEquals(Status.Code.INTERNAL, s.getCode());
        assertTrue(s.getDescription().contains("req-42"), s.getDescription());
        assertFalse(
                s.getDescription().contains("out of bounds"),
                "details stay in the log: " + s.getDescription());
        assertFalse(s.getDescription().contains("IllegalArgumentException"), s.getDescription());
        assertEquals(Status.Code.INTERNAL, Statuses.of(new NullPointerException(), "r").getCode());
    }
}
