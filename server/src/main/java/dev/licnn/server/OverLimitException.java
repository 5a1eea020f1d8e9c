package dev.licnn.server;

/**
 * A request asks more than one of this server's limits allows ({@link RequestLimits}): its cost,
 * its images, its maps, or its share of the queue. The client's own doing, but not bad input: it
 * becomes RESOURCE_EXHAUSTED, and the message names the request's figure and the limit.
 */
final class OverLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OverLimitException(String message) {
        super(message);
    }
}
