package dev.licnn.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact command an experiment ran with, written to {@code OUT/command.txt} so that the report
 * can quote it and a reader can run it again.
 */
public final class RunInfo {

    private RunInfo() {}

    /** {@code ./licnn experiment blur --data ...}: the arguments as typed, quoted where needed. */
    public static String commandLine(List<String> args) {
        List<String> parts = new ArrayList<>();
        parts.add("./licnn");
        for (String a : args) {
            parts.add(a.matches("[A-Za-z0-9_./:,=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", parts);
    }

    /** Writes {@code OUT/command.txt}. */
    public static void write(Path out, String command) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("command.txt"), command + "\n", StandardCharsets.UTF_8);
    }

    /** The command recorded in {@code dir/command.txt}, or null. */
    public static String read(Path dir) throws IOException {
        Path f = dir.resolve("command.txt");
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : null;
    }
}
