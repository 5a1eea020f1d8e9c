package dev.licnn.client;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builders for request messages.
 *
 * <pre>{@code
 * ExplainRequest req = Requests.explain(Requests.image(Path.of("cat.jpg")))
 *     .setTopK(3)
 *     .setMapEncoding(MapEncoding.MAP_ENCODING_FLOAT16)
 *     .build();
 * }</pre>
 */
public final class Requests {
    private Requests() {}

    /** An encoded (PNG or JPEG) image. */
    public static ImageInput image(byte[] encoded) {
        return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(encoded)).build();
    }

    /** An encoded (PNG or JPEG) image read from a file. */
    public static ImageInput image(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return ImageInput.newBuilder().setEncoded(ByteString.readFrom(in)).build();
        }
    }

    /**
     * An already pre-processed image: {@code chw} holds {@code 3 * h * w} floats, channel, then
     * row, then column, packed as little-endian float32 with shape {@code [3, h, w]}.
     *
     * @throws IllegalArgumentException if a size is below 1 or the length is not {@code 3 * h * w}
     */
    public static ImageInput tensor(float[] chw, int h, int w) {
        if (h < 1 || w < 1 || (long) 3 * h * w != chw.length) {
            throw new IllegalArgumentException(
                    "tensor of shape [3, "
                            + h
                            + ", "
                            + w
                            + "] needs "
                            + 3L * h * w
                            + " values, got "
                            + chw.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(4 * chw.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(chw);
        Tensor tensor =
                Tensor.newBuilder()
                        .addShape(3)
                        .addShape(h)
                        .addShape(w)
                        .setData(ByteString.copyFrom(buffer))
                        .build();
        return ImageInput.newBuilder().setTensor(tensor).build();
    }

    /** An explain request for {@code image}, every other field at its server default. */
    public static ExplainRequest.Builder explain(ImageInput image) {
        return ExplainRequest.newBuilder().setImage(image);
    }

    /** A classify request for {@code images} on the default model; {@code topK} 0 means 5. */
    public static ClassifyRequest classify(List<ImageInput> images, int topK) {
        return ClassifyRequest.newBuilder().addAllImages(images).setTopK(topK).build();
    }
}
