package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad request gets a precise status naming the problem, and the server keeps serving. */
class BadInputTest {

    private static TestServer ts;
    private static float[] img;

    @BeforeAll
    static void start() {
        ts = new TestServer(b -> b);
        img = TestServer.goldenInput(2);
    }

    @AfterAll
    static void stop() throws Exception {
        ts.close();
    }

    static ImageInput encoded(byte[] b) {
        return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(b)).build();
    }

    static Stream<Arguments> badRequests() {
        ExplainRequest ok =
                ExplainRequest.newBuilder()
                        .setImage(TestServer.tensor(TestServer.goldenInput(2)))
                        .build();
        float[] nan = TestServer.goldenInput(2).clone();
        nan[1234] = Float.NaN;
        return Stream.of(
                Arguments.of(
                        "empty image",
                        ExplainRequest.newBuilder().setImage(encoded(new byte[0])).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "empty"),
                Arguments.of(
                        "no image",
                        ExplainRequest.getDefaultInstance(),
                        Status.Code.INVALID_ARGUMENT,
                        "image is required"),
                Arguments.of(
                        "truncated PNG",
                        ExplainRequest.newBuilder()
                                .setImage(encoded(Images.truncated(Images.png(200, 200))))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "corrupt or truncated"),
                Arguments.of(
                        "non-image bytes",
                        ExplainRequest.newBuilder()
                                .setImage(encoded("hello world, not an image".getBytes()))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "not a PNG or JPEG"),
                Arguments.of(
                        "decompression bomb",
                        ExplainRequest.newBuilder()
                                .setImage(encoded(Images.pngHeaderOnly(50000, 50000)))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "50000x50000"),
                Arguments.of(
                        "wrong tensor shape",
                        ExplainRequest.newBuilder()
                                .setImage(TestServer.tensor(new float[3 * 100 * 100], 3, 100, 100))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "shape"),
                Arguments.of(
                        "tensor with a batch dimension",
                        ExplainRequest.newBuilder()
                                .setImage(
                                        TestServer.tensor(
                                                TestServer.goldenInput(2), 1, 3, 224, 224))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "must be [3, 224, 224]"),
                Arguments.of(
                        "NaN in tensor",
                        ExplainRequest.newBuilder().setImage(TestServer.tensor(nan)).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "NaN"),
                Arguments.of(
                        "top_k too large",
                        ok.toBuilder().setTopK(11).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "top_k"),
                Arguments.of(
                        "top_k negative",
                        ok.toBuilder().setTopK(-1).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "top_k"),
                Arguments.of(
                        "ranking_size above the class count",
                        ok.toBuilder().setRankingSize(11).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "ranking_size must be between 1 and 10"),
                Arguments.of(
                        "unknown class",
                        ok.toBuilder().setClassIds(ClassList.newBuilder().addClassIds(10)).build(),
                        Status.Code.NOT_FOUND,
                        "class 10"),
                Arguments.of(
                        "empty class list",
                        ok.toBuilder().setClassIds(ClassList.getDefaultInstance()).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "at least one class"),
                Arguments.of(
                        "even LIZ size",
                        ok.toBuilder()
                                .setLicnnOptions(LicnnOptions.newBuilder().setLizSize(6))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "LIZ size"),
                Arguments.of(
                        "negative a",
                        ok.toBuilder().setLicnnOptions(LicnnOptions.newBuilder().setA(-1f)).build(),
                        Status.Code.INVALID_ARGUMENT,
                        "a=-1"),
                Arguments.of(
                        "unknown layer",
                        ok.toBuilder().addLayerNames("relu9_9").build(),
                        Status.Code.INVALID_ARGUMENT,
                        "relu9_9"),
                Arguments.of(
                        "unknown model",
                        ok.toBuilder().setModel("resnet").build(),
                        Status.Code.NOT_FOUND,
                        "resnet"),
                Arguments.of(
                        "unimplemented method",
                        ok.toBuilder().setMethodValue(99).build(),
                        Status.Code.UNIMPLEMENTED,
                        "99"),
                Arguments.of(
                        "layer maps of a baseline",
                        ok.toBuilder()
                                .setMethod(ExplainMethod.EXPLAIN_METHOD_GRAD_CAM)
                                .addLayerMapKinds(dev.licnn.proto.v1.MapKind.MAP_KIND_INHIBITION)
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "LICNN's intermediate maps"),
                Arguments.of(
                        "Grad-CAM layer out of range",
                        ok.toBuilder()
                                .setMethod(ExplainMethod.EXPLAIN_METHOD_GRAD_CAM)
                                .setBaselineOptions(
                                        dev.licnn.proto.v1.BaselineOptions.newBuilder()
                                                .setGradCamLayer(13))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "grad_cam_layer 13"),
                Arguments.of(
                        "IG steps zero",
                        ok.toBuilder()
                                .setMethod(ExplainMethod.EXPLAIN_METHOD_INTEGRATED_GRADIENTS)
                                .setBaselineOptions(
                                        dev.licnn.proto.v1.BaselineOptions.newBuilder()
                                                .setIgSteps(0))
                                .build(),
                        Status.Code.INVALID_ARGUMENT,
                        "step"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequest_getsPreciseStatus_andServerKeepsServing(
            String name, ExplainRequest req, Status.Code code, String text) {
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> {
                            List<ExplainEvent> events = new ArrayList<>();
                            ts.blocking.explain(req).forEachRemaining(events::add);
                        });
        assertEquals(code, e.getStatus().getCode(), name + ": " + e.getStatus());
        assertTrue(
                e.getStatus().getDescription() != null
                        && e.getStatus().getDescription().contains(text),
                name
                        + ": description '"
                        + e.getStatus().getDescription()
                        + "' should mention '"
                        + text
                        + "'");
        HealthCheckResponse h =
                HealthGrpc.newBlockingStub(ts.channel)
                        .check(
                                HealthCheckRequest.newBuilder()
                                        .setService(LicnnServer.SERVICE_NAME)
                                        .build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
        List<ExplainEvent> events = new ArrayList<>();
        ts.blocking
                .explain(
                        ExplainRequest.newBuilder()
                                .setImage(TestServer.tensor(img))
                                .setTopK(1)
                                .build())
                .forEachRemaining(events::add);
        assertEquals(
                ExplainEvent.EventCase.COMPLETED,
                events.get(events.size() - 1).getEventCase(),
                "server still answers after "
                        + name
                        + ": "
                        + Arrays.toString(
                                events.stream().map(ExplainEvent::getEventCase).toArray()));
    }
}
