/**
 * Java client of the {@code licnn.v1} gRPC API: classify images and stream their LICNN saliency
 * maps from one server or a set of replicas.
 *
 * <p>{@link dev.licnn.client.LicnnClient} wraps a {@link io.grpc.Channel} and offers three ways to
 * call {@code Explain} (a blocking {@link dev.licnn.client.EventStream}, an {@link
 * dev.licnn.client.ExplainListener}, or a {@link java.util.concurrent.CompletableFuture} of an
 * {@link dev.licnn.client.ExplainOutcome}); {@link dev.licnn.client.DecodedMap} turns the packed
 * {@code MapData} of the events into float arrays; {@link dev.licnn.client.Requests} builds inputs;
 * {@link dev.licnn.client.PipelinedRunner} pushes many images through one {@code ExplainStream}
 * call with bounded concurrency.
 *
 * <pre>{@code
 * try (LicnnClient client = LicnnClient.connect("localhost:50051")) {
 *   ExplainOutcome out = client.explainAsync(
 *       Requests.explain(Requests.image(Path.of("cat.jpg"))).setTopK(3).build()).join();
 *   DecodedMap saliency = out.saliency();
 * }
 * }</pre>
 *
 * <p>This package depends only on the generated contract ({@code dev.licnn.proto.v1}) and the gRPC
 * API. It must not import the server ({@code dev.licnn.server} and below) nor DJL ({@code ai.djl}):
 * a client never needs the engine on its class path.
 */
package dev.licnn.client;
