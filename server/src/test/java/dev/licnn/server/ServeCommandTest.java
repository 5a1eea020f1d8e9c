package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        LicnnServer server = cmd.build();
        String name = InProcessServerBuilder.generateName();
        server.start(InProcessServerBuilder.forName(name));
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            LicnnServiceGrpc.LicnnServiceBlockingStub stub = LicnnServiceGrpc.newBlockingStub(ch);
            String model =
                    stub.listModels(ListModelsRequest.getDefaultInstance()).getDefaultModel();
            assertEquals(BundledModels.defaultModel().name(), model);
            // Concurrent requests run on both workers.
            Set<String> workers = java.util.Collections.synchronizedSet(new HashSet<>());
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Thread t =
                        new Thread(
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
                                });
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) {
                t.join(60_000);
            }
            assertEquals(2, workers.size(), "workers used: " + workers);
        } finally {
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
}
