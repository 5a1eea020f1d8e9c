package dev.licnn.cli;

import dev.licnn.engine.model.ModelFormatException;
import dev.licnn.engine.model.SafeTensorsFormatException;
import dev.licnn.engine.model.WeightMismatchException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Finds, in an exception and its causes, what a person at a terminal needs: the engine's own
 * one-line cause (a model folder or weights file that cannot be used, a missing file) rather than
 * the wrapper ({@code worker cpu-0 ... failed to create its processor}).
 */
final class LoadErrors {

    private LoadErrors() {}

    /**
     * @param t what the command threw
     * @return the line to print after {@code licnn: error: }, or null when no cause in the chain is
     *     the user's (a bad path, a bad model folder or weights file)
     */
    static String userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ModelFormatException || c instanceof SafeTensorsFormatException) {
                return firstLine(c.getMessage());
            }
            if (c instanceof WeightMismatchException w) {
                return w.problems().isEmpty()
                        ? firstLine(w.getMessage())
                        : "the weights do not fit the architecture: "
                                + w.problems().get(0)
                                + (w.problems().size() > 1
                                        ? ", and " + (w.problems().size() - 1) + " more"
                                        : "");
            }
            if (c instanceof NoSuchFileException f) {
                return "no such file: " + f.getFile();
            }
            if (c instanceof AccessDeniedException f) {
                return "cannot read " + f.getFile() + ": permission denied";
            }
        }
        return null;
    }

    /** The innermost cause's message, in one line (for errors that are not the user's). */
    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        String line = m == null ? c.getClass().getSimpleName() : firstLine(m);
        return c == t ? line : line + " (" + firstLine(String.valueOf(t.getMessage())) + ")";
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
