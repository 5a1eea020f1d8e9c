package dev.licnn.engine.bench;

import ai.djl.Device;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.ExplainResult;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Compares the engine on a device with the engine on the CPU for the same model and images: the
 * top-k classes must be identical and every attention and saliency map within relative L2 {@code
 * --tolerance} (default 1e-2). Each side uses its device's own setting ({@code
 * EngineConfig.forDevice}). Exits with status 1 when a check fails.
 *
 * <p>{@code licnn parity} runs it with these options; so does its own {@link #main}:
 *
 * <pre>
 * java -cp ... dev.licnn.engine.bench.DeviceParity --device cuda:0 [--model DIR | --arch vgg16] [--images 4] [--k 5]
 * </pre>
 */
@Command(
        name = "parity",
        mixinStandardHelpOptions = true,
        description =
                "Compare the engine on a device with the engine on the CPU: identical top-k classes, maps within "
                        + "relative L2 --tolerance. Exit status 1 when an image fails.")
public final class DeviceParity implements Callable<Integer> {

    @Mixin ModelChoice modelChoice = new ModelChoice();

    @Option(
            names = "--device",
            defaultValue = "cuda:0",
            description =
                    "The device compared with the CPU: cpu or cuda:N (default ${DEFAULT-VALUE}).")
    String deviceName;

    @Option(
            names = "--images",
            defaultValue = "4",
            description = "Random images compared (default ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--k",
            defaultValue = "5",
            description = "Classes per map, top-k (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--tolerance",
            defaultValue = "1e-2",
            description = "Largest relative L2 difference of a map (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Spec CommandSpec spec;

    /** Runs the comparison; exits with status 1 when an image fails, 2 on a bad option. */
    public static void main(String[] args) {
        Args.runAsMain(new DeviceParity(), args);
    }

    @Override
    public Integer call() throws Exception {
        Args.atLeast(spec, "--images", images, 1);
        Args.atLeast(spec, "--k", k, 1);
        if (!(tolerance >= 0)) {
            throw new ParameterException(
                    spec.commandLine(), "--tolerance must be at least 0, got " + tolerance);
        }
        Device device = Args.checked(spec, "--device", () -> EngineBench.device(deviceName));
        ModelCard card = modelChoice.card(spec);
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
        return failures > 0 ? 1 : 0;
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
