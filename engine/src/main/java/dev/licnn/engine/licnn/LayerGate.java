package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;

/**
 * The gates of one layer for the rows of a call: the keep mask on the device (rows x 1 x H x W, 1
 * where a location passes, 0 where it is suppressed) that the inhibited pass multiplies by, and the
 * maps a client may ask to stream, copied to the host on demand.
 */
abstract class LayerGate {

    /** The keep mask on the network's device; owned by the call's manager. */
    NDArray keep;

    /** The L2-normalised Max-C map of a row, H x W row-major. */
    abstract float[] m(int row);

    /** The L2-normalised inhibition map of a row. */
    abstract float[] li(int row);

    /** The gated map of a row: {@code m} where it passes, 0 elsewhere. */
    abstract float[] gated(int row);
}
