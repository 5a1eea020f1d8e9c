package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parameters that do not fit a model: each missing, extra or misshapen tensor is named. */
public class WeightMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public WeightMismatchException(List<String> problems) {
        super("weights do not match the model: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, e.g. {@code "features.0.weight: expected (64, 3, 3, 3), found (32, 3, 3, 3)"}. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Checks {@code found} against {@code expected}; batch-norm {@code num_batches_tracked}
     * counters are ignored.
     *
     * @throws WeightMismatchException listing every problem
     */
    public static void check(Map<String, Shape> expected, Map<String, NDArray> found) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = found.get(e.getKey());
            if (a == null) {
                problems.add(e.getKey() + ": missing (expected " + e.getValue() + ")");
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add(e.getKey() + ": expected " + e.getValue() + ", found " + a.getShape());
            }
        }
        for (String name : found.keySet()) {
            if (!expected.containsKey(name) && !name.endsWith("num_batches_tracked")) {
                problems.add(name + ": unexpected (found " + found.get(name).getShape() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightMismatchException(problems);
        }
    }
}
