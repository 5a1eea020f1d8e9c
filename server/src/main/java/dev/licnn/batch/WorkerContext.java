package dev.licnn.batch;

import java.util.Objects;

/** Identity of one pool worker: its name, the device it owns and its position in the pool. */
public final class WorkerContext {

    private final String name;
    private final String device;
    private final int index;

    WorkerContext(String name, String device, int index) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        this.index = index;
    }

    /** The worker's name, unique in its pool. */
    public String name() {
        return name;
    }

    /**
     * The device string the worker was configured with, for example {@code "cpu"} or {@code
     * "cuda:0"}.
     */
    public String device() {
        return device;
    }

    /** Zero-based position of the worker in the order the workers were added. */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return "worker " + name + " (" + device + ", #" + index + ")";
    }
}
