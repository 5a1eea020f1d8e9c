package dev.licnn.cli.experiment;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code experiment report --results DIR}: one Markdown file from the raw outputs of the blur,
 * sanity and softmax experiments under {@code DIR} ({@code blur/results.jsonl}, {@code
 * sanity/sanity.csv}, {@code softmax/softmax.csv}, each with its {@code command.txt} and {@code
 * sample.json}): the exact commands and seeds, the tables with their intervals and tests, links to
 * the charts, and a verdict per claim of the seed paper with the statistic behind it ({@link
 * Verdicts}). Everything is recomputed from the per-image files, so the report can be rebuilt at
 * any time and checked against them. With {@code --readme FILE}, the part of FILE between {@code
 * <!-- experiments:begin -->} and {@code <!-- experiments:end -->} is replaced by the report's
 * summary.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write one Markdown report (tables, intervals, tests, commands, seeds, verdicts) from experiment outputs.")
public final class ReportCommand implements Callable<Integer> {

    static final String BEGIN = "<!-- experiments:begin -->";
    static final String END = "<!-- experiments:end -->";

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
        if (!Files.isDirectory(results)) {
            throw new CliException("no such folder: " + results);
        }
        Path file = out != null ? out : results.resolve("REPORT.md");
        Report r =
                build(
                        results.toAbsolutePath().normalize(),
                        file.toAbsolutePath().normalize().getParent());
        Files.writeString(file, r.full(), StandardCharsets.UTF_8);
        System.out.println("report: " + file);
        if (readme != null) {
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            int a = text.indexOf(BEGIN);
            int b = text.indexOf(END);
            if (a < 0 || b < a) {
                throw new CliException(readme + " has no " + BEGIN + " ... " + END + " section");
            }
            Path readmeDir = readme.toAbsolutePath().normalize().getParent();
            Report forReadme = build(results.toAbsolutePath().normalize(), readmeDir);
            String section =
                    BEGIN
                            + "\n"
                            + forReadme.summary(
                                    readmeDir
                                            .relativize(file.toAbsolutePath().normalize())
                                            .toString())
                            + END;
            Files.writeString(
                    readme,
                    text.substring(0, a) + section + text.substring(b + END.length()),
                    StandardCharsets.UTF_8);
            System.out.println("README section replaced: " + readme);
        }
        return 0;
    }

    /** The report's parts; links are relative to {@code linkBase}. */
    private Report build(Path dir, Path linkBase) throws IOException {
        Report r = new Report();
        r.link = p -> linkBase.relativize(p).toString().replace('\\', '/');
        r.datasetCommand = datasetCommand;
        r.seedsNote = seedsNote;
        Path blurDir = dir.resolve("blur");
        if (Files.isRegularFile(blurDir.resolve("results.jsonl"))) {
            r.blurDir = blurDir;
            r.blur = blurReport(blurDir);
        }
        Path sanityDir = dir.resolve("sanity");
        if (Files.isRegularFile(sanityDir.resolve("sanity.csv"))) {
            r.sanityDir = sanityDir;
            r.sanity = SanityStats.summarise(SanityStats.read(sanityDir.resolve("sanity.csv")));
        }
        Path softmaxDir = dir.resolve("softmax");
        if (Files.isRegularFile(softmaxDir.resolve("softmax.csv"))) {
            r.softmaxDir = softmaxDir;
            r.softmax =
                    SoftmaxStats.summarise(SoftmaxStats.read(softmaxDir.resolve("softmax.csv")));
        }
        Path locDir = dir.resolve("localisation");
        if (Files.isRegularFile(locDir.resolve("localisation.csv"))) {
            List<LocalisationStats.Row> rows =
                    LocalisationStats.read(locDir.resolve("localisation.csv"));
            r.localisationDir = locDir;
            r.localisation = LocalisationStats.summarise(rows);
            r.localisationDifferences = LocalisationStats.against(rows, "licnn");
        }
        return r;
    }

    /**
     * The blur records of the run's sample that hold every variant of the regions and radii the run
     * named (a run stopped early reports the images it finished).
     */
    static BlurReport blurReport(Path blurDir) throws IOException {
        Map<String, BlurRecord> all = BlurRecord.load(blurDir.resolve("results.jsonl"));
        // the radii and regions the records were made with, read off their keys (a run still going
        // has no summary yet)
        java.util.TreeSet<Float> radiusSet = new java.util.TreeSet<>();
        java.util.EnumSet<BlurRegion> regionSet = java.util.EnumSet.noneOf(BlurRegion.class);
        for (BlurRecord rec : all.values()) {
            rec.variants().keySet().stream()
                    .filter(k -> k.startsWith(BlurRecord.WHOLE + "@"))
                    .forEach(k -> radiusSet.add(Float.parseFloat(k.substring(k.indexOf('@') + 1))));
            rec.coverage().keySet().forEach(k -> regionSet.add(BlurRegion.of(k)));
        }
        List<Float> radii = new ArrayList<>(radiusSet);
        List<BlurRegion> regions = new ArrayList<>(regionSet);
        JsonObject sample =
                JsonParser.parseString(
                                Files.readString(
                                        blurDir.resolve("sample.json"), StandardCharsets.UTF_8))
                        .getAsJsonObject();
        List<String> files = new ArrayList<>();
        sample.getAsJsonArray("files").forEach(e -> files.add(e.getAsString()));
        List<BlurRecord> records = new ArrayList<>();
        List<String> splits = new ArrayList<>();
        for (String f : files) {
            BlurRecord rec = all.get(f);
            if (rec != null && rec.covers(radii, regions)) {
                records.add(rec);
                if (!splits.contains(rec.split())) {
                    splits.add(rec.split());
                }
            }
        }
        return new BlurReport(records, splits, radii, regions);
    }

    /** The Markdown. */
    static final class Report {
        java.util.function.Function<Path, String> link;
        String datasetCommand;
        String seedsNote;
        Path blurDir;
        BlurReport blur;
        Path sanityDir;
        List<SanityStats.Summary> sanity;
        Path softmaxDir;
        List<SoftmaxStats.Summary> softmax;
        Path localisationDir;
        List<LocalisationStats.Summary> localisation;
        List<LocalisationStats.Difference> localisationDifferences;

        String full() throws IOException {
            StringBuilder b =
                    new StringBuilder("# Experiments: results with intervals and tests\n\n");
            b.append(
                    "Made by `./licnn experiment report` from the per-image outputs next to this file; every number below can be "
                            + "recomputed from them. Intervals are 95%: Wilson score intervals for accuracies and hit rates, percentile "
                            + "bootstrap ("
                            + Stats.BOOTSTRAP_RESAMPLES
                            + " resamples, seed "
                            + BlurReport.BOOTSTRAP_SEED
                            + ") for means and paired differences. Paired right/wrong comparisons use McNemar's exact test (two-sided "
                            + "binomial on the discordant pairs b and c); paired measurements use the exact sign test.\n\n");
            b.append(data());
            b.append("## Verdicts on the seed paper's claims\n\n").append(verdicts()).append('\n');
            if (blur != null) {
                b.append(blurSection(true));
            }
            if (sanity != null) {
                b.append(sanitySection());
            }
            if (softmax != null) {
                b.append(softmaxSection());
            }
            if (localisation != null) {
                b.append(localisationSection(true));
            }
            return b.toString();
        }

        /**
         * The README's section: data, verdicts, the headline tables, and a pointer to the full
         * report.
         */
        String summary(String reportLink) throws IOException {
            StringBuilder b = new StringBuilder("## Experiments on held-out data\n\n");
            b.append(
                    "Regenerated by `./licnn experiment report --readme README.md` from the raw outputs in `docs/results/`; the "
                            + "full report with every table, chart and command is ["
                            + reportLink
                            + "]("
                            + reportLink
                            + "). Intervals are "
                            + "95% (Wilson for accuracies, bootstrap for means); paired comparisons use McNemar's exact test or the exact "
                            + "sign test.\n\n");
            b.append(data().replace("## ", "### "));
            b.append("### Verdicts on the seed paper's claims\n\n").append(verdicts()).append('\n');
            if (blur != null) {
                b.append(blurSection(false).replace("## ", "### "));
            }
            if (localisation != null) {
                b.append(localisationSection(false).replace("## ", "### "));
            }
            return b.toString();
        }

        private String data() throws IOException {
            StringBuilder b = new StringBuilder("## Data, model, commands and seeds\n\n");
            b.append("- Evaluation data: `")
                    .append(datasetCommand)
                    .append("`. ")
                    .append(seedsNote)
                    .append('\n');
            b.append("- Model: the bundled `models/shapes-vgg16`.\n");
            for (Path d : new Path[] {blurDir, sanityDir, softmaxDir, localisationDir}) {
                if (d == null) {
                    continue;
                }
                String cmd = RunInfo.read(d);
                b.append("- `").append(cmd == null ? "(command not recorded)" : cmd).append("`");
                Path sample = d.resolve("sample.json");
                if (Files.isRegularFile(sample)) {
                    JsonObject s =
                            JsonParser.parseString(Files.readString(sample, StandardCharsets.UTF_8))
                                    .getAsJsonObject();
                    b.append(": class-stratified sample, seed ")
                            .append(s.get("seed").getAsString())
                            .append(", ")
                            .append(s.get("per_split").getAsString())
                            .append(" per split");
                    if (d.equals(blurDir)) {
                        b.append(" asked; finished: ").append(blurCounts());
                    } else {
                        b.append(" (").append(counts(s)).append(")");
                    }
                }
                b.append('\n');
            }
            b.append('\n');
            return b.toString();
        }

        private static String counts(JsonObject sample) {
            List<String> parts = new ArrayList<>();
            sample.getAsJsonObject("class_counts")
                    .entrySet()
                    .forEach(
                            e -> {
                                List<String> cs = new ArrayList<>();
                                int n = 0;
                                for (var c : e.getValue().getAsJsonObject().entrySet()) {
                                    cs.add(c.getKey() + " " + c.getValue().getAsInt());
                                    n += c.getValue().getAsInt();
                                }
                                parts.add(e.getKey() + " " + n + ": " + String.join(", ", cs));
                            });
            return String.join("; ", parts);
        }

        private String blurCounts() {
            List<String> parts = new ArrayList<>();
            for (String s : blur.splits()) {
                Map<String, Integer> c = new java.util.TreeMap<>();
                for (BlurRecord r : blur.of(s)) {
                    c.merge(Integer.toString(r.classId()), 1, Integer::sum);
                }
                List<String> cs = new ArrayList<>();
                c.forEach((k, v) -> cs.add("class " + k + ": " + v));
                parts.add(s + " " + blur.of(s).size() + " images (" + String.join(", ", cs) + ")");
            }
            return String.join("; ", parts);
        }

        private String verdicts() {
            List<Verdicts.Verdict> vs = new Verdicts(blur, sanity, softmax).all();
            StringBuilder b =
                    new StringBuilder(
                            "| # | claim (seed paper, or Cao et al. for the ablation) | verdict | evidence |\n|---|---|---|---|\n");
            int i = 1;
            for (Verdicts.Verdict v : vs) {
                b.append("| ")
                        .append(i++)
                        .append(" | ")
                        .append(v.claim())
                        .append(" | **")
                        .append(v.verdict())
                        .append("** | ")
                        .append(v.evidence())
                        .append(" |\n");
            }
            return b.toString();
        }

        private String blurSection(boolean everything) {
            StringBuilder b = new StringBuilder("## Blur\n\n");
            b.append(
                    "Each image's LICNN maps split its 224x224 input into a region (map > (max - min)/5) and the rest; Pillow's "
                            + "Gaussian blur of the given radius is applied to the rest (\"blurred background\") or to the region (\"blurred "
                            + "object\"). Regions: LICNN's top-1 attention map (the headline), LICNN's top-5 saliency map (the paper's), "
                            + "the top-1 map without lateral inhibition (a = b = 0), and the controls: the true object mask, and a random "
                            + "rectangle of exactly the area of the LICNN region; the whole image blurred is the third control. "
                            + "Coverage: mean share of the image in the region. Each cell: top-1 accuracy [95% Wilson] and, against the "
                            + "original, b / c = images right only before / only after, with McNemar's exact p.\n\n");
            List<BlurReport.Row> rows = blur.accuracy();
            for (String s : blur.splits()) {
                b.append("**")
                        .append(s)
                        .append("** (")
                        .append(blur.of(s).size())
                        .append(" images; original top-1 ")
                        .append(
                                BlurReport.percent(
                                        BlurReport.find(rows, s, "original", "-", "0")
                                                .top1Interval()))
                        .append(")\n\n");
                b.append("| region | blurred | coverage |");
                blur.radii()
                        .forEach(
                                r ->
                                        b.append(" radius ")
                                                .append(BlurRecord.radiusText(r))
                                                .append(" |"));
                b.append("\n|---|---|---|").append("---|".repeat(blur.radii().size())).append('\n');
                List<String[]> lines = new ArrayList<>();
                for (BlurRegion g : blur.regions()) {
                    for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                        lines.add(new String[] {g.key(), v.key()});
                    }
                }
                lines.add(new String[] {BlurRecord.WHOLE, "-"});
                for (String[] l : lines) {
                    BlurReport.Row first =
                            BlurReport.find(
                                    rows,
                                    s,
                                    l[0],
                                    l[1],
                                    BlurRecord.radiusText(blur.radii().get(0)));
                    String region =
                            l[0].equals(BlurRecord.WHOLE)
                                    ? "whole image"
                                    : BlurRegion.of(l[0]).description();
                    b.append("| ")
                            .append(region)
                            .append(" | ")
                            .append(l[1].equals("-") ? "all" : l[1].replace("blurred_", ""))
                            .append(" | ")
                            .append(
                                    Double.isNaN(first.coverage())
                                            ? "100%"
                                            : String.format(
                                                    Locale.ROOT, "%.1f%%", 100 * first.coverage()))
                            .append(" |");
                    for (float r : blur.radii()) {
                        BlurReport.Row row =
                                BlurReport.find(rows, s, l[0], l[1], BlurRecord.radiusText(r));
                        b.append(' ')
                                .append(BlurReport.percent(row.top1Interval()))
                                .append(" (")
                                .append(row.vsOriginal().onlyFirst())
                                .append(" / ")
                                .append(row.vsOriginal().onlySecond())
                                .append(", p ")
                                .append(BlurReport.p(row.vsOriginal().exactP()))
                                .append(") |");
                    }
                    b.append('\n');
                }
                b.append('\n');
            }
            b.append(
                    "Top-2 and top-5 at the largest radius (10 classes: top-5 is right half the time by chance, so it "
                            + "saturates; top-2 is shown beside it):\n\n| split | region | blurred | top-1 | top-2 | top-5 |\n|---|---|---|---|---|---|\n");
            String rMax = BlurRecord.radiusText(blur.radii().get(blur.radii().size() - 1));
            for (String s : blur.splits()) {
                BlurReport.Row o = BlurReport.find(rows, s, "original", "-", "0");
                b.append("| ")
                        .append(s)
                        .append(" | original | - | ")
                        .append(BlurReport.percent(o.top1Interval()))
                        .append(" | ")
                        .append(BlurReport.percent(o.top2Interval()))
                        .append(" | ")
                        .append(BlurReport.percent(o.top5Interval()))
                        .append(" |\n");
                for (BlurReport.Row r : rows) {
                    if (r.split().equals(s)
                            && r.radius().equals(rMax)
                            && (everything || r.region().startsWith("licnn"))) {
                        b.append("| ")
                                .append(s)
                                .append(" | ")
                                .append(r.region())
                                .append(" | ")
                                .append(r.variant())
                                .append(" | ")
                                .append(BlurReport.percent(r.top1Interval()))
                                .append(" | ")
                                .append(BlurReport.percent(r.top2Interval()))
                                .append(" | ")
                                .append(BlurReport.percent(r.top5Interval()))
                                .append(" |\n");
                    }
                }
            }
            b.append(
                    "\nPaired comparisons of regions (top-1; b / c = right with the first region only / with the second only; "
                            + "McNemar's exact p):\n\n| split | first | second | blurred | radius | b / c | p |\n|---|---|---|---|---|---|---|\n");
            for (BlurReport.Comparison c : blur.comparisons()) {
                if (!everything && !c.radius().equals(rMax)) {
                    continue;
                }
                b.append("| ")
                        .append(c.split())
                        .append(" | ")
                        .append(c.first())
                        .append(" | ")
                        .append(c.second())
                        .append(" | ")
                        .append(c.variant().replace("blurred_", ""))
                        .append(" | ")
                        .append(c.radius())
                        .append(" | ")
                        .append(c.test().onlyFirst())
                        .append(" / ")
                        .append(c.test().onlySecond())
                        .append(" | ")
                        .append(BlurReport.p(c.test().exactP()))
                        .append(" |\n");
            }
            b.append(
                    "\n### Localisation of the same maps\n\nAgainst the true object mask: pointing game (maximum within 15 px "
                            + "of the mask; Wilson interval), share of positive map mass inside the mask (energy), IoU of the thresholded "
                            + "map, pixel AUC-ROC (bootstrap intervals); the last column is the paired difference from the centred "
                            + "Gaussian floor on the same images.\n\n| split | map | measure | value [95% CI] | minus centre [95% CI] |\n"
                            + "|---|---|---|---|---|\n");
            for (BlurReport.LocalisationRow l : blur.localisation()) {
                boolean share = l.measure().equals("pointing");
                b.append("| ")
                        .append(l.split())
                        .append(" | ")
                        .append(l.map())
                        .append(" | ")
                        .append(l.measure())
                        .append(" | ")
                        .append(share ? BlurReport.percent(l.value()) : BlurReport.value(l.value()))
                        .append(" | ")
                        .append(l.map().equals("centre") ? "-" : BlurReport.value(l.minusCentre()))
                        .append(" |\n");
            }
            b.append(
                    "\nLateral inhibition on vs off, and the top-1 map vs the top-5 map, paired on the same images (pointing: "
                            + "McNemar; others: sign test; difference = first - second):\n\n| split | first | second | measure | difference [95% CI] "
                            + "| first better / second better | p |\n|---|---|---|---|---|---|---|\n");
            for (BlurReport.MapComparison m : blur.mapComparisons()) {
                b.append("| ")
                        .append(m.split())
                        .append(" | ")
                        .append(m.first())
                        .append(" | ")
                        .append(m.second())
                        .append(" | ")
                        .append(m.measure())
                        .append(" | ")
                        .append(BlurReport.value(m.difference()))
                        .append(" | ")
                        .append(m.test().onlyFirst())
                        .append(" / ")
                        .append(m.test().onlySecond())
                        .append(" | ")
                        .append(BlurReport.p(m.test().exactP()))
                        .append(" |\n");
            }
            b.append("\nCharts (top-1 with Wilson error bars): ");
            List<String> charts = new ArrayList<>();
            for (String s : blur.splits()) {
                for (BlurVariants.Variant v : BlurVariants.Variant.values()) {
                    Path p = blurDir.resolve("accuracy-" + s + "-" + v.key() + ".png");
                    charts.add(
                            "["
                                    + s
                                    + ", "
                                    + v.key().replace('_', ' ')
                                    + "]("
                                    + link.apply(p)
                                    + ")");
                }
            }
            b.append(String.join(", ", charts))
                    .append("; flips: [flips.csv](")
                    .append(link.apply(blurDir.resolve("flips.csv")))
                    .append("), [flips.png](")
                    .append(link.apply(blurDir.resolve("flips.png")))
                    .append("); per image: [results.jsonl](")
                    .append(link.apply(blurDir.resolve("results.jsonl")))
                    .append(").\n\n");
            return b.toString();
        }

        private String sanitySection() {
            StringBuilder b =
                    new StringBuilder("## Sanity check (model parameter randomisation)\n\n");
            b.append(
                    "The map of the original model's top-1 class against the map of the same class after re-initialising "
                            + "the layers from the top down to the one named (cascading) or that layer alone (independent), under every "
                            + "seed; mean ± sd over images and seeds [95% bootstrap], n maps. A map made constant by the "
                            + "re-initialisation counts as similarity 0 and is counted as destroyed.\n\nSpearman rank correlation:\n\n");
            b.append(SanityStats.table(sanity, "spearman"))
                    .append("\nSSIM:\n\n")
                    .append(SanityStats.table(sanity, "ssim"));
            b.append("\nHOG Pearson:\n\n").append(SanityStats.table(sanity, "hog_pearson"));
            List<String> charts = new ArrayList<>();
            for (String mode : new String[] {"cascading", "independent"}) {
                for (String metric : new String[] {"spearman", "ssim"}) {
                    Path chart = sanityDir.resolve("sanity-" + mode + "-" + metric + ".png");
                    if (Files.isRegularFile(chart)) {
                        charts.add(
                                "["
                                        + mode
                                        + ", "
                                        + (metric.equals("ssim") ? "SSIM" : "Spearman")
                                        + "]("
                                        + link.apply(chart)
                                        + ")");
                    }
                }
            }
            b.append("\nCharts: ")
                    .append(charts.isEmpty() ? "none" : String.join(", ", charts))
                    .append("; per map: [sanity.csv](")
                    .append(link.apply(sanityDir.resolve("sanity.csv")))
                    .append(").\n\n");
            return b.toString();
        }

        /**
         * Every method's localisation, and each method minus LICNN paired on the same images (all
         * of it, or pointing and energy only).
         */
        private String localisationSection(boolean everything) {
            StringBuilder b = new StringBuilder("## Localisation: LICNN against the baselines\n\n");
            b.append(
                    "Each method's saliency map as the service returns it (the maps of the model's top-k classes summed, k as in "
                            + "the command; the true class is never given; `licnn_no_inhibition` is LICNN with a = b = 0) scored against the "
                            + "true object mask: pointing game (maximum within 15 px of the mask; Wilson interval), share of positive map "
                            + "mass inside the mask (energy), IoU of the thresholded map (map > (max - min)/5), pixel AUC-ROC (bootstrap "
                            + "intervals). `centre` is a centred Gaussian that ignores the image: the floor.\n\n");
            b.append(LocalisationStats.table(localisation));
            List<LocalisationStats.Difference> ds =
                    everything
                            ? localisationDifferences
                            : localisationDifferences.stream()
                                    .filter(
                                            d ->
                                                    d.measure().equals("pointing")
                                                            || d.measure().equals("energy"))
                                    .toList();
            b.append(
                            "\nEach method minus LICNN on the same images (pointing: McNemar's exact test on the images only one of the two "
                                    + "hits; others: exact sign test; interval: paired bootstrap)")
                    .append(
                            everything
                                    ? ""
                                    : ", pointing and energy; IoU and " + "AUC in the full report")
                    .append(":\n\n");
            b.append(LocalisationStats.differenceTable(ds));
            b.append("\nPer image: [localisation.csv](")
                    .append(link.apply(localisationDir.resolve("localisation.csv")))
                    .append(").\n\n");
            return b.toString();
        }

        private String softmaxSection() {
            StringBuilder b = new StringBuilder("## Back-propagation after vs before softmax\n\n");
            b.append(
                    "For each image and rank, the LICNN attention map with the score taken after softmax (the reference code) "
                            + "and before it (the logit). Similarity of the two, and focus on the object: energy inside the true mask "
                            + "and IoU (higher = more focused on the object), and coverage, the share of the image above the threshold "
                            + "(lower = more focused). Differences are after - before, paired per image.\n\n");
            b.append(SoftmaxStats.table(softmax));
            b.append("\nPer map: [softmax.csv](")
                    .append(link.apply(softmaxDir.resolve("softmax.csv")))
                    .append("); side by side: [softmax.png](")
                    .append(link.apply(softmaxDir.resolve("softmax.png")))
                    .append(").\n\n");
            return b.toString();
        }
    }

    /** For tests: the report's Markdown for a results folder. */
    static String render(Path dir) throws IOException {
        ReportCommand c = new ReportCommand();
        c.datasetCommand = "(dataset)";
        c.seedsNote = "";
        return c.build(dir.toAbsolutePath().normalize(), dir.toAbsolutePath().normalize()).full();
    }
}
