package dev.licnn.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.explain.Outcome;
import dev.licnn.engine.licnn.EngineConfig;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures, in one process, F (one batch-1 forward pass of a VGG at 224x224, fp32) and the time of
 * one top-k LICNN saliency map for one or more engine settings, and reports their ratio, the time
 * of each engine stage, and the process's resident memory before and after a run of consecutive
 * maps. The settings are timed in turns (F, then one map with each setting, repeated), so a slower
 * or busier machine affects them all alike.
 *
 * <p>{@code licnn bench-engine} runs it with these options; so does its own {@link #main}:
 *
 * <pre>
 * java -cp ... dev.licnn.engine.bench.EngineBench [--arch vgg16 | --model DIR] [--maps 200]
 *     [--repeats 11] [--k 5] [--batch 1] [--engines "java,per-class;tensor,batch" | --compare] [--device cuda:0]
 * </pre>
 */
@Command(
        name = "bench-engine",
        mixinStandardHelpOptions = true,
        description =
                "Engine benchmark: forward pass vs one top-k saliency map, in one process, with the time of "
                        + "each engine stage and the RSS over consecutive maps.")
public final class EngineBench implements Callable<Integer> {

    private static final String[] STAGES = {
        "forward", "backward", "inhibition", "masked_forward", "attention"
    };
    static final String ALL = "java,per-class;java,batch;tensor,per-class;tensor,batch";

    @Mixin ModelChoice modelChoice = new ModelChoice();

    @Option(
            names = "--maps",
            defaultValue = "200",
            description =
                    "Consecutive maps for the time and RSS trace at the end, 0 for none (default ${DEFAULT-VALUE}).")
    int maps;

    @Option(
            names = "--repeats",
            defaultValue = "11",
            description = "Timed turns of F and one map per setting (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--k",
            defaultValue = "5",
            description = "Classes per map, top-k (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--batch",
            defaultValue = "1",
            description = "Images per engine call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--engines",
            defaultValue = "auto",
            paramLabel = "SETTINGS",
            description =
                    "Engine settings separated by ';', each java|tensor[,batch|,per-class], or auto "
                            + "(default ${DEFAULT-VALUE}).")
    String engines;

    @Option(
            names = "--compare",
            description = "Every engine setting (" + ALL + "); replaces --engines.")
    boolean compare;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description = "cpu or cuda:N (default ${DEFAULT-VALUE}).")
    String deviceName;

    @Spec CommandSpec spec;

    /** Runs the benchmark; exits with status 2 on a bad option. */
    public static void main(String[] args) {
        Args.runAsMain(new EngineBench(), args);
    }

    /** The engine settings asked for, in order. */
    List<EngineConfig> configs(Device device) {
        List<EngineConfig> configs = new ArrayList<>();
        for (String e : (compare ? ALL : engines).split(";")) {
            configs.add(EngineConfig.parse(e, device));
        }
        return configs;
    }

    @Override
    public Integer call() throws Exception {
        Args.atLeast(spec, "--maps", maps, 0);
        Args.atLeast(spec, "--repeats", repeats, 1);
        Args.atLeast(spec, "--k", k, 1);
        Args.atLeast(spec, "--batch", batch, 1);
        Device device = Args.checked(spec, "--device", () -> device(deviceName));
        Args.checked(spec, compare ? "--compare" : "--engines", () -> configs(device));
        ModelCard card = modelChoice.card(spec);
        System.out.printf(
                "model=%s input=224x224 fp32 k=%d batch=%d repeats=%d threads=%s device=%s%n",
                card.name(),
                k,
                batch,
                repeats,
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                device);
        try (VggNetwork net = card.createNetwork(device)) {
            List<EngineConfig> configs = configs(device);
            List<LicnnEngine> list = new ArrayList<>();
            List<Map<String, double[]>> stageTimes = new ArrayList<>();
            for (EngineConfig c : configs) {
                LicnnEngine engine = new LicnnEngine(net, c);
                Map<String, double[]> st = new ConcurrentHashMap<>();
                engine.setStageListener(
                        (stage, nanos) ->
                                st.computeIfAbsent(stage, x -> new double[1])[0] += nanos / 1e6);
                list.add(engine);
                stageTimes.add(st);
            }
            Random rnd = new Random(7);
            List<float[]> images = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                float[] x = new float[3 * 224 * 224];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) rnd.nextGaussian();
                }
                images.add(x);
            }
            // Warm-up.
            forward(net, images.get(0));
            forward(net, images.get(0));
            for (LicnnEngine e : list) {
                run(e, images, k);
            }
            double[] f = new double[repeats];
            double[][] s = new double[list.size()][repeats];
            List<Map<String, double[]>> perRun = new ArrayList<>();
            for (int c = 0; c < list.size(); c++) {
                Map<String, double[]> m = new java.util.LinkedHashMap<>();
                for (String st : STAGES) {
                    m.put(st, new double[repeats]);
                }
                perRun.add(m);
            }
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                forward(net, images.get(0));
                f[r] = (System.nanoTime() - t0) / 1e6;
                for (int c = 0; c < list.size(); c++) {
                    stageTimes.get(c).clear();
                    long t1 = System.nanoTime();
                    run(list.get(c), images, k);
                    s[c][r] = (System.nanoTime() - t1) / 1e6 / batch;
                    for (String st : STAGES) {
                        double[] tot = stageTimes.get(c).get(st);
                        perRun.get(c).get(st)[r] = tot == null ? 0 : tot[0] / batch;
                    }
                }
            }
            Samples fs = Samples.of(f);
            double fm = fs.median();
            System.out.printf(
                    "F (forward, batch 1): median %s ms (n=%d, [95%% interval of the median])%n",
                    fs.format("%.1f"), repeats);
            System.out.printf(
                    "%-18s %-26s %-9s %s%n",
                    "engine", "ms per map", "F per map", "stage medians, ms per map");
            for (int c = 0; c < list.size(); c++) {
                Samples sc = Samples.of(s[c]);
                StringBuilder b = new StringBuilder();
                for (String st : STAGES) {
                    b.append(
                            String.format(
                                    " %s %.1f", st, Samples.of(perRun.get(c).get(st)).median()));
                }
                System.out.printf(
                        "%-18s %-26s %-9s%s%n",
                        configs.get(c),
                        sc.format("%.1f"),
                        String.format("%.2f", sc.median() / fm),
                        b);
            }
            if (maps > 0) {
                LicnnEngine engine = list.get(list.size() - 1);
                System.out.println("consecutive maps with " + engine.config() + ":");
                long rssBefore = rssKb();
                long t = System.nanoTime();
                int done = 0;
                StringBuilder trace = new StringBuilder();
                int step = Math.max(batch, maps / 4);
                int next = step;
                while (done < maps) {
                    run(engine, images, k);
                    done += batch;
                    if (done >= next) {
                        Runtime rt = Runtime.getRuntime();
                        trace.append(
                                String.format(
                                        " %d:%dMB(heap %dMB)",
                                        done,
                                        rssKb() / 1024,
                                        (rt.totalMemory() - rt.freeMemory()) >> 20));
                        next += step;
                    }
                }
                System.out.println("RSS after n maps (JVM heap in use):" + trace);
                double per = (System.nanoTime() - t) / 1e6 / done;
                long rssAfter = rssKb();
                System.out.printf(
                        "%d consecutive maps: %.1f ms per map (%.2f F); RSS before %d MB, after %d MB%n",
                        done, per, per / fm, rssBefore / 1024, rssAfter / 1024);
            }
        }
        return 0;
    }

    /** {@code cpu}, {@code cuda:N} or {@code gpu:N}. */
    public static Device device(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.startsWith("cuda:") || n.startsWith("gpu:")) {
            return Device.gpu(Integer.parseInt(n.substring(n.indexOf(':') + 1)));
        }
        throw new IllegalArgumentException(
                "unknown device '" + name + "' (expected cpu or cuda:N)");
    }

    /** One forward pass; the logits are read back, which waits for an asynchronous device. */
    private static void forward(VggNetwork net, float[] x) {
        try (NDManager call = net.manager().newSubManager()) {
            NDArray in = call.create(x, new Shape(1, 3, 224, 224));
            try (NDArray lg = net.logits(in, null)) {
                lg.toFloatArray();
            }
        }
    }

    private static void run(LicnnEngine engine, List<float[]> images, int k) {
        List<ExplainJob> jobs = new ArrayList<>();
        for (float[] x : images) {
            jobs.add(ExplainJob.builder().setInput(x, 224, 224).optTopK(k).build());
        }
        for (Outcome o : engine.explainAll(jobs)) {
            if (o.error() != null) {
                throw new IllegalStateException(o.error());
            }
        }
    }

    /** Resident set size of this process in kB (Linux), or -1. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
