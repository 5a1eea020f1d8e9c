package dev.licnn.cli.experiment;

import dev.licnn.cli.Connection;
import dev.licnn.cli.Pictures;
import dev.licnn.cli.Progress;
import dev.licnn.client.DecodedMap;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment softmax}: LICNN attention maps of each image's top-1 class with the score
 * back-propagated after softmax (the reference code) and before it (the raw logit), side by side,
 * with their Spearman rank correlation and SSIM.
 */
@Command(name = "softmax", mixinStandardHelpOptions = true,
        description = "LICNN maps with back-propagation after vs before softmax, side by side.")
public final class SoftmaxCommand implements Callable<Integer> {

    @Mixin
    ImageSelection selection;

    @Option(names = "--model", defaultValue = "", description = "Model name on the server (default: its default model).")
    String model;

    @Option(names = "--out", defaultValue = "out/softmax", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--in-flight", defaultValue = "4", description = "Explain requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(model);
            List<ImageSelection.Image> images = selection.choose(d);
            Files.createDirectories(out);
            ModelInput input = new ModelInput(d);
            List<ExplainRequest> reqs = new ArrayList<>();
            for (ImageSelection.Image im : images) {
                ImageInput img = Requests.image(im.path());
                for (ScoreMode sm : new ScoreMode[] {ScoreMode.SCORE_MODE_AFTER_SOFTMAX, ScoreMode.SCORE_MODE_BEFORE_SOFTMAX}) {
                    reqs.add(Requests.explain(img).setModel(model).setTopK(1).setRankingSize(1).setOmitAttentionMaps(true)
                            .setLicnnOptions(LicnnOptions.newBuilder().setScore(sm)).build());
                }
            }
            DecodedMap[] maps = new DecodedMap[reqs.size()];
            ClassScore[] top = new ClassScore[images.size()];
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            try (Progress progress = new Progress("softmax", reqs.size())) {
                new PipelinedRunner(s.client, inFlight).run(reqs, (RequestResult r) -> {
                    int i = (int) r.index();
                    if (r.isOk()) {
                        maps[i] = r.outcome().saliency();
                        top[i / 2] = r.outcome().prediction().getTargets(0);
                    } else {
                        failures.add(images.get(i / 2).name() + ": " + r.status().getCode() + ": " + r.status().getDescription());
                    }
                    progress.step();
                });
            }
            failures.stream().sorted().forEach(f -> System.err.println("failed: " + f));
            StringBuilder csv = new StringBuilder("file,class_id,label,probability,spearman,spearman_abs,ssim\n");
            Montage m = new Montage(160, List.of("image", "after softmax", "before softmax"));
            System.out.printf("%-40s %-24s %9s %9s %7s%n", "image", "top-1 class", "spearman", "|spear.|", "ssim");
            for (int i = 0; i < images.size(); i++) {
                DecodedMap after = maps[2 * i];
                DecodedMap before = maps[2 * i + 1];
                if (after == null || before == null) {
                    continue;
                }
                double sp = Correlation.spearman(after.values(), before.values());
                double spa = Correlation.spearmanAbs(after.values(), before.values());
                double ss = Ssim.ssim(after.values(), before.values(), after.height(), after.width(), Ssim.range(after.values()));
                String name = images.get(i).name();
                csv.append(String.join(",", name, Integer.toString(top[i].getClassId()), '"' + top[i].getLabel().replace("\"", "'") + '"',
                        Float.toString(top[i].getProbability()), Double.toString(sp), Double.toString(spa), Double.toString(ss))).append('\n');
                System.out.printf("%-40s %-24s %9.3f %9.3f %7.3f%n", name, top[i].getLabel(), sp, spa, ss);
                m.row(name, List.of(
                        new Montage.Cell(input.prepare(images.get(i).path()).toBufferedImage(),
                                List.of(top[i].getLabel(), String.format("p = %.3f", top[i].getProbability()))),
                        new Montage.Cell(Pictures.heatmap(after.values(), after.height(), after.width()), List.of()),
                        new Montage.Cell(Pictures.heatmap(before.values(), before.height(), before.width()),
                                List.of(String.format("spearman %.3f", sp), String.format("ssim %.3f", ss)))));
            }
            Files.writeString(out.resolve("softmax.csv"), csv, StandardCharsets.UTF_8);
            if (!m.isEmpty()) {
                m.write(out.resolve("softmax.png"));
            }
            System.out.println("similarities: " + out.resolve("softmax.csv") + "; maps side by side: " + out.resolve("softmax.png"));
            return failures.isEmpty() ? 0 : 1;
        }
    }
}
