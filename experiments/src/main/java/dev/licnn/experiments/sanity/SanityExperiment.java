package dev.licnn.experiments.sanity;

import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.experiments.ExperimentException;
import dev.licnn.experiments.Progress;
import dev.licnn.experiments.RunInfo;
import dev.licnn.experiments.ServerConnector;
import dev.licnn.experiments.data.ImageSelection;
import dev.licnn.proto.v1.BaselineOptions;
import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnOptions;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ScoreMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code experiment sanity}: the model parameter randomisation test (Adebayo et al. 2018). For each
 * image and method, the map of the original model's top-1 class is compared with the map of the
 * same class under models whose layers are re-initialised from the top down (cascading) or one at a
 * time (independent), by Spearman rank correlation (of the maps and of their absolute values),
 * Pearson correlation of their HOG descriptors and SSIM.
 */
public final class SanityExperiment {

    /** The settings of a run (the command line's options). */
    public record Settings(
            ImageSelection selection,
            List<String> methods,
            String mode,
            int maxSteps,
            List<String> layerNames,
            List<Long> seeds,
            String model,
            java.nio.file.Path out,
            int inFlight,
            int montage) {}

    private final ImageSelection selection;
    private final List<String> methods;
    private final String mode;
    private final int maxSteps;
    private final List<String> layerNames;
    private final List<Long> seeds;
    private final String model;
    private final java.nio.file.Path out;
    private final int inFlight;
    private final int montage;
    private final ServerConnector connection;
    private final String command;

    /**
     * @param command the command line that started the run, recorded in {@code OUT/command.txt}
     */
    public SanityExperiment(Settings s, ServerConnector connection, String command) {
        this.selection = s.selection();
        this.methods = s.methods();
        this.mode = s.mode();
        this.maxSteps = s.maxSteps();
        this.layerNames = s.layerNames();
        this.seeds = s.seeds();
        this.model = s.model();
        this.out = s.out();
        this.inFlight = s.inFlight();
        this.montage = s.montage();
        this.connection = connection;
        this.command = command;
    }

    /**
     * SmoothGrad's noise seed, the same for the original and every variant, so that only the
     * weights differ.
     */
    static final long NOISE_SEED = 1;

    /**
     * One map to compute: which image, method and variant (an original has no mode, step -1 and
     * seed 0).
     */
    record Job(int image, ExplainMethod method, Randomisation.Mode mode, int step, long seed) {}

