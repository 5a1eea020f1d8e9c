package dev.licnn.experiments.blur;

import dev.licnn.client.ExplainOutcome;
import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.experiments.ExperimentException;
import dev.licnn.experiments.Progress;
import dev.licnn.experiments.RunInfo;
import dev.licnn.experiments.ServerConnector;
import dev.licnn.experiments.data.ImageFolder;
import dev.licnn.experiments.data.ModelInput;
import dev.licnn.experiments.data.Sample;
import dev.licnn.experiments.imaging.Npy;
import dev.licnn.experiments.imaging.PillowBlur;
import dev.licnn.experiments.measure.Localisation;
import dev.licnn.experiments.measure.Masks;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ClassifyResult;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnOptions;
import dev.licnn.proto.v1.ModelDescription;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code experiment blur --data DIR}: the paper's background-blur experiment, with controls. For
 * each image of a class-stratified seeded sample (or every image), LICNN's maps (the top-1 class's
 * attention map, the top-k saliency map, and the top-1 map with lateral inhibition switched off,
 * the true class never given) and the controls (the object mask, random regions of the same area)
 * each split the model's input crop into a region and the rest; the crop blurred with Pillow's
 * Gaussian blur at each radius gives a blurred-background and a blurred-object variant of every
 * region, plus the whole image blurred. Every variant is classified as a tensor of the input size
 * (no second resize). Results go to {@code OUT/results.jsonl} one image at a time, so a rerun with
 * the same {@code --out} skips the images already done; tables with Wilson intervals, McNemar
 * tests, charts, the flip list and montage are made from all of them ({@link BlurReport}).
 */
public final class BlurExperiment {

    /** The settings of a run (the command line's options). */
    public record Settings(
            Path data,
            List<String> splits,
            List<Float> radii,
            int topK,
            int sample,
            long sampleSeed,
            List<String> regionNames,
            String model,
            Path out,
            int inFlight,
            int classifyThreads,
            int montage,
            boolean reportOnly) {}

    private final Path data;
    private final List<String> splits;
    private final List<Float> radii;
    private final int topK;
    private final int sample;
    private final long sampleSeed;
    private final List<String> regionNames;
    private final String model;
    private final Path out;
    private final int inFlight;
    private final int classifyThreads;
    private final int montage;
    private final boolean reportOnly;
    private final ServerConnector connection;
    private final String command;

    /**
     * @param command the command line that started the run, recorded in {@code OUT/command.txt}
     */
    public BlurExperiment(Settings s, ServerConnector connection, String command) {
        this.data = s.data();
        this.splits = s.splits();
        this.radii = s.radii();
        this.topK = s.topK();
        this.sample = s.sample();
        this.sampleSeed = s.sampleSeed();
        this.regionNames = s.regionNames();
        this.model = s.model();
        this.out = s.out();
        this.inFlight = s.inFlight();
        this.classifyThreads = s.classifyThreads();
        this.montage = s.montage();
        this.reportOnly = s.reportOnly();
        this.connection = connection;
        this.command = command;
    }

    private List<BlurRegion> regions;

