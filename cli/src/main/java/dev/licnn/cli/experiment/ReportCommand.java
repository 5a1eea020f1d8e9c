package dev.licnn.cli.experiment;

import dev.licnn.experiments.report.ResultsReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code experiment report --results DIR}: the options of {@link ResultsReport}, which writes one
 * Markdown report from the experiments' raw outputs and, with {@code --readme FILE}, replaces the
 * marked experiment section of FILE by its summary.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write one Markdown report (tables, intervals, tests, commands, seeds, verdicts) from experiment outputs.")
public final class ReportCommand implements Callable<Integer> {

    @Option(
            names = "--results",
            defaultValue = "docs/results",
            description = "Folder holding blur/, sanity/ and softmax/ (default ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--out", description = "Report file (default: RESULTS/REPORT.md).")
    Path out;

    @Option(
            names = "--dataset-command",
            defaultValue =
                    "./licnn dataset --out data/heldout --seed 2027 --train 0 --natural 500 --adversarial 500",
            description = "The command that made the evaluation data (default: ${DEFAULT-VALUE}).")
    String datasetCommand;

    @Option(
            names = "--seeds-note",
            defaultValue =
                    "Seed 7 made the training images and the natural/adversarial images on which the "
                            + "training recipe was chosen; seed 2027 made the held-out images here, which no model or recipe choice has seen.",
            description = "Which dataset seeds were used for what.")
    String seedsNote;

    @Option(
            names = "--readme",
            description = "Also replace the marked experiment section of this README.")
    Path readme;

    @Override
    public Integer call() throws Exception {
        return new ResultsReport(
                        new ResultsReport.Settings(results, out, datasetCommand, seedsNote, readme))
                .run();
    }
}
