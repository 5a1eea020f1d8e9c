package dev.licnn.experiments.blur;

import dev.licnn.experiments.measure.Localisation;
import dev.licnn.experiments.stats.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Accuracy tables with Wilson intervals and McNemar tests, paired comparisons between regions,
 * localisation of the maps, flip lists and charts of the blur experiment, all from its per-image
 * records. Top-1 is the headline; top-2 and top-5 are reported beside it (top-5 of 10 classes
 * saturates: chance is 50%).
 */
public final class BlurReport {

    /** The region of the headline numbers: LICNN's top-1 map. */
    public static final BlurRegion HEADLINE = BlurRegion.LICNN_TOP1;

    /** The seed of every bootstrap interval in the reports. */
    public static final long BOOTSTRAP_SEED = 1;

    /**
     * Accuracy of one variant at one radius on one split: {@code original} (radius 0), {@code
     * whole_image}, or a region with a direction.
     *
     * @param coverage mean share of the image in the region (NaN for the original and the whole
     *     image)
     * @param vsOriginal top-1 McNemar test of the original against this variant (b: right only
     *     originally)
     */
    public record Row(
            String split,
            String region,
            String variant,
            String radius,
            int images,
            int top1,
            int top2,
            int top5,
            double coverage,
            Stats.McNemar vsOriginal) {

        public Stats.Interval top1Interval() {
            return Stats.wilson(top1, images);
        }

        public Stats.Interval top2Interval() {
            return Stats.wilson(top2, images);
        }

        public Stats.Interval top5Interval() {
            return Stats.wilson(top5, images);
        }
    }

    /**
     * Two regions compared on the same images (top-1, same direction and radius).
     *
     * @param test b: right with {@code first} only; c: right with {@code second} only
     */
    public record Comparison(
            String split,
            String first,
            String second,
            String variant,
            String radius,
            Stats.McNemar test) {}

    /**
     * An image whose top-1 correctness changes when the background around a region is blurred.
     *
     * @param wrongToRight true when the original was wrong and the blurred-background variant right
     */
    public record Flip(BlurRecord record, BlurRegion region, float radius, boolean wrongToRight) {}

    /**
     * A localisation measure of one map on one split: the estimate with its 95% interval (Wilson
     * for the pointing game, bootstrap for the means), and the paired difference from the centre
     * floor.
     */
    public record LocalisationRow(
            String split,
            String map,
            String measure,
            int images,
            Stats.Interval value,
            Stats.Interval minusCentre) {}

    private final List<BlurRecord> records;
    private final List<String> splits;
    private final List<Float> radii;
    private final List<BlurRegion> regions;

    public BlurReport(
            List<BlurRecord> records,
            List<String> splits,
            List<Float> radii,
            List<BlurRegion> regions) {
        this.records = List.copyOf(records);
        this.splits = List.copyOf(splits);
        this.radii = List.copyOf(radii);
        this.regions = List.copyOf(regions);
    }

    /** The records of one split. */
    public List<BlurRecord> of(String split) {
        return records.stream().filter(r -> r.split().equals(split)).toList();
    }

    public List<String> splits() {
        return splits;
    }

    public List<Float> radii() {
        return radii;
    }

    public List<BlurRegion> regions() {
        return regions;
    }