    /** Runs the experiment; 0 when done. */
    public int run() throws Exception {
        for (float r : radii) {
            if (!(r > 0) || r > 100) {
                throw new ExperimentException("--radii must be in (0, 100], got " + r);
            }
        }
        if (topK < 1 || inFlight < 1 || classifyThreads < 1 || sample < 0) {
            throw new ExperimentException(
                    "--top-k, --in-flight and --classify-threads must be at least 1, --sample at least 0");
        }
        regions = new ArrayList<>();
        for (String n : regionNames) {
            try {
                BlurRegion g = BlurRegion.of(n);
                if (!regions.contains(g)) {
                    regions.add(g);
                }
            } catch (IllegalArgumentException e) {
                throw new ExperimentException("--regions: " + e.getMessage());
            }
        }
        try (ServerConnector.Session s = connection.open()) {
            ModelDescription d = s.client().describeModel(model);
            List<ImageFolder.Item> items =
                    Sample.stratified(ImageFolder.scan(data, splits, d), sample, sampleSeed);
            if (regions.contains(BlurRegion.GROUND_TRUTH)
                    && !items.stream().allMatch(ImageFolder.Item::hasMask)) {
                System.out.println(
                        "not every image has a mask in "
                                + data
                                + ": the ground-truth region is left out");
                regions.remove(BlurRegion.GROUND_TRUTH);
            }
            List<String> usedSplits =
                    items.stream().map(ImageFolder.Item::split).distinct().toList();
            Files.createDirectories(out.resolve("maps"));
            if (!reportOnly) {
                RunInfo.write(out, command);
                Sample.save(out, items, sample, sampleSeed);
            }
            Path jsonl = out.resolve("results.jsonl");
            Map<String, BlurRecord> done = BlurRecord.load(jsonl);
            List<ImageFolder.Item> todo =
                    reportOnly
                            ? List.of()
                            : Sample.interleave(
                                    items.stream()
                                            .filter(
                                                    i ->
                                                            !done.containsKey(i.key())
                                                                    || !done.get(i.key())
                                                                            .covers(radii, regions))
                                            .toList());
            System.out.printf(
                    "model %s: %d image(s) in %s, %d already done in %s%n",
                    d.getName(),
                    items.size(),
                    String.join(", ", usedSplits),
                    items.size() - todo.size(),
                    jsonl);
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            if (!todo.isEmpty()) {
                run(s.client(), d, todo, jsonl, done, failures);
            }
            failures.stream().sorted().forEach(f -> System.err.println("failed: " + f));
            List<BlurRecord> records = new ArrayList<>();
            for (ImageFolder.Item i : items) {
                BlurRecord r = done.get(i.key());
                if (r != null && r.covers(radii, regions)) {
                    records.add(r);
                }
            }
            report(d, records, usedSplits);
            return failures.isEmpty() ? 0 : 1;
        }
    }

    private boolean ablation() {
        return regions.contains(BlurRegion.NO_INHIBITION_TOP1);
    }

