package dev.licnn.server;

import java.time.Duration;

/**
 * What one request may ask of the server: checked before any image is decoded, reported in {@code
 * DescribeModel}. A request over a limit gets RESOURCE_EXHAUSTED naming its figure and the limit.
 *
 * @param maxClassifyImages most images in one Classify request
 * @param maxCost ceiling on a request's estimated cost, in forward-pass equivalents ({@link
 *     CostModel})
 * @param maxMapBytes ceiling on the estimated bytes of maps one explain request streams
 * @param maxDeadline longest a call may last; a later client deadline, or none, is cut to this
 * @param maxStreamInFlight most requests in flight on one ExplainStream
 * @param maxQueuedPerClient most jobs one client may have waiting in the queue
 */
public record RequestLimits(
        int maxClassifyImages,
        long maxCost,
        long maxMapBytes,
        Duration maxDeadline,
        int maxStreamInFlight,
        int maxQueuedPerClient) {

    static final int DEFAULT_MAX_CLASSIFY_IMAGES = 64;
    static final long DEFAULT_MAX_COST = 4096;
    static final long DEFAULT_MAX_MAP_BYTES = 256L << 20;
    static final Duration DEFAULT_MAX_DEADLINE = Duration.ofMinutes(5);
    static final int DEFAULT_MAX_STREAM_IN_FLIGHT = 32;

    public RequestLimits {
        if (maxClassifyImages < 1
                || maxCost < 1
                || maxMapBytes < 1
                || maxStreamInFlight < 1
                || maxQueuedPerClient < 1) {
            throw new IllegalArgumentException("request limits must be at least 1");
        }
        if (maxDeadline.isNegative() || maxDeadline.isZero()) {
            throw new IllegalArgumentException("max deadline must be positive, got " + maxDeadline);
        }
    }

    /** The defaults, with a per-client share of half a queue of {@code maxQueueSize} jobs. */
    public static RequestLimits defaults(int maxQueueSize) {
        return new RequestLimits(
                DEFAULT_MAX_CLASSIFY_IMAGES,
                DEFAULT_MAX_COST,
                DEFAULT_MAX_MAP_BYTES,
                DEFAULT_MAX_DEADLINE,
                DEFAULT_MAX_STREAM_IN_FLIGHT,
                defaultQueuedPerClient(maxQueueSize));
    }

    /** Half the queue (at least one job), so one client's burst leaves the other half. */
    static int defaultQueuedPerClient(int maxQueueSize) {
        return Math.max(1, (maxQueueSize + 1) / 2);
    }

    /** The same limits with another cost ceiling. */
    public RequestLimits withMaxCost(long cost) {
        return new RequestLimits(
                maxClassifyImages,
                cost,
                maxMapBytes,
                maxDeadline,
                maxStreamInFlight,
                maxQueuedPerClient);
    }

    /** The same limits with another longest call. */
    public RequestLimits withMaxDeadline(Duration deadline) {
        return new RequestLimits(
                maxClassifyImages,
                maxCost,
                maxMapBytes,
                deadline,
                maxStreamInFlight,
                maxQueuedPerClient);
    }

    /** The same limits with another cap on images per Classify. */
    public RequestLimits withMaxClassifyImages(int images) {
        return new RequestLimits(
                images, maxCost, maxMapBytes, maxDeadline, maxStreamInFlight, maxQueuedPerClient);
    }

    /** The same limits with another cap on requests in flight per ExplainStream. */
    public RequestLimits withMaxStreamInFlight(int requests) {
        return new RequestLimits(
                maxClassifyImages, maxCost, maxMapBytes, maxDeadline, requests, maxQueuedPerClient);
    }

    /** As the contract reports them. */
    dev.licnn.proto.v1.RequestLimits toProto() {
        return dev.licnn.proto.v1.RequestLimits.newBuilder()
                .setMaxClassifyImages(maxClassifyImages)
                .setMaxRequestCost(maxCost)
                .setMaxRequestMapBytes(maxMapBytes)
                .setMaxDeadline(ExplainRun.durationOf(maxDeadline.toNanos()))
                .setMaxStreamInFlight(maxStreamInFlight)
                .setMaxQueuedPerClient(maxQueuedPerClient)
                .build();
    }
}
