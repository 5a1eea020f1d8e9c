package dev.licnn.cli.experiment;

import dev.licnn.experiments.RunInfo;
import picocli.CommandLine;

/** The command line an experiment was started with, for its {@code command.txt}. */
final class CommandLines {

    private CommandLines() {}

    /** {@code ./licnn experiment blur --data ...}: the arguments as typed, quoted where needed. */
    static String typed(CommandLine.Model.CommandSpec spec) {
        CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return RunInfo.commandLine(root.getParseResult().originalArgs());
    }
}