    /**
     * Explains the images (pipelined), blurs and classifies their variants on worker threads,
     * appends the records.
     */
    private void run(
            LicnnClient client,
            ModelDescription d,
            List<ImageFolder.Item> todo,
            Path jsonl,
            Map<String, BlurRecord> done,
            List<String> failures)
            throws Exception {
        ModelInput input = new ModelInput(d);
        int k = Math.min(5, d.getNumClasses());
        int perImage = ablation() ? 2 : 1;
        ExecutorService workers = Executors.newFixedThreadPool(classifyThreads);
        Semaphore backlog = new Semaphore(inFlight + 2 * classifyThreads);
        AtomicReferenceArray<ExplainOutcome> outcomes =
                new AtomicReferenceArray<>(todo.size() * perImage);
        try (BufferedWriter w = BlurRecord.appender(jsonl);
                Progress progress = new Progress("blur", todo.size())) {
            Iterator<ExplainRequest> requests =
                    new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < todo.size() * perImage;
                        }

                        @Override
                        public ExplainRequest next() {
                            int i = next++;
                            if (i % perImage == 0) {
                                backlog.acquireUninterruptibly();
                            }
                            ImageFolder.Item item = todo.get(i / perImage);
                            try {
                                ExplainRequest.Builder b =
                                        Requests.explain(Requests.image(data.resolve(item.file())))
                                                .setModel(model);
                                if (i % perImage == 0) {
                                    return b.setTopK(Math.min(topK, d.getNumClasses()))
                                            .setRankingSize(k)
                                            .build();
                                }
                                return b.setTopK(1)
                                        .setRankingSize(1)
                                        .setOmitAttentionMaps(true)
                                        .setLicnnOptions(LicnnOptions.newBuilder().setA(0).setB(0))
                                        .build();
                            } catch (IOException e) {
                                throw new ExperimentException(
                                        "cannot read " + item.file() + ": " + e.getMessage());
                            }
                        }
                    };
            java.util.concurrent.atomic.AtomicIntegerArray arrived =
                    new java.util.concurrent.atomic.AtomicIntegerArray(todo.size());
            java.util.concurrent.atomic.AtomicIntegerArray failed =
                    new java.util.concurrent.atomic.AtomicIntegerArray(todo.size());
            new PipelinedRunner(client, inFlight)
                    .run(
                            requests,
                            (RequestResult r) -> {
                                int idx = (int) r.index();
                                int image = idx / perImage;
                                ImageFolder.Item item = todo.get(image);
                                if (r.isOk()) {
                                    outcomes.set(idx, r.outcome());
                                } else {
                                    failures.add(
                                            item.file()
                                                    + ": explain "
                                                    + r.status().getCode()
                                                    + ": "
                                                    + r.status().getDescription());
                                    failed.set(image, 1);
                                }
                                if (arrived.incrementAndGet(image) < perImage) {
                                    return;
                                }
                                if (failed.get(image) != 0) {
                                    progress.step();
                                    backlog.release();
                                    return;
                                }
                                ExplainOutcome main = outcomes.getAndSet(image * perImage, null);
                                ExplainOutcome plain =
                                        perImage > 1
                                                ? outcomes.getAndSet(image * perImage + 1, null)
                                                : null;
                                workers.execute(
                                        () -> {
                                            try {
                                                BlurRecord rec =
                                                        process(
                                                                client, input, d, item, main, plain,
                                                                k);
                                                synchronized (w) {
                                                    rec.append(w);
                                                    done.put(rec.file(), rec);
                                                }
                                            } catch (Exception e) {
                                                failures.add(item.file() + ": " + e);
                                            } finally {
                                                progress.step();
                                                backlog.release();
                                            }
                                        });
                            });
            workers.shutdown();
            if (!workers.awaitTermination(7, TimeUnit.DAYS)) {
                throw new IllegalStateException("workers did not finish");
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * Blurs and classifies one image's variants; scores its maps against the mask; keeps its map
     * when its top-1 flips.
     */
    private BlurRecord process(
            LicnnClient client,
            ModelInput input,
            ModelDescription d,
            ImageFolder.Item item,
            ExplainOutcome main,
            ExplainOutcome plain,
            int k)
            throws IOException {
        PreparedImage img = input.prepare(data.resolve(item.file()));
        int h = img.height();
        int w = img.width();
        float[] saliency = main.saliency().values();
        float[] top1 = main.attentionMap(0).values();
        if (saliency.length != h * w || top1.length != h * w) {
            throw new IllegalStateException(
                    "maps have " + saliency.length + " values, the input crop " + h + "x" + w);
        }
        boolean[] mask =
                item.hasMask()
                        ? Masks.read(
                                data.resolve(item.mask()),
                                d.getPreprocessing().getResizeShorterEdge(),
                                h,
                                w)
                        : null;
        Map<BlurRegion, boolean[]> pixels = new EnumMap<>(BlurRegion.class);
        boolean[] licnn1 = Localisation.objectPixels(top1);
        boolean[] licnn5 = Localisation.objectPixels(saliency);
        long seed = sampleSeed * 1_000_003L + item.file().hashCode();
        for (BlurRegion g : regions) {
            pixels.put(
                    g,
                    switch (g) {
                        case LICNN_TOP1 -> licnn1;
                        case LICNN_TOP5 -> licnn5;
                        case NO_INHIBITION_TOP1 ->
                                Localisation.objectPixels(plain.saliency().values());
                        case GROUND_TRUTH -> mask;
                        case RANDOM_TOP1 ->
                                BlurRegion.randomRegion(BlurRegion.area(licnn1), h, w, seed);
                        case RANDOM_TOP5 ->
                                BlurRegion.randomRegion(BlurRegion.area(licnn5), h, w, seed + 1);
                    });
        }
        int[] rgb = img.rgb();
        List<ImageInput> variants = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (float r : radii) {
            int[] blurred = PillowBlur.blur(rgb, w, h, r);
            variants.add(input.tensor(blurred, h, w));
            keys.add(BlurRecord.wholeKey(r));
            for (BlurRegion g : regions) {
                for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                    variants.add(
                            input.tensor(
                                    BlurVariants.compose(rgb, blurred, pixels.get(g), v), h, w));
                    keys.add(BlurRecord.variantKey(g, v, r));
                }
            }
        }
        int perCall = Math.max(1, Math.min(16, (3 << 20) / (12 * h * w)));
        Map<String, List<Integer>> results = new LinkedHashMap<>();
        for (int i = 0; i < variants.size(); i += perCall) {
            int end = Math.min(variants.size(), i + perCall);
            ClassifyResponse resp =
                    client.classify(
                            ClassifyRequest.newBuilder()
                                    .setModel(model)
                                    .setTopK(k)
                                    .addAllImages(variants.subList(i, end))
                                    .build());
            for (int j = i; j < end; j++) {
                ClassifyResult res = resp.getResults(j - i);
                if (res.hasError()) {
                    throw new IllegalStateException(
                            "classify " + keys.get(j) + ": " + res.getError().getMessage());
                }
                results.put(
                        keys.get(j),
                        res.getClassification().getTopClassesList().stream()
                                .map(ClassScore::getClassId)
                                .toList());
            }
        }
        Map<String, Double> coverage = new LinkedHashMap<>();
        pixels.forEach((g, p) -> coverage.put(g.key(), BlurVariants.objectFraction(p)));
        Map<String, Localisation.Scores> scores = new LinkedHashMap<>();
        if (mask != null) {
            scores.put("licnn_top1", Localisation.score(top1, mask, h, w));
            scores.put("licnn_top5", Localisation.score(saliency, mask, h, w));
            if (plain != null) {
                scores.put(
                        "no_inhibition_top1",
                        Localisation.score(plain.saliency().values(), mask, h, w));
            }
            scores.put("centre", Localisation.score(Localisation.centreGaussian(h, w), mask, h, w));
        }
        List<Integer> original =
                main.prediction().getTopClassesList().stream().map(ClassScore::getClassId).toList();
        BlurRecord rec =
                new BlurRecord(
                        item.split(),
                        item.file(),
                        item.classId(),
                        original,
                        coverage,
                        results,
                        scores);
        if (regions.contains(BlurReport.HEADLINE)) {
            boolean flips = false;
            for (float r : radii) {
                flips |=
                        rec.correct(original, 1)
                                != rec.correct(
                                        rec.predicted(
                                                BlurReport.HEADLINE,
                                                BlurVariants.Variant.BLURRED_BACKGROUND,
                                                r),
                                        1);
            }
            if (flips) {
                Npy.write(
                        out.resolve("maps").resolve(BlurMontage.mapName(item.file())), top1, h, w);
            }
        }
        return rec;
    }

