package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * @return one description per offending tensor
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * Checks {@code found} against {@code expected}: every missing, unexpected and misshapen tensor
     * is listed. Batch-norm {@code num_batches_tracked} counters are ignored (they carry no
     * weights).
     *
     * @throws WeightMismatchException if anything does not fit
     */
    public static void check(Map<String, Shape> expected, Map<String, NDArray> found) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = found.get(e.getKey());
            if (a == null) {
                problems.add("missing '" + e.getKey() + "': expected shape " + e.getValue());
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add(
                        "misshapen '"
                                + e.getKey()
                                + "': expected shape "
                                + e.getValue()
                                + ", found "
                                + a.getShape());
            }
        }
        for (Map.Entry<String, NDArray> e : found.entrySet()) {
            if (!expected.containsKey(e.getKey()) && !e.getKey().endsWith("num_batches_tracked")) {
                problems.add(
                        "unexpected '"
                                + e.getKey()
                                + "': found shape "
                                + e.getValue().getShape()
                                + ", expected none");
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightMismatchException(problems);
        }
    }
}