    /** Runs the experiment; 0 when done. */
    public int run() throws Exception {
        List<Randomisation.Mode> modes =
                switch (mode.toLowerCase(Locale.ROOT)) {
                    case "both" ->
                            List.of(Randomisation.Mode.CASCADING, Randomisation.Mode.INDEPENDENT);
                    case "cascading" -> List.of(Randomisation.Mode.CASCADING);
                    case "independent" -> List.of(Randomisation.Mode.INDEPENDENT);
                    default ->
                            throw new ExperimentException(
                                    "--mode must be cascading, independent or both, got '"
                                            + mode
                                            + "'");
                };
        try (ServerConnector.Session s = connection.open()) {
            ModelDescription d = s.client().describeModel(model);
            List<ExplainMethod> ms = parseMethods(methods, d);
            List<ImageSelection.Image> images = selection.choose(d);
            List<Randomisation.Layer> layers = Randomisation.layers(d);
            if (maxSteps > 0) {
                layers = layers.subList(0, Math.min(maxSteps, layers.size()));
            }
            List<Integer> steps = new ArrayList<>();
            for (int st = 0; st < layers.size(); st++) {
                if (layerNames.isEmpty() || layerNames.contains(layers.get(st).name())) {
                    steps.add(st);
                }
            }
            if (steps.isEmpty() || (!layerNames.isEmpty() && steps.size() != layerNames.size())) {
                throw new ExperimentException(
                        "--layers: names must be among "
                                + layers.stream().map(Randomisation.Layer::name).toList());
            }
            if (seeds.isEmpty()) {
                throw new ExperimentException("--seeds: at least one seed");
            }
            java.nio.file.Files.createDirectories(out);
            RunInfo.write(out, command);
            selection.save(out);
            List<ImageInput> inputs = new ArrayList<>();
            for (ImageSelection.Image im : images) {
                inputs.add(Requests.image(im.path()));
            }
            int[] targets = topClasses(s.client(), d, inputs);
            List<Job> originals = new ArrayList<>();
            List<Job> variants = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                for (ExplainMethod m : ms) {
                    originals.add(new Job(i, m, null, -1, 0));
                }
            }
            // variant by variant, so that each re-initialised model is built once and serves every
            // image
            for (long sd : seeds) {
                for (Randomisation.Mode md : modes) {
                    for (int st : steps) {
                        for (int i = 0; i < images.size(); i++) {
                            for (ExplainMethod m : ms) {
                                variants.add(new Job(i, m, md, st, sd));
                            }
                        }
                    }
                }
            }
            System.out.printf(
                    "model %s: %d image(s) x %d method(s) x %d seed(s), %d step(s) from %s to %s, %s; %d maps%n",
                    d.getName(),
                    images.size(),
                    ms.size(),
                    seeds.size(),
                    steps.size(),
                    layers.get(steps.get(0)).name(),
                    layers.get(steps.get(steps.size() - 1)).name(),
                    mode,
                    originals.size() + variants.size());
            SanityReport report =
                    new SanityReport(
                            d, images, targets, ms, modes, layers, steps, seeds.get(0), montage);
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Map<Job, float[]> originalMaps = new ConcurrentHashMap<>();
            try (Progress progress = new Progress("sanity", originals.size() + variants.size())) {
                explain(
                        s.client(),
                        d,
                        inputs,
                        targets,
                        originals,
                        layers,
                        failures,
                        progress,
                        (job, map) -> {
                            originalMaps.put(job, map);
                            report.original(job.image(), job.method(), map);
                        });
                ExecutorService metrics = Executors.newFixedThreadPool(2);
                try {
                    explain(
                            s.client(),
                            d,
                            inputs,
                            targets,
                            variants,
                            layers,
                            failures,
                            progress,
                            (job, map) -> {
                                float[] orig =
                                        originalMaps.get(
                                                new Job(job.image(), job.method(), null, -1, 0));
                                if (orig != null) {
                                    metrics.execute(() -> report.add(job, orig, map));
                                }
                            });
                    metrics.shutdown();
                    metrics.awaitTermination(7, TimeUnit.DAYS);
                } finally {
                    metrics.shutdownNow();
                }
            }
            failures.stream().sorted().forEach(f -> System.err.println("failed: " + f));
            report.write(out, seeds);
            return failures.isEmpty() ? 0 : 1;
        }
    }

    /** Receives one computed map. */
    interface MapSink {
        void accept(Job job, float[] map);
    }

    private void explain(
            LicnnClient client,
            ModelDescription d,
            List<ImageInput> inputs,
            int[] targets,
            List<Job> jobs,
            List<Randomisation.Layer> layers,
            List<String> failures,
            Progress progress,
            MapSink sink) {
        List<ExplainRequest> reqs = new ArrayList<>();
        for (Job j : jobs) {
            String name =
                    j.mode() == null
                            ? d.getName()
                            : Randomisation.variantName(
                                    d.getName(),
                                    Randomisation.modules(layers, j.mode(), j.step()),
                                    j.seed());
            reqs.add(
                    ExplainRequest.newBuilder()
                            .setModel(name)
                            .setImage(inputs.get(j.image()))
                            .setClassIds(ClassList.newBuilder().addClassIds(targets[j.image()]))
                            .setMethod(j.method())
                            .setLicnnOptions(
                                    LicnnOptions.newBuilder()
                                            .setScore(ScoreMode.SCORE_MODE_AFTER_SOFTMAX))
                            .setBaselineOptions(BaselineOptions.newBuilder().setSeed(NOISE_SEED))
                            .setRankingSize(1)
                            .setOmitAttentionMaps(true)
                            .build());
        }
        new PipelinedRunner(client, inFlight)
                .run(
                        reqs,
                        (RequestResult r) -> {
                            Job j = jobs.get((int) r.index());
                            if (r.isOk()) {
                                sink.accept(j, r.outcome().saliency().values());
                            } else {
                                failures.add(
                                        j
                                                + ": "
                                                + r.status().getCode()
                                                + ": "
                                                + r.status().getDescription());
                            }
                            progress.step();
                        });
    }

    /** The original model's top-1 class of each image: the class every variant explains. */
    private int[] topClasses(LicnnClient client, ModelDescription d, List<ImageInput> inputs) {
        int[] out = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i += 4) {
            List<ImageInput> chunk = inputs.subList(i, Math.min(inputs.size(), i + 4));
            ClassifyResponse r =
                    client.classify(
                            ClassifyRequest.newBuilder()
                                    .setModel(model)
                                    .setTopK(1)
                                    .addAllImages(chunk)
                                    .build());
            for (int j = 0; j < chunk.size(); j++) {
                if (r.getResults(j).hasError()) {
                    throw new ExperimentException(
                            "cannot classify image "
                                    + (i + j)
                                    + ": "
                                    + r.getResults(j).getError().getMessage());
                }
                out[i + j] = r.getResults(j).getClassification().getTopClasses(0).getClassId();
            }
        }
        return out;
    }

    /** Method names to enum values, checked against what the model supports. */
    static List<ExplainMethod> parseMethods(List<String> names, ModelDescription d) {
        List<ExplainMethod> out = new ArrayList<>();
        for (String n : names) {
            ExplainMethod m;
            try {
                m = ExplainMethod.valueOf("EXPLAIN_METHOD_" + n.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ExperimentException(
                        "unknown method '"
                                + n
                                + "' (licnn, gradient, gradient_x_input, integrated_gradients, "
                                + "smoothgrad, grad_cam)");
            }
            if (m == ExplainMethod.EXPLAIN_METHOD_UNSPECIFIED || m == ExplainMethod.UNRECOGNIZED) {
                throw new ExperimentException("unknown method '" + n + "'");
            }
            if (!d.getSupportedMethodsList().contains(m)) {
                throw new ExperimentException(
                        "model " + d.getName() + " does not support method " + n);
            }
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Lower-case short name of a method ({@code grad_cam}). */
    static String methodName(ExplainMethod m) {
        return m.name().substring("EXPLAIN_METHOD_".length()).toLowerCase(Locale.ROOT);
    }
}
