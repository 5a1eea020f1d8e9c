package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The serve command's options build a working server. */
class ServeCommandTest {

    @Test
    void defaults_serveTheDefaultModel_onTwoSingleThreadWorkers() throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd)
                .parseArgs(
                        "--worker",
                        "cpu@1,cpu@1",
                        "--metrics-port",
                        "-1",
                        "--no-warmup",
                        "--max-batch-size",
                        "1");
        assertEquals(50051, cmd.port);
        WorkerGate gate = new WorkerGate();
        LicnnServer server = gate.install(cmd.builder()).build();
        String name = InProcessServerBuilder.generateName();
        server.start(InProcessServerBuilder.forName(name));
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            LicnnServiceGrpc.LicnnServiceBlockingStub stub = LicnnServiceGrpc.newBlockingStub(ch);
            String model =
                    stub.listModels(ListModelsRequest.getDefaultInstance()).getDefaultModel();
            // The repository's bundled model (from LICNN_HOME), not the fallback a missing one
            // gives.
            assertEquals(ModelCard.load(TestServer.bundledModelDir()).name(), model);
            // Concurrent requests run on both workers: while each worker holds a batch of one, the
            // second request can only go to the other worker.
            Set<String> workers = java.util.Collections.synchronizedSet(new HashSet<>());
            List<Background> ts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ts.add(
                        Background.start(
                                "client-" + i,
                                () -> {
                                    List<ExplainEvent> ev = new ArrayList<>();
                                    stub.explain(
                                                    ExplainRequest.newBuilder()
                                                            .setImage(
                                                                    TestServer.tensor(
                                                                            new float
                                                                                    [3 * 224
                                                                                            * 224]))
                                                            .setTopK(1)
                                                            .build())
                                            .forEachRemaining(ev::add);
                                    workers.add(ev.get(ev.size() - 1).getCompleted().getWorker());
                                }));
            }
            gate.awaitHeld(2);
            gate.open();
            for (Background t : ts) {
                t.join();
            }
            assertEquals(2, workers.size(), "workers used: " + workers);
        } finally {
            gate.open();
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void maxImagePixels_refusesLargerImagesBeforeDecoding() throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd)
                .parseArgs("--metrics-port", "-1", "--no-warmup", "--max-image-pixels", "10000");
        LicnnServer server = cmd.build();
        String name = InProcessServerBuilder.generateName();
        server.start(InProcessServerBuilder.forName(name));
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            LicnnServiceGrpc.LicnnServiceBlockingStub stub = LicnnServiceGrpc.newBlockingStub(ch);
            io.grpc.StatusRuntimeException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            io.grpc.StatusRuntimeException.class,
                            () ->
                                    stub.explain(
                                                    ExplainRequest.newBuilder()
                                                            .setImage(
                                                                    dev.licnn.proto.v1.ImageInput
                                                                            .newBuilder()
                                                                            .setEncoded(
                                                                                    com.google
                                                                                            .protobuf
                                                                                            .ByteString
                                                                                            .copyFrom(
                                                                                                    Images
                                                                                                            .png(
                                                                                                                    120,
                                                                                                                    100))))
                                                            .build())
                                            .forEachRemaining(x -> {}));
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            org.junit.jupiter.api.Assertions.assertTrue(
                    e.getStatus().getDescription().contains("10000"),
                    e.getStatus().getDescription());
        } finally {
            ch.shutdownNow();
            server.close();
        }
    }

    @Test
    void badWorker_isRejectedWithItsName() {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs("--worker", "tpu:0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, cmd::build);
        assertEquals("unknown device 'tpu:0' (expected cpu or cuda:N)", e.getMessage());
    }

    @Test
    void defaults_bindLoopbackOnly_metricsToo() throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs("--no-warmup");
        ServerConfig c = cmd.builder().config();
        assertEquals("127.0.0.1", cmd.host);
        assertEquals("127.0.0.1", c.metricsHost());
        assertEquals(null, c.webAddress());
        ServeCommand everywhere = new ServeCommand();
        new CommandLine(everywhere).parseArgs("--host", "0.0.0.0", "--web-port", "0");
        ServerConfig e = everywhere.builder().config();
        assertEquals("0.0.0.0", e.metricsHost());
        assertEquals("0.0.0.0", e.webAddress().getHostString());
    }

    @Test
    void webPort_takesTheGrpcPortsTls_unlessToldPlaintext(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(tmp.resolve("c.pem"), "x");
        java.nio.file.Path key = java.nio.file.Files.writeString(tmp.resolve("k.pem"), "x");
        java.nio.file.Path ca = java.nio.file.Files.writeString(tmp.resolve("ca.pem"), "x");
        String[] tls = {"--tls-cert", cert.toString(), "--tls-key", key.toString()};
        ServeCommand both = new ServeCommand();
        new CommandLine(both)
                .parseArgs(concat(tls, "--tls-client-ca", ca.toString(), "--web-port", "0"));
        ServerConfig c = both.builder().config();
        assertEquals(new ServerTls.TlsFiles(cert, key, ca), c.webTls());
        ServeCommand plain = new ServeCommand();
        new CommandLine(plain).parseArgs(concat(tls, "--web-port", "0", "--web-plaintext"));
        assertEquals(null, plain.builder().config().webTls());
        ServeCommand noTls = new ServeCommand();
        new CommandLine(noTls).parseArgs("--web-port", "0", "--web-plaintext");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> noTls.builder().config());
        assertTrue(e.getMessage().contains("--web-plaintext"), e.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
