package dev.licnn.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.licnn.client.DecodedMap;
import dev.licnn.client.ExplainOutcome;
import dev.licnn.engine.image.CropBox;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.experiments.imaging.FullOverlay;
import dev.licnn.experiments.imaging.Npy;
import dev.licnn.experiments.imaging.Pictures;
import dev.licnn.experiments.imaging.Titled;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The result folder of one explained image: {@code saliency.npy}, {@code
 * attention-<n>-<classId>.npy}, {@code heatmap.png}, {@code overlay.png}, {@code layers.png} and
 * {@code result.json}. Ranks and target positions are 1-based everywhere: {@code n} is the class's
 * position among the explained classes (for {@code --top-k}, its rank), and the pictures' titles
 * give each class's first-pass rank and probability.
 */
final class ExplainFiles {

    /** Where {@code overlay.png} is drawn. */
    enum Overlay {
        /** Over the model's centre crop, at the map's resolution. */
        CROP,
        /** Over the whole decoded image, the crop box outlined, parts not seen greyed. */
        FULL
    }

    /** Longer side of a full-image overlay. */
    static final int FULL_MAX_SIDE = 1024;

    /** Explained classes named one per line in a saliency title; the rest are counted. */
    static final int TITLE_CLASSES = 5;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Every field is written, those equal to their default (class 0, probability 0, false) too. */
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().includingDefaultValueFields();

    private ExplainFiles() {}

    static void write(
            Path dir,
            Path image,
            ExplainOutcome o,
            ModelDescription d,
            ImagePreprocessor pre,
            Overlay overlay)
            throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> attention = new ArrayList<>();
        for (Map.Entry<Integer, DecodedMap> e : o.attentionMaps().entrySet()) {
            ClassScore t = o.prediction().getTargets(e.getKey());
            String name = "attention-" + (e.getKey() + 1) + "-" + t.getClassId() + ".npy";
            Npy.write(
                    dir.resolve(name),
                    e.getValue().values(),
                    e.getValue().height(),
                    e.getValue().width());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("position", e.getKey() + 1);
            a.put("rank", t.getRank());
            a.put("class_id", t.getClassId());
            a.put("label", t.getLabel());
            a.put("file", name);
            attention.add(a);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> overlayJson = null;
        DecodedMap sal = o.saliency();
        if (sal != null) {
            Npy.write(dir.resolve("saliency.npy"), sal.values(), sal.height(), sal.width());
            float[] range = range(sal.values());
            List<String> title = saliencyTitle(o);
            BufferedImage heat = Pictures.heatmap(sal.values(), sal.height(), sal.width());
            ImageIO.write(
                    Titled.picture(heat, title, range[0], range[1], List.of()),
                    "png",
                    dir.resolve("heatmap.png").toFile());
            byte[] bytes = Files.readAllBytes(image);
            BufferedImage source = pre.decode(bytes);
            CropBox box = pre.cropBox(source.getWidth(), source.getHeight());
            BufferedImage body;
            List<String> notes;
            if (overlay == Overlay.FULL) {
                body =
                        FullOverlay.draw(
                                source,
                                box,
                                sal.values(),
                                sal.height(),
                                sal.width(),
                                FULL_MAX_SIDE);
                notes = Titled.notes(FullOverlay.unseenNote(box));
            } else {
                BufferedImage crop = pre.prepare(bytes).toBufferedImage();
                body = Pictures.overlay(crop, heat, 0.5);
                notes =
                        Titled.notes(
                                box.seesWholeImage()
                                        ? null
                                        : String.format(
                                                "the network's crop: %.0f%% of the image; --overlay full draws all of it",
                                                100 * box.seenFraction()));
            }
            ImageIO.write(
                    Titled.picture(body, title, range[0], range[1], notes),
                    "png",
                    dir.resolve("overlay.png").toFile());
            Map<String, Object> ov = new LinkedHashMap<>();
            ov.put("mode", overlay.name().toLowerCase(java.util.Locale.ROOT));
            ov.put("image_width", source.getWidth());
            ov.put("image_height", source.getHeight());
            ov.put(
                    "crop_box",
                    Map.of(
                            "left", box.sourceLeft(),
                            "top", box.sourceTop(),
                            "right", box.sourceRight(),
                            "bottom", box.sourceBottom()));
            ov.put("seen_fraction", box.seenFraction());
            overlayJson = ov;
        }
        writeLayers(dir, o, d);
        result.put("image", image.toString());
        result.put("model", d.getName());
        result.put("method", o.accepted().getMethod().name());
        result.put("ranks", "1-based");
        result.put("prediction", json(o.prediction()));
        result.put("attention_maps", attention);
        result.put("saliency_map", sal != null ? "saliency.npy" : null);
        if (overlayJson != null) {
            result.put("overlay", overlayJson);
        }
        result.put("inhibited_ranking", json(o.inhibitedRanking()));
        result.put("options", json(o.accepted().getLicnnOptions()));
        result.put("timings", timings(o.completed()));
        Files.writeString(dir.resolve("result.json"), GSON.toJson(result), StandardCharsets.UTF_8);
    }

