package dev.licnn.cli.soak;

import dev.licnn.cli.soak.MemorySample.Series;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The growth of each memory series after warm-up: from the first sample at or after the warm-up
 * minute to the last sample, with the largest value in between, judged against a floor where one is
 * set (growth must stay under it).
 *
 * <pre>{@code
 * MemoryJudgement j = MemoryJudgement.of(samples, 7.5, Map.of(Series.RSS, 100.0, Series.NATIVE, 20.0));
 * j.lines().forEach(System.out::println);
 * boolean ok = !j.floorBroken();
 * }</pre>
 */
final class MemoryJudgement {

    /** One series' growth; NaN where the series was not known at warm-up or at the end. */
    record Growth(
            Series series,
            double warmupMinute,
            double atWarmup,
            double atEnd,
            double largest,
            double floor) {

        double growth() {
            return atEnd - atWarmup;
        }

        /** True only when a floor is set, the growth is known, and it is not under the floor. */
        boolean broken() {
            return !Double.isNaN(floor) && !Double.isNaN(growth()) && !(growth() < floor);
        }

        String line() {
            if (Double.isNaN(growth())) {
                return series.label + ": unknown (the server's /metrics did not report it).";
            }
            String verdict =
                    Double.isNaN(floor)
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; floor %.0f MB: %s",
                                    floor,
                                    broken() ? "BROKEN" : "held");
            return String.format(
                    Locale.ROOT,
                    "%s after warm-up (minute %.1f): %.0f MB; at the end: %.0f MB; growth %+.0f MB"
                            + " (largest %.0f MB)%s.",
                    series.label,
                    warmupMinute,
                    atWarmup,
                    atEnd,
                    growth(),
                    largest,
                    verdict);
        }
    }

    private final List<Growth> growths;

    private MemoryJudgement(List<Growth> growths) {
        this.growths = growths;
    }

    /**
     * Judges {@code samples} (in time order).
     *
     * @param warmupMinute growth is measured from the first sample at or after this minute
     * @param floors growth floors in MB by series; a series without one is reported, not judged
     */
    static MemoryJudgement of(
            List<MemorySample> samples, double warmupMinute, Map<Series, Double> floors) {
        Map<Series, Growth> out = new EnumMap<>(Series.class);
        for (Series s : Series.values()) {
            MemorySample start = null;
            double largest = Double.NaN;
            double last = Double.NaN;
            for (MemorySample m : samples) {
                if (start == null && m.minute() >= warmupMinute - 1e-9) {
                    start = m;
                }
                double v = m.value(s);
                if (start != null && !Double.isNaN(v)) {
                    largest = Double.isNaN(largest) ? v : Math.max(largest, v);
                }
            }
            if (!samples.isEmpty()) {
                last = samples.get(samples.size() - 1).value(s);
            }
            out.put(
                    s,
                    new Growth(
                            s,
                            start == null ? Double.NaN : start.minute(),
                            start == null ? Double.NaN : start.value(s),
                            last,
                            largest,
                            floors.getOrDefault(s, Double.NaN)));
        }
        return new MemoryJudgement(new ArrayList<>(out.values()));
    }

    List<Growth> growths() {
        return growths;
    }

    /** One line per series. */
    List<String> lines() {
        return growths.stream().map(Growth::line).toList();
    }

    /** Whether any series grew by its floor or more. */
    boolean floorBroken() {
        return growths.stream().anyMatch(Growth::broken);
    }
}
