package dev.licnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.licnn.dataset.ShapeClass;
import dev.licnn.engine.model.VggNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Top-1 accuracy of a served network ({@link VggNetwork}, the same code path as the server) on an
 * {@link ImageSet}, split by whether the background was the class's own family.
 *
 * @param images images evaluated
 * @param correct correctly classified images
 * @param ownImages images on their class's own background
 * @param ownCorrect of those, correctly classified
 * @param confusion {@code confusion[true][predicted]} counts
 */
public record Evaluation(
        int images, int correct, int ownImages, int ownCorrect, int[][] confusion) {

    /** Top-1 accuracy over all images. */
    public double accuracy() {
        return images == 0 ? 0 : (double) correct / images;
    }

    /** Accuracy on images whose background is their class's own family (NaN if none). */
    public double ownBackgroundAccuracy() {
        return ownImages == 0 ? Double.NaN : (double) ownCorrect / ownImages;
    }

    /** Accuracy on images whose background belongs to another class (NaN if none). */
    public double otherBackgroundAccuracy() {
        int n = images - ownImages;
        return n == 0 ? Double.NaN : (double) (correct - ownCorrect) / n;
    }

    /** Per-class accuracy keyed by class name, in label order. */
    public Map<String, Double> perClass() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int c = 0; c < confusion.length; c++) {
            int n = 0;
            for (int v : confusion[c]) {
                n += v;
            }
            String key =
                    c < ShapeClass.values().length ? ShapeClass.values()[c].key() : "class_" + c;
            out.put(key, n == 0 ? Double.NaN : (double) confusion[c][c] / n);
        }
        return out;
    }

    /**
     * Classifies every image of {@code data} with {@code net}.
     *
     * @param batchSize images per forward pass
     */
    public static Evaluation of(VggNetwork net, ImageSet data, int batchSize) {
        int classes = net.spec().numClasses();
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        int own = 0;
        int ownCorrect = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int[] idx = Trainer.range(from, Math.min(data.size(), from + batchSize));
            try (NDManager m = net.manager().newSubManager()) {
                NDArray logits = net.logits(data.batch(idx, m), null);
                long[] pred = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < idx.length; i++) {
                    int truth = data.label(idx[i]);
                    boolean ok = pred[i] == truth;
                    confusion[truth][(int) pred[i]]++;
                    boolean ownBg = data.entry(idx[i]).ownBackground();
                    if (ok) {
                        correct++;
                    }
                    if (ownBg) {
                        own++;
                        if (ok) {
                            ownCorrect++;
                        }
                    }
                }
            }
        }
        return new Evaluation(data.size(), correct, own, ownCorrect, confusion);
    }

    /** A JSON-friendly summary (for model cards). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("top1", round(accuracy()));
        if (ownImages > 0) {
            m.put("top1_own_background", round(ownBackgroundAccuracy()));
        }
        if (ownImages < images) {
            m.put("top1_other_background", round(otherBackgroundAccuracy()));
        }
        Map<String, Object> pc = new LinkedHashMap<>();
        perClass().forEach((k, v) -> pc.put(k, round(v)));
        m.put("per_class_top1", pc);
        return m;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10000) / 10000.0;
    }

    @Override
    public String toString() {
        return String.format(
                "top-1 %.2f%% (%d/%d); own background %s (%d), other background %s (%d)",
                100 * accuracy(),
                correct,
                images,
                percent(ownBackgroundAccuracy()),
                ownImages,
                percent(otherBackgroundAccuracy()),
                images - ownImages);
    }

    /** A share as a percentage, or "-" when there were no images to take it over. */
    static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.2f%%", 100 * share);
    }
}
