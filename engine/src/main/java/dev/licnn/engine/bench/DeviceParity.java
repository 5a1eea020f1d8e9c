package dev.licnn.engine.bench;

import ai.djl.Device;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Compares the engine on a device with the engine on the CPU for the same model and images: the
 * top-k classes must be identical and every attention and saliency map within relative L2 {@code
 * --tolerance} (default 1e-2). Each side uses its device's own setting ({@code
 * EngineConfig.forDevice}). Exits with status 1 when a check fails.
 *
 * <pre>
 * java -cp ... dev.licnn.engine.bench.DeviceParity --device cuda:0 [--model DIR | --arch vgg16] [--images 4] [--k 5]
 * </pre>
 */
public final class DeviceParity {

    private DeviceParity() {}

    public static void main(String[] args) throws Exception {
        String arch = "vgg16";
        String model = null;
        String deviceName = "cuda:0";
        int images = 4;
        int k = 5;
        double tolerance = 1e-2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--arch":
                    arch = args[++i];
                    break;
                case "--model":
                    model = args[++i];
                    break;
                case "--device":
                    deviceName = args[++i];
                    break;
                case "--images":
                    images = Integer.parseInt(args[++i]);
                    break;
                case "--k":
                    k = Integer.parseInt(args[++i]);
                    break;
                case "--tolerance":
                    tolerance = Double.parseDouble(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ModelCard card =
                model != null
                        ? ModelCard.load(Path.of(model))
                        : ModelCard.random(
                                arch,
                                VggSpec.byName(arch),
                                42,
                                Labels.indexed(VggSpec.byName(arch).numClasses()));
        Device device = EngineBench.device(deviceName);
        int failures = 0;
        try (VggNetwork cpuNet = card.createNetwork(Device.cpu());
                VggNetwork devNet = card.createNetwork(device)) {
            LicnnEngine cpu = new LicnnEngine(cpuNet);
            LicnnEngine dev = new LicnnEngine(devNet);
            System.out.printf(
                    "model=%s k=%d cpu=%s %s=%s tolerance=%.0e%n",
                    card.name(), k, cpu.config(), device, dev.config(), tolerance);
            Random rnd = new Random(3);
            double worst = 0;
            for (int img = 0; img < images; img++) {
                float[] x = new float[3 * 224 * 224];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) rnd.nextGaussian();
                }
                ExplainJob job = ExplainJob.builder().setInput(x, 224, 224).optTopK(k).build();
                ExplainResult a = cpu.explain(job);
                ExplainResult b = dev.explain(job);
                boolean sameTop = Arrays.equals(a.prediction().targets(), b.prediction().targets());
                double[] err = new double[k];
                for (int r = 0; r < k && sameTop; r++) {
                    ClassAttention ca = a.classes().get(r);
                    ClassAttention cb = b.classes().get(r);
                    err[r] = relL2(cb.attention().data(), ca.attention().data());
                    worst = Math.max(worst, err[r]);
                }
                double sal = relL2(b.saliency().data(), a.saliency().data());
                worst = Math.max(worst, sal);
                boolean ok =
                        sameTop
                                && sal <= tolerance
                                && Arrays.stream(err).max().orElse(0) <= tolerance;
                failures += ok ? 0 : 1;
                System.out.printf(
                        "image %d: top-%d %s %s; attention rel L2 %s; saliency rel L2 %.2e -> %s%n",
                        img,
                        k,
                        Arrays.toString(a.prediction().targets()),
                        sameTop
                                ? "identical"
                                : "DIFFERENT " + Arrays.toString(b.prediction().targets()),
                        Arrays.toString(
                                Arrays.stream(err)
                                        .mapToObj(e -> String.format("%.1e", e))
                                        .toArray()),
                        sal,
                        ok ? "ok" : "FAIL");
            }
            System.out.printf(
                    "worst rel L2 %.2e; %d of %d images failed%n", worst, failures, images);
        }
        if (failures > 0) {
            System.exit(1);
        }
    }

    static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
