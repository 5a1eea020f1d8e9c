package dev.licnn.cli.experiment;

import com.google.gson.GsonBuilder;
import dev.licnn.cli.Connection;
import dev.licnn.cli.Progress;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.dataset.Manifest;
import dev.licnn.dataset.ManifestEntry;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment localisation --data DIR}: how well saliency maps locate the objects of a
 * dataset with masks (pointing game, energy, IoU, AUC), per split and method, with a centred
 * Gaussian map as the floor.
 */
@Command(
        name = "localisation",
        aliases = "localization",
        mixinStandardHelpOptions = true,
        description =
                "Pointing game, energy inside the mask, IoU and AUC-ROC of saliency maps on a dataset with masks.")
public final class LocalisationCommand implements Callable<Integer> {

    @Option(
            names = "--data",
            required = true,
            description = "Dataset folder with manifest.csv and masks.")
    Path data;

    @Option(
            names = "--splits",
            split = ",",
            defaultValue = "natural,adversarial",
            description = "Splits to measure (default ${DEFAULT-VALUE}).")
    List<String> splits;

    @Option(
            names = {"--sample", "--limit"},
            defaultValue = "0",
            description =
                    "A class-stratified random sample of this many images per split (0 = all; default ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--sample-seed",
            defaultValue = "1",
            description = "Seed of the sample (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Classes summed into the saliency map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--out",
            defaultValue = "out/localisation",
            description = "Folder for CSV and JSON (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "8",
            description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--methods",
            split = ",",
            defaultValue = "licnn",
            description =
                    "Methods: licnn, licnn_no_inhibition (a = b = 0: gradient gating only), gradient, gradient_x_input, "
                            + "integrated_gradients, smoothgrad, grad_cam, or all (default ${DEFAULT-VALUE}). The centred Gaussian is "
                            + "always scored as the floor.")
    List<String> methods;

    @Mixin Connection connection;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** The pseudo-method: LICNN with the lateral inhibition switched off. */
    static final String NO_INHIBITION = "licnn_no_inhibition";

    /** Per-image scores of one method. */
    record Row(String split, String method, String file, int classId, Localisation.Scores scores) {}

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(data.resolve(Manifest.FILE_NAME))) {
            throw new dev.licnn.cli.CliException("no " + Manifest.FILE_NAME + " in " + data);
        }
        List<ManifestEntry> all = Manifest.read(data);
        List<ManifestEntry> chosen = new ArrayList<>();
        for (String sp : splits) {
            List<ManifestEntry> es =
                    all.stream().filter(e -> e.split().dirName().equals(sp)).toList();
            if (es.isEmpty()) {
                throw new dev.licnn.cli.CliException("split '" + sp + "' has no images in " + data);
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
        RunInfo.write(out, spec);
        Sample.save(out, drawn, sample, sampleSeed);
        List<Row> rows = new ArrayList<>();
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel("");
            int h = d.getInputSize().getHeight();
            int w = d.getInputSize().getWidth();
            int resize = d.getPreprocessing().getResizeShorterEdge();
            float[] centre = centreGaussian(h, w);
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
                new PipelinedRunner(s.client, inFlight)
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
                    BlurReport.percent(m.pointing()),
                    BlurReport.value(m.energy()),
                    BlurReport.value(m.iou()),
                    BlurReport.value(m.auc()));
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
                throw new dev.licnn.cli.CliException("unknown method '" + n + "'");
            }
        }
        return out;
    }

    /**
     * A centred isotropic Gaussian (sigma = a quarter of the shorter side): the floor every method
     * must beat.
     */
    static float[] centreGaussian(int h, int w) {
        float[] m = new float[h * w];
        double sigma = Math.min(h, w) / 4.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dy = y - (h - 1) / 2.0;
                double dx = x - (w - 1) / 2.0;
                m[y * w + x] = (float) Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
        }
        return m;
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
