package dev.licnn.engine.image;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** Image decoding referring to DJL. */
    public static final class ImageUsesDjl {
        ai.djl.Device device() {
            return ai.djl.Device.cpu();
        }
    }
}
