package dev.licnn.cli.experiment;

import com.google.gson.GsonBuilder;
import dev.licnn.cli.Pictures;
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
 * The sanity check's measurements and outputs: {@code sanity.csv} (one row per image, method,
 * mode and step), {@code sanity.json} (means), one chart per mode and metric, and per image a
 * montage of the maps under cascading randomisation.
 */
final class SanityReport {

    /** The similarity of one variant's map with the original's. */
    record Row(int image, String file, int classId, String method, String mode, int step, String layer, String module,
            double spearman, double spearmanAbs, double hogPearson, double ssim) {}

    static final String[] METRICS = {"spearman", "spearman_abs", "hog_pearson", "ssim"};

    private static final int MONTAGE_SIDE = 112;

    private final ModelDescription d;
    private final List<ImageSelection.Image> images;
    private final int[] targets;
    private final List<ExplainMethod> methods;
    private final List<Randomisation.Mode> modes;
    private final List<Randomisation.Layer> layers;
    private final int montageImages;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, float[]> thumbs = new ConcurrentHashMap<>();

    SanityReport(ModelDescription d, List<ImageSelection.Image> images, int[] targets, List<ExplainMethod> methods,
            List<Randomisation.Mode> modes, List<Randomisation.Layer> layers, int montageImages) {
        this.d = d;
        this.images = images;
        this.targets = targets;
        this.methods = methods;
        this.modes = modes;
        this.layers = layers;
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
    void add(SanityCommand.Job job, float[] original, float[] map) {
        int h = h();
        int w = w();
        double s = Correlation.spearman(original, map);
        double sa = Correlation.spearmanAbs(original, map);
        double hog = Correlation.pearson(Hog.descriptor(original, h, w), Hog.descriptor(map, h, w));
        double ssim = Ssim.ssim(original, map, h, w, Ssim.range(original));
        Randomisation.Layer l = layers.get(job.step());
        Row r = new Row(job.image(), images.get(job.image()).name(), targets[job.image()], SanityCommand.methodName(job.method()),
                job.mode().key(), job.step(), l.name(), l.module(), s, sa, hog, ssim);
        synchronized (rows) {
            rows.add(r);
        }
        if (job.mode() == Randomisation.Mode.CASCADING && job.image() < montageImages) {
            thumbs.put(job.image() + "/" + job.method() + "/" + job.step(), shrink(map, h, w));
        }
    }

    /** Writes every output. */
    void write(Path out, long seed) throws IOException {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((a, b) -> a.mode().equals(b.mode()) ? a.image() != b.image() ? a.image() - b.image()
                : a.method().equals(b.method()) ? a.step() - b.step() : a.method().compareTo(b.method()) : a.mode().compareTo(b.mode()));
        StringBuilder csv = new StringBuilder("image,file,class_id,method,mode,step,layer,module,spearman,spearman_abs,hog_pearson,ssim\n");
        for (Row r : sorted) {
            csv.append(r.image()).append(',').append(r.file()).append(',').append(r.classId()).append(',').append(r.method())
                    .append(',').append(r.mode()).append(',').append(r.step()).append(',').append(r.layer()).append(',')
                    .append(r.module()).append(',').append(r.spearman()).append(',').append(r.spearmanAbs()).append(',')
                    .append(r.hogPearson()).append(',').append(r.ssim()).append('\n');
        }
        Files.writeString(out.resolve("sanity.csv"), csv, StandardCharsets.UTF_8);
        List<Map<String, Object>> means = new ArrayList<>();
        System.out.printf("%-12s %-22s %-8s %9s %9s %9s %9s%n", "mode", "method", "layer", "spearman", "|spear.|", "hog", "ssim");
        for (Randomisation.Mode md : modes) {
            for (ExplainMethod m : methods) {
                for (int st = 0; st < layers.size(); st++) {
                    double[] v = mean(sorted, md.key(), SanityCommand.methodName(m), st);
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("mode", md.key());
                    e.put("method", SanityCommand.methodName(m));
                    e.put("step", st);
                    e.put("layer", layers.get(st).name());
                    e.put("module", layers.get(st).module());
                    for (int k = 0; k < METRICS.length; k++) {
                        e.put(METRICS[k], v[k]);
                    }
                    means.add(e);
                    System.out.printf("%-12s %-22s %-8s %9.3f %9.3f %9.3f %9.3f%n", md.key(), SanityCommand.methodName(m),
                            layers.get(st).name(), v[0], v[1], v[2], v[3]);
                }
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", d.getName());
        json.put("images", images.stream().map(ImageSelection.Image::name).toList());
        json.put("seed", seed);
        json.put("target", "the original model's top-1 class, explained by every variant");
        json.put("hog", "9 unsigned bins, 8x8-pixel cells, 2x2-cell blocks, L2-Hys (skimage.feature.hog conventions)");
        json.put("ssim", "Gaussian window 11x11 sigma 1.5, K1 0.01, K2 0.03, data range max-min of the original map, valid windows");
        json.put("spearman", "average ranks for ties; spearman_abs on absolute values");
        json.put("means", means);
        Files.writeString(out.resolve("sanity.json"), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(json), StandardCharsets.UTF_8);
        charts(out, sorted);
        montages(out);
        System.out.println("per-map similarities: " + out.resolve("sanity.csv") + "; means: " + out.resolve("sanity.json")
                + "; charts and montages under " + out);
    }

    private double[] mean(List<Row> rs, String mode, String method, int step) {
        double[] sum = new double[4];
        int[] n = new int[4];
        for (Row r : rs) {
            if (r.mode().equals(mode) && r.method().equals(method) && r.step() == step) {
                double[] v = {r.spearman(), r.spearmanAbs(), r.hogPearson(), r.ssim()};
                for (int k = 0; k < 4; k++) {
                    if (Double.isFinite(v[k])) {
                        sum[k] += v[k];
                        n[k]++;
                    }
                }
            }
        }
        for (int k = 0; k < 4; k++) {
            sum[k] = n[k] == 0 ? Double.NaN : sum[k] / n[k];
        }
        return sum;
    }

    private void charts(Path out, List<Row> rs) throws IOException {
        List<String> x = new ArrayList<>();
        x.add("original");
        layers.forEach(l -> x.add(l.name()));
        for (Randomisation.Mode md : modes) {
            for (int k = 0; k < METRICS.length; k++) {
                LineChart c = new LineChart(md.key() + " randomisation: " + METRICS[k], "layer re-initialised (from the top)",
                        "mean " + METRICS[k]).categoricalX(x).yRange(k < 3 ? -1 : Math.min(0, -0.2), 1);
                for (ExplainMethod m : methods) {
                    double[] y = new double[x.size()];
                    y[0] = 1;
                    for (int st = 0; st < layers.size(); st++) {
                        y[st + 1] = mean(rs, md.key(), SanityCommand.methodName(m), st)[k];
                    }
                    c.series(SanityCommand.methodName(m), y, false);
                }
                c.write(out.resolve("sanity-" + md.key() + "-" + METRICS[k] + ".png"));
            }
        }
    }

    private void montages(Path out) throws IOException {
        List<String> headers = new ArrayList<>();
        headers.add("original");
        layers.forEach(l -> headers.add("to " + l.name()));
        for (int i = 0; i < Math.min(montageImages, images.size()); i++) {
            Montage m = new Montage(96, headers);
            for (ExplainMethod me : methods) {
                List<Montage.Cell> cells = new ArrayList<>();
                for (int st = -1; st < layers.size(); st++) {
                    float[] t = thumbs.get(i + "/" + me + "/" + st);
                    cells.add(new Montage.Cell(t == null ? null : Pictures.heatmap(t, side(h()), side(w())), List.of()));
                }
                m.row(SanityCommand.methodName(me), cells);
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
