package dev.licnn.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.cli.Licnn;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import dev.licnn.experiments.blur.BlurMontage;
import dev.licnn.experiments.blur.BlurRecord;
import dev.licnn.experiments.blur.BlurRegion;
import dev.licnn.experiments.blur.BlurReport;
import dev.licnn.experiments.data.ModelInput;
import dev.licnn.experiments.imaging.Npy;
import dev.licnn.experiments.localisation.LocalisationStats;
import dev.licnn.experiments.report.ResultsReport;
import dev.licnn.experiments.sanity.SanityStats;
import dev.licnn.experiments.softmax.SoftmaxStats;
import dev.licnn.proto.v1.ClassLabel;
import dev.licnn.proto.v1.ImageSize;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.Preprocessing;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The blur, sanity and softmax experiments end to end on a tiny random model in process. */
class ExperimentCommandsTest {

    @TempDir static Path tmp;
    static Path model;
    static Path data;

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
        data = tmp.resolve("data");
        Color[] bg = {Color.BLUE, Color.GREEN, Color.DARK_GRAY, Color.ORANGE};
        for (String split : new String[] {"natural", "adversarial"}) {
            for (int c = 0; c < 4; c++) {
                Path dir =
                        Files.createDirectories(data.resolve(split).resolve(Integer.toString(c)));
                BufferedImage img = new BufferedImage(80, 72, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(split.equals("natural") ? bg[c] : bg[(c + 1) % 4]);
                g.fillRect(0, 0, 80, 72);
                g.setColor(Color.getHSBColor(c / 4f, 0.8f, 1f));
                g.fillOval(15 + 4 * c, 12, 40, 36 + 3 * c);
                g.dispose();
                ImageIO.write(img, "png", dir.resolve("img" + c + ".png").toFile());
            }
        }
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Licnn.commandLine();
            cl.setErr(new PrintWriter(err));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void blur_writesTablesChartsAndFlips_andResumes() throws Exception {
        Path out = tmp.resolve("blur");
        Run r =
                run(
                        "experiment",
                        "blur",
                        "--data",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("8 image(s) in adversarial, natural, 0 already done"), r.out());
        Path jsonl = out.resolve("results.jsonl");
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(8, lines.size());
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(
                4, first.getAsJsonArray("original").size(), "top-5 of a 4-class model lists all 4");
        assertEquals(
                3 * 11,
                first.getAsJsonObject("variants").size(),
                "3 radii x (whole image + 5 regions x 2 directions; no masks here, so no ground-truth region)");
        assertTrue(r.out().contains("not every image has a mask"), r.out());
        assertEquals(5, first.getAsJsonObject("coverage").size());
        assertTrue(Files.readString(out.resolve("sample.json")).contains("\"class_counts\""));
        List<String> csv = Files.readAllLines(out.resolve("accuracy.csv"));
        assertTrue(
                csv.get(0)
                        .startsWith(
                                "split,region,variant,radius,images,top1,top1_low,top1_high,top2,"),
                csv.get(0));
        assertEquals(1 + 2 * (1 + 3 * 11), csv.size());
        assertTrue(
                csv.stream().anyMatch(l -> l.startsWith("natural,original,-,0,4,")),
                String.join("\n", csv));
        assertTrue(
                csv.stream()
                        .anyMatch(l -> l.startsWith("adversarial,licnn_top5,blurred_object,10,4,")),
                String.join("\n", csv));
        for (String l : csv.subList(1, csv.size())) {
            String[] f = l.split(",");
            assertEquals("1.0", f[11], "top-5 of 4 classes always holds the true one: " + l);
            double p = Double.parseDouble(f[5]);
            assertTrue(
                    Double.parseDouble(f[6]) <= p && p <= Double.parseDouble(f[7]),
                    "the interval holds the estimate: " + l);
        }
        JsonObject json =
                JsonParser.parseString(Files.readString(out.resolve("accuracy.json")))
                        .getAsJsonObject();
        assertEquals(2 * (1 + 3 * 11), json.getAsJsonArray("accuracy").size());
        assertEquals(8, json.get("images").getAsInt());
        for (String split : new String[] {"natural", "adversarial"}) {
            BufferedImage chart =
                    ImageIO.read(
                            out.resolve("accuracy-" + split + "-blurred_background.png").toFile());
            assertNotNull(chart);
            assertEquals(800, chart.getWidth());
        }
        assertTrue(
                Files.readAllLines(out.resolve("flips.csv"))
                        .get(0)
                        .startsWith("split,file,class_id,region,radius,direction"));
        assertTrue(Files.readAllLines(out.resolve("comparisons.csv")).size() > 1);
        Path results = Files.createDirectories(tmp.resolve("results"));
        copy(out, results.resolve("blur"));
        Path loc = Files.createDirectories(results.resolve("localisation"));
        Files.writeString(
                loc.resolve("localisation.csv"),
                LocalisationStats.HEADER
                        + "\n"
                        + "natural,licnn,a.png,0,true,0.5,0.4,0.9\nnatural,gradient,a.png,0,false,0.2,0.4,0.6\n"
                        + "natural,licnn,b.png,1,true,0.3,0.2,0.8\nnatural,gradient,b.png,1,true,0.2,0.1,0.9\n");
        Files.writeString(
                loc.resolve("command.txt"), "./licnn experiment localisation --data d --out o\n");
        String report = ResultsReport.render(results);
        assertTrue(
                report.contains("## Blur") && report.contains("| whole image | all | 100% |"),
                report);
        assertTrue(
                report.contains("## Localisation: LICNN against the baselines")
                        && report.contains("| natural | gradient | 2 | 50.0% [")
                        && report.contains(
                                "| natural | gradient | licnn | pointing | 2 | -0.500 ["),
                report);
        assertTrue(
                report.contains("./licnn experiment localisation --data d --out o"),
                "the localisation command is quoted");
        assertTrue(
                report.contains("./licnn experiment blur --data "), "the exact command is quoted");
        assertTrue(report.contains("Natural images: blurring the background"), report);

        // Resume: forget three images and tear the last line; the rerun does just those.
        Files.writeString(
                jsonl,
                String.join("\n", lines.subList(0, 5)) + "\n" + lines.get(5).substring(0, 20),
                StandardCharsets.UTF_8);
        Run again =
                run(
                        "experiment",
                        "blur",
                        "--data",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString());
        assertEquals(0, again.code(), again.err() + again.out());
        assertTrue(
                again.out().contains("8 image(s) in adversarial, natural, 5 already done"),
                again.out());
        assertEquals(8, BlurRecord.load(jsonl).size());
        Run done =
                run(
                        "experiment",
                        "blur",
                        "--data",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString(),
                        "--splits",
                        "natural");
        assertEquals(0, done.code(), done.err() + done.out());
        assertTrue(done.out().contains("4 image(s) in natural, 4 already done"), done.out());
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    @Test
    void blur_unknownClassFolder_exits2BeforeAnyWork() throws Exception {
        Path bad = tmp.resolve("bad");
        Path dir = Files.createDirectories(bad.resolve("natural").resolve("zebra"));
        Files.copy(data.resolve("natural/0/img0.png"), dir.resolve("a.png"));
        Path out = tmp.resolve("bad-out");
        Run r =
                run(
                        "experiment",
                        "blur",
                        "--data",
                        bad.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString());
        assertEquals(2, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("zebra") && r.err().contains("tiny"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void flipMontage_showsOriginalMapAndVariant() throws Exception {
        ModelDescription d =
                ModelDescription.newBuilder()
                        .setName("tiny")
                        .setNumClasses(4)
                        .setInputSize(ImageSize.newBuilder().setHeight(64).setWidth(64))
                        .setPreprocessing(
                                Preprocessing.newBuilder()
                                        .setResizeShorterEdge(73)
                                        .setCropSize(
                                                ImageSize.newBuilder().setHeight(64).setWidth(64)))
                        .addAllLabels(List.of(label(0), label(1), label(2), label(3)))
                        .build();
        Path maps = Files.createDirectories(tmp.resolve("montage-maps"));
        float[] map = new float[64 * 64];
        map[32 * 64 + 32] = 1f;
        Npy.write(maps.resolve(BlurMontage.mapName("natural/1/img1.png")), map, 64, 64);
        BlurRecord rec =
                new BlurRecord(
                        "natural",
                        "natural/1/img1.png",
                        1,
                        List.of(2, 1, 0, 3),
                        Map.of("licnn_top1", 1.0 / 4096),
                        Map.of(
                                "licnn_top1/blurred_background@5",
                                List.of(1, 2, 0, 3),
                                "licnn_top1/blurred_object@5",
                                List.of(2, 1, 0, 3),
                                "whole_image@5",
                                List.of(2, 1, 0, 3)),
                        Map.of());
        Path png = tmp.resolve("flips.png");
        assertTrue(
                BlurMontage.write(
                        png,
                        List.of(new BlurReport.Flip(rec, BlurRegion.LICNN_TOP1, 5f, true)),
                        10,
                        data,
                        maps,
                        new ModelInput(d),
                        d));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() >= 3 * 160 && img.getHeight() >= 160);
        assertEquals(
                1,
                new BlurReport(
                                List.of(rec),
                                List.of("natural"),
                                List.of(5f),
                                List.of(BlurRegion.LICNN_TOP1))
                        .flips(BlurRegion.LICNN_TOP1)
                        .size());
    }

    private static ClassLabel label(int i) {
        return ClassLabel.newBuilder()
                .setClassId(i)
                .setKey("class_" + i)
                .setName("class_" + i)
                .build();
    }

    @Test
    void sanity_measuresEveryStepUnderEverySeed_andDrawsChartsAndMontage() throws Exception {
        Path out = tmp.resolve("sanity");
        Run r =
                run(
                        "experiment",
                        "sanity",
                        "--images",
                        data.resolve("natural/2/img2.png").toString(),
                        "--methods",
                        "licnn,gradient",
                        "--seeds",
                        "1,2",
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString(),
                        "--montage",
                        "1");
        assertEquals(0, r.code(), r.err() + r.out());
        List<String> csv = Files.readAllLines(out.resolve("sanity.csv"));
        assertEquals(SanityStats.HEADER, csv.get(0));
        assertEquals(1 + 2 * 2 * 16 * 2, csv.size(), "2 methods x 2 modes x 16 layers x 2 seeds");
        assertTrue(
                csv.stream().anyMatch(l -> l.contains(",cascading,2,15,conv1_1,features.0,")),
                String.join("\n", csv));
        assertTrue(csv.stream().anyMatch(l -> l.contains(",independent,1,0,fc8,classifier.6,")));
        for (String l : csv.subList(1, csv.size())) {
            String[] f = l.split(",");
            for (int k = 9; k < 13; k++) {
                double v = Double.parseDouble(f[k]);
                assertTrue(Double.isNaN(v) || (v >= -1.0001 && v <= 1.0001), l);
            }
        }
        List<SanityStats.Summary> summary =
                SanityStats.summarise(SanityStats.read(out.resolve("sanity.csv")));
        assertEquals(2 * 2 * 16, summary.size());
        summary.forEach(s -> assertEquals(2, s.maps(), "one image under two seeds"));
        summary.forEach(
                s -> s.metrics().forEach(m -> assertTrue(Double.isFinite(m.mean()), s.toString())));
        JsonObject json =
                JsonParser.parseString(Files.readString(out.resolve("sanity.json")))
                        .getAsJsonObject();
        assertEquals(64, json.getAsJsonArray("summary").size());
        for (String mode : new String[] {"cascading", "independent"}) {
            for (String metric : SanityStats.METRICS) {
                assertNotNull(
                        ImageIO.read(
                                out.resolve("sanity-" + mode + "-" + metric + ".png").toFile()));
            }
        }
        assertNotNull(ImageIO.read(out.resolve("sanity-montage-0.png").toFile()));
        assertTrue(
                Files.readString(out.resolve("command.txt"))
                        .startsWith("./licnn experiment sanity --images "));
    }

    @Test
    void softmax_measuresEveryRank_andWritesSideBySideMaps() throws Exception {
        Path out = tmp.resolve("softmax");
        Run r =
                run(
                        "experiment",
                        "softmax",
                        "--data",
                        data.toString(),
                        "--count",
                        "2",
                        "--top-k",
                        "2",
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        List<SoftmaxStats.Row> rows = SoftmaxStats.read(out.resolve("softmax.csv"));
        JsonObject sample =
                JsonParser.parseString(Files.readString(out.resolve("sample.json")))
                        .getAsJsonObject();
        int images = sample.getAsJsonArray("files").size();
        assertEquals(2 * images, rows.size(), "ranks 1 and 2 of every image");
        assertEquals(images, rows.stream().filter(x -> x.rank() == 2).count());
        rows.forEach(
                x -> assertTrue(x.coverageAfter() >= 0 && x.coverageAfter() <= 1, x.toString()));
        List<SoftmaxStats.Summary> summary = SoftmaxStats.summarise(rows);
        assertEquals(2, summary.size());
        assertEquals(3, summary.get(0).focus().size());
        assertNotNull(ImageIO.read(out.resolve("softmax.png").toFile()));
        Run bad = run("experiment", "softmax", "--model-dir", model.toString());
        assertEquals(2, bad.code(), "--data or --images is required");
    }
}
