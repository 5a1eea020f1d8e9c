package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.licnn.cli.LicnnCliTest.Run;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.ModelFormatException;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own weights through the command line: {@code import}, then the folder used by path; each
 * mistake is one {@code licnn: error:} line with exit code 2, found before any image is sent.
 */
class OwnModelCliTest {

    @TempDir static Path tmp;
    static Path weights;
    static Path image;

    @BeforeAll
    static void setUp() throws Exception {
        VggSpec spec =
                VggSpec.custom(
                        "mine", new int[] {4, VggSpec.POOL, 8, VggSpec.POOL}, false, 8, 3, 64);
        weights = tmp.resolve("mine.safetensors");
        ModelCard card = ModelCard.random("mine", spec, 3, Labels.indexed(3));
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = card.loadWeights(m)) {
            w.toSafeTensors(weights);
        }
        image = tmp.resolve("shape.png");
        BufferedImage img = new BufferedImage(80, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillOval(10, 10, 40, 40);
        g.dispose();
        ImageIO.write(img, "png", image.toFile());
    }

    private static void assertOneErrorLine(Run r, String expected) {
        assertEquals(2, r.code(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("licnn: error: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void import_customWidths_readsTheClassifierFromTheWeights_andTheFolderServesByPath()
            throws Exception {
        Path out = tmp.resolve("models/mine");
        Run r =
                LicnnCliTest.run(
                        "import",
                        weights.toString(),
                        "--arch",
                        "mine",
                        "--layers",
                        "4,M,8,M",
                        "--out",
                        out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        ModelCard card = ModelCard.load(out);
        assertEquals(3, card.spec().numClasses());
        assertEquals(8, card.spec().hidden());
        assertEquals(256, card.preprocess().resizeShorter());
        // --model given the folder: served in-process, and the default top-k fits 3 classes.
        Run c = LicnnCliTest.run("classify", image.toString(), "--model", out.toString());
        assertEquals(0, c.code(), c.err() + c.out());
        assertEquals(
                3,
                c.out().lines().filter(l -> l.matches(".*\\s[123]\\s+\\d+\\s.*")).count(),
                c.out());
    }

    @Test
    void import_weightsOfAnotherArchitecture_isOneLineWithExit2() {
        Run r =
                LicnnCliTest.run(
                        "import",
                        weights.toString(),
                        "--arch",
                        "vgg11",
                        "--out",
                        tmp.resolve("x").toString());
        assertOneErrorLine(r, "the weights do not fit vgg11: ");
        assertTrue(!Files.exists(tmp.resolve("x/model.json")));
    }

    @Test
    void import_missingFileAndUnknownArchitecture_areOneLine() {
        assertOneErrorLine(
                LicnnCliTest.run(
                        "import",
                        "nope.pth",
                        "--arch",
                        "vgg16",
                        "--out",
                        tmp.resolve("y").toString()),
                "no such file: nope.pth");
        assertOneErrorLine(
                LicnnCliTest.run(
                        "import",
                        weights.toString(),
                        "--arch",
                        "resnet18",
                        "--out",
                        tmp.resolve("y").toString()),
                "unknown architecture 'resnet18' (known: vgg11");
    }

    @Test
    void optionsTheModelCannotTake_areRefusedBeforeSending() throws Exception {
        Path out = tmp.resolve("models/opts");
        assertEquals(
                0,
                LicnnCliTest.run(
                                "import",
                                weights.toString(),
                                "--arch",
                                "m",
                                "--layers",
                                "4,M,8,M",
                                "--out",
                                out.toString())
                        .code());
        String[] base = {
            "explain",
            image.toString(),
            "--model-dir",
            out.toString(),
            "--out",
            tmp.resolve("o").toString()
        };
        assertOneErrorLine(
                run(base, "--top-k", "0"),
                "--top-k must be between 1 and the model's 3 classes, got 0");
        assertOneErrorLine(run(base, "--top-k", "4"), "got 4");
        assertOneErrorLine(
                run(base, "--layers", "relu5_3"),
                "--layers: model opts has no layer 'relu5_3' (layers 0..1: relu1_1 ... relu2_1)");
        assertOneErrorLine(run(base, "--liz", "8"), "--liz: LIZ size must be an odd number");
        assertOneErrorLine(
                LicnnCliTest.run(
                        "explain",
                        image.toString(),
                        "--target",
                        "127.0.0.1:1",
                        "--model",
                        out.toString()),
                "--model names a model the server serves");
        assertTrue(!Files.exists(tmp.resolve("o")), "nothing written for a refused run");
    }

    @Test
    void aWeightsFileGivenAsTheModelFolder_pointsToImport() {
        assertOneErrorLine(
                LicnnCliTest.run("classify", image.toString(), "--model-dir", weights.toString()),
                "not a model folder: use `licnn import ");
    }

    @Test
    void explainDir_reportsSkippedFiles_andReadsAUsersMasksFolder() throws Exception {
        Path in = tmp.resolve("photos");
        Files.createDirectories(in.resolve("masks"));
        Files.copy(image, in.resolve("a.png"));
        Files.copy(image, in.resolve("masks/b.png"));
        Files.writeString(in.resolve("c.bmp"), "");
        Files.writeString(in.resolve("d.gif"), "");
        Files.writeString(in.resolve("e.gif"), "");
        Path out = tmp.resolve("models/dir");
        LicnnCliTest.run(
                "import",
                weights.toString(),
                "--arch",
                "m",
                "--layers",
                "4,M,8,M",
                "--out",
                out.toString());
        Run r =
                LicnnCliTest.run(
                        "explain",
                        in.toString(),
                        "--model-dir",
                        out.toString(),
                        "--layer-kinds",
                        "NONE",
                        "--out",
                        tmp.resolve("out-dir").toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(
                r.out().contains("skipped 3 file(s): 1 .bmp, 2 .gif (only PNG and JPEG are read)"),
                r.out());
        assertTrue(r.out().contains("b.png: "), r.out());
        // A dataset made by `licnn dataset` marks itself with manifest.csv: its masks are skipped.
        Files.writeString(in.resolve("manifest.csv"), "split,file\n");
        assertEquals(1, ImageFiles.expand(java.util.List.of(in)).size());
    }

    @Test
    void theRootCause_isFoundUnderTheWorkersWrapper() {
        Exception wrapped =
                new IllegalStateException(
                        "worker cpu-0 (cpu, #0) failed to create its processor",
                        new java.util.concurrent.ExecutionException(
                                new ModelFormatException(
                                        "w.pth: refused: pickle global os.system")));
        assertEquals("w.pth: refused: pickle global os.system", LoadErrors.userCause(wrapped));
        assertEquals(
                "no such file: a.pth",
                LoadErrors.userCause(
                        new java.io.UncheckedIOException(new NoSuchFileException("a.pth"))));
        assertEquals(null, LoadErrors.userCause(new IllegalStateException("boom")));
        assertEquals(
                "disk full (write failed)",
                LoadErrors.rootCause(
                        new IllegalStateException(
                                "write failed", new java.io.IOException("disk full"))));
    }

    private static Run run(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return LicnnCliTest.run(all);
    }
}