    private void report(ModelDescription d, List<BlurRecord> records, List<String> usedSplits)
            throws IOException {
        BlurReport rep = new BlurReport(records, usedSplits, radii, regions);
        BlurReportFiles files = new BlurReportFiles(rep);
        System.out.print(files.table());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", d.getName());
        settings.put("dataset", data.toString());
        settings.put("images", records.size());
        settings.put("sample_per_split", sample <= 0 ? "all" : Integer.toString(sample));
        settings.put("sample_seed", sampleSeed);
        settings.put("radii", radii);
        settings.put("regions", regions.stream().map(BlurRegion::key).toList());
        settings.put("saliency_top_k", topK);
        settings.put("object_rule", "map > (max - min) / 5");
        settings.put("no_inhibition", "LICNN with a = b = 0: top-down gradient gating only");
        settings.put(
                "random_region",
                "axis-aligned rectangle, aspect 1:2..2:1, exactly the area of the LICNN region, "
                        + "seeded by --sample-seed and the file");
        settings.put(
                "blur",
                "Pillow ImageFilter.GaussianBlur(radius): 3 extended box-blur passes per axis, radius = sigma");
        settings.put(
                "geometry",
                d.getPreprocessing().getResizeShorterEdge()
                        + " shorter edge, centre crop "
                        + d.getInputSize().getHeight()
                        + "x"
                        + d.getInputSize().getWidth()
                        + ", variants classified as tensors");
        files.write(out, settings);
        List<Path> charts = files.charts(out);
        List<BlurReport.Flip> flips = rep.flips(BlurReport.HEADLINE);
        Path montageFile = out.resolve("flips.png");
        boolean drawn =
                BlurMontage.write(
                        montageFile,
                        flips,
                        montage,
                        data,
                        out.resolve("maps"),
                        new ModelInput(d),
                        d);
        System.out.println(
                "tables: "
                        + out.resolve("accuracy.csv")
                        + ", "
                        + out.resolve("comparisons.csv")
                        + ", "
                        + out.resolve("accuracy.json")
                        + "; flips: "
                        + out.resolve("flips.csv")
                        + (drawn ? ", " + montageFile : "")
                        + "; charts: "
                        + charts);
    }
}
