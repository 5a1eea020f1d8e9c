package dev.licnn.cli.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The exact command an experiment ran with, written to {@code OUT/command.txt} so that the report
 * can quote it and a reader can run it again.
 */
final class RunInfo {

    private RunInfo() {}

    /**
     * {@code licnn experiment blur --data ...}: the command line as typed, arguments quoted where
     * needed.
     */
    static String commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        parts.add("./licnn");
        CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        for (String a : root.getParseResult().originalArgs()) {
            parts.add(a.matches("[A-Za-z0-9_./:,=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", parts);
    }

    /** Writes {@code OUT/command.txt}. */
    static void write(Path out, CommandLine.Model.CommandSpec spec) throws IOException {
        Files.createDirectories(out);
        Files.writeString(
                out.resolve("command.txt"), commandLine(spec) + "\n", StandardCharsets.UTF_8);
    }

    /** The command recorded in {@code dir/command.txt}, or null. */
    static String read(Path dir) throws IOException {
        Path f = dir.resolve("command.txt");
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : null;
    }
}
