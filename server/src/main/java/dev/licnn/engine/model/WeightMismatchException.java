package dev.licnn.engine.model;

import java.util.List;

/**
 * Loaded weights do not match the expected architecture. The message lists every missing,
 * unexpected and misshapen tensor (with expected and found shapes), not only the first.
 */
public class WeightMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param problems one line per offending tensor
     */
    public WeightMismatchException(List<String> problems) {
        super(problems.size() + " weight problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return one description per offending tensor */
    public List<String> problems() {
        return problems;
    }
}
