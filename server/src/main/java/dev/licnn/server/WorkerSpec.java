package dev.licnn.server;

/**
 * One worker of the pool: a name, a device ({@code cpu} or {@code cuda:N}) and its intra-op thread
 * count (0 = the engine's default).
 */
public record WorkerSpec(String name, String device, int threads) {

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
        LicnnProcessor.device(device);
        return new WorkerSpec(device.replace(':', '-') + "-" + index, device, threads);
    }
}
