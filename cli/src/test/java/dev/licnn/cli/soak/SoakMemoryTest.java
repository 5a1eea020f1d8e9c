package dev.licnn.cli.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.cli.soak.MemorySample.Series;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The soak's memory columns and verdict: what is read from {@code /metrics}, native memory as RSS
 * minus the committed heap, and the growth after warm-up judged against the floors.
 */
class SoakMemoryTest {

    private static final Map<Series, Double> FLOORS =
            Map.of(Series.RSS, 100.0, Series.NATIVE, 20.0);

    private static MemorySample mb(double minute, double rss, double used, double committed) {
        return new MemorySample(minute, rss, used, committed);
    }

    @Test
    void parse_readsRssHeapUsedAndCommitted_inMb() {
        String page =
                "# HELP licnn_jvm_heap_used_bytes JVM heap in use\n"
                        + "# TYPE licnn_jvm_heap_used_bytes gauge\n"
                        + "licnn_jvm_heap_used_bytes 2.097152E8\n"
                        + "licnn_jvm_heap_committed_bytes 524288000\n"
                        + "licnn_process_resident_memory_bytes 1.048576E9\n"
                        + "licnn_queue_depth 3\n";
        MemorySample m = MetricsScraper.parse(page, 2.0);
        assertEquals(1000, m.rssMb(), 1e-9);
        assertEquals(200, m.heapUsedMb(), 1e-9);
        assertEquals(500, m.heapCommittedMb(), 1e-9);
        assertEquals(500, m.nativeMb(), 1e-9);
        assertEquals(2.0, m.minute());
    }

    @Test
    void parse_missingLines_areUnknown_notZero() {
        MemorySample m = MetricsScraper.parse("licnn_jvm_heap_used_bytes 1048576\n", 1);
        assertEquals(1, m.heapUsedMb(), 1e-9);
        assertTrue(Double.isNaN(m.rssMb()));
        assertTrue(Double.isNaN(m.nativeMb()));
        assertEquals("-", MemorySample.mb(m.nativeMb()));
    }

    @Test
    void growth_isMeasuredFromTheFirstSampleAfterWarmup_toTheEnd() {
        List<MemorySample> s =
                List.of(
                        mb(1, 300, 50, 100), // warm-up: not counted
                        mb(2, 700, 100, 400),
                        mb(3, 760, 90, 400),
                        mb(4, 740, 120, 420));
        MemoryJudgement j = MemoryJudgement.of(s, 2, FLOORS);
        MemoryJudgement.Growth rss = j.growths().get(Series.RSS.ordinal());
        assertEquals(700, rss.atWarmup());
        assertEquals(740, rss.atEnd());
        assertEquals(40, rss.growth(), 1e-9);
        assertEquals(760, rss.largest());
        assertFalse(rss.broken());
        MemoryJudgement.Growth nat = j.growths().get(Series.NATIVE.ordinal());
        assertEquals(300, nat.atWarmup(), 1e-9);
        assertEquals(320, nat.atEnd(), 1e-9);
        assertTrue(nat.broken(), "20 MB of native growth is not under the 20 MB floor");
        assertTrue(j.floorBroken());
        assertTrue(
                j.lines().get(0).startsWith("RSS after warm-up (minute 2.0): 700 MB"),
                j.lines().get(0));
        assertTrue(j.lines().get(3).endsWith("floor 20 MB: BROKEN."), j.lines().get(3));
    }

    @Test
    void heapGrowth_isReported_butHasNoFloor() {
        List<MemorySample> s = List.of(mb(0, 500, 100, 200), mb(1, 550, 900, 1000));
        MemoryJudgement j = MemoryJudgement.of(s, 0, FLOORS);
        MemoryJudgement.Growth committed = j.growths().get(Series.HEAP_COMMITTED.ordinal());
        assertEquals(800, committed.growth(), 1e-9);
        assertFalse(committed.broken());
        // RSS grew 50 MB, native (RSS - committed) shrank by 750 MB: both floors hold.
        assertFalse(j.floorBroken(), j.lines().toString());
    }

    @Test
    void unknownSeries_isSaidSo_andBreaksNoFloor() {
        List<MemorySample> s = List.of(MemorySample.UNKNOWN.at(0), MemorySample.UNKNOWN.at(1));
        MemoryJudgement j = MemoryJudgement.of(s, 0, FLOORS);
        assertFalse(j.floorBroken());
        assertTrue(j.lines().get(0).contains("unknown"), j.lines().get(0));
    }

    @Test
    void minuteTable_rowHasOneCellPerHeaderColumn() {
        String header = MinuteTable.header().get(0);
        String row =
                MinuteTable.row("1.0", new SoakStats().snapshot(), List.of(), mb(1, 800, 100, 300));
        assertEquals(header.split("\\|").length, row.split("\\|").length, row);
        assertTrue(row.endsWith("| 800 | 100 | 300 | 500 |"), row);
    }
}
