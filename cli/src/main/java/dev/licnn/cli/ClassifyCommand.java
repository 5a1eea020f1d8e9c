package dev.licnn.cli;

import dev.licnn.client.Requests;
import dev.licnn.experiments.Progress;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.ClassifyResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code classify IMAGE...}: a top-k table. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = "Classify images and print the top-k classes.")
final class ClassifyCommand implements Callable<Integer> {

    @Parameters(
            arity = "1..*",
            paramLabel = "IMAGE",
            description = "PNG or JPEG files, or folders of them.")
    List<Path> images;

    @Option(
            names = "--top-k",
            description = "Classes per image (default 5, or all classes of a smaller model).")
    Integer topK;

    @Option(
            names = "--model",
            defaultValue = "",
            description = "Model name on the server (default: its default model).")
    String model;

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "Images per request (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
        List<Path> files = ImageFiles.expand(images, System.out);
        model = connection.servedModel(model);
        int failed = 0;
        try (Connection.Session s = connection.open();
                Progress progress = new Progress("classify", files.size())) {
            int classes = s.client.describeModel(model).getNumClasses();
            int topK = this.topK != null ? this.topK : Math.min(5, classes);
            if (topK < 1 || topK > classes) {
                throw new CliException(
                        "--top-k must be between 1 and the model's "
                                + classes
                                + " classes, got "
                                + topK);
            }
            System.out.printf(
                    "%-40s %4s %6s  %-24s %8s%n", "image", "rank", "class", "label", "prob");
            for (int i = 0; i < files.size(); i += batch) {
                List<Path> chunk = files.subList(i, Math.min(files.size(), i + batch));
                ClassifyRequest.Builder req =
                        ClassifyRequest.newBuilder().setModel(model).setTopK(topK);
                for (Path f : chunk) {
                    req.addImages(Requests.image(f));
                }
                ClassifyResponse r = s.client.classify(req.build());
                for (int j = 0; j < chunk.size(); j++) {
                    ClassifyResult res = r.getResults(j);
                    String name = chunk.get(j).toString();
                    if (res.hasError()) {
                        failed++;
                        System.out.printf("%-40s FAILED: %s%n", name, res.getError().getMessage());
                    } else {
                        for (ClassScore c : res.getClassification().getTopClassesList()) {
                            System.out.printf(
                                    "%-40s %4d %6d  %-24s %8.4f%n",
                                    name,
                                    c.getRank(),
                                    c.getClassId(),
                                    c.getLabel(),
                                    c.getProbability());
                            name = "";
                        }
                    }
                    progress.step();
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
