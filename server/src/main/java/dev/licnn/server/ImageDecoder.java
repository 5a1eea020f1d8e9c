package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.Tensor;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/** Turns a request's image (encoded PNG/JPEG, or a float32 tensor) into a model's input. */
final class ImageDecoder {

    private final Map<String, ImagePreprocessor> preprocessors = new ConcurrentHashMap<>();
    @Nullable private final ServerMetrics metrics;

    /** A decoder that counts nothing. */
    ImageDecoder() {
        this(null);
    }

    /** A decoder that counts each image it prepares in {@code metrics}. */
    ImageDecoder(@Nullable ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** A prepared image: 3 x height x width, channel-major, normalised. */
    record PreparedInput(float[] chw, int height, int width) {}

    /** Decodes and prepares one image for {@code card}. */
    PreparedInput prepare(ImageInput image, ModelCard card) {
        PreparedInput in = prepareUncounted(image, card);
        if (metrics != null) {
            metrics.imagesDecoded.inc();
        }
        return in;
    }

    private PreparedInput prepareUncounted(ImageInput image, ModelCard card) {
        int size = card.preprocess().cropSize();
        switch (image.getSourceCase()) {
            case ENCODED:
                {
                    ImagePreprocessor p =
                            preprocessors.computeIfAbsent(
                                    card.name(), n -> new ImagePreprocessor(card.preprocess()));
                    PreparedImage prepared = p.prepare(image.getEncoded().toByteArray());
                    return new PreparedInput(prepared.chw(), prepared.height(), prepared.width());
                }
            case TENSOR:
                {
                    Tensor t = image.getTensor();
                    long[] shape =
                            t.getShapeList().stream().mapToLong(Integer::longValue).toArray();
                    if (shape.length != 3) {
                        throw new InvalidInputException(
                                "tensor shape must be [3, "
                                        + size
                                        + ", "
                                        + size
                                        + "] (channels, height, width; no batch dimension), got "
                                        + Arrays.toString(shape));
                    }
                    if (t.getData().size() % 4 != 0) {
                        throw new InvalidInputException(
                                "tensor data must be float32: "
                                        + t.getData().size()
                                        + " bytes is not a multiple of 4");
                    }
                    float[] values = new float[t.getData().size() / 4];
                    t.getData()
                            .asReadOnlyByteBuffer()
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(values);
                    ImagePreprocessor.validateTensor(shape, values, size, size);
                    return new PreparedInput(values, size, size);
                }
            default:
                throw new InvalidInputException(
                        "image is required: set image.encoded (PNG or JPEG) or image.tensor");
        }
    }
}
