package dev.licnn.experiments.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.experiments.ExperimentException;
import dev.licnn.experiments.blur.BlurRecord;
import dev.licnn.experiments.blur.BlurRegion;
import dev.licnn.experiments.blur.BlurReport;
import dev.licnn.experiments.localisation.LocalisationStats;
import dev.licnn.experiments.sanity.SanityStats;
import dev.licnn.experiments.softmax.SoftmaxStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The experiments' report ({@code experiment report --results DIR}): one Markdown file from the raw
 * outputs of the blur, sanity and softmax experiments under {@code DIR} ({@code
 * blur/results.jsonl}, {@code sanity/sanity.csv}, {@code softmax/softmax.csv}, each with its {@code
 * command.txt} and {@code sample.json}): the exact commands and seeds, the tables with their
 * intervals and tests, links to the charts, and a verdict per claim of the seed paper with the
 * statistic behind it ({@link Verdicts}). Everything is recomputed from the per-image files, so the
 * report can be rebuilt at any time and checked against them. With a README, the part of FILE
 * between {@code <!-- experiments:begin -->} and {@code <!-- experiments:end -->} is replaced by
 * the report's summary.
 */
public final class ResultsReport {

    static final String BEGIN = "<!-- experiments:begin -->";
    static final String END = "<!-- experiments:end -->";

    /**
     * What to report: the results folder (holding {@code blur/}, {@code sanity/}, {@code softmax/},
     * {@code localisation/}), the report file (null: {@code RESULTS/REPORT.md}), the command that
     * made the evaluation data, which dataset seeds were used for what, and a README whose marked
     * section is replaced by the summary (null: none).
     */
    public record Settings(
            Path results, Path out, String datasetCommand, String seedsNote, Path readme) {}

    private final Path results;
    private final Path out;
    private final String datasetCommand;
    private final String seedsNote;
    private final Path readme;

    public ResultsReport(Settings s) {
        this.results = s.results();
        this.out = s.out();
        this.datasetCommand = s.datasetCommand();
        this.seedsNote = s.seedsNote();
        this.readme = s.readme();
    }

    /** Writes the report (and the README's section); 0 when done. */
    public int run() throws IOException {
        if (!Files.isDirectory(results)) {
            throw new ExperimentException("no such folder: " + results);
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
                throw new ExperimentException(
                        readme + " has no " + BEGIN + " ... " + END + " section");
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

    /** The report's Markdown for a results folder, links relative to it. */
    public static String render(Path dir) throws IOException {
        ResultsReport c = new ResultsReport(new Settings(dir, null, "(dataset)", "", null));
        return c.build(dir.toAbsolutePath().normalize(), dir.toAbsolutePath().normalize()).full();
    }
}
