package dev.licnn.experiments.sanity;

import com.google.gson.GsonBuilder;
import dev.licnn.experiments.data.ImageSelection;
import dev.licnn.experiments.imaging.Montage;
import dev.licnn.experiments.imaging.Pictures;
import dev.licnn.experiments.measure.Hog;
import dev.licnn.experiments.measure.Ssim;
import dev.licnn.experiments.stats.Correlation;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sanity check's measurements and outputs: {@code sanity.csv} (one row per image, method, mode,
 * seed and step), {@code summary.csv} and {@code sanity.json} (per method, mode and step: mean ± sd
 * with a bootstrap interval over images and seeds, see {@link SanityStats}), one chart per mode and
 * metric with those intervals, and per image a montage of the maps under cascading randomisation
 * (first seed).
 */
final class SanityReport {

    private static final int MONTAGE_SIDE = 112;

    private final ModelDescription d;
    private final List<ImageSelection.Image> images;
    private final int[] targets;
    private final List<ExplainMethod> methods;
    private final List<Randomisation.Mode> modes;
    private final List<Randomisation.Layer> layers;
    private final List<Integer> steps;
    private final long montageSeed;
    private final int montageImages;
    private final List<SanityStats.Row> rows = new ArrayList<>();
    private final Map<String, float[]> thumbs = new ConcurrentHashMap<>();

    SanityReport(
            ModelDescription d,
            List<ImageSelection.Image> images,
            int[] targets,
            List<ExplainMethod> methods,
            List<Randomisation.Mode> modes,
            List<Randomisation.Layer> layers,
            List<Integer> steps,
            long montageSeed,
            int montageImages) {
        this.d = d;
        this.images = images;
        this.targets = targets;
        this.methods = methods;
        this.modes = modes;
        this.layers = layers;
        this.steps = steps;
        this.montageSeed = montageSeed;
        this.montageImages = montageImages;
    }

    private int h() {
        return d.getInputSize().getHeight();
    }

    private int w() {
        return d.getInputSize().getWidth();
    }

    /** Keeps a thumbnail of an original map for the montage. */
    void original(int image, ExplainMethod m, float[] map) {
        if (image < montageImages) {
            thumbs.put(image + "/" + m + "/-1", shrink(map, h(), w()));
        }
    }

    /** Measures one variant's map against the original's. Thread-safe. */
    void add(SanityExperiment.Job job, float[] original, float[] map) {
        int h = h();
        int w = w();
        double s = Correlation.spearman(original, map);
        double sa = Correlation.spearmanAbs(original, map);
        double hog = Correlation.pearson(Hog.descriptor(original, h, w), Hog.descriptor(map, h, w));
        double ssim = Ssim.ssim(original, map, h, w, Ssim.range(original));
        Randomisation.Layer l = layers.get(job.step());
        SanityStats.Row r =
                new SanityStats.Row(
                        job.image(),
                        images.get(job.image()).name(),
                        targets[job.image()],
                        SanityExperiment.methodName(job.method()),
                        job.mode().key(),
                        job.seed(),
                        job.step(),
                        l.name(),
                        l.module(),
                        s,
                        sa,
                        hog,
                        ssim,
                        SanityStats.destroyed(map));
        synchronized (rows) {
            rows.add(r);
        }
        if (job.mode() == Randomisation.Mode.CASCADING
                && job.image() < montageImages
                && job.seed() == montageSeed) {
            thumbs.put(job.image() + "/" + job.method() + "/" + job.step(), shrink(map, h, w));
        }
    }

    /** Writes every output. */
    void write(Path out, List<Long> seeds) throws IOException {
        List<SanityStats.Row> sorted = new ArrayList<>(rows);
        sorted.sort(SanityStats.ORDER);
        Files.writeString(
                out.resolve("sanity.csv"), SanityStats.csv(sorted), StandardCharsets.UTF_8);
        List<SanityStats.Summary> summary = SanityStats.summarise(sorted);
        Files.writeString(
                out.resolve("summary.csv"),
                SanityStats.summaryCsv(summary),
                StandardCharsets.UTF_8);
        System.out.print(SanityStats.table(summary, "spearman"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", d.getName());
        json.put("images", images.stream().map(ImageSelection.Image::name).toList());
        json.put("seeds", seeds);
        json.put("smoothgrad_noise_seed", SanityExperiment.NOISE_SEED);
        json.put("target", "the original model's top-1 class, explained by every variant");
        json.put(
                "destroyed",
                "a variant whose map is constant (no ranking, no structure) counts as similarity 0 and is counted");
        json.put(
                "hog",
                "9 unsigned bins, 8x8-pixel cells, 2x2-cell blocks, L2-Hys (skimage.feature.hog conventions)");
        json.put(
                "ssim",
                "Gaussian window 11x11 sigma 1.5, K1 0.01, K2 0.03, data range max-min of the original map, valid windows");
        json.put("spearman", "average ranks for ties; spearman_abs on absolute values");
        json.put("summary", summary);
        Files.writeString(
                out.resolve("sanity.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(json),
                StandardCharsets.UTF_8);
        SanityStats.charts(out, summary);
        montages(out);
        System.out.println(
                "per-map similarities: "
                        + out.resolve("sanity.csv")
                        + "; per step: "
                        + out.resolve("summary.csv")
                        + "; charts and montages under "
                        + out);
    }

    private void montages(Path out) throws IOException {
        List<String> headers = new ArrayList<>();
        headers.add("original");
        steps.forEach(st -> headers.add("to " + layers.get(st).name()));
        for (int i = 0; i < Math.min(montageImages, images.size()); i++) {
            Montage m = new Montage(96, headers);
            for (ExplainMethod me : methods) {
                List<Montage.Cell> cells = new ArrayList<>();
                List<Integer> cols = new ArrayList<>();
                cols.add(-1);
                cols.addAll(steps);
                for (int st : cols) {
                    float[] t = thumbs.get(i + "/" + me + "/" + st);
                    cells.add(
                            new Montage.Cell(
                                    t == null ? null : Pictures.heatmap(t, side(h()), side(w())),
                                    List.of()));
                }
                m.row(SanityExperiment.methodName(me), cells);
            }
            m.write(out.resolve("sanity-montage-" + i + ".png"));
        }
    }

    private static int side(int n) {
        return Math.min(n, MONTAGE_SIDE);
    }

    /** Nearest-neighbour shrink to at most {@value #MONTAGE_SIDE} per side. */
    private static float[] shrink(float[] map, int h, int w) {
        int oh = side(h);
        int ow = side(w);
        float[] o = new float[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                o[y * ow + x] = map[(y * h / oh) * w + x * w / ow];
            }
        }
        return o;
    }
}
