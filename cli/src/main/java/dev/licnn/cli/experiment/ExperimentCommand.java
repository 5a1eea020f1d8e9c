package dev.licnn.cli.experiment;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code experiment}: the paper's experiments and the localisation measures. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Run an experiment on a dataset.",
        subcommands = {
            LocalisationCommand.class,
            BlurCommand.class,
            SanityCommand.class,
            SoftmaxCommand.class,
            ReportCommand.class
        })
public final class ExperimentCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
