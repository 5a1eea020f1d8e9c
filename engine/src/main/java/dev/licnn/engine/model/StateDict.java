package dev.licnn.engine.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ordered map from parameter name (torchvision VGG naming: {@code features.0.weight}, {@code
 * classifier.6.bias}, ...) to array. All arrays belong to a sub-manager of the manager given at
 * creation; {@link #close()} frees them.
 *
 * <pre>{@code
 * try (StateDict weights = StateDict.fromSafeTensors(Path.of("vgg16.safetensors"), manager)) {
 *     weights.validate(expectedShapes);          // WeightMismatchException lists every problem
 *     NDArray w0 = weights.get("features.0.weight");
 * }
 * }</pre>
 */
public final class StateDict implements AutoCloseable {

    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();

    private StateDict(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /**
     * Creates an empty state dict whose arrays will belong to a sub-manager of {@code parent}.
     *
     * @param parent the owning manager
     * @return an empty state dict
     */
    public static StateDict create(NDManager parent) {
        return new StateDict(parent);
    }

    /**
     * Loads every tensor of a safetensors file. Wrapper prefixes ({@code module.}) are stripped,
     * and timm VGG names ({@code pre_logits.fc1}, {@code pre_logits.fc2}, {@code head.fc}) are
     * converted to torchvision's {@code classifier.0/3/6}, reshaping the convolutional kernels of
     * fc1/fc2 to 2-D linear weights. F16/BF16 tensors are loaded as F32.
     *
     * @param path the safetensors file
     * @param parent owner of the result
     * @return the weights
     * @throws IOException if the file cannot be read or is malformed
     */
    public static StateDict fromSafeTensors(Path path, NDManager parent) throws IOException {
        StateDict dict = new StateDict(parent);
        try (SafeTensorsFile file = SafeTensors.open(path)) {
            LinkedHashMap<String, NDArray> raw = new LinkedHashMap<>();
            for (String name : file.names()) {
                raw.put(name, file.load(name, dict.manager));
            }
            if (VggNames.isTimmVgg(raw)) {
                raw = VggNames.timmToTorchvision(raw);
            }
            for (Map.Entry<String, NDArray> e : raw.entrySet()) {
                dict.putNormalised(e.getKey(), e.getValue());
            }
            return dict;
        } catch (IOException | RuntimeException e) {
            dict.close();
            throw e;
        }
    }

    /**
     * Loads a PyTorch state dict saved by {@code torch.save(model.state_dict(), path)} (PyTorch 1.6
     * or later), read by a restricted pickle reader that accepts tensors and ordered dicts only:
     * any other pickled object is refused, naming it. Names are normalised as for {@link
     * #fromSafeTensors}.
     *
     * @param path the {@code .pth} file
     * @param parent owner of the result
     * @return the weights
     * @throws ModelFormatException if the file is not such a state dict, naming what it found
     */
    public static StateDict fromPyTorch(Path path, NDManager parent) throws IOException {
        StateDict dict = new StateDict(parent);
        try {
            LinkedHashMap<String, NDArray> raw = PyTorchFile.read(path, dict.manager);
            if (VggNames.isTimmVgg(raw)) {
                raw = VggNames.timmToTorchvision(raw);
            }
            for (Map.Entry<String, NDArray> e : raw.entrySet()) {
                dict.putNormalised(e.getKey(), e.getValue());
            }
            return dict;
        } catch (IOException | RuntimeException e) {
            dict.close();
            throw e;
        }
    }

    /**
     * Loads weights of any supported format, recognised by content rather than by name: a
     * TorchScript archive, a PyTorch state dict ({@code torch.save}) or safetensors.
     *
     * @param path the weights file
     * @param parent owner of the result
     * @return the weights
     * @throws ModelFormatException if the format is not one of these, saying what it is
     */
    public static StateDict load(Path path, NDManager parent) throws IOException {
        switch (WeightsFormat.detect(path)) {
            case TORCHSCRIPT:
                return fromTorchScript(path, parent);
            case PYTORCH_STATE_DICT:
                return fromPyTorch(path, parent);
            default:
                return fromSafeTensors(path, parent);
        }
    }

    /**
     * Reads the parameters of a TorchScript module (for example one traced from torchvision's VGG)
     * through DJL's PyTorch engine. Names keep torchvision's form, with any wrapper prefix
     * stripped; the arrays are copied so the module is released before returning. Only parameters
     * are read: batch-norm running statistics (buffers) are not returned.
     *
     * @param path the TorchScript file ({@code .pt})
     * @param parent owner of the result
     * @return the weights
     * @throws IOException if the file cannot be read or is not a TorchScript module
     */
    public static StateDict fromTorchScript(Path path, NDManager parent) throws IOException {
        StateDict dict = new StateDict(parent);
        try (Model model = Model.newInstance("torchscript", Device.cpu(), "PyTorch")) {
            model.load(path.toAbsolutePath());
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                NDArray src = p.getValue().getArray();
                NDArray copy = src.duplicate();
                copy.attach(dict.manager);
                dict.putNormalised(p.getKey(), copy);
            }
            return dict;
        } catch (MalformedModelException | EngineException e) {
            dict.close();
            throw new IOException(
                    path + ": not a loadable TorchScript module: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            dict.close();
            throw e;
        }
    }

    private void putNormalised(String name, NDArray array) {
        String target = VggNames.stripPrefix(name);
        if (tensors.containsKey(target)) {
            throw new IllegalArgumentException(
                    "duplicate tensor '" + target + "' (from '" + name + "')");
        }
        put(target, array);
    }

    /**
     * Adds or replaces a tensor. The array is attached to this state dict's manager (ownership
     * moves here); a replaced array is closed.
     *
     * @param name parameter name
     * @param array the value
     */
    public void put(String name, NDArray array) {
        array.attach(manager);
        array.setName(name);
        NDArray old = tensors.put(name, array);
        if (old != null && old != array) {
            old.close();
        }
    }

    /**
     * Returns a tensor.
     *
     * @param name parameter name
     * @return the array (owned by this state dict)
     * @throws IllegalArgumentException if there is no such tensor
     */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException(
                    "no tensor named '"
                            + name
                            + "' (have "
                            + tensors.size()
                            + ": "
                            + tensors.keySet()
                            + ")");
        }
        return a;
    }

    /**
     * @param name parameter name
     * @return whether it is present
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * @return parameter names in order
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /**
     * @return number of tensors
     */
    public int size() {
        return tensors.size();
    }

    /**
     * @return read-only ordered view of the tensors
     */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    /**
     * @return parameter name to shape, in order
     */
    public LinkedHashMap<String, Shape> shapes() {
        LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.getShape()));
        return out;
    }

    /**
     * @return the manager owning the arrays (a sub-manager of the one given at creation)
     */
    public NDManager getManager() {
        return manager;
    }

    /**
     * Writes all tensors, in order, to a safetensors file.
     *
     * @param path destination
     * @throws IOException if writing fails
     */
    public void toSafeTensors(Path path) throws IOException {
        SafeTensors.write(path, tensors, Map.of("format", "pt"));
    }

    /**
     * Checks names and shapes against an architecture.
     *
     * @param expected parameter name to shape
     * @throws WeightMismatchException listing every missing, unexpected and misshapen tensor
     */
    public void validate(Map<String, Shape> expected) {
        WeightMismatchException.check(expected, tensors);
    }

    /**
     * Checks names and shapes against an architecture, for a person: one line with the first
     * problem, how many more, and what the weights look like when that can be told ("resnet
     * weights: this model folder says vgg16").
     *
     * @param spec the architecture
     * @param source the weights file, for the message
     * @throws ModelFormatException if the weights do not fit
     */
    public void requireFits(VggSpec spec, String source) throws ModelFormatException {
        try {
            validate(spec.parameterShapes());
        } catch (WeightMismatchException e) {
            throw new ModelFormatException(WeightHints.explain(e, shapes(), spec, source), e);
        }
    }

    /**
     * Seeded torchvision-style initialisation; see {@link TorchvisionInit#init}.
     *
     * @param expected parameter name to shape, in order
     * @param seed random seed; the same seed gives bit-identical arrays on every machine
     * @param parent owner of the result
     * @return freshly initialised weights
     */
    public static StateDict initTorchvision(
            LinkedHashMap<String, Shape> expected, long seed, NDManager parent) {
        StateDict dict = new StateDict(parent);
        try {
            TorchvisionInit.init(expected, seed, dict);
            return dict;
        } catch (RuntimeException e) {
            dict.close();
            throw e;
        }
    }

    /** Closes every array of this state dict. */
    @Override
    public void close() {
        tensors.clear();
        manager.close();
    }
}
