package dev.licnn.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.model.Architectures;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import dev.licnn.engine.model.WeightsFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import WEIGHTS --arch vgg16 --out DIR}: a model folder from a user's weights file (a
 * PyTorch state dict, TorchScript or safetensors). The weights are checked against the architecture
 * and written as safetensors beside {@code model.json} and {@code labels.json}; the class count
 * comes from the weights' last layer, and the pre-processing is torchvision's.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description =
                "Make a model folder from a weights file: a PyTorch state dict (torch.save, .pth), TorchScript or safetensors.")
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WEIGHTS", description = "The weights file.")
    Path weights;

    @Option(
            names = "--arch",
            required = true,
            description =
                    "Architecture: vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn (with --layers: any name).")
    String arch;

    @Option(
            names = "--layers",
            description =
                    "Custom convolution widths and M for pools, e.g. 32,32,M,64,M (only for widths other than ARCH's).")
    String layers;

    @Option(
            names = "--labels",
            description =
                    "imagenet (torchvision's names), a labels.json, or a text file with one name per line. "
                            + "Default: imagenet for 1000 classes, else class_0 ... class_N-1.")
    String labels;

    @Option(names = "--name", description = "Model name (default: the folder's name).")
    String name;

    @Option(names = "--out", required = true, description = "The model folder to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(weights)) {
            throw new CliException("no such file: " + weights);
        }
        if (Files.exists(out.resolve("model.json"))) {
            throw new CliException(
                    out + " is already a model folder; remove it or choose another --out");
        }
        VggSpec spec = spec();
        WeightsFormat format = WeightsFormat.detect(weights);
        String modelName =
                name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        Path target = out.resolve("weights.safetensors");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                StateDict w = StateDict.load(weights, manager)) {
            spec = withClassifierOf(spec, w);
            w.requireFits(spec, weights.toString());
            Labels l = labels(spec.numClasses());
            Files.createDirectories(out);
            Map<String, NDArray> kept = new LinkedHashMap<>();
            for (String p : spec.parameterShapes().keySet()) {
                kept.put(p, w.get(p));
            }
            SafeTensors.write(target, kept, Map.of("format", "pt"));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put(
                    "weights",
                    "imported from " + weights.getFileName() + " (" + describe(format) + ")");
            ModelCard card = ModelCard.ofFile(modelName, spec, target, l).withInfo(info);
            card.save(out, target.getFileName().toString());
        }
        ModelCard written = ModelCard.load(out);
        long params = 0;
        for (Shape s : written.spec().parameterShapes().values()) {
            params += s.size();
        }
        System.out.printf(
                "imported %s (%d classes, %,d parameters, input %d, resize %d) from %s into %s%n",
                written.spec().name(),
                written.spec().numClasses(),
                params,
                written.preprocess().cropSize(),
                written.preprocess().resizeShorter(),
                weights,
                out);
        System.out.printf(
                "serve it: licnn serve --model %s   or explain with it: licnn explain IMAGE --model-dir %s%n",
                out, out);
        return 0;
    }

    private VggSpec spec() {
        if (layers == null) {
            return Architectures.vgg(arch);
        }
        String[] parts = layers.split(",");
        int[] l = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.equalsIgnoreCase("M")) {
                l[i] = VggSpec.POOL;
            } else if (p.matches("\\d+")) {
                l[i] = Integer.parseInt(p);
            } else {
                throw new CliException("--layers: '" + p + "' is neither a width nor M");
            }
        }
        return VggSpec.custom(arch, l, arch.endsWith("_bn"), 4096, 1000, 224);
    }

    /** The classifier's widths as the weights have them (hidden and class count). */
    private static VggSpec withClassifierOf(VggSpec spec, StateDict w) {
        if (!w.contains("classifier.6.weight") || !w.contains("classifier.0.weight")) {
            return spec;
        }
        Shape last = w.get("classifier.6.weight").getShape();
        if (last.dimension() != 2) {
            return spec;
        }
        int classes = (int) last.get(0);
        int hidden = (int) last.get(1);
        if (classes == spec.numClasses() && hidden == spec.hidden() || classes < 1 || hidden < 1) {
            return spec;
        }
        return spec.scaled(1, hidden, classes);
    }

    private Labels labels(int classes) throws java.io.IOException {
        if (labels == null) {
            return classes == 1000 ? Labels.imagenetTorchvision() : Labels.indexed(classes);
        }
        Labels l;
        if (labels.toLowerCase(Locale.ROOT).equals("imagenet")) {
            l = Labels.imagenetTorchvision();
        } else {
            Path p = Path.of(labels);
            if (!Files.isRegularFile(p)) {
                throw new CliException("--labels: no such file: " + labels + " (or say imagenet)");
            }
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                l = Labels.fromJson(p);
            } else {
                List<String> names =
                        Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                                .map(String::strip)
                                .filter(s -> !s.isEmpty())
                                .toList();
                try {
                    l = Labels.ofNames(names);
                } catch (IllegalArgumentException e) {
                    throw new CliException("--labels " + labels + ": " + e.getMessage());
                }
            }
        }
        if (l.size() != classes) {
            throw new CliException(
                    "--labels "
                            + labels
                            + " has "
                            + l.size()
                            + " classes, but the weights have "
                            + classes);
        }
        return l;
    }

    private static String describe(WeightsFormat f) {
        return switch (f) {
            case PYTORCH_STATE_DICT -> "PyTorch state dict";
            case TORCHSCRIPT -> "TorchScript";
            case SAFETENSORS -> "safetensors";
        };
    }
}
