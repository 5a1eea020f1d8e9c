package dev.licnn.experiments.softmax;

import dev.licnn.client.ExplainOutcome;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.experiments.Progress;
import dev.licnn.experiments.RunInfo;
import dev.licnn.experiments.ServerConnector;
import dev.licnn.experiments.blur.BlurVariants;
import dev.licnn.experiments.data.ImageSelection;
import dev.licnn.experiments.data.ModelInput;
import dev.licnn.experiments.imaging.Montage;
import dev.licnn.experiments.imaging.Pictures;
import dev.licnn.experiments.measure.Localisation;
import dev.licnn.experiments.measure.Masks;
import dev.licnn.experiments.measure.Ssim;
import dev.licnn.experiments.stats.Correlation;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnOptions;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ScoreMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code experiment softmax}: LICNN attention maps of each image's top-k classes (ranks 1 to k)
 * with the score back-propagated after softmax (the reference code) and before it (the raw logit).
 * Per image and rank: their Spearman rank correlation and SSIM, and with a mask how focused each is
 * on the object (energy inside the mask, IoU of the thresholded map, and the share of the image the
 * thresholded map covers); {@link SoftmaxStats} pairs them per rank.
 */
public final class SoftmaxExperiment {

    /** The settings of a run (the command line's options). */
    public record Settings(
            ImageSelection selection,
            int topK,
            String model,
            Path out,
            int inFlight,
            int montage) {}

    private final ImageSelection selection;
    private final int topK;
    private final String model;
    private final Path out;
    private final int inFlight;
    private final int montage;
    private final ServerConnector connection;
    private final String command;

    /**
     * @param command the command line that started the run, recorded in {@code OUT/command.txt}
     */
    public SoftmaxExperiment(Settings s, ServerConnector connection, String command) {
        this.selection = s.selection();
        this.topK = s.topK();
        this.model = s.model();
        this.out = s.out();
        this.inFlight = s.inFlight();
        this.montage = s.montage();
        this.connection = connection;
        this.command = command;
    }

    /** Runs the experiment; 0 when done. */
    public int run() throws Exception {
        if (topK < 1) {
            throw new dev.licnn.experiments.ExperimentException("--top-k must be at least 1");
        }
        try (ServerConnector.Session s = connection.open()) {
            ModelDescription d = s.client().describeModel(model);
            int k = Math.min(topK, d.getNumClasses());
            List<ImageSelection.Image> images = selection.choose(d);
            Files.createDirectories(out);
            RunInfo.write(out, command);
            selection.save(out);
            ModelInput input = new ModelInput(d);
            int h = d.getInputSize().getHeight();
            int w = d.getInputSize().getWidth();
            List<ExplainRequest> reqs = new ArrayList<>();
            for (ImageSelection.Image im : images) {
                ImageInput img = Requests.image(im.path());
                for (ScoreMode sm :
                        new ScoreMode[] {
                            ScoreMode.SCORE_MODE_AFTER_SOFTMAX, ScoreMode.SCORE_MODE_BEFORE_SOFTMAX
                        }) {
                    reqs.add(
                            Requests.explain(img)
                                    .setModel(model)
                                    .setTopK(k)
                                    .setRankingSize(k)
                                    .setLicnnOptions(LicnnOptions.newBuilder().setScore(sm))
                                    .build());
                }
            }
            List<SoftmaxStats.Row> rows = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicReferenceArray<ExplainOutcome> outcomes =
                    new java.util.concurrent.atomic.AtomicReferenceArray<>(reqs.size());
            java.util.concurrent.atomic.AtomicIntegerArray arrived =
                    new java.util.concurrent.atomic.AtomicIntegerArray(images.size());
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Montage m =
                    new Montage(
                            160, List.of("image", "top-1 after softmax", "top-1 before softmax"));
            try (Progress progress = new Progress("softmax", reqs.size())) {
                new PipelinedRunner(s.client(), inFlight)
                        .run(
                                reqs,
                                (RequestResult r) -> {
                                    int i = (int) r.index();
                                    int image = i / 2;
                                    if (r.isOk()) {
                                        outcomes.set(i, r.outcome());
                                    } else {
                                        failures.add(
                                                images.get(image).name()
                                                        + ": "
                                                        + r.status().getCode()
                                                        + ": "
                                                        + r.status().getDescription());
                                    }
                                    progress.step();
                                    if (arrived.incrementAndGet(image) < 2) {
                                        return;
                                    }
                                    try {
                                        measure(
                                                images.get(image),
                                                d,
                                                input,
                                                outcomes.getAndSet(2 * image, null),
                                                outcomes.getAndSet(2 * image + 1, null),
                                                k,
                                                h,
                                                w,
                                                rows,
                                                image < montage ? m : null);
                                    } catch (Exception e) {
                                        failures.add(images.get(image).name() + ": " + e);
                                    }
                                });
            }
            failures.stream().sorted().forEach(f -> System.err.println("failed: " + f));
            List<SoftmaxStats.Row> sorted = new ArrayList<>(rows);
            sorted.sort(
                    (a, b) ->
                            a.file().equals(b.file())
                                    ? a.rank() - b.rank()
                                    : a.file().compareTo(b.file()));
            Files.writeString(
                    out.resolve("softmax.csv"), SoftmaxStats.csv(sorted), StandardCharsets.UTF_8);
            List<SoftmaxStats.Summary> summary = SoftmaxStats.summarise(sorted);
            Files.writeString(
                    out.resolve("summary.csv"),
                    SoftmaxStats.summaryCsv(summary),
                    StandardCharsets.UTF_8);
            System.out.print(SoftmaxStats.table(summary));
            if (!m.isEmpty()) {
                m.write(out.resolve("softmax.png"));
            }
            System.out.println(
                    "per map: "
                            + out.resolve("softmax.csv")
                            + "; per rank: "
                            + out.resolve("summary.csv")
                            + "; maps side by side: "
                            + out.resolve("softmax.png"));
            return failures.isEmpty() ? 0 : 1;
        }
    }

