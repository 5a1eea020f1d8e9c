package dev.licnn.cli;

import picocli.CommandLine.Command;

/**
 * {@code dataset}, {@code train} and {@code evaluate}: the generated dataset and the bundled model.
 */
final class DataCommands {

    private DataCommands() {}

    /** {@code dataset}: writes the generated shapes dataset (ImageFolder, masks, manifest.csv). */
    @Command(
            name = "dataset",
            mixinStandardHelpOptions = true,
            description =
                    "Generate the shapes dataset: --out DIR [--seed 0] [--train N] [--natural N] [--adversarial N] "
                            + "[--size 224] [--own-rate 0.8] [--threads N]. Same seed, same bytes.")
    static final class Dataset extends MainCommand {
        @Override
        void main(String[] arguments) throws Exception {
            dev.licnn.dataset.DatasetMain.main(arguments);
        }
    }

    /** {@code train}: trains the narrow VGG-16 on a generated dataset and writes a model folder. */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description =
                    "Train the narrow VGG-16: --data DIR --out DIR [--epochs 5] [--seed 1] [--batch 32] [--lr 0.001] "
                            + "[--final-lr 0.00005] [--dropout 0.5] [--max-minutes M] [--init WEIGHTS].")
    static final class Train extends MainCommand {
        @Override
        void main(String[] arguments) throws Exception {
            dev.licnn.train.TrainMain.main(arguments);
        }
    }

    /** {@code evaluate}: top-1 accuracy of a model folder on a split. */
    @Command(
            name = "evaluate",
            mixinStandardHelpOptions = true,
            description =
                    "Accuracy of a model on a dataset split: --model DIR --data DIR --split natural|adversarial.")
    static final class Evaluate extends MainCommand {
        @Override
        void main(String[] arguments) throws Exception {
            dev.licnn.train.EvaluateMain.main(arguments);
        }
    }
}
