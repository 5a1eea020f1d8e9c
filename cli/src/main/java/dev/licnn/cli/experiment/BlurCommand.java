package dev.licnn.cli.experiment;

import dev.licnn.cli.CliException;
import dev.licnn.cli.Connection;
import dev.licnn.cli.Npy;
import dev.licnn.cli.Progress;
import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ClassifyResult;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ModelDescription;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment blur --data DIR}: the paper's background-blur experiment. Each image's LICNN
 * saliency map (top-k classes, the true class never given) splits the model's input crop into
 * object ({@code map > (max - min) / 5}) and background; the crop blurred with Pillow's Gaussian
 * blur at each radius gives a blurred-background and a blurred-object variant, which are
 * classified as tensors of the input size (no second resize). Results go to
 * {@code OUT/results.jsonl} one image at a time, so a rerun with the same {@code --out} skips the
 * images already done; the tables, charts, flip list and montage are made from all of them.
 */
@Command(name = "blur", mixinStandardHelpOptions = true,
        description = "Classify images with the background (or the object) found by LICNN blurred; accuracy per radius.")
public final class BlurCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "ImageFolder dataset: DIR/<split>/<class>/*.png (or a manifest.csv).")
    Path data;

    @Option(names = "--splits", split = ",", description = "Splits to use (default: every sub-folder that holds class folders).")
    List<String> splits = new ArrayList<>();

    @Option(names = "--radii", split = ",", defaultValue = "2,5,10",
            description = "Blur radii, Pillow GaussianBlur(radius) = sigma in pixels (default ${DEFAULT-VALUE}).")
    List<Float> radii;

    @Option(names = "--top-k", defaultValue = "5", description = "Classes summed into the saliency map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--limit", defaultValue = "0", description = "At most this many images per split (0 = all).")
    int limit;

    @Option(names = "--model", defaultValue = "", description = "Model name on the server (default: its default model).")
    String model;

    @Option(names = "--out", defaultValue = "out/blur", description = "Output folder; rerunning with the same one resumes (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--in-flight", defaultValue = "4", description = "Explain requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--classify-threads", defaultValue = "2", description = "Classify calls in flight (default ${DEFAULT-VALUE}).")
    int classifyThreads;

    @Option(names = "--montage", defaultValue = "12", description = "Flipped images shown in flips.png (default ${DEFAULT-VALUE}).")
    int montage;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        for (float r : radii) {
            if (!(r > 0) || r > 100) {
                throw new CliException("--radii must be in (0, 100], got " + r);
            }
        }
        if (topK < 1 || inFlight < 1 || classifyThreads < 1) {
            throw new CliException("--top-k, --in-flight and --classify-threads must be at least 1");
        }
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(model);
            List<ImageFolder.Item> items = limit(ImageFolder.scan(data, splits, d));
            List<String> usedSplits = items.stream().map(ImageFolder.Item::split).distinct().toList();
            Files.createDirectories(out.resolve("maps"));
            Path jsonl = out.resolve("results.jsonl");
            Map<String, BlurRecord> done = BlurRecord.load(jsonl);
            List<ImageFolder.Item> todo = items.stream().filter(i -> !done.containsKey(i.key()) || !done.get(i.key()).covers(radii))
                    .toList();
            System.out.printf("model %s: %d image(s) in %s, %d already done in %s%n", d.getName(), items.size(),
                    String.join(", ", usedSplits), items.size() - todo.size(), jsonl);
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            if (!todo.isEmpty()) {
                run(s.client, d, todo, jsonl, done, failures);
            }
            failures.stream().sorted().forEach(f -> System.err.println("failed: " + f));
            List<BlurRecord> records = new ArrayList<>();
            for (ImageFolder.Item i : items) {
                BlurRecord r = done.get(i.key());
                if (r != null && r.covers(radii)) {
                    records.add(r);
                }
            }
            report(d, records, usedSplits);
            return failures.isEmpty() ? 0 : 1;
        }
    }

    private List<ImageFolder.Item> limit(List<ImageFolder.Item> items) {
        if (limit <= 0) {
            return items;
        }
        Map<String, List<ImageFolder.Item>> by = new LinkedHashMap<>();
        items.forEach(i -> by.computeIfAbsent(i.split(), k -> new ArrayList<>()).add(i));
        List<ImageFolder.Item> out = new ArrayList<>();
        by.values().forEach(l -> out.addAll(l.subList(0, Math.min(limit, l.size()))));
        return out;
    }

    /** Explains the images (pipelined), blurs and classifies their variants on worker threads, appends the records. */
    private void run(LicnnClient client, ModelDescription d, List<ImageFolder.Item> todo, Path jsonl, Map<String, BlurRecord> done,
            List<String> failures) throws Exception {
        ModelInput input = new ModelInput(d);
        int k = Math.min(5, d.getNumClasses());
        ExecutorService workers = Executors.newFixedThreadPool(classifyThreads);
        Semaphore backlog = new Semaphore(inFlight + 2 * classifyThreads);
        try (BufferedWriter w = BlurRecord.appender(jsonl); Progress progress = new Progress("blur", todo.size())) {
            Iterator<ExplainRequest> requests = new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < todo.size();
                }

                @Override
                public ExplainRequest next() {
                    backlog.acquireUninterruptibly();
                    ImageFolder.Item item = todo.get(next++);
                    try {
                        return Requests.explain(Requests.image(data.resolve(item.file()))).setModel(model)
                                .setTopK(Math.min(topK, d.getNumClasses())).setRankingSize(k).setOmitAttentionMaps(true).build();
                    } catch (IOException e) {
                        throw new CliException("cannot read " + item.file() + ": " + e.getMessage());
                    }
                }
            };
            new PipelinedRunner(client, inFlight).run(requests, (RequestResult r) -> {
                ImageFolder.Item item = todo.get((int) r.index());
                if (!r.isOk()) {
                    failures.add(item.file() + ": explain " + r.status().getCode() + ": " + r.status().getDescription());
                    progress.step();
                    backlog.release();
                    return;
                }
                workers.execute(() -> {
                    try {
                        BlurRecord rec = process(client, input, d, item, r.outcome().saliency().values(),
                                r.outcome().prediction().getTopClassesList(), k);
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

    /** Blurs and classifies one image's variants; keeps its map when its top-1 flips. */
    private BlurRecord process(LicnnClient client, ModelInput input, ModelDescription d, ImageFolder.Item item, float[] map,
            List<ClassScore> predicted, int k) throws IOException {
        PreparedImage img = input.prepare(data.resolve(item.file()));
        int h = img.height();
        int w = img.width();
        if (map.length != h * w) {
            throw new IllegalStateException("saliency map has " + map.length + " values, the input crop " + h + "x" + w);
        }
        int[] rgb = img.rgb();
        boolean[] object = Localisation.objectPixels(map);
        List<ImageInput> variants = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (float r : radii) {
            int[] blurred = PillowBlur.blur(rgb, w, h, r);
            for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                variants.add(input.tensor(BlurVariants.compose(rgb, blurred, object, v), h, w));
                keys.add(BlurRecord.variantKey(v, r));
            }
        }
        int perCall = Math.max(1, Math.min(16, (3 << 20) / (12 * h * w)));
        Map<String, List<Integer>> results = new LinkedHashMap<>();
        for (int i = 0; i < variants.size(); i += perCall) {
            int end = Math.min(variants.size(), i + perCall);
            ClassifyResponse resp = client.classify(ClassifyRequest.newBuilder().setModel(model).setTopK(k)
                    .addAllImages(variants.subList(i, end)).build());
            for (int j = i; j < end; j++) {
                ClassifyResult res = resp.getResults(j - i);
                if (res.hasError()) {
                    throw new IllegalStateException("classify " + keys.get(j) + ": " + res.getError().getMessage());
                }
                results.put(keys.get(j), res.getClassification().getTopClassesList().stream().map(ClassScore::getClassId).toList());
            }
        }
        List<Integer> original = predicted.stream().map(ClassScore::getClassId).toList();
        BlurRecord rec = new BlurRecord(item.split(), item.file(), item.classId(), BlurVariants.objectFraction(object), original,
                results);
        boolean flips = false;
        for (float r : radii) {
            boolean before = original.get(0) == item.classId();
            boolean after = rec.predicted(BlurVariants.Variant.BLURRED_BACKGROUND, r).get(0) == item.classId();
            flips |= before != after;
        }
        if (flips) {
            Npy.write(out.resolve("maps").resolve(BlurMontage.mapName(item.file())), map, h, w);
        }
        return rec;
    }

    private void report(ModelDescription d, List<BlurRecord> records, List<String> usedSplits) throws IOException {
        List<BlurReport.Row> rows = BlurReport.accuracy(records, usedSplits, radii);
        List<BlurReport.Flip> flips = BlurReport.flips(records, radii);
        System.out.print(BlurReport.table(rows));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", d.getName());
        settings.put("dataset", data.toString());
        settings.put("images", records.size());
        settings.put("radii", radii);
        settings.put("saliency_top_k", topK);
        settings.put("object_rule", "saliency > (max - min) / 5");
        settings.put("blur", "Pillow ImageFilter.GaussianBlur(radius): 3 extended box-blur passes per axis, radius = sigma");
        settings.put("geometry", d.getPreprocessing().getResizeShorterEdge() + " shorter edge, centre crop "
                + d.getInputSize().getHeight() + "x" + d.getInputSize().getWidth() + ", variants classified as tensors");
        BlurReport.write(out, rows, flips, settings);
        List<Path> charts = BlurReport.charts(out, rows, usedSplits, radii);
        Path montageFile = out.resolve("flips.png");
        boolean drawn = BlurMontage.write(montageFile, flips, montage, data, out.resolve("maps"), new ModelInput(d), d);
        long up = flips.stream().filter(BlurReport.Flip::wrongToRight).count();
        System.out.printf("flips (image x radius): %d wrong->right, %d right->wrong when the background is blurred%n", up,
                flips.size() - up);
        System.out.println("tables: " + out.resolve("accuracy.csv") + ", " + out.resolve("accuracy.json") + "; flips: "
                + out.resolve("flips.csv") + (drawn ? ", " + montageFile : "") + "; charts: " + charts);
    }
}
