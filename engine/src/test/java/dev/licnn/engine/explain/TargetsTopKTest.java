package dev.licnn.engine.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The one rule for a requested k against a model's classes. */
class TargetsTopKTest {

    @Test
    void unset_isTheDefaultCappedByTheClasses() {
        assertEquals(5, Targets.topK(0, 1000));
        assertEquals(5, Targets.topK(0, 10));
        assertEquals(3, Targets.topK(0, 3));
    }

    @Test
    void withinRange_isKept() {
        assertEquals(1, Targets.topK(1, 10));
        assertEquals(10, Targets.topK(10, 10));
        assertEquals(1000, Targets.topK(1000, 1000));
    }

    @Test
    void outOfRange_isRefusedNamingTheRange() {
        for (int k : new int[] {-1, 11, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            InvalidInputException e =
                    assertThrows(InvalidInputException.class, () -> Targets.topK(k, 10));
            assertTrue(
                    e.getMessage()
                            .equals(
                                    "top_k must be between 1 and 10 (the model's classes), got "
                                            + k),
                    e.getMessage());
        }
    }
}
