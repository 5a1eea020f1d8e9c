package dev.licnn.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.licnn.client.DecodedMap;
import dev.licnn.client.ExplainOutcome;
import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.client.RunSummary;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.experiments.Progress;
import dev.licnn.experiments.imaging.Npy;
import dev.licnn.experiments.imaging.Pictures;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain IMAGE... --out DIR}: for each image, a folder with the saliency map and the
 * attention maps as {@code .npy}, a heatmap, an overlay, a grid of the streamed layer maps and a
 * {@code result.json}.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = "Compute LICNN saliency maps and write them as .npy, PNG and JSON.")
final class ExplainCommand implements Callable<Integer> {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    @Parameters(
            arity = "1..*",
            paramLabel = "IMAGE",
            description = "PNG or JPEG files, or folders of them.")
    List<Path> images;

    @Option(
            names = "--out",
            defaultValue = "out/explain",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--streams",
            defaultValue = "1",
            description =
                    "ExplainStream calls run side by side, sharing the images and --in-flight; with several replicas in "
                            + "--target, round-robin puts each stream on the next replica (default ${DEFAULT-VALUE}).")
    int streams;

    @Mixin ExplainOptions options;

    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
        List<Path> files = ImageFiles.expand(images, System.out);
        options.model = connection.servedModel(options.model);
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(options.model);
            ImagePreprocessor pre = new ImagePreprocessor(config(d.getPreprocessing()));
            List<ExplainRequest> reqs = new ArrayList<>();
            for (Path f : files) {
                reqs.add(options.apply(Requests.explain(Requests.image(f)), d).build());
            }
            Files.createDirectories(out);
            if (streams < 1) {
                throw new CliException("--streams must be at least 1, got " + streams);
            }
            if (inFlight < 1) {
                throw new CliException("--in-flight must be at least 1, got " + inFlight);
            }
            AtomicInteger failed = new AtomicInteger();
            Object resultLock = new Object();
            try (Progress progress = new Progress("explain", files.size())) {
                RunSummary sum =
                        runStreams(
                                s.client,
                                reqs,
                                (index, r) -> {
                                    synchronized (resultLock) {
                                        Path img = files.get(index);
                                        if (!r.isOk()) {
                                            failed.incrementAndGet();
                                            System.out.println(
                                                    img
                                                            + ": FAILED "
                                                            + r.status().getCode()
                                                            + ": "
                                                            + r.status().getDescription());
                                        } else {
                                            Path dir = out.resolve(folderName(img, files));
                                            try {
                                                write(dir, img, r.outcome(), d, pre);
                                            } catch (IOException e) {
                                                throw new UncheckedIOException(e);
                                            }
                                            ClassScore top =
                                                    r.outcome().prediction().getTopClasses(0);
                                            System.out.println(
                                                    String.format(
                                                            "%s: %s (%.3f) -> %s",
                                                            img,
                                                            top.getLabel(),
                                                            top.getProbability(),
                                                            dir));
                                        }
                                        progress.step();
                                    }
                                });
                System.out.printf(
                        "explained %d of %d image(s) in %.1f s; results under %s%n",
                        sum.succeeded(),
                        sum.total(),
                        sum.elapsed().toMillis() / 1000.0,
                        out.toAbsolutePath());
                if (sum.resent() > 0 || sum.streamRestarts() > 0) {
                    System.out.printf(
                            "re-sent %d request(s) after %d stream restart(s)%n",
                            sum.resent(), sum.streamRestarts());
                }
            }
            return failed.get() == 0 ? 0 : 1;
        }
    }

    /**
     * Runs {@code reqs} over {@code streams} pipelined ExplainStream calls that pull from one
     * shared queue, {@code inFlight} requests in flight in all; {@code onResult} gets each
     * request's index in {@code reqs} (it may be called from several threads at once). Returns the
     * summed totals.
     */
    RunSummary runStreams(
            LicnnClient client,
            List<ExplainRequest> reqs,
            BiConsumer<Integer, RequestResult> onResult)
            throws InterruptedException {
        int n = Math.min(streams, Math.max(1, Math.min(inFlight, reqs.size())));
        AtomicInteger cursor = new AtomicInteger();
        List<Callable<RunSummary>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slots = inFlight / n + (i < inFlight % n ? 1 : 0);
            runs.add(
                    () -> {
                        List<Integer> taken =
                                new ArrayList<>(); // this run's request index -> index in reqs
                        Iterator<ExplainRequest> it =
                                new Iterator<>() {
                                    Integer pending;

                                    @Override
                                    public boolean hasNext() {
                                        if (pending == null) {
                                            int k = cursor.getAndIncrement();
                                            pending = k < reqs.size() ? k : null;
                                        }
                                        return pending != null;
                                    }

                                    @Override
                                    public ExplainRequest next() {
                                        if (!hasNext()) {
                                            throw new java.util.NoSuchElementException();
                                        }
                                        int k = pending;
                                        pending = null;
                                        synchronized (taken) {
                                            taken.add(k);
                                        }
                                        return reqs.get(k);
                                    }
                                };
                        return new PipelinedRunner(client, slots)
                                .run(
                                        it,
                                        r -> {
                                            int k;
                                            synchronized (taken) {
                                                k = taken.get((int) r.index());
                                            }
                                            onResult.accept(k, r);
                                        });
                    });
        }
        long start = System.nanoTime();
        List<RunSummary> sums = new ArrayList<>();
        if (n == 1) {
            try {
                sums.add(runs.get(0).call());
            } catch (RuntimeException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                for (Future<RunSummary> f : pool.invokeAll(runs)) {
                    try {
                        sums.add(f.get());
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof RuntimeException re
                                ? re
                                : new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        long total = 0;
        long ok = 0;
        long bad = 0;
        long resent = 0;
        int restarts = 0;
        for (RunSummary x : sums) {
            total += x.total();
            ok += x.succeeded();
            bad += x.failed();
            resent += x.resent();
            restarts += x.streamRestarts();
        }
        return new RunSummary(
                total, ok, bad, resent, restarts, Duration.ofNanos(System.nanoTime() - start));
    }

    static PreprocessConfig config(Preprocessing p) {
        PreprocessConfig.Builder b =
                PreprocessConfig.builder()
                        .optResizeShorter(p.getResizeShorterEdge())
                        .optCropSize(p.getCropSize().getHeight());
        if (p.getMeanCount() == 3 && p.getStdCount() == 3) {
            b.optMean(p.getMean(0), p.getMean(1), p.getMean(2))
                    .optStd(p.getStd(0), p.getStd(1), p.getStd(2));
        }
        return b.build();
    }

    private static String folderName(Path img, List<Path> all) {
        String stem = img.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        long same =
                all.stream()
                        .filter(
                                p ->
                                        p.getFileName()
                                                .toString()
                                                .replaceFirst("\\.[^.]+$", "")
                                                .equals(stem))
                        .count();
        return same > 1 ? stem + "-" + all.indexOf(img) : stem;
    }

    static void write(
            Path dir, Path image, ExplainOutcome o, ModelDescription d, ImagePreprocessor pre)
            throws IOException {
        Files.createDirectories(dir);
        DecodedMap sal = o.saliency();
        Npy.write(dir.resolve("saliency.npy"), sal.values(), sal.height(), sal.width());
        List<Map<String, Object>> attention = new ArrayList<>();
        for (Map.Entry<Integer, DecodedMap> e : o.attentionMaps().entrySet()) {
            int classId = o.prediction().getTargets(e.getKey()).getClassId();
            String name = "attention-" + e.getKey() + "-" + classId + ".npy";
            Npy.write(
                    dir.resolve(name),
                    e.getValue().values(),
                    e.getValue().height(),
                    e.getValue().width());
            attention.add(Map.of("rank", e.getKey(), "class_id", classId, "file", name));
        }
        BufferedImage heat = Pictures.heatmap(sal.values(), sal.height(), sal.width());
        ImageIO.write(heat, "png", dir.resolve("heatmap.png").toFile());
        BufferedImage base = pre.prepare(Files.readAllBytes(image)).toBufferedImage();
        ImageIO.write(
                Pictures.overlay(base, heat, 0.5), "png", dir.resolve("overlay.png").toFile());
        List<String> titles = new ArrayList<>();
        List<List<Pictures.Cell>> rows = new ArrayList<>();
        Map<String, List<Pictures.Cell>> byRow = new LinkedHashMap<>();
        o.layerMaps()
                .forEach(
                        (k, m) -> {
                            String title =
                                    "#"
                                            + k.targetIndex()
                                            + " "
                                            + o.prediction().getTargets(k.targetIndex()).getLabel()
                                            + " "
                                            + shortName(k.kind());
                            byRow.computeIfAbsent(title, t -> new ArrayList<>())
                                    .add(
                                            new Pictures.Cell(
                                                    d.getFeatureLayers(k.layerIndex()).getName(),
                                                    m.values(),
                                                    m.height(),
                                                    m.width()));
                        });
        byRow.forEach(
                (t, cells) -> {
                    titles.add(t);
                    rows.add(cells);
                });
        if (!rows.isEmpty()) {
            ImageIO.write(
                    Pictures.grid(titles, rows, 64), "png", dir.resolve("layers.png").toFile());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("image", image.toString());
        result.put("model", d.getName());
        result.put("prediction", json(o.prediction()));
        result.put("attention_maps", attention);
        result.put("saliency_map", "saliency.npy");
        result.put("inhibited_ranking", json(o.inhibitedRanking()));
        result.put("options", json(o.accepted().getLicnnOptions()));
        result.put("timings", json(o.completed()));
        Files.writeString(dir.resolve("result.json"), GSON.toJson(result), StandardCharsets.UTF_8);
    }

    private static String shortName(dev.licnn.proto.v1.MapKind k) {
        return switch (k) {
            case MAP_KIND_GRADIENT_MAX_C -> "gradient";
            case MAP_KIND_INHIBITION -> "inhibition";
            case MAP_KIND_SUPPRESSION_MASK -> "mask";
            case MAP_KIND_RESPONSE_BEFORE -> "resp. before";
            case MAP_KIND_RESPONSE_AFTER -> "resp. after";
            default -> k.name();
        };
    }

    /** Every field is written, those equal to their default (class 0, probability 0, false) too. */
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().includingDefaultValueFields();

    private static Object json(com.google.protobuf.MessageOrBuilder m) {
        try {
            return com.google.gson.JsonParser.parseString(JSON.print(m));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
