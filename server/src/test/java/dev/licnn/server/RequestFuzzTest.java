package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.Tensor;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Requests as a client can send them: any bytes that parse as an {@code ExplainRequest}, and
 * tensors of any shape and values, go through the same parsing and preparation as on the server.
 * Each either yields an input of the model's size or fails with an exception that maps to a
 * client-error status with a message (never INTERNAL). The seed corpus ({@code
 * RequestFuzzTestInputs/}) runs in every build; {@code JAZZER_FUZZ=1} fuzzes ({@code
 * server/fuzz.sh}).
 */
class RequestFuzzTest {

    private static final ModelCard CARD =
            TestServer.narrowCard()
                    .withPreprocess(PreprocessConfig.builder().optMaxPixels(1 << 20).build());
    private static final RequestParser PARSER = new RequestParser(new ServedModels(List.of(CARD)));
    private static final ImageDecoder DECODER = new ImageDecoder();

    private static void check(ExplainRequest r) {
        try {
            ExplainPlan p = PARSER.explain(r);
            ImageDecoder.PreparedInput in = DECODER.prepare(r.getImage(), p.model());
            assertEquals(3 * in.height() * in.width(), in.chw().length);
            assertEquals(224, in.height());
        } catch (RuntimeException e) {
            Status s = Statuses.of(e);
            assertNotEquals(
                    Status.Code.INTERNAL, s.getCode(), () -> "client input became INTERNAL: " + e);
            assertFalse(
                    s.getDescription() == null || s.getDescription().isBlank(),
                    "no message for " + s.getCode());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void explainRequest(byte[] data) {
        ExplainRequest r;
        try {
            r = ExplainRequest.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return; // gRPC refuses such a message before the service sees it
        }
        check(r);
    }

    @FuzzTest(maxDuration = "5m")
    void tensor(FuzzedDataProvider in) {
        Tensor.Builder t = Tensor.newBuilder();
        int dims = in.consumeInt(0, 5);
        for (int i = 0; i < dims; i++) {
            t.addShape(in.pickValue(new int[] {-1, 0, 1, 3, 224, 225, in.consumeInt()}));
        }
        int floats =
                in.pickValue(
                        new int[] {
                            0, 1, 3 * 224 * 224 - 1, 3 * 224 * 224, in.consumeInt(0, 1 << 18)
                        });
        boolean ragged = in.consumeBoolean();
        ByteBuffer b =
                ByteBuffer.allocate(floats * 4 + (ragged ? 1 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] pattern = in.consumeRemainingAsBytes();
        for (int i = 0; i < floats; i++) {
            b.putFloat(
                    pattern.length >= 4
                            ? ByteBuffer.wrap(pattern, (i * 4) % (pattern.length - 3), 4)
                                    .order(ByteOrder.LITTLE_ENDIAN)
                                    .getFloat()
                            : 0.5f);
        }
        t.setData(ByteString.copyFrom(b.array()));
        check(ExplainRequest.newBuilder().setImage(ImageInput.newBuilder().setTensor(t)).build());
    }
}
