package dev.licnn.engine.model;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link WeightMismatchException} into one line: the first problem, how many more, and what
 * the weights look like when that can be told from their names and shapes ("resnet weights: this
 * model folder says vgg16", "vgg11 weights: ...", "1000 classes: ...").
 */
final class WeightHints {

    private WeightHints() {}

    /**
     * @param e the mismatch
     * @param found names and shapes of the loaded weights
     * @param spec what the model folder says
     * @param source the weights file, for the message
     * @return one line
     */
    static String explain(
            WeightMismatchException e, Map<String, Shape> found, VggSpec spec, String source) {
        List<String> problems = e.problems();
        String first = problems.isEmpty() ? "" : problems.get(0);
        StringBuilder sb =
                new StringBuilder(source)
                        .append(": the weights do not fit ")
                        .append(spec.name())
                        .append(": ")
                        .append(first);
        if (problems.size() > 1) {
            sb.append(", and ").append(problems.size() - 1).append(" more");
        }
        String guess = guess(found, spec);
        if (guess != null) {
            sb.append(" (").append(guess).append(")");
        }
        return sb.toString();
    }

    /** What the weights seem to be, or null when nothing can be said. */
    static String guess(Map<String, Shape> found, VggSpec spec) {
        String says = "this model folder says " + spec.name();
        if (found.containsKey("fc.weight") || found.containsKey("layer1.0.conv1.weight")) {
            return "resnet weights: " + says;
        }
        int convs = 0;
        boolean bn = false;
        boolean bnScales = false;
        for (Map.Entry<String, Shape> e : found.entrySet()) {
            String n = e.getKey();
            if (n.startsWith("features.")
                    && n.endsWith(".weight")
                    && e.getValue().dimension() == 4) {
                convs++;
            }
            bnScales |=
                    n.startsWith("features.")
                            && n.endsWith(".weight")
                            && e.getValue().dimension() == 1;
            bn |= n.startsWith("features.") && n.endsWith(".running_mean");
        }
        if (bnScales && !bn) {
            return "batch-norm running statistics are missing, as in a TorchScript file: save"
                    + " torch.save(model.state_dict(), 'model.pth') and import that";
        }
        if (convs == 0) {
            return found.isEmpty()
                    ? "the file holds no tensors"
                    : "not VGG weights (no features.N convolutions; first tensor '"
                            + found.keySet().iterator().next()
                            + "')";
        }
        String arch = null;
        switch (convs) {
            case 8:
                arch = "vgg11";
                break;
            case 10:
                arch = "vgg13";
                break;
            case 13:
                arch = "vgg16";
                break;
            case 16:
                arch = "vgg19";
                break;
            default:
                break;
        }
        int specConvs = 0;
        for (int v : spec.layers()) {
            specConvs += v == VggSpec.POOL ? 0 : 1;
        }
        if (arch != null && (convs != specConvs || bn != spec.batchNorm())) {
            return arch + (bn ? "_bn" : "") + " weights: " + says;
        }
        if (arch == null && convs != specConvs) {
            return convs + " convolutions in the weights: " + says + " (" + specConvs + ")";
        }
        Shape last = found.get("classifier.6.weight");
        if (last != null && last.dimension() == 2 && last.get(0) != spec.numClasses()) {
            return last.get(0)
                    + " classes in the weights: this model folder says "
                    + spec.numClasses()
                    + " (set architecture.num_classes)";
        }
        return null;
    }
}
