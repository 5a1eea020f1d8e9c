package dev.licnn.server;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.protobuf.ByteString;
import dev.licnn.engine.GoldenModel;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import dev.licnn.engine.model.VggSpec;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** An in-process server on the narrow golden model, with a channel and stubs to it. */
final class TestServer implements AutoCloseable {

    /** The narrow VGG-16 of the golden fixtures (the engine's test jar). */
    static final VggSpec SPEC = GoldenModel.SPEC;

    final LicnnServer server;
    final ManagedChannel channel;
    final LicnnServiceGrpc.LicnnServiceBlockingStub blocking;
    final LicnnServiceGrpc.LicnnServiceStub async;

    TestServer(UnaryOperator<LicnnServer.Builder> config) {
        String name = InProcessServerBuilder.generateName();
        LicnnServer.Builder b =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(narrowCard())))
                        .optWarmUp(false)
                        .optGrace(java.time.Duration.ofSeconds(5));
        server = config.apply(b).build();
        try {
            server.start(InProcessServerBuilder.forName(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
        blocking = LicnnServiceGrpc.newBlockingStub(channel);
        async = LicnnServiceGrpc.newStub(channel);
    }

    /**
     * The repository's bundled model folder, found from {@code $LICNN_HOME} (the build sets it to
     * the repository root); fails when it is not there, so that no test quietly serves another
     * model.
     */
    static Path bundledModelDir() {
        Path dir =
                BundledModels.home()
                        .resolve(BundledModels.DEFAULT_MODEL_DIR)
                        .toAbsolutePath()
                        .normalize();
        if (!Files.isRegularFile(dir.resolve("model.json"))) {
            throw new IllegalStateException(
                    "the bundled model is not at "
                            + dir
                            + " (LICNN_HOME="
                            + System.getenv("LICNN_HOME")
                            + "; the build sets it to the repository root)");
        }
        return dir;
    }

    static ModelCard narrowCard() {
        return ModelCard.ofFile("narrow", SPEC, golden("weights.safetensors"), Labels.indexed(10));
    }

    private static final Map<String, Path> GOLDEN = new ConcurrentHashMap<>();

    /**
     * A golden fixture of the engine's test jar, as a file (copied out of the jar once when it is
     * packed).
     */
    static Path golden(String file) {
        return GOLDEN.computeIfAbsent(
                file,
                f -> {
                    URL url = TestServer.class.getResource("/golden/" + f);
                    if (url == null) {
                        throw new IllegalStateException(
                                "golden/"
                                        + f
                                        + " is not on the test classpath (licnn-engine's test jar)");
                    }
                    try {
                        if (url.getProtocol().equals("file")) {
                            return Paths.get(url.toURI());
                        }
                        Path tmp = Files.createTempFile("golden-", "-" + f);
                        tmp.toFile().deleteOnExit();
                        try (InputStream in = url.openStream()) {
                            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        }
                        return tmp;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** Fixture image {@code i} (0..2) as CHW floats. */
    static float[] goldenInput(int i) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                SafeTensorsFile f = SafeTensors.open(golden("inputs.safetensors"));
                NDArray a = f.load("img" + i + ".input", m)) {
            return a.toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A float tensor image input. */
    static ImageInput tensor(float[] chw, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(chw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(chw);
        Tensor.Builder t = Tensor.newBuilder().setData(ByteString.copyFrom(b.array()));
        for (int s : shape) {
            t.addShape(s);
        }
        return ImageInput.newBuilder().setTensor(t).build();
    }

    static ImageInput tensor(float[] chw) {
        return tensor(chw, 3, 224, 224);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }
}
