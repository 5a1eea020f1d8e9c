package dev.licnn.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.licnn.dataset.Manifest;
import dev.licnn.dataset.ManifestEntry;
import dev.licnn.dataset.Split;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Trains the shapes model on a generated dataset and writes a model folder ({@code model.json},
 * {@code weights.safetensors}, {@code labels.json}). {@code licnn train} runs it with these
 * options; so does its own {@link #main}:
 *
 * <pre>
 * java -Dai.djl.offline=true dev.licnn.train.TrainMain --data data/shapes --out models/shapes-vgg16 \
 *     --epochs 5 --seed 1 [--batch 32] [--lr 0.001] [--final-lr 0.00005] [--batch-norm true] [--dropout 0.5] [--limit N]
 *     [--max-minutes M] [--pooled-classifier true]
 *     [--init weights.safetensors]
 * </pre>
 *
 * <p>After training it reloads the written safetensors into {@link VggNetwork} (the serving code
 * path), checks that it reproduces the trained block's logits, and records the accuracy on the
 * {@code natural} and {@code adversarial} splits in the card's {@code info}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train the narrow VGG-16 on a generated dataset and write a model folder.")
public final class TrainMain implements Callable<Integer> {

    /** File name of the weights inside the model folder. */
    public static final String WEIGHTS = "weights.safetensors";

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Dataset folder (with manifest.csv).")
    Path data;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Model folder to write.")
    Path out;

    @Option(
            names = "--epochs",
            defaultValue = "5",
            description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the initial weights and the batches (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "0.001",
            description = "Initial Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(
            names = "--final-lr",
            defaultValue = "0.00005",
            description =
                    "Learning rate at the end of the cosine decay (default ${DEFAULT-VALUE}).")
    float finalLr;

    @Option(
            names = "--weight-decay",
            defaultValue = "0",
            description = "Weight decay (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(
            names = "--dropout",
            defaultValue = "0.5",
            description = "Classifier dropout (default ${DEFAULT-VALUE}).")
    float dropout;

    @Option(
            names = "--batch-norm",
            defaultValue = "true",
            arity = "1",
            paramLabel = "true|false",
            description =
                    "Train with batch norm, folded into the convolutions when served (default ${DEFAULT-VALUE}).")
    boolean batchNorm;

    @Option(
            names = "--pooled-classifier",
            defaultValue = "true",
            arity = "1",
            paramLabel = "true|false",
            description = "Classifier on pooled features (default ${DEFAULT-VALUE}).")
    boolean pooledClassifier;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Train on the first N train images only (default: all).")
    Integer limit;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Image decoding threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--max-minutes",
            defaultValue = "1e9",
            paramLabel = "M",
            description =
                    "Stop before an epoch that would end after M minutes (default: no limit).")
    double maxMinutes;

    @Option(
            names = "--init",
            paramLabel = "WEIGHTS",
            description = "Start from these safetensors weights (default: seeded random weights).")
    Path init;

    @Spec CommandSpec command;

    /** Trains; exits with status 2 on a bad option. */
    public static void main(String[] args) {
        int code = new CommandLine(new TrainMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The training options the command-line options describe. */
    TrainOptions options() {
        return TrainOptions.builder()
                .optEpochs(epochs)
                .optSeed(seed)
                .optBatchSize(batch)
                .optLearningRate(lr)
                .optFinalLearningRate(finalLr)
                .optWeightDecay(weightDecay)
                .optDropout(dropout)
                .optPooledClassifier(pooledClassifier)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        TrainOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
        if (threads < 1 || (limit != null && limit < 0)) {
            throw new ParameterException(
                    command.commandLine(),
                    "--threads must be at least 1 and --limit at least 0, got "
                            + threads
                            + " and "
                            + limit);
        }
        VggSpec spec = ShapesModel.spec(batchNorm);
        PreprocessConfig preprocess = ShapesModel.preprocess();

        List<ManifestEntry> manifest = Manifest.read(data);
        List<ManifestEntry> trainRows = Manifest.ofSplit(manifest, Split.TRAIN);
        if (limit != null) {
            trainRows = trainRows.subList(0, Math.min(trainRows.size(), limit));
        }
        long t0 = System.nanoTime();
        ImageSet train = ImageSet.of(data, trainRows, preprocess, threads);
        ImageSet natural =
                ImageSet.of(data, Manifest.ofSplit(manifest, Split.NATURAL), preprocess, threads);
        ImageSet adversarial =
                ImageSet.of(
                        data, Manifest.ofSplit(manifest, Split.ADVERSARIAL), preprocess, threads);
        System.out.printf(
                "loaded %d train, %d natural, %d adversarial images in %.1f s%n",
                train.size(), natural.size(), adversarial.size(), (System.nanoTime() - t0) / 1e9);
        System.out.println(spec + " " + options);

        Files.createDirectories(out);
        Path weightsPath = out.resolve(WEIGHTS);
        List<Map<String, Object>> epochs = new ArrayList<>();
        long trainStart = System.nanoTime();
        double exportDiff;
        int steps = Trainer.stepsPerEpoch(train.size(), options.batchSize());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                StateDict start = init != null ? StateDict.fromSafeTensors(init, manager) : null;
                Trainer trainer = new Trainer(spec, options, steps * options.epochs(), start)) {
            double maxSeconds = 60 * maxMinutes;
            for (int e = 0; e < options.epochs(); e++) {
                double elapsed = (System.nanoTime() - trainStart) / 1e9;
                if (e > 0 && elapsed * (e + 1) / e > maxSeconds) {
                    System.out.printf(
                            "stopping after %d epochs: another would pass --max-minutes%n", e);
                    break;
                }
                Trainer.EpochStats s = trainer.trainEpoch(train, e, TrainMain::progress);
                double val = natural.size() > 0 ? trainer.accuracy(natural, 50) : Double.NaN;
                System.out.printf(
                        "epoch %d: loss %.4f, train top-1 %.2f%%, natural top-1 %.2f%%, %.0f s%n",
                        e + 1, s.meanLoss(), 100 * s.accuracy(), 100 * val, s.seconds());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", e + 1);
                m.put("train_loss", Evaluation.round(s.meanLoss()));
                m.put("train_top1", Evaluation.round(s.accuracy()));
                m.put("natural_top1", Evaluation.round(val));
                m.put("seconds", Math.round(s.seconds()));
                epochs.add(m);
                try (StateDict weights = trainer.export(manager)) {
                    weights.toSafeTensors(weightsPath); // a checkpoint after every epoch
                }
            }
            try (StateDict weights = trainer.export(manager)) {
                weights.toSafeTensors(weightsPath);
            }
            exportDiff =
                    checkExport(
                            trainer,
                            spec,
                            weightsPath,
                            natural.size() > 0 ? natural : train,
                            manager);
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        System.out.printf(
                "trained in %.0f s; exported weights reproduce the block's logits to %.2e%n",
                trainSeconds, exportDiff);

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("weights", WEIGHTS);
        info.put(
                "description",
                "VGG-16-shaped network (13 convolutions, 5 pools) trained from scratch on the "
                        + "generated shapes dataset (dev.licnn.dataset); batch norm "
                        + (batchNorm ? "is folded into the convolutions when served" : "not used"));
        info.put("dataset", data.toString());
        Path dataConfig = data.resolve("dataset.txt");
        if (Files.isRegularFile(dataConfig)) {
            info.put("dataset_config", Files.readString(dataConfig).trim());
        }
        info.put("train_images", train.size());
        info.put("seed", options.seed());
        if (init != null) {
            info.put("initialised_from", init.toString());
        }
        info.put("options", options.toString());
        info.put("epochs", epochs.size());
        info.put("history", epochs);
        info.put("train_seconds", Math.round(trainSeconds));
        info.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        info.put("export_max_abs_logit_diff", exportDiff);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                StateDict weights = StateDict.fromSafeTensors(weightsPath, manager);
                VggNetwork net = VggNetwork.create(spec, weights.asMap(), Device.cpu())) {
            for (Map.Entry<String, ImageSet> e :
                    Map.of("natural", natural, "adversarial", adversarial).entrySet()) {
                if (e.getValue().size() > 0) {
                    Evaluation ev = Evaluation.of(net, e.getValue(), 50);
                    System.out.println(e.getKey() + ": " + ev);
                    info.put(e.getKey(), ev.describe());
                }
            }
        }
        ModelCard card =
                ModelCard.ofFile(ShapesModel.NAME, spec, weightsPath, ShapesModel.labels())
                        .withPreprocess(preprocess)
                        .withInfo(info);
        card.save(out, WEIGHTS);
        System.out.println("wrote " + out);
        return 0;
    }

    private static void progress(
            int epoch, int step, int steps, float loss, int correct, int batch) {
        if (step % 25 == 0 || step == steps - 1) {
            System.out.printf(
                    "  epoch %d step %d/%d loss %.4f batch top-1 %d/%d%n",
                    epoch + 1, step + 1, steps, loss, correct, batch);
        }
    }

    /**
     * Largest absolute difference between the block's and the reloaded network's logits on a few
     * images.
     */
    static double checkExport(
            Trainer trainer, VggSpec spec, Path weightsPath, ImageSet images, NDManager manager)
            throws java.io.IOException {
        int[] idx = Trainer.range(0, Math.min(8, images.size()));
        try (NDManager m = manager.newSubManager();
                StateDict weights = StateDict.fromSafeTensors(weightsPath, m);
                VggNetwork net = VggNetwork.create(spec, weights.asMap(), Device.cpu())) {
            NDArray x = images.batch(idx, m);
            float[] expected = trainer.logits(x).toFloatArray();
            float[] actual = net.logits(x, null).toFloatArray();
            double diff = 0;
            double scale = 1e-6;
            for (int i = 0; i < expected.length; i++) {
                diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            if (diff > 1e-3 * scale + 1e-4) {
                throw new IllegalStateException(
                        "exported weights do not reproduce the trained logits: max diff "
                                + diff
                                + " at logit scale "
                                + scale);
            }
            return diff;
        }
    }
}