    /**
     * Every accuracy row: per split the original, then per radius the whole image and each region's
     * two variants.
     */
    public List<Row> accuracy() {
        List<Row> rows = new ArrayList<>();
        for (String s : splits) {
            List<BlurRecord> rs = of(s);
            rows.add(row(s, "original", "-", 0f, rs, BlurRecord::original, null));
            for (float r : radii) {
                rows.add(
                        row(
                                s,
                                BlurRecord.WHOLE,
                                "-",
                                r,
                                rs,
                                rec -> rec.variants().get(BlurRecord.wholeKey(r)),
                                null));
                for (BlurRegion g : regions) {
                    for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                        rows.add(row(s, g.key(), v.key(), r, rs, rec -> rec.predicted(g, v, r), g));
                    }
                }
            }
        }
        return rows;
    }

    private static Row row(
            String split,
            String region,
            String variant,
            float radius,
            List<BlurRecord> rs,
            Function<BlurRecord, List<Integer>> predicted,
            BlurRegion g) {
        int[] k = new int[3];
        boolean[] before = new boolean[rs.size()];
        boolean[] after = new boolean[rs.size()];
        double cov = 0;
        for (int i = 0; i < rs.size(); i++) {
            BlurRecord r = rs.get(i);
            List<Integer> p = predicted.apply(r);
            k[0] += r.correct(p, 1) ? 1 : 0;
            k[1] += r.correct(p, 2) ? 1 : 0;
            k[2] += r.correct(p, 5) ? 1 : 0;
            before[i] = r.correct(r.original(), 1);
            after[i] = r.correct(p, 1);
            if (g != null) {
                cov += r.coverage().getOrDefault(g.key(), Double.NaN);
            }
        }
        return new Row(
                split,
                region,
                variant,
                BlurRecord.radiusText(radius),
                rs.size(),
                k[0],
                k[1],
                k[2],
                g == null || rs.isEmpty() ? Double.NaN : cov / rs.size(),
                Stats.mcnemar(before, after));
    }

    /**
     * Paired top-1 comparisons at every radius and direction: LICNN's top-1 region against the
     * ablation, the true mask and the random region of its area; the top-5 region against the
     * random region of its area.
     */
    public List<Comparison> comparisons() {
        List<BlurRegion[]> pairs = new ArrayList<>();
        for (BlurRegion[] p :
                new BlurRegion[][] {
                    {BlurRegion.LICNN_TOP1, BlurRegion.NO_INHIBITION_TOP1},
                    {BlurRegion.LICNN_TOP1, BlurRegion.GROUND_TRUTH},
                    {BlurRegion.LICNN_TOP1, BlurRegion.RANDOM_TOP1},
                    {BlurRegion.LICNN_TOP5, BlurRegion.RANDOM_TOP5},
                    {BlurRegion.LICNN_TOP1, BlurRegion.LICNN_TOP5}
                }) {
            if (regions.contains(p[0]) && regions.contains(p[1])) {
                pairs.add(p);
            }
        }
        List<Comparison> out = new ArrayList<>();
        for (String s : splits) {
            List<BlurRecord> rs = of(s);
            for (BlurRegion[] p : pairs) {
                for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                    for (float r : radii) {
                        boolean[] a = new boolean[rs.size()];
                        boolean[] b = new boolean[rs.size()];
                        for (int i = 0; i < rs.size(); i++) {
                            a[i] = rs.get(i).correct(rs.get(i).predicted(p[0], v, r), 1);
                            b[i] = rs.get(i).correct(rs.get(i).predicted(p[1], v, r), 1);
                        }
                        out.add(
                                new Comparison(
                                        s,
                                        p[0].key(),
                                        p[1].key(),
                                        v.key(),
                                        BlurRecord.radiusText(r),
                                        Stats.mcnemar(a, b)));
                    }
                }
            }
        }
        return out;
    }

    /** Localisation of each map the records were scored for, per split and measure. */
    public List<LocalisationRow> localisation() {
        List<LocalisationRow> out = new ArrayList<>();
        for (String s : splits) {
            List<BlurRecord> rs =
                    of(s).stream()
                            .filter(
                                    r ->
                                            r.localisation() != null
                                                    && r.localisation().containsKey("centre"))
                            .toList();
            if (rs.isEmpty()) {
                continue;
            }
            List<String> maps = new ArrayList<>(rs.get(0).localisation().keySet());
            for (String m : maps) {
                List<BlurRecord> have =
                        rs.stream().filter(r -> r.localisation().containsKey(m)).toList();
                int n = have.size();
                boolean[] hit = new boolean[n];
                boolean[] centreHit = new boolean[n];
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    hit[i] = have.get(i).localisation().get(m).pointingHit();
                    centreHit[i] = have.get(i).localisation().get("centre").pointingHit();
                    hits += hit[i] ? 1 : 0;
                }
                double[] hd = new double[n];
                double[] cd = new double[n];
                for (int i = 0; i < n; i++) {
                    hd[i] = hit[i] ? 1 : 0;
                    cd[i] = centreHit[i] ? 1 : 0;
                }
                out.add(
                        new LocalisationRow(
                                s,
                                m,
                                "pointing",
                                n,
                                Stats.wilson(hits, n),
                                Stats.bootstrapPairedDifference(
                                        hd, cd, Stats.BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED)));
                for (String measure : List.of("energy", "iou", "auc")) {
                    double[] v = new double[n];
                    double[] c = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = measure(have.get(i).localisation().get(m), measure);
                        c[i] = measure(have.get(i).localisation().get("centre"), measure);
                    }
                    out.add(
                            new LocalisationRow(
                                    s,
                                    m,
                                    measure,
                                    n,
                                    Stats.bootstrapMean(
                                            finite(v), Stats.BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
                                    pairedFinite(v, c)));
                }
            }
        }
        return out;
    }

    /**
     * Paired differences of a localisation measure between two maps on one split: {@code first -
     * second}, with a bootstrap interval (the pointing game: McNemar as well, in {@code test}).
     */
    public record MapComparison(
            String split,
            String first,
            String second,
            String measure,
            int images,
            Stats.Interval difference,
            Stats.McNemar test) {}

    /** LICNN's top-1 map against the ablation (and the top-5 map), per split and measure. */
    public List<MapComparison> mapComparisons() {
        List<MapComparison> out = new ArrayList<>();
        for (String s : splits) {
            for (String[] p :
                    new String[][] {
                        {"licnn_top1", "no_inhibition_top1"}, {"licnn_top1", "licnn_top5"}
                    }) {
                List<BlurRecord> rs =
                        of(s).stream()
                                .filter(
                                        r ->
                                                r.localisation() != null
                                                        && r.localisation().containsKey(p[0])
                                                        && r.localisation().containsKey(p[1]))
                                .toList();
                if (rs.isEmpty()) {
                    continue;
                }
                int n = rs.size();
                boolean[] a = new boolean[n];
                boolean[] b = new boolean[n];
                double[] ad = new double[n];
                double[] bd = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = rs.get(i).localisation().get(p[0]).pointingHit();
                    b[i] = rs.get(i).localisation().get(p[1]).pointingHit();
                    ad[i] = a[i] ? 1 : 0;
                    bd[i] = b[i] ? 1 : 0;
                }
                out.add(
                        new MapComparison(
                                s,
                                p[0],
                                p[1],
                                "pointing",
                                n,
                                Stats.bootstrapPairedDifference(
                                        ad, bd, Stats.BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
                                Stats.mcnemar(a, b)));
                for (String measure : List.of("energy", "iou", "auc")) {
                    double[] x = new double[n];
                    double[] y = new double[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = measure(rs.get(i).localisation().get(p[0]), measure);
                        y[i] = measure(rs.get(i).localisation().get(p[1]), measure);
                    }
                    double[] sign = Stats.signTest(x, y);
                    out.add(
                            new MapComparison(
                                    s,
                                    p[0],
                                    p[1],
                                    measure,
                                    n,
                                    pairedFinite(x, y),
                                    new Stats.McNemar(
                                            n,
                                            (int) sign[0],
                                            (int) sign[1],
                                            sign[2],
                                            Double.NaN,
                                            Double.NaN)));
                }
            }
        }
        return out;
    }

    private static double measure(Localisation.Scores s, String m) {
        return switch (m) {
            case "energy" -> s.energy();
            case "iou" -> s.iou();
            case "auc" -> s.auc();
            default -> throw new IllegalArgumentException(m);
        };
    }

    private static double[] finite(double[] v) {
        return java.util.Arrays.stream(v).filter(Double::isFinite).toArray();
    }

    private static Stats.Interval pairedFinite(double[] a, double[] b) {
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                keep.add(new double[] {a[i], b[i]});
            }
        }
        double[] x = keep.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = keep.stream().mapToDouble(p -> p[1]).toArray();
        return Stats.bootstrapPairedDifference(x, y, Stats.BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
    }

    /**
     * Images whose top-1 turns right (then those that turn wrong) when the background around {@code
     * region} is blurred.
     */
    public List<Flip> flips(BlurRegion region) {
        List<Flip> up = new ArrayList<>();
        List<Flip> down = new ArrayList<>();
        if (!regions.contains(region)) {
            return up;
        }
        for (float r : radii) {
            for (BlurRecord rec : records) {
                boolean before = rec.correct(rec.original(), 1);
                boolean after =
                        rec.correct(
                                rec.predicted(region, BlurVariants.Variant.BLURRED_BACKGROUND, r),
                                1);
                if (!before && after) {
                    up.add(new Flip(rec, region, r, true));
                } else if (before && !after) {
                    down.add(new Flip(rec, region, r, false));
                }
            }
        }
        up.addAll(down);
        return up;
    }

    public static Row find(
            List<Row> rows, String split, String region, String variant, String radius) {
        return rows.stream()
                .filter(
                        r ->
                                r.split().equals(split)
                                        && r.region().equals(region)
                                        && r.variant().equals(variant)
                                        && r.radius().equals(radius))
                .findFirst()
                .orElseThrow();
    }
}
