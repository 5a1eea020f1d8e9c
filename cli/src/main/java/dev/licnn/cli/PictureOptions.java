package dev.licnn.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code explain --overlay}: where {@code overlay.png} is drawn. */
final class PictureOptions {

    @Option(
            names = "--overlay",
            defaultValue = "crop",
            description =
                    "overlay.png over the network's centre crop (crop) or over the whole image, the crop box drawn (full); default ${DEFAULT-VALUE}.")
    String overlay;

    ExplainFiles.Overlay overlay() {
        return switch (overlay.toLowerCase(Locale.ROOT)) {
            case "crop" -> ExplainFiles.Overlay.CROP;
            case "full" -> ExplainFiles.Overlay.FULL;
            default ->
                    throw new CliException(
                            "--overlay must be 'crop' or 'full', got '" + overlay + "'");
        };
    }
}