    private static void measure(
            ImageSelection.Image im,
            ModelDescription d,
            ModelInput input,
            ExplainOutcome after,
            ExplainOutcome before,
            int k,
            int h,
            int w,
            List<SoftmaxStats.Row> rows,
            Montage m)
            throws java.io.IOException {
        if (after == null || before == null) {
            return;
        }
        boolean[] mask =
                im.mask() != null
                        ? Masks.read(im.mask(), d.getPreprocessing().getResizeShorterEdge(), h, w)
                        : null;
        for (int r = 0; r < k; r++) {
            float[] a = after.attentionMap(r).values();
            float[] b = before.attentionMap(r).values();
            ClassScore c = after.prediction().getTargets(r);
            double sp = Correlation.spearman(a, b);
            double spa = Correlation.spearmanAbs(a, b);
            double ss = Ssim.ssim(a, b, h, w, Ssim.range(a));
            double nan = Double.NaN;
            rows.add(
                    new SoftmaxStats.Row(
                            im.name(),
                            im.classId(),
                            r + 1,
                            c.getClassId(),
                            c.getProbability(),
                            sp,
                            spa,
                            ss,
                            mask == null ? nan : Localisation.energyInside(a, mask),
                            mask == null ? nan : Localisation.energyInside(b, mask),
                            mask == null ? nan : Localisation.iou(a, mask),
                            mask == null ? nan : Localisation.iou(b, mask),
                            BlurVariants.objectFraction(Localisation.objectPixels(a)),
                            BlurVariants.objectFraction(Localisation.objectPixels(b))));
            if (r == 0 && m != null) {
                synchronized (m) {
                    m.row(
                            im.name(),
                            List.of(
                                    new Montage.Cell(
                                            input.prepare(im.path()).toBufferedImage(),
                                            List.of(
                                                    c.getLabel(),
                                                    String.format("p = %.3f", c.getProbability()))),
                                    new Montage.Cell(Pictures.heatmap(a, h, w), List.of()),
                                    new Montage.Cell(
                                            Pictures.heatmap(b, h, w),
                                            List.of(
                                                    String.format("spearman %.3f", sp),
                                                    String.format("ssim %.3f", ss)))));
                }
            }
        }
    }
}
