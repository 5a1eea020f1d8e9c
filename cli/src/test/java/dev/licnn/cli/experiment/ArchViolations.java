package dev.licnn.cli.experiment;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** A command that draws a picture itself instead of handing the work to the experiments. */
    public static final class CommandDraws {
        Object picture() {
            return new java.awt.image.BufferedImage(
                    1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        }
    }
}
