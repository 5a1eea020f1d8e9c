package dev.licnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.licnn.dataset.DatasetConfig;
import dev.licnn.dataset.DatasetGenerator;
import dev.licnn.dataset.Split;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static final int P = VggSpec.POOL;
    private static final PreprocessConfig PRE =
            PreprocessConfig.builder().optResizeShorter(32).optCropSize(32).build();

    @TempDir static Path data;
    static ImageSet images;

    NDManager manager;

    @BeforeAll
    static void generate() throws Exception {
        DatasetConfig config =
                DatasetConfig.builder()
                        .optSeed(3)
                        .optImageSize(32)
                        .optCount(Split.TRAIN, 16)
                        .optCount(Split.NATURAL, 4)
                        .build();
        new DatasetGenerator(config).generate(data, 2);
        images = ImageSet.load(data, Split.TRAIN, PRE, 2);
    }

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static VggSpec tiny(boolean bn) {
        return VggSpec.custom("tiny", new int[] {4, P, 8, P, 8, P, 8, P, 8, P}, bn, 16, 10, 32);
    }

    private static TrainOptions options(int epochs, float dropout) {
        return TrainOptions.builder()
                .optEpochs(epochs)
                .optBatchSize(8)
                .optLearningRate(3e-3f)
                .optFinalLearningRate(1e-3f)
                .optDropout(dropout)
                .optSeed(9)
                .build();
    }

    @Test
    void export_hasTorchvisionNames_andVggNetworkReproducesTheTrainedBlock() throws Exception {
        for (int variant = 0; variant < 3; variant++) {
            boolean bn = variant > 0;
            boolean pooled = variant == 2;
            VggSpec spec = tiny(bn);
            TrainOptions opts =
                    TrainOptions.builder()
                            .optEpochs(1)
                            .optBatchSize(8)
                            .optDropout(0.5f)
                            .optSeed(9)
                            .optPooledClassifier(pooled)
                            .build();
            try (Trainer trainer = new Trainer(spec, opts, 2)) {
                trainer.trainEpoch(
                        images, 0, null); // two steps: weights and batch-norm statistics move
                Path file = data.resolve("tiny-" + variant + ".safetensors");
                try (StateDict exported = trainer.export(manager)) {
                    assertEquals(
                            List.copyOf(spec.parameterShapes().keySet()),
                            List.copyOf(exported.names()));
                    assertEquals(spec.parameterShapes(), exported.shapes());
                    exported.toSafeTensors(file);
                }
                try (StateDict loaded = StateDict.fromSafeTensors(file, manager);
                        VggNetwork net = VggNetwork.create(spec, loaded.asMap(), Device.cpu());
                        NDManager m = manager.newSubManager()) {
                    NDArray x = images.batch(new int[] {0, 1, 2, 3, 4}, m);
                    float[] expected = trainer.logits(x).toFloatArray();
                    float[] actual = net.logits(x, null).toFloatArray();
                    assertArrayEquals(
                            expected,
                            actual,
                            1e-4f,
                            "batch norm " + bn + ", pooled classifier " + pooled);
                    Evaluation ev = Evaluation.of(net, images, 7);
                    assertEquals(images.size(), ev.images());
                    int total = 0;
                    for (int[] row : ev.confusion()) {
                        for (int v : row) {
                            total += v;
                        }
                    }
                    assertEquals(images.size(), total);
                }
            }
        }
    }

    @Test
    void oneStep_changesEveryWeight_andTheBatchNormStatistics() {
        VggSpec spec = tiny(true);
        TrainOptions one = TrainOptions.builder().optEpochs(1).optBatchSize(16).optSeed(9).build();
        try (Trainer trainer = new Trainer(spec, one, 1);
                StateDict before = trainer.export(manager)) {
            trainer.trainEpoch(images, 0, null);
            try (StateDict after = trainer.export(manager)) {
                for (String name : spec.parameterShapes().keySet()) {
                    boolean changed =
                            !java.util.Arrays.equals(
                                    before.get(name).toFloatArray(),
                                    after.get(name).toFloatArray());
                    assertTrue(changed, name + " did not change after a step");
                }
            }
        }
    }

    @Test
    void training_reducesTheLossOnASmallSet() {
        float[] losses = new float[12];
        try (Trainer trainer =
                new Trainer(tiny(true), options(losses.length, 0f), 2 * losses.length)) {
            for (int e = 0; e < losses.length; e++) {
                losses[e] = (float) trainer.trainEpoch(images, e, null).meanLoss();
            }
        }
        assertTrue(losses[losses.length - 1] < 0.9f * losses[0], java.util.Arrays.toString(losses));
    }

    @Test
    void imageSetBatch_equalsThePreprocessorsTensor() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(PRE);
        try (NDManager m = manager.newSubManager()) {
            float[] batch = images.batch(new int[] {3, 5}, m).toFloatArray();
            int plane = 3 * 32 * 32;
            for (int k = 0; k < 2; k++) {
                int i = k == 0 ? 3 : 5;
                float[] chw =
                        pre.prepare(Files.readAllBytes(data.resolve(images.entry(i).file()))).chw();
                assertArrayEquals(
                        chw, java.util.Arrays.copyOfRange(batch, k * plane, (k + 1) * plane), 0f);
            }
            assertArrayEquals(
                    new int[] {images.label(3), images.label(5)},
                    images.labels(new int[] {3, 5}, m).toIntArray());
        }
    }

    @Test
    void shuffling_isSeededAndAPermutation() {
        int[] a = Trainer.shuffled(50, 7);
        assertArrayEquals(a, Trainer.shuffled(50, 7));
        assertFalse(java.util.Arrays.equals(a, Trainer.shuffled(50, 8)));
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(Trainer.range(0, 50), sorted);
    }
}
