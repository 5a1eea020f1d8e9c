package dev.licnn.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The expected outputs of one fixture set ({@link GoldenTolerances#FIXTURE_SETS}): the files {@code
 * cases.safetensors}, {@code baselines.safetensors} and {@code flat.safetensors} that the reference
 * scripts made on one CPU (see {@code golden/README.md}).
 *
 * <p>These numbers hold one machine's tie-breaking, so a test may only see them for every set at
 * once: an instance exists only as the parameter of an {@link EveryFixtureSet} test. The
 * constructor is private, and {@code FixtureAccessTest} fails when a test file other than this one
 * names the fixture files. Compare with {@link GoldenTolerances#of} (or {@link
 * GoldenTolerances#EXACT} where every suppression mask agrees).
 */
public final class GoldenFixtures implements AutoCloseable {

    private final String set;
    private final GoldenModel model;
    private final NDManager manager;
    private final SafeTensorsFile cases;
    private final SafeTensorsFile baselines;
    private final SafeTensorsFile flat;

    private GoldenFixtures(String set, GoldenModel model) {
        this.set = set;
        this.model = model;
        this.manager = NDManager.newBaseManager(Device.cpu());
        try {
            cases = SafeTensors.open(GoldenModel.resource("/" + set + "/cases.safetensors"));
            baselines =
                    SafeTensors.open(GoldenModel.resource("/" + set + "/baselines.safetensors"));
            flat = SafeTensors.open(GoldenModel.resource("/" + set + "/flat.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only {@link GoldenFixtureSets} makes these, one per set, closed at the end of the run. */
    static GoldenFixtures load(String set, GoldenModel model) {
        return new GoldenFixtures(set, model);
    }

    /** The folder of the test resources this set lives in ({@code golden}, {@code golden/avx2}). */
    public String set() {
        return set;
    }

    /** The network and inputs, shared by every set. */
    public GoldenModel model() {
        return model;
    }

    @Override
    public String toString() {
        return set;
    }

    /** A float tensor of {@code cases.safetensors}, e.g. {@code img0.default.attention}. */
    public float[] floats(String name) {
        return floats(cases, name);
    }

    /** An integer tensor of {@code cases.safetensors}, e.g. {@code img0.default.topk}. */
    public int[] ints(String name) {
        return ints(cases, name);
    }

    /** A float tensor of {@code baselines.safetensors}. */
    public float[] baseline(String name) {
        return floats(baselines, name);
    }

    /** An integer tensor of {@code baselines.safetensors}. */
    public int[] baselineInts(String name) {
        return ints(baselines, name);
    }

    /** Map {@code rank} of a [k, 224, 224] tensor of {@code baselines.safetensors}. */
    public float[] baselineMap(String name, int rank) {
        return Arrays.copyOfRange(
                baseline(name), rank * GoldenModel.HW, (rank + 1) * GoldenModel.HW);
    }

    /** A float tensor of {@code flat.safetensors}. */
    public float[] flat(String name) {
        return floats(flat, name);
    }

    /** An integer tensor of {@code flat.safetensors}. */
    public int[] flatInts(String name) {
        return ints(flat, name);
    }

    /** A JSON string of {@code flat.safetensors}' metadata (e.g. {@code rounding_trials}). */
    public String flatMetadata(String key) {
        return flat.metadata().get(key);
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
        flat.close();
        manager.close();
    }
}
