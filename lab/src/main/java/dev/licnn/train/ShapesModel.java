package dev.licnn.train;

import dev.licnn.dataset.ShapeClass;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.VggSpec;
import java.util.ArrayList;
import java.util.List;

/** The bundled shapes model's architecture, labels and pre-processing. */
public final class ShapesModel {

    /** Model name, also the folder name under {@code models/}. */
    public static final String NAME = "shapes-vgg16";

    private static final int P = VggSpec.POOL;
    private static final int[] WIDTHS = {
        4, 4, P, 8, 8, P, 16, 16, 16, P, 32, 32, 32, P, 32, 32, 32, P
    };

    private ShapesModel() {}

    /**
     * VGG-16's layer pattern (13 convolutions, 5 pools) at 1/16 of its widths (4 to 32 channels),
     * with a 128-wide classifier for the dataset's classes at 224x224: about 58 M multiply-adds per
     * image, a quarter of the 1/8-width network, so that it trains on two CPU cores in minutes.
     *
     * @param batchNorm whether each convolution is followed by batch norm (folded away for serving)
     */
    public static VggSpec spec(boolean batchNorm) {
        return VggSpec.custom(
                batchNorm ? "vgg16_bn_narrow" : "vgg16_narrow",
                WIDTHS,
                batchNorm,
                128,
                ShapeClass.values().length,
                224);
    }

    /** Labels: id = class index, key and name = the class's lower-case name. */
    public static Labels labels() {
        List<Labels.Label> out = new ArrayList<>();
        for (ShapeClass c : ShapeClass.values()) {
            out.add(new Labels.Label(c.id(), c.key(), c.key()));
        }
        return Labels.of(out);
    }

    /**
     * Generated images are already 224x224: resize the shorter side to 224 and crop 224 (a no-op).
     */
    public static PreprocessConfig preprocess() {
        return PreprocessConfig.builder().optResizeShorter(224).optCropSize(224).build();
    }
}
