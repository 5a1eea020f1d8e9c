package dev.licnn.experiments.sanity;

import dev.licnn.experiments.blur.BlurReport;
import dev.licnn.experiments.imaging.LineChart;
import dev.licnn.experiments.stats.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The sanity check's numbers: one row per image, method, mode, seed and step, and per method, mode
 * and step the mean ± sd of each similarity over images and seeds with a percentile bootstrap
 * interval. A variant whose map is constant has been destroyed by the re-initialisation: its
 * similarity is undefined, and it counts as 0 (no similarity left), with the number of such maps
 * reported, rather than being dropped.
 */
public final class SanityStats {

    /** One variant's map against the original's. */
    public record Row(
            int image,
            String file,
            int classId,
            String method,
            String mode,
            long seed,
            int step,
            String layer,
            String module,
            double spearman,
            double spearmanAbs,
            double hogPearson,
            double ssim,
            boolean destroyed) {}

    /** One metric over images and seeds. */
    public record Metric(String name, double mean, double sd, Stats.Interval interval) {}

    /** Everything about one method, mode and step. */
    public record Summary(
            String mode,
            String method,
            int step,
            String layer,
            int maps,
            int destroyed,
            List<Metric> metrics) {

        public Metric metric(String name) {
            return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        }
    }

    public static final String[] METRICS = {"spearman", "spearman_abs", "hog_pearson", "ssim"};

    static final Comparator<Row> ORDER =
            Comparator.comparing(Row::mode)
                    .thenComparing(Row::method)
                    .thenComparingInt(Row::step)
                    .thenComparingLong(Row::seed)
                    .thenComparingInt(Row::image);

    public static final String HEADER =
            "image,file,class_id,method,mode,seed,step,layer,module,spearman,spearman_abs,hog_pearson,ssim,destroyed";

    private SanityStats() {}

    /** Whether a map is constant: re-initialisation left nothing to rank. */
    static boolean destroyed(float[] map) {
        for (float v : map) {
            if (v != map[0]) {
                return false;
            }
        }
        return true;
    }

