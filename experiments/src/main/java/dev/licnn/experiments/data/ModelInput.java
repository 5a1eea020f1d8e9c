package dev.licnn.experiments.data;

import dev.licnn.client.Requests;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model's input geometry on the client: the same resize and centre crop as the server, so that
 * pixels edited here line up with the maps the server computes, and tensors built from those pixels
 * that the server uses as they are (no second resize).
 */
public final class ModelInput {

    private final ImagePreprocessor pre;
    private final float[] mean;
    private final float[] std;

    /** The pre-processing of the described model. */
    public ModelInput(ModelDescription d) {
        Preprocessing p = d.getPreprocessing();
        PreprocessConfig.Builder b =
                PreprocessConfig.builder()
                        .optResizeShorter(p.getResizeShorterEdge())
                        .optCropSize(p.getCropSize().getHeight());
        if (p.getMeanCount() == 3 && p.getStdCount() == 3) {
            b.optMean(p.getMean(0), p.getMean(1), p.getMean(2))
                    .optStd(p.getStd(0), p.getStd(1), p.getStd(2));
        }
        PreprocessConfig c = b.build();
        this.pre = new ImagePreprocessor(c);
        this.mean = c.mean();
        this.std = c.std();
    }

    /** The file resized and cropped to the model's input, with its normalised tensor. */
    public PreparedImage prepare(Path file) throws IOException {
        return pre.prepare(Files.readAllBytes(file));
    }

    /** Normalises packed {@code 0xRRGGBB} pixels of the input size into a request tensor. */
    public ImageInput tensor(int[] rgb, int h, int w) {
        int plane = h * w;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int i = 0; i < plane; i++) {
                chw[c * plane + i] = (((rgb[i] >> shift) & 0xFF) / 255f - mean[c]) / std[c];
            }
        }
        return Requests.tensor(chw, h, w);
    }
}
