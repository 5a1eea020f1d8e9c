package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import dev.licnn.experiments.imaging.Npy;
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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The licnn command end to end on a small model with an in-process server. */
class LicnnCliTest {

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
        // model.json written by save() names the weights file; make the card load it from disk.
        image = tmp.resolve("shape.png");
        BufferedImage img = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 96, 80);
        g.setColor(Color.YELLOW);
        g.fillOval(20, 15, 50, 45);
        g.dispose();
        ImageIO.write(img, "png", image.toFile());
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
    void explain_writesEveryOutput_withTheRightShapes() throws Exception {
        Path out = tmp.resolve("out");
        Run r =
                run(
                        "explain",
                        image.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString(),
                        "--top-k",
                        "3");
        assertEquals(0, r.code(), r.err() + r.out());
        Path dir = out.resolve("shape");
        Npy.Array sal = Npy.read(dir.resolve("saliency.npy"));
        assertArrayEquals(new int[] {64, 64}, sal.shape());
        double norm = 0;
        for (float v : sal.values()) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-3);
        long attention =
                Files.list(dir)
                        .filter(p -> p.getFileName().toString().startsWith("attention-"))
                        .count();
        assertEquals(3, attention);
        for (String png : new String[] {"heatmap.png", "overlay.png", "layers.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(img, png + " decodes");
        }
        JsonObject json =
                JsonParser.parseString(Files.readString(dir.resolve("result.json")))
                        .getAsJsonObject();
        assertEquals("tiny", json.get("model").getAsString());
        assertEquals(3, json.getAsJsonObject("prediction").getAsJsonArray("targets").size());
        assertEquals(
                3, json.getAsJsonObject("inhibited_ranking").getAsJsonArray("rankings").size());
        assertEquals(7, json.getAsJsonObject("options").get("liz_size").getAsInt());
        assertEquals("crop", json.getAsJsonObject("overlay").get("mode").getAsString());
        assertTrue(json.getAsJsonObject("timings").get("compute_seconds").getAsDouble() > 0);
        String firstAttention =
                json.getAsJsonArray("attention_maps")
                        .get(0)
                        .getAsJsonObject()
                        .get("file")
                        .getAsString();
        assertArrayEquals(new int[] {64, 64}, Npy.read(dir.resolve(firstAttention)).shape());
    }

    @Test
    void explain_resultJson_writesFieldsEqualToTheirDefault() throws Exception {
        Path out = tmp.resolve("out-class0");
        Run r =
                run(
                        "explain",
                        image.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString(),
                        "--class",
                        "0");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonObject json =
                JsonParser.parseString(
                                Files.readString(out.resolve("shape").resolve("result.json")))
                        .getAsJsonObject();
        JsonObject target =
                json.getAsJsonObject("prediction")
                        .getAsJsonArray("targets")
                        .get(0)
                        .getAsJsonObject();
        assertEquals(0, target.get("class_id").getAsInt(), target.toString());
        JsonObject ranking =
                json.getAsJsonObject("inhibited_ranking")
                        .getAsJsonArray("rankings")
                        .get(0)
                        .getAsJsonObject();
        assertEquals(0, ranking.get("class_id").getAsInt(), ranking.toString());
        assertEquals(0, ranking.get("target_index").getAsInt(), ranking.toString());
        assertEquals(
                false, json.getAsJsonObject("options").get("inhibit_last_relu").getAsBoolean());
    }

    @Test
    void explain_overSeveralStreams_answersEveryImageOnce_andReportsResent() throws Exception {
        Path in = tmp.resolve("many");
        Files.createDirectories(in);
        for (int i = 0; i < 5; i++) {
            Files.copy(image, in.resolve("img-" + i + ".png"));
        }
        Path out = tmp.resolve("out-streams");
        Run r =
                run(
                        "explain",
                        in.toString(),
                        "--out",
                        out.toString(),
                        "--model-dir",
                        model.toString(),
                        "--top-k",
                        "1",
                        "--layer-kinds",
                        "NONE",
                        "--streams",
                        "3",
                        "--in-flight",
                        "4");
        assertEquals(0, r.code(), r.err() + r.out());
        for (int i = 0; i < 5; i++) {
            assertTrue(
                    Files.isRegularFile(out.resolve("img-" + i).resolve("result.json")),
                    "img-" + i);
        }
        assertEquals(5, r.out().lines().filter(l -> l.contains(".png: ")).count(), r.out());
        assertTrue(r.out().contains("explained 5 of 5 image(s)"), r.out());
        // Nothing was re-sent, so no line says so.
        assertTrue(!r.out().contains("re-sent"), r.out());
    }

    @Test
    void explain_badStreams_exitsWith2() {
        Run r = run("explain", image.toString(), "--model-dir", model.toString(), "--streams", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--streams"), r.err());
    }

    @Test
    void health_servingServer_exits0_unreachable_exits1() throws Exception {
        dev.licnn.server.LicnnServer server =
                dev.licnn.server.LicnnServer.builder()
                        .setModels(
                                new dev.licnn.server.ServedModels(
                                        java.util.List.of(ModelCard.load(model))))
                        .optWarmUp(false)
                        .optMetricsPort(-1)
                        .build();
        server.start(
                io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
                        new java.net.InetSocketAddress("127.0.0.1", 0)));
        int port = server.port();
        try {
            Run ok = run("health", "--target", "127.0.0.1:" + port);
            assertEquals(0, ok.code(), ok.err() + ok.out());
            assertTrue(ok.out().contains("SERVING"), ok.out());
            Run svc =
                    run(
                            "health",
                            "--target",
                            "127.0.0.1:" + port,
                            "--service",
                            "licnn.v1.LicnnService",
                            "-q");
            assertEquals(0, svc.code(), svc.out());
            assertEquals("", svc.out());
            Run unknown =
                    run("health", "--target", "127.0.0.1:" + port, "--service", "no.such.Service");
            assertEquals(1, unknown.code());
            assertTrue(unknown.out().contains("NOT_FOUND"), unknown.out());
        } finally {
            server.close();
        }
        Run down = run("health", "--target", "127.0.0.1:" + port, "--timeout-seconds", "3");
        assertEquals(1, down.code(), down.out());
        assertTrue(
                down.out().contains("UNAVAILABLE") || down.out().contains("DEADLINE_EXCEEDED"),
                down.out());
    }

    @Test
    void unreachableTarget_givesOneLineNamingTheAddressAndTheCause() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String target = "127.0.0.1:" + port;
        Run models = run("models", "--target", target);
        assertEquals(1, models.code(), models.err() + models.out());
        assertEquals(
                "licnn: server error: UNAVAILABLE: cannot reach " + target + ": connection refused",
                models.err().strip());
        Run health = run("health", "--target", target, "--timeout-seconds", "10");
        assertEquals(1, health.code(), health.out());
        assertEquals(
                target + ": UNAVAILABLE: cannot reach " + target + ": connection refused",
                health.out().strip());
    }

    @Test
    void explain_wrongPath_exitsWith2AndOneLine() {
        Run r =
                run(
                        "explain",
                        tmp.resolve("missing.png").toString(),
                        "--model-dir",
                        model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("licnn: error: no such file: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void badOption_exitsWith2() {
        Run r = run("explain", image.toString(), "--top-k", "many");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--top-k"), r.err());
    }

    @Test
    void otherModulesPrograms_runWithTheirOwnOptions() throws Exception {
        Path data = tmp.resolve("generated");
        Run r =
                run(
                        "dataset",
                        "--out",
                        data.toString(),
                        "--natural",
                        "2",
                        "--size",
                        "32",
                        "--threads",
                        "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(data.resolve("manifest.csv")));
        Run help = run("bench-engine", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--maps") && help.out().contains("--compare"), help.out());
    }

    @Test
    void otherModulesPrograms_badValue_exitsWith2AndOneLine() {
        String[][] cases = {
            {"bench-engine", "--k", "0"},
            {"bench-engine", "--device", "tpu"},
            {"bench-service", "--clients", "1,two"},
            {"parity", "--arch", "vgg17"},
            {"dataset", "--out", tmp.resolve("never").toString(), "--own-rate", "2"},
            {"train", "--data", "d"},
            {"evaluate", "--model", "m", "--data", "d", "--split", "test"}
        };
        for (String[] c : cases) {
            Run r = run(c);
            List<String> lines = r.err().strip().lines().toList();
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertEquals(2, lines.size(), r.err());
            assertTrue(lines.get(0).startsWith("licnn: error: "), r.err());
            assertEquals("(see: licnn " + c[0] + " --help)", lines.get(1));
        }
    }

    @Test
    void serverRejection_exitsWith1() {
        Run r =
                run(
                        "explain",
                        image.toString(),
                        "--model-dir",
                        model.toString(),
                        "-a",
                        "-1",
                        "--out",
                        tmp.resolve("o2").toString());
        assertEquals(1, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("INVALID_ARGUMENT") && r.out().contains("a=-1"), r.out());
    }

    @Test
    void classify_andModels_print_tables() {
        Run c = run("classify", image.toString(), "--model-dir", model.toString(), "--top-k", "2");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("shape.png") && c.out().contains("class_"), c.out());
        Run m = run("models", "--model-dir", model.toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().contains("tiny (default)") && m.out().contains("relu5_3"), m.out());
    }

    @Test
    void npy_roundTrip() throws Exception {
        Path f = tmp.resolve("a.npy");
        Npy.write(f, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.values());
        assertEquals(0, (Files.size(f) - 24) % 64, "header is padded to 64 bytes");
    }
}
