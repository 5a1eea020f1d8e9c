package dev.licnn.experiments.localisation;

import com.google.gson.GsonBuilder;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.dataset.Manifest;
import dev.licnn.dataset.ManifestEntry;
import dev.licnn.experiments.Progress;
import dev.licnn.experiments.RunInfo;
import dev.licnn.experiments.ServerConnector;
import dev.licnn.experiments.data.ImageFolder;
import dev.licnn.experiments.data.Sample;
import dev.licnn.experiments.measure.Localisation;
import dev.licnn.experiments.measure.Masks;
import dev.licnn.experiments.stats.Formats;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code experiment localisation --data DIR}: how well saliency maps locate the objects of a
 * dataset with masks (pointing game, energy, IoU, AUC), per split and method, with a centred
 * Gaussian map as the floor.
 */
public final class LocalisationExperiment {

    /**
     * What to measure: the dataset (with {@code manifest.csv} and masks), its splits, a
     * class-stratified sample of {@code sample} images per split (0 = all) drawn with {@code
     * sampleSeed}, the classes summed into each map, the output folder, the requests in flight and
     * the methods ({@code all}, and {@value #NO_INHIBITION}, allowed).
     */
    public record Settings(
            Path data,
            List<String> splits,
            int sample,
            long sampleSeed,
            int topK,
            Path out,
            int inFlight,
            List<String> methods) {}

    private final Path data;
    private final List<String> splits;
    private final int sample;
    private final long sampleSeed;
    private final int topK;
    private final Path out;
    private final int inFlight;
    private final List<String> methods;
    private final ServerConnector connection;
    private final String command;

    /**
     * @param command the command line that started the run, recorded in {@code OUT/command.txt}
     */
    public LocalisationExperiment(Settings s, ServerConnector connection, String command) {
        this.data = s.data();
        this.splits = s.splits();
        this.sample = s.sample();
        this.sampleSeed = s.sampleSeed();
        this.topK = s.topK();
        this.out = s.out();
        this.inFlight = s.inFlight();
        this.methods = s.methods();
        this.connection = connection;
        this.command = command;
    }

    /** The pseudo-method: LICNN with the lateral inhibition switched off. */
    static final String NO_INHIBITION = "licnn_no_inhibition";

    /** Per-image scores of one method. */
    record Row(String split, String method, String file, int classId, Localisation.Scores scores) {}

