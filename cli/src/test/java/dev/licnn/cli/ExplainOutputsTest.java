package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.engine.image.CropBox;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code explain} writes (pictures, ranks, result.json) and its {@code --method} option. */
class ExplainOutputsTest {

    @TempDir static Path tmp;
    static Path model;
    static Path image;

    @BeforeAll
    static void setUp() throws Exception {
        VggSpec spec = VggSpec.vgg16(false).scaled(16, 32, 4).withInputSize(64).withName("tiny");
        model = tmp.resolve("model");
        ModelCard card = ModelCard.random("tiny", spec, 5, Labels.indexed(4));
        card.save(model, "weights.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = card.loadWeights(m)) {
            w.toSafeTensors(model.resolve("weights.safetensors"));
        }
        // Landscape, so that the centre crop cuts the sides off.
        image = tmp.resolve("wide.png");
        BufferedImage img = new BufferedImage(160, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 160, 96);
        g.setColor(Color.RED);
        g.fillOval(0, 30, 36, 36);
        g.dispose();
        ImageIO.write(img, "png", image.toFile());
    }

    private static LicnnCliTest.Run explain(Path out, String... extra) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "explain",
                                image.toString(),
                                "--out",
                                out.toString(),
                                "--model-dir",
                                model.toString()));
        args.addAll(List.of(extra));
        return LicnnCliTest.run(args.toArray(String[]::new));
    }

    private static JsonObject result(Path out) throws Exception {
        return JsonParser.parseString(Files.readString(out.resolve("wide").resolve("result.json")))
                .getAsJsonObject();
    }

    @Test
    void explain_ranksAre1Based_inFileNamesAndResultJson_withLabelsAndTimingsInSeconds()
            throws Exception {
        Path out = tmp.resolve("ranks");
        LicnnCliTest.Run r = explain(out, "--top-k", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        List<String> files;
        try (Stream<Path> s = Files.list(out.resolve("wide"))) {
            files =
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("attention-"))
                            .sorted()
                            .toList();
        }
        assertEquals(2, files.size(), files.toString());
        assertTrue(files.get(0).startsWith("attention-1-"), files.toString());
        assertTrue(files.get(1).startsWith("attention-2-"), files.toString());
        JsonObject json = result(out);
        assertEquals("1-based", json.get("ranks").getAsString());
        JsonArray att = json.getAsJsonArray("attention_maps");
        JsonArray targets = json.getAsJsonObject("prediction").getAsJsonArray("targets");
        for (int i = 0; i < 2; i++) {
            JsonObject a = att.get(i).getAsJsonObject();
            JsonObject t = targets.get(i).getAsJsonObject();
            assertEquals(i + 1, a.get("position").getAsInt());
            assertEquals(i + 1, a.get("rank").getAsInt(), "top-k: position is the rank");
            assertEquals(t.get("class_id").getAsInt(), a.get("class_id").getAsInt());
            assertEquals(t.get("label").getAsString(), a.get("label").getAsString());
            assertTrue(a.get("file").getAsString().startsWith("attention-" + (i + 1) + "-"));
        }
        JsonObject timings = json.getAsJsonObject("timings");
        for (String k : new String[] {"queue_seconds", "compute_seconds", "total_seconds"}) {
            JsonElement v = timings.get(k);
            assertTrue(v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber(), k + ": " + v);
        }
        assertTrue(
                timings.get("total_seconds").getAsDouble()
                        >= timings.get("compute_seconds").getAsDouble());
        assertTrue(timings.get("compute_seconds").getAsDouble() > 0);
        assertEquals("crop", json.getAsJsonObject("overlay").get("mode").getAsString());
    }

    @Test
    void explain_overlayFull_coversTheWholeImage_andRecordsTheCropBox() throws Exception {
        Path out = tmp.resolve("full");
        LicnnCliTest.Run r = explain(out, "--top-k", "1", "--overlay", "full");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonObject ov = result(out).getAsJsonObject("overlay");
        assertEquals("full", ov.get("mode").getAsString());
        assertEquals(160, ov.get("image_width").getAsInt());
        assertEquals(96, ov.get("image_height").getAsInt());
        // The tiny model's preprocessing, as the server describes it.
        JsonObject box = ov.getAsJsonObject("crop_box");
        double seen = ov.get("seen_fraction").getAsDouble();
        assertTrue(seen < 1, "a landscape image loses its sides: " + seen);
        assertTrue(box.get("left").getAsDouble() > 0);
        assertTrue(box.get("right").getAsDouble() < 160);
        assertEquals(160 - box.get("right").getAsDouble(), box.get("left").getAsDouble(), 1.5);
        BufferedImage full = ImageIO.read(out.resolve("wide").resolve("overlay.png").toFile());
        Path cropOut = tmp.resolve("crop");
        assertEquals(0, explain(cropOut, "--top-k", "1").code());
        BufferedImage crop = ImageIO.read(cropOut.resolve("wide").resolve("overlay.png").toFile());
        // The same title, scale and note around the whole 160 x 96 image and the 64 x 64 crop.
        assertEquals(96 - 64, full.getHeight() - crop.getHeight());
    }

    @Test
    void explain_cropBoxOfTheResult_isTheEngines() {
        ImagePreprocessor pre =
                new ImagePreprocessor(
                        PreprocessConfig.builder().optResizeShorter(73).optCropSize(64).build());
        CropBox b = pre.cropBox(160, 96);
        assertEquals(121, b.resizedWidth());
        assertEquals(73, b.resizedHeight());
        assertFalse(b.seesWholeImage());
    }

    @Test
    void explain_methodGradcam_runsTheBaseline_withoutLayerMaps() throws Exception {
        Path out = tmp.resolve("gradcam");
        LicnnCliTest.Run r =
                explain(out, "--top-k", "2", "--method", "gradcam", "--gradcam-layer", "relu4_3");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonObject json = result(out);
        assertEquals("EXPLAIN_METHOD_GRAD_CAM", json.get("method").getAsString());
        assertTrue(Files.isRegularFile(out.resolve("wide").resolve("saliency.npy")));
        assertTrue(Files.isRegularFile(out.resolve("wide").resolve("overlay.png")));
        assertFalse(Files.exists(out.resolve("wide").resolve("layers.png")));
        assertEquals(2, json.getAsJsonArray("attention_maps").size());
    }

    @Test
    void explain_methodIgAndSmoothgrad_takeTheirOptions() throws Exception {
        LicnnCliTest.Run ig =
                explain(
                        tmp.resolve("ig"),
                        "--top-k",
                        "1",
                        "--method",
                        "ig",
                        "--ig-steps",
                        "4",
                        "--ig-baseline",
                        "zeros",
                        "--score",
                        "before");
        assertEquals(0, ig.code(), ig.err() + ig.out());
        assertEquals(
                "EXPLAIN_METHOD_INTEGRATED_GRADIENTS",
                result(tmp.resolve("ig")).get("method").getAsString());
        LicnnCliTest.Run sg =
                explain(
                        tmp.resolve("sg"),
                        "--top-k",
                        "1",
                        "--method",
                        "smoothgrad",
                        "--noise-samples",
                        "3",
                        "--noise-level",
                        "0.2",
                        "--noise-seed",
                        "9");
        assertEquals(0, sg.code(), sg.err() + sg.out());
    }

    @Test
    void explain_badMethodOrForeignOption_exitsWith2_inOneLineNamingTheFlag() {
        LicnnCliTest.Run unknown = explain(tmp.resolve("bad1"), "--method", "lime");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(
                unknown.err().contains("--method must be one of licnn, gradient"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());

        LicnnCliTest.Run foreign =
                explain(tmp.resolve("bad2"), "--method", "gradient", "--ig-steps", "8");
        assertEquals(2, foreign.code(), foreign.err());
        assertTrue(
                foreign.err().contains("--ig-steps applies to --method ig only, not gradient"),
                foreign.err());

        LicnnCliTest.Run licnnOnly = explain(tmp.resolve("bad3"), "--method", "ig", "--liz", "5");
        assertEquals(2, licnnOnly.code(), licnnOnly.err());
        assertTrue(licnnOnly.err().contains("--liz apply to --method licnn only"), licnnOnly.err());

        LicnnCliTest.Run layer =
                explain(tmp.resolve("bad4"), "--method", "gradcam", "--gradcam-layer", "relu9_9");
        assertEquals(2, layer.code(), layer.err());
        assertTrue(layer.err().contains("'relu9_9' is not a feature layer"), layer.err());

        LicnnCliTest.Run overlay = explain(tmp.resolve("bad5"), "--overlay", "both");
        assertEquals(2, overlay.code(), overlay.err());
        assertTrue(overlay.err().contains("--overlay must be 'crop' or 'full'"), overlay.err());
    }
}
