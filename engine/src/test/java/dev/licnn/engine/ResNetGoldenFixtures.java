package dev.licnn.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * The expected outputs of one ResNet fixture set ({@link GoldenTolerances#RESNET_FIXTURE_SETS}) for
 * one net: {@code <set>/<net>/cases.safetensors} and {@code baselines.safetensors}, which the
 * reference scripts made on one CPU, with the tolerances measured for them ({@code
 * tolerances.json}, {@code golden_tolerances_resnet.py}).
 *
 * <p>As for {@link GoldenFixtures}, an instance exists only as the parameter of an {@link
 * EveryResNetFixtureSet} test, which runs once per set; {@code FixtureAccessTest} fails when
 * another test file names the fixture files.
 */
public final class ResNetGoldenFixtures implements AutoCloseable {

    private final String set;
    private final ResNetGoldenModel model;
    private final NDManager manager;
    private final SafeTensorsFile cases;
    private final SafeTensorsFile baselines;
    private final JsonObject tolerances;

    private ResNetGoldenFixtures(String set, ResNetGoldenModel model) {
        this.set = set;
        this.model = model;
        String dir = "/" + set + "/" + model.net() + "/";
        this.manager = NDManager.newBaseManager(Device.cpu());
        try {
            cases = SafeTensors.open(GoldenModel.resource(dir + "cases.safetensors"));
            baselines = SafeTensors.open(GoldenModel.resource(dir + "baselines.safetensors"));
            tolerances =
                    JsonParser.parseString(
                                    Files.readString(
                                            GoldenModel.resource(dir + "tolerances.json"),
                                            StandardCharsets.UTF_8))
                            .getAsJsonObject();
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        }
    }

    /** Only {@link ResNetFixtureSets} makes these, one per set and net, closed at the end. */
    static ResNetGoldenFixtures load(String set, ResNetGoldenModel model) {
        return new ResNetGoldenFixtures(set, model);
    }

    /** The folder of the test resources this set lives in ({@code golden/resnet}). */
    public String set() {
        return set;
    }

    /** The network and inputs, shared by every set. */
    public ResNetGoldenModel model() {
        return model;
    }

    @Override
    public String toString() {
        return set + "/" + model.net();
    }

    /** A float tensor of {@code cases.safetensors}, e.g. {@code img0.default.attention}. */
    public float[] floats(String name) {
        return floats(cases, name);
    }

    /** Row {@code row} of a [rows, n] float tensor of {@code cases.safetensors}. */
    public float[] row(String name, int row, int n) {
        return Arrays.copyOfRange(floats(name), row * n, (row + 1) * n);
    }

    /** An integer tensor of {@code cases.safetensors}, e.g. {@code img0.default.topk}. */
    public int[] ints(String name) {
        return ints(cases, name);
    }

    /** A float tensor of {@code baselines.safetensors}. */
    public float[] baseline(String name) {
        return floats(baselines, name);
    }

    /** Map {@code rank} of a [k, 129, 129] tensor of {@code baselines.safetensors}. */
    public float[] baselineMap(String name, int rank) {
        return Arrays.copyOfRange(
                baseline(name), rank * ResNetGoldenModel.HW, (rank + 1) * ResNetGoldenModel.HW);
    }

    /** An integer tensor of {@code baselines.safetensors}. */
    public int[] baselineInts(String name) {
        return ints(baselines, name);
    }

    /** The number of feature ReLUs the reference recorded ({@code layers} of the metadata). */
    public int layerCount() {
        return JsonParser.parseString(cases.metadata().get("layers")).getAsJsonArray().size();
    }

    /**
     * The measured tolerance of a tensor named as in {@code tolerances.json}, never below {@link
     * GoldenTolerances#EXACT}.
     */
    public double tolerance(String name) {
        JsonObject t = tolerances.getAsJsonObject("tolerance");
        if (!t.has(name)) {
            throw new IllegalArgumentException(
                    "no tolerance measured for " + name + " in " + this + "/tolerances.json");
        }
        return Math.max(GoldenTolerances.EXACT, t.get(name).getAsDouble());
    }

    /**
     * Share of suppression-mask locations that may differ from the fixture: at least 0.1%, twice
     * the largest share that a rounding trial or float64 flipped.
     */
    public double maskMismatchAllowance() {
        return Math.max(
                1 - GoldenTolerances.MASK_AGREEMENT,
                tolerances.get("mask_mismatch_allowance").getAsDouble());
    }

    private float[] floats(SafeTensorsFile file, String name) {
        return FixtureTensors.floats(file, name, manager);
    }

    private int[] ints(SafeTensorsFile file, String name) {
        return FixtureTensors.ints(file, name, manager);
    }

    @Override
    public void close() throws IOException {
        cases.close();
        baselines.close();
        manager.close();
    }
}