    /** Runs the experiment; 0 when done. */
    public int run() throws Exception {
        if (!Files.isRegularFile(data.resolve(Manifest.FILE_NAME))) {
            throw new dev.licnn.experiments.ExperimentException(
                    "no " + Manifest.FILE_NAME + " in " + data);
        }
        List<ManifestEntry> all = Manifest.read(data);
        List<ManifestEntry> chosen = new ArrayList<>();
        for (String sp : splits) {
            List<ManifestEntry> es =
                    all.stream().filter(e -> e.split().dirName().equals(sp)).toList();
            if (es.isEmpty()) {
                throw new dev.licnn.experiments.ExperimentException(
                        "split '" + sp + "' has no images in " + data);
            }
            chosen.addAll(es);
        }
        Map<String, ManifestEntry> byFile = new LinkedHashMap<>();
        chosen.forEach(e -> byFile.put(e.file(), e));
        List<ImageFolder.Item> items =
                chosen.stream()
                        .map(
                                e ->
                                        new ImageFolder.Item(
                                                e.split().dirName(),
                                                e.file(),
                                                e.shapeClass().key(),
                                                e.shapeClass().id(),
                                                e.mask()))
                        .toList();
        List<ImageFolder.Item> drawn = Sample.stratified(items, sample, sampleSeed);
        chosen.clear();
        drawn.forEach(i -> chosen.add(byFile.get(i.file())));
        Files.createDirectories(out);
        RunInfo.write(out, command);
        Sample.save(out, drawn, sample, sampleSeed);
        List<Row> rows = new ArrayList<>();
        try (ServerConnector.Session s = connection.open()) {
            ModelDescription d = s.client().describeModel("");
            int h = d.getInputSize().getHeight();
            int w = d.getInputSize().getWidth();
            int resize = d.getPreprocessing().getResizeShorterEdge();
            float[] centre = Localisation.centreGaussian(h, w);
            boolean ablation =
                    methods.stream()
                            .anyMatch(
                                    m ->
                                            m.equalsIgnoreCase(NO_INHIBITION)
                                                    || m.equalsIgnoreCase("all"));
            List<dev.licnn.proto.v1.ExplainMethod> ms =
                    methods(
                            methods.stream()
                                    .filter(m -> !m.equalsIgnoreCase(NO_INHIBITION))
                                    .toList());
            List<String> names =
                    new ArrayList<>(
                            ms.stream()
                                    .map(m -> m.name().replace("EXPLAIN_METHOD_", "").toLowerCase())
                                    .toList());
            List<ExplainRequest> reqs = new ArrayList<>();
            for (dev.licnn.proto.v1.ExplainMethod m : ms) {
                for (ManifestEntry e : chosen) {
                    reqs.add(
                            Requests.explain(Requests.image(data.resolve(e.file())))
                                    .setTopK(topK)
                                    .setMethod(m)
                                    .build());
                }
            }
            if (ablation) {
                names.add(NO_INHIBITION);
                for (ManifestEntry e : chosen) {
                    reqs.add(
                            Requests.explain(Requests.image(data.resolve(e.file())))
                                    .setTopK(topK)
                                    .setLicnnOptions(
                                            dev.licnn.proto.v1.LicnnOptions.newBuilder()
                                                    .setA(0)
                                                    .setB(0))
                                    .build());
                }
            }
            List<String> failures = new ArrayList<>();
            Map<String, boolean[]> masks = new java.util.concurrent.ConcurrentHashMap<>();
            try (Progress bar = new Progress("localisation", reqs.size())) {
                new PipelinedRunner(s.client(), inFlight)
                        .run(
                                reqs,
                                (RequestResult r) -> {
                                    int i = (int) r.index();
                                    ManifestEntry e = chosen.get(i % chosen.size());
                                    String method = names.get(i / chosen.size());
                                    boolean[] mask =
                                            masks.computeIfAbsent(
                                                    e.mask(),
                                                    m -> {
                                                        try {
                                                            return Masks.read(
                                                                    data.resolve(m), resize, h, w);
                                                        } catch (IOException ex) {
                                                            throw new UncheckedIOException(ex);
                                                        }
                                                    });
                                    String sp = e.split().dirName();
                                    synchronized (rows) {
                                        if (r.isOk()) {
                                            rows.add(
                                                    new Row(
                                                            sp,
                                                            method,
                                                            e.file(),
                                                            e.shapeClass().id(),
                                                            Localisation.score(
                                                                    r.outcome().saliency().values(),
                                                                    mask,
                                                                    h,
                                                                    w)));
                                        } else {
                                            failures.add(
                                                    method + " " + e.file() + ": " + r.status());
                                        }
                                        if (i < chosen.size()) {
                                            rows.add(
                                                    new Row(
                                                            sp,
                                                            "centre",
                                                            e.file(),
                                                            e.shapeClass().id(),
                                                            Localisation.score(
                                                                    centre, mask, h, w)));
                                        }
                                    }
                                    bar.step();
                                });
            }
            failures.forEach(f -> System.err.println("failed: " + f));
        }
        List<LocalisationStats.Summary> summary = summarise(rows);
        System.out.println(
                "split        method                images  pointing [95% CI]        energy [95% CI]         IoU [95% CI]"
                        + "            AUC [95% CI]");
        for (LocalisationStats.Summary m : summary) {
            System.out.printf(
                    "%-12s %-20s %7d  %-24s %-23s %-23s %-23s%n",
                    m.split(),
                    m.method(),
                    m.images(),
                    Formats.percent(m.pointing()),
                    Formats.value(m.energy()),
                    Formats.value(m.iou()),
                    Formats.value(m.auc()));
        }
        StringBuilder csv =
                new StringBuilder("split,method,file,class_id,pointing_hit,energy,iou,auc\n");
        for (Row r : rows) {
            csv.append(
                            String.join(
                                    ",",
                                    r.split(),
                                    r.method(),
                                    r.file(),
                                    Integer.toString(r.classId()),
                                    Boolean.toString(r.scores().pointingHit()),
                                    Double.toString(r.scores().energy()),
                                    Double.toString(r.scores().iou()),
                                    Double.toString(r.scores().auc())))
                    .append('\n');
        }
        Files.writeString(out.resolve("localisation.csv"), csv, StandardCharsets.UTF_8);
        List<Map<String, Object>> json = new ArrayList<>();
        for (LocalisationStats.Summary m : summary) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("split", m.split());
            j.put("method", m.method());
            j.put("images", m.images());
            j.put("pointing_game", m.pointing());
            j.put("energy", m.energy());
            j.put("iou", m.iou());
            j.put("auc", m.auc());
            json.add(j);
        }
        Files.writeString(
                out.resolve("localisation.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(json),
                StandardCharsets.UTF_8);
        System.out.println(
                "per-image scores: "
                        + out.resolve("localisation.csv")
                        + "; summary: "
                        + out.resolve("localisation.json"));
        return 0;
    }

    static List<dev.licnn.proto.v1.ExplainMethod> methods(List<String> names) {
        List<dev.licnn.proto.v1.ExplainMethod> out = new ArrayList<>();
        for (String n : names) {
            if (n.equalsIgnoreCase("all")) {
                for (dev.licnn.proto.v1.ExplainMethod m :
                        dev.licnn.proto.v1.ExplainMethod.values()) {
                    if (m != dev.licnn.proto.v1.ExplainMethod.EXPLAIN_METHOD_UNSPECIFIED
                            && m != dev.licnn.proto.v1.ExplainMethod.UNRECOGNIZED
                            && !out.contains(m)) {
                        out.add(m);
                    }
                }
                continue;
            }
            try {
                dev.licnn.proto.v1.ExplainMethod m =
                        dev.licnn.proto.v1.ExplainMethod.valueOf(
                                "EXPLAIN_METHOD_" + n.toUpperCase(java.util.Locale.ROOT));
                if (!out.contains(m)) {
                    out.add(m);
                }
            } catch (IllegalArgumentException e) {
                throw new dev.licnn.experiments.ExperimentException("unknown method '" + n + "'");
            }
        }
        return out;
    }

    /**
     * Per split and method, sorted by split then method, from {@link LocalisationStats} (the
     * report's numbers).
     */
    static List<LocalisationStats.Summary> summarise(List<Row> rows) {
        List<LocalisationStats.Row> scores =
                rows.stream()
                        .map(
                                r ->
                                        new LocalisationStats.Row(
                                                r.split(),
                                                r.method(),
                                                r.file(),
                                                r.scores().pointingHit(),
                                                r.scores().energy(),
                                                r.scores().iou(),
                                                r.scores().auc()))
                        .toList();
        List<LocalisationStats.Summary> out = new ArrayList<>(LocalisationStats.summarise(scores));
        out.sort((a, b) -> (a.split() + a.method()).compareTo(b.split() + b.method()));
        return out;
    }
}