    static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            b.append(r.image())
                    .append(',')
                    .append(r.file())
                    .append(',')
                    .append(r.classId())
                    .append(',')
                    .append(r.method())
                    .append(',')
                    .append(r.mode())
                    .append(',')
                    .append(r.seed())
                    .append(',')
                    .append(r.step())
                    .append(',')
                    .append(r.layer())
                    .append(',')
                    .append(r.module())
                    .append(',')
                    .append(r.spearman())
                    .append(',')
                    .append(r.spearmanAbs())
                    .append(',')
                    .append(r.hogPearson())
                    .append(',')
                    .append(r.ssim())
                    .append(',')
                    .append(r.destroyed())
                    .append('\n');
        }
        return b.toString();
    }

    /** Reads a {@code sanity.csv} written by {@link #csv}. */
    public static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(
                    csv + ": not a sanity.csv of this version (header " + HEADER + ")");
        }
        List<Row> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.isBlank()) {
                continue;
            }
            String[] f = l.split(",", -1);
            out.add(
                    new Row(
                            Integer.parseInt(f[0]),
                            f[1],
                            Integer.parseInt(f[2]),
                            f[3],
                            f[4],
                            Long.parseLong(f[5]),
                            Integer.parseInt(f[6]),
                            f[7],
                            f[8],
                            Double.parseDouble(f[9]),
                            Double.parseDouble(f[10]),
                            Double.parseDouble(f[11]),
                            Double.parseDouble(f[12]),
                            Boolean.parseBoolean(f[13])));
        }
        return out;
    }

    /** Per mode, method and step, in that order. */
    public static List<Summary> summarise(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        rows.stream()
                .sorted(ORDER)
                .forEach(
                        r ->
                                groups.computeIfAbsent(
                                                r.mode() + "/" + r.method() + "/" + r.step(),
                                                k -> new ArrayList<>())
                                        .add(r));
        List<Summary> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            List<Metric> ms = new ArrayList<>();
            List<ToDoubleFunction<Row>> fs =
                    List.of(Row::spearman, Row::spearmanAbs, Row::hogPearson, Row::ssim);
            for (int k = 0; k < METRICS.length; k++) {
                ToDoubleFunction<Row> f = fs.get(k);
                double[] v =
                        g.stream()
                                .mapToDouble(
                                        r ->
                                                r.destroyed()
                                                                || !Double.isFinite(
                                                                        f.applyAsDouble(r))
                                                        ? 0
                                                        : f.applyAsDouble(r))
                                .toArray();
                ms.add(
                        new Metric(
                                METRICS[k],
                                Stats.mean(v),
                                Stats.sd(v),
                                Stats.bootstrapMean(
                                        v, Stats.BOOTSTRAP_RESAMPLES, BlurReport.BOOTSTRAP_SEED)));
            }
            Row first = g.get(0);
            out.add(
                    new Summary(
                            first.mode(),
                            first.method(),
                            first.step(),
                            first.layer(),
                            g.size(),
                            (int) g.stream().filter(Row::destroyed).count(),
                            ms));
        }
        return out;
    }

    static String summaryCsv(List<Summary> summary) {
        StringBuilder b =
                new StringBuilder(
                        "mode,method,step,layer,maps,destroyed,metric,mean,sd,low,high\n");
        for (Summary s : summary) {
            for (Metric m : s.metrics()) {
                b.append(
                                String.join(
                                        ",",
                                        s.mode(),
                                        s.method(),
                                        Integer.toString(s.step()),
                                        s.layer(),
                                        Integer.toString(s.maps()),
                                        Integer.toString(s.destroyed()),
                                        m.name(),
                                        Double.toString(m.mean()),
                                        Double.toString(m.sd()),
                                        Double.toString(m.interval().low()),
                                        Double.toString(m.interval().high())))
                        .append('\n');
            }
        }
        return b.toString();
    }

    /** A Markdown table of one metric: a row per mode and step, a column per method. */
    public static String table(List<Summary> summary, String metric) {
        List<String> methods = summary.stream().map(Summary::method).distinct().toList();
        StringBuilder b = new StringBuilder("| mode | re-initialised down to |");
        methods.forEach(m -> b.append(' ').append(m).append(" |"));
        b.append("\n|---|---|").append("---|".repeat(methods.size())).append('\n');
        Map<String, List<Summary>> byStep = new LinkedHashMap<>();
        summary.forEach(
                s ->
                        byStep.computeIfAbsent(s.mode() + "/" + s.step(), k -> new ArrayList<>())
                                .add(s));
        for (List<Summary> row : byStep.values()) {
            b.append("| ")
                    .append(row.get(0).mode())
                    .append(" | ")
                    .append(row.get(0).layer())
                    .append(" |");
            for (String m : methods) {
                Summary s = row.stream().filter(x -> x.method().equals(m)).findFirst().orElse(null);
                if (s == null) {
                    b.append(" - |");
                    continue;
                }
                Metric v = s.metric(metric);
                b.append(
                        String.format(
                                Locale.ROOT,
                                " %.3f ± %.3f [%.3f, %.3f] (n = %d%s) |",
                                v.mean(),
                                v.sd(),
                                v.interval().low(),
                                v.interval().high(),
                                s.maps(),
                                s.destroyed() > 0 ? ", " + s.destroyed() + " destroyed" : ""));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * One chart per mode and metric: the mean against the step, a line per method, 95% bootstrap
     * error bars.
     */
    static void charts(Path out, List<Summary> summary) throws IOException {
        for (String mode : summary.stream().map(Summary::mode).distinct().toList()) {
            List<Summary> ms = summary.stream().filter(s -> s.mode().equals(mode)).toList();
            List<Integer> steps = ms.stream().map(Summary::step).distinct().sorted().toList();
            List<String> x = new ArrayList<>();
            x.add("original");
            steps.forEach(
                    st ->
                            x.add(
                                    ms.stream()
                                            .filter(s -> s.step() == st)
                                            .findFirst()
                                            .orElseThrow()
                                            .layer()));
            for (String metric : METRICS) {
                LineChart c =
                        new LineChart(
                                        mode
                                                + " randomisation: "
                                                + metric
                                                + " (mean, 95% bootstrap)",
                                        "layer re-initialised (from the top)",
                                        "mean " + metric)
                                .categoricalX(x)
                                .yRange(-0.2, 1);
                int colour = 0;
                for (String method : ms.stream().map(Summary::method).distinct().toList()) {
                    double[] y = new double[x.size()];
                    double[] lo = new double[x.size()];
                    double[] hi = new double[x.size()];
                    y[0] = 1;
                    lo[0] = 1;
                    hi[0] = 1;
                    for (int i = 0; i < steps.size(); i++) {
                        int st = steps.get(i);
                        Summary s =
                                ms.stream()
                                        .filter(q -> q.method().equals(method) && q.step() == st)
                                        .findFirst()
                                        .orElse(null);
                        Metric v = s == null ? null : s.metric(metric);
                        y[i + 1] = v == null ? Double.NaN : v.mean();
                        lo[i + 1] = v == null ? Double.NaN : v.interval().low();
                        hi[i + 1] = v == null ? Double.NaN : v.interval().high();
                    }
                    c.series(method, y, lo, hi, false, colour++);
                }
                c.write(out.resolve("sanity-" + mode + "-" + metric + ".png"));
            }
        }
    }
}
