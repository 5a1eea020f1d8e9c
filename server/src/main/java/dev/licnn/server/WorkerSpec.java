package dev.licnn.server;

import ai.djl.Device;
import java.util.Locale;
import java.util.Objects;

/**
 * One worker of the pool: a name, a device ({@code cpu} or {@code cuda:N}) and its intra-op thread
 * count (0 = the engine's default). The device name is parsed once, here, into the engine's {@link
 * #engineDevice()}.
 */
public record WorkerSpec(String name, String device, int threads, Device engineDevice) {

    public WorkerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(engineDevice, "engineDevice");
    }

    /** A worker on {@code device}, parsed with {@link #parseDevice}. */
    public WorkerSpec(String name, String device, int threads) {
        this(name, device, threads, parseDevice(device));
    }

    /**
     * Parses {@code DEVICE[@THREADS]}, e.g. {@code cpu}, {@code cpu@1}, {@code cuda:0}.
     *
     * @param index position of the worker, used in its name
     */
    public static WorkerSpec parse(String text, int index) {
        String device = text;
        int threads = 0;
        int at = text.indexOf('@');
        if (at >= 0) {
            device = text.substring(0, at);
            try {
                threads = Integer.parseInt(text.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad worker '" + text + "': threads after @ must be a number");
            }
            if (threads < 1) {
                throw new IllegalArgumentException(
                        "bad worker '" + text + "': threads must be >= 1");
            }
        }
        Device parsed = parseDevice(device);
        return new WorkerSpec(device.replace(':', '-') + "-" + index, device, threads, parsed);
    }

    /** {@code cpu}, or {@code cuda:N} / {@code gpu:N}. */
    public static Device parseDevice(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.startsWith("cuda:") || n.startsWith("gpu:")) {
            String id = n.substring(n.indexOf(':') + 1);
            if (!id.isEmpty() && id.chars().allMatch(Character::isDigit) && id.length() < 6) {
                return Device.gpu(Integer.parseInt(id));
            }
        }
        throw new IllegalArgumentException(
                "unknown device '" + name + "' (expected cpu or cuda:N)");
    }
}