    /** The method, then one line per explained class: position, label, class id, rank, p. */
    static List<String> saliencyTitle(ExplainOutcome o) {
        List<String> lines = new ArrayList<>();
        List<ClassScore> targets = o.prediction().getTargetsList();
        lines.add(
                methodName(o.accepted().getMethod())
                        + " saliency of "
                        + targets.size()
                        + (targets.size() == 1 ? " class" : " classes"));
        for (int i = 0; i < targets.size() && i < TITLE_CLASSES; i++) {
            lines.add(classLine(i, targets.get(i)));
        }
        if (targets.size() > TITLE_CLASSES) {
            lines.add("and " + (targets.size() - TITLE_CLASSES) + " more (see result.json)");
        }
        return lines;
    }

    static String classLine(int position, ClassScore t) {
        return String.format(
                "%d. %s (class %d): rank %d, p = %.3f",
                position + 1, t.getLabel(), t.getClassId(), t.getRank(), t.getProbability());
    }

    private static void writeLayers(Path dir, ExplainOutcome o, ModelDescription d)
            throws IOException {
        Map<String, List<Pictures.Cell>> byRow = new LinkedHashMap<>();
        o.layerMaps()
                .forEach(
                        (k, m) -> {
                            ClassScore t = o.prediction().getTargets(k.targetIndex());
                            String title =
                                    "#"
                                            + (k.targetIndex() + 1)
                                            + " "
                                            + t.getLabel()
                                            + "\n"
                                            + shortName(k.kind());
                            byRow.computeIfAbsent(title, x -> new ArrayList<>())
                                    .add(
                                            new Pictures.Cell(
                                                    d.getFeatureLayers(k.layerIndex()).getName(),
                                                    m.values(),
                                                    m.height(),
                                                    m.width()));
                        });
        if (!byRow.isEmpty()) {
            ImageIO.write(
                    Pictures.grid(
                            new ArrayList<>(byRow.keySet()), new ArrayList<>(byRow.values()), 64),
                    "png",
                    dir.resolve("layers.png").toFile());
        }
    }

    /** Queue, compute and total time in seconds (numbers), batch size, worker, device. */
    static Map<String, Object> timings(Completed c) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("queue_seconds", seconds(c.getQueueTime()));
        t.put("compute_seconds", seconds(c.getComputeTime()));
        t.put("total_seconds", seconds(c.getTotalTime()));
        t.put("batch_size", c.getBatchSize());
        t.put("worker", c.getWorker());
        t.put("device", c.getDevice());
        return t;
    }

    static double seconds(Duration d) {
        return d.getSeconds() + d.getNanos() / 1e9;
    }

    static String methodName(ExplainMethod m) {
        return switch (m) {
            case EXPLAIN_METHOD_GRADIENT -> "gradient";
            case EXPLAIN_METHOD_GRADIENT_X_INPUT -> "gradient x input";
            case EXPLAIN_METHOD_INTEGRATED_GRADIENTS -> "integrated-gradients";
            case EXPLAIN_METHOD_SMOOTHGRAD -> "SmoothGrad";
            case EXPLAIN_METHOD_GRAD_CAM -> "Grad-CAM";
            default -> "LICNN";
        };
    }

    private static String shortName(MapKind k) {
        return switch (k) {
            case MAP_KIND_GRADIENT_MAX_C -> "gradient";
            case MAP_KIND_INHIBITION -> "inhibition";
            case MAP_KIND_SUPPRESSION_MASK -> "mask";
            case MAP_KIND_RESPONSE_BEFORE -> "resp. before";
            case MAP_KIND_RESPONSE_AFTER -> "resp. after";
            default -> k.name();
        };
    }

    private static float[] range(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new float[] {min, max};
    }

    private static Object json(MessageOrBuilder m) {
        try {
            return JsonParser.parseString(JSON.print(m));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
