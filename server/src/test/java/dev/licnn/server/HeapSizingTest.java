package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.model.VggSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's default heap: derived from the feature-map sizes of the models served, the workers,
 * the batch size, the queue and the stream budget; not from the weights, which are native.
 */
class HeapSizingTest {

    private static final long MB = 1 << 20;
    private static final VggSpec NARROW =
            VggSpec.vgg16(false).scaled(8, 128, 10).withName("vgg16-narrow");

    @Test
    void bytesPerRow_countsEveryFeatureMapPixel_ofVgg16At224() {
        // 2 x 224^2 + 2 x 112^2 + 3 x 56^2 + 3 x 28^2 + 3 x 14^2 = 137,788 feature-map pixels.
        long expected = 4L * (8 * 137_788 + 3 * 224 * 224);
        assertEquals(expected, HeapSizing.bytesPerRow(NARROW));
        assertEquals(expected, HeapSizing.bytesPerRow(VggSpec.vgg16(false)));
    }

    @Test
    void plan_forTheServersDefaults_onTheBundledModelsShape() {
        HeapSizing.Plan p = HeapSizing.plan(List.of(NARROW), 1, 4, 64, 4, 64);
        assertEquals(256 * MB, p.base());
        assertEquals(4L * 5 * HeapSizing.bytesPerRow(NARROW), p.work());
        assertEquals(64 * (4 * MB + 4L * 3 * 224 * 224), p.queue());
        assertEquals(4 * 64 * MB, p.streams());
        // 1.5 x 900.3 MB = 1350.5 MB, rounded up to 64 MB.
        assertEquals(1408, p.heapMb());
        assertTrue(p.jvmOptions().startsWith("-Xmx1408m "), p.jvmOptions());
        assertTrue(p.jvmOptions().contains("-XX:G1PeriodicGCInterval="), p.jvmOptions());
    }

    @Test
    void plan_growsWithBatchWorkersAndInputSize_notWithTheWeights() {
        long base = HeapSizing.plan(List.of(NARROW), 1, 4, 64, 4, 64).heapMb();
        assertEquals(
                base,
                HeapSizing.plan(List.of(VggSpec.vgg16(false)), 1, 4, 64, 4, 64).heapMb(),
                "VGG-16 with 1000 classes has the narrow model's feature-map sizes");
        assertTrue(HeapSizing.plan(List.of(NARROW), 1, 32, 64, 4, 64).heapMb() > base);
        assertTrue(HeapSizing.plan(List.of(NARROW), 2, 4, 64, 4, 64).heapMb() > base);
        assertTrue(
                HeapSizing.plan(List.of(NARROW, NARROW.withInputSize(448)), 1, 4, 64, 4, 64)
                                .heapMb()
                        > base);
        assertEquals(512, HeapSizing.plan(List.of(NARROW), 1, 1, 1, 1, 1).heapMb());
    }

    @Test
    void forServeArguments_readsTheServeOptions() throws Exception {
        HeapSizing.Plan p =
                HeapSizing.forServeArguments(
                        "--random-model",
                        "vgg11:10",
                        "--worker",
                        "cpu@1,cpu@1",
                        "--max-batch-size",
                        "8",
                        "--max-queue-size",
                        "16",
                        "--stream-budget-mb",
                        "32",
                        "--port",
                        "0");
        VggSpec vgg11 = VggSpec.byName("vgg11");
        assertEquals(2L * 8 * 5 * HeapSizing.bytesPerRow(vgg11), p.work());
        assertEquals(16 * (4 * MB + 4L * 3 * 224 * 224), p.queue());
        assertEquals(2L * 8 * 32 * MB, p.streams());
    }
}
