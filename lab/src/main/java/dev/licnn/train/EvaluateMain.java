package dev.licnn.train;

import ai.djl.Device;
import dev.licnn.dataset.Flags;
import dev.licnn.dataset.Split;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Prints a model's top-1 accuracy on one split of a generated dataset:
 *
 * <pre>
 * java -Dai.djl.offline=true dev.licnn.train.EvaluateMain --model models/shapes-vgg16 --data data/shapes \
 *     --split natural
 * </pre>
 */
public final class EvaluateMain {

    private EvaluateMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a =
                Flags.parse(args, List.of("model", "data", "split", "batch", "threads"));
        if (!a.containsKey("model") || !a.containsKey("data")) {
            System.err.println(
                    "usage: EvaluateMain --model DIR --data DIR [--split natural] [--batch 50]");
            System.exit(2);
        }
        ModelCard card = ModelCard.load(Path.of(a.get("model")));
        Split split = Split.parse(a.getOrDefault("split", "natural"));
        ImageSet images =
                ImageSet.load(
                        Path.of(a.get("data")),
                        split,
                        card.preprocess(),
                        Integer.parseInt(a.getOrDefault("threads", "2")));
        try (VggNetwork net = card.createNetwork(Device.cpu())) {
            Evaluation ev =
                    Evaluation.of(net, images, Integer.parseInt(a.getOrDefault("batch", "50")));
            System.out.println(card.name() + " on " + split.dirName() + ": " + ev);
            System.out.println("per class: " + ev.perClass());
        }
    }
}
