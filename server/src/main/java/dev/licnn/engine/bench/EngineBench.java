package dev.licnn.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.licnn.ExplainJob;
import dev.licnn.engine.licnn.LicnnEngine;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Measures, in one process, F (one batch-1 forward pass of a VGG at 224x224, fp32) and the time of
 * one top-k LICNN saliency map, and reports their ratio and the process's resident memory before
 * and after a run of consecutive maps.
 *
 * <pre>
 * java -cp ... dev.licnn.engine.bench.EngineBench [--arch vgg16] [--maps 200] [--repeats 7] [--k 5] [--batch 1]
 * </pre>
 */
public final class EngineBench {

    private EngineBench() {}

    public static void main(String[] args) throws Exception {
        String arch = "vgg16";
        int maps = 200;
        int repeats = 7;
        int k = 5;
        int batch = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--arch": arch = args[++i]; break;
                case "--maps": maps = Integer.parseInt(args[++i]); break;
                case "--repeats": repeats = Integer.parseInt(args[++i]); break;
                case "--k": k = Integer.parseInt(args[++i]); break;
                case "--batch": batch = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        VggSpec spec = VggSpec.byName(arch);
        System.out.printf("arch=%s input=224x224 fp32 k=%d batch=%d threads=%s%n", arch, k, batch,
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = StateDict.initTorchvision(spec.parameterShapes(), 42, m);
                VggNetwork net = VggNetwork.create(spec, w.asMap(), Device.cpu())) {
            w.close();
            LicnnEngine engine = new LicnnEngine(net);
            java.util.Map<String, long[]> stageTotals = new java.util.concurrent.ConcurrentHashMap<>();
            engine.setStageListener((stage, nanos) -> stageTotals.computeIfAbsent(stage, x -> new long[1])[0] += nanos);
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
            run(engine, images, k);
            stageTotals.clear();
            double[] f = new double[repeats];
            double[] s = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                forward(net, images.get(0));
                f[r] = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                run(engine, images, k);
                s[r] = (System.nanoTime() - t1) / 1e6 / batch;
            }
            System.out.print("stage times per image (mean over the timed runs):");
            for (String st : new String[] {"forward", "backward", "inhibition", "masked_forward", "attention"}) {
                long[] tot = stageTotals.get(st);
                System.out.printf(" %s %.0f ms", st, tot == null ? 0 : tot[0] / 1e6 / repeats / batch);
            }
            System.out.println();
            double fm = median(f);
            double sm = median(s);
            System.out.printf("F (forward, batch 1): median %.1f ms%n", fm);
            System.out.printf("top-%d saliency map: median %.1f ms per image = %.2f F%n", k, sm, sm / fm);
            if (maps > 0) {
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
                        trace.append(String.format(" %d:%dMB(heap %dMB)", done, rssKb() / 1024,
                                (rt.totalMemory() - rt.freeMemory()) >> 20));
                        next += step;
                    }
                }
                System.out.println("RSS after n maps (JVM heap in use):" + trace);
                double per = (System.nanoTime() - t) / 1e6 / done;
                long rssAfter = rssKb();
                System.out.printf("%d consecutive maps: %.1f ms per map (%.2f F); RSS before %d MB, after %d MB%n",
                        done, per, per / fm, rssBefore / 1024, rssAfter / 1024);
            }
        }
    }

    private static void forward(VggNetwork net, float[] x) {
        try (NDManager call = net.manager().newSubManager()) {
            NDArray in = call.create(x, new Shape(1, 3, 224, 224));
            net.logits(in, null).close();
        }
    }

    private static void run(LicnnEngine engine, List<float[]> images, int k) {
        List<ExplainJob> jobs = new ArrayList<>();
        for (float[] x : images) {
            jobs.add(ExplainJob.builder().setInput(x, 224, 224).optTopK(k).build());
        }
        for (LicnnEngine.Outcome o : engine.explainAll(jobs)) {
            if (o.error() != null) {
                throw new IllegalStateException(o.error());
            }
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
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
