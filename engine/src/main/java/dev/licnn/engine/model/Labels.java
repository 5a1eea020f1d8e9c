package dev.licnn.engine.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Class labels of a classifier, in output order: entry {@code i} has id {@code i}, a unique key
 * (for ImageNet the WordNet id, e.g. {@code n01440764}) and a display name (e.g. {@code tench}).
 * Names need not be unique (ImageNet has two "crane"s), so {@link #byName} rejects ambiguous names.
 *
 * <pre>{@code
 * Labels labels = Labels.imagenet();
 * Labels.Label tench = labels.byId(0);        // (0, "n01440764", "tench")
 * int id = labels.byKey("n01443537").id();     // 1, goldfish
 * }</pre>
 */
public final class Labels implements Iterable<Labels.Label> {

    /**
     * One class.
     *
     * @param id output index
     * @param key unique stable identifier
     * @param name display name
     */
    public record Label(int id, String key, String name) {}

    private static final String IMAGENET_RESOURCE = "imagenet/classes.json";

    private final List<Label> labels;
    private final Map<String, Label> byKey = new HashMap<>();
    private final Map<String, List<Label>> byName = new HashMap<>();

    private Labels(List<Label> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < this.labels.size(); i++) {
            Label l = this.labels.get(i);
            if (l.id() != i) {
                throw new IllegalArgumentException(
                        "label '"
                                + l.key()
                                + "' has id "
                                + l.id()
                                + " at position "
                                + i
                                + "; ids must be 0..n-1 in order");
            }
            if (l.key() == null || l.name() == null) {
                throw new IllegalArgumentException("label " + i + " needs a key and a name");
            }
            Label dup = byKey.put(l.key(), l);
            if (dup != null) {
                throw new IllegalArgumentException(
                        "duplicate label key '"
                                + l.key()
                                + "' (ids "
                                + dup.id()
                                + " and "
                                + l.id()
                                + ")");
            }
            byName.computeIfAbsent(l.name(), k -> new ArrayList<>(1)).add(l);
        }
    }

    /**
     * Builds labels from a list whose ids are 0..n-1 in order.
     *
     * @param labels the classes
     * @return the table
     * @throws IllegalArgumentException on out-of-order ids or duplicate keys
     */
    public static Labels of(List<Label> labels) {
        return new Labels(labels);
    }

    /**
     * The 1000 ImageNet-1k classes, read from {@code imagenet/classes.json} in DJL's {@code
     * basicdataset} jar (entries {@code [wnid, short name, full name]}).
     *
     * @return the ImageNet labels: key is the WordNet id, name the short name
     */
    public static Labels imagenet() {
        InputStream in = Labels.class.getClassLoader().getResourceAsStream(IMAGENET_RESOURCE);
        if (in == null) {
            throw new IllegalStateException(
                    IMAGENET_RESOURCE
                            + " not on the classpath (it comes with ai.djl:basicdataset)");
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            JsonArray arr = JsonParser.parseReader(r).getAsJsonArray();
            List<Label> out = new ArrayList<>(arr.size());
            for (JsonElement e : arr) {
                JsonArray entry = e.getAsJsonArray();
                out.add(
                        new Label(
                                out.size(),
                                entry.get(0).getAsString(),
                                entry.get(1).getAsString()));
            }
            return new Labels(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + IMAGENET_RESOURCE, e);
        }
    }

    /**
     * Placeholder labels {@code class_0 ... class_{n-1}} (key and name alike).
     *
     * @param n number of classes
     * @return the table
     */
    public static Labels indexed(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative class count " + n);
        }
        List<Label> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Label(i, "class_" + i, "class_" + i));
        }
        return new Labels(out);
    }

    /**
     * Reads a labels file: either {@code [{"id":0,"key":"n01440764","name":"tench"},...]} (as
     * {@link #toJson} writes) or a plain list of names {@code ["tench", "goldfish", ...]}, whose
     * keys are the names. The file is checked against {@code labels.schema.json}.
     *
     * @param path the JSON file
     * @return the table
     * @throws IOException if the file cannot be read or breaks the schema (one line naming the
     *     entry)
     */
    public static Labels fromJson(Path path) throws IOException {
        JsonElement doc;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            doc = JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            throw new ModelFormatException(path + ": not JSON: " + rootMessage(e), e);
        }
        JsonSchemaCheck.LABELS.check(doc, path.toString());
        List<Label> out = new ArrayList<>();
        for (JsonElement e : doc.getAsJsonArray()) {
            if (e.isJsonPrimitive()) {
                out.add(new Label(out.size(), e.getAsString(), e.getAsString()));
            } else {
                JsonObject o = e.getAsJsonObject();
                out.add(
                        new Label(
                                o.get("id").getAsInt(),
                                o.get("key").getAsString(),
                                o.get("name").getAsString()));
            }
        }
        try {
            return new Labels(out);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Labels from names in output order (keys are the names, which must be unique).
     *
     * @param names class names
     * @return the table
     * @throws IllegalArgumentException on a duplicate name
     */
    public static Labels ofNames(List<String> names) {
        List<Label> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(new Label(out.size(), n, n));
        }
        return new Labels(out);
    }

    /**
     * The ImageNet-1k classes as torchvision names them ({@code imagenet-classes.txt}, made by
     * {@code engine/scripts/imagenet_classes.py} from torchvision's {@code _IMAGENET_CATEGORIES}),
     * keyed by WordNet id as in {@link #imagenet()}.
     *
     * @return 1000 labels: key the WordNet id, name torchvision's
     */
    public static Labels imagenetTorchvision() {
        InputStream in = Labels.class.getResourceAsStream("imagenet-classes.txt");
        if (in == null) {
            throw new IllegalStateException("imagenet-classes.txt is not on the classpath");
        }
        List<String> names;
        try (in) {
            names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read imagenet-classes.txt", e);
        }
        Labels wordnet = imagenet();
        List<Label> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.add(new Label(i, wordnet.byId(i).key(), names.get(i)));
        }
        return new Labels(out);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /**
     * Writes the labels as {@code [{"id":0,"key":"...","name":"..."},...]}, one class per line.
     *
     * @param path destination
     * @throws IOException if writing fails
     */
    public void toJson(Path path) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (Label l : labels) {
            JsonObject o = new JsonObject();
            o.addProperty("id", l.id());
            o.addProperty("key", l.key());
            o.addProperty("name", l.name());
            sb.append("  ")
                    .append(SafeTensors.GSON.toJson(o))
                    .append(l.id() + 1 < labels.size() ? ",\n" : "\n");
        }
        Files.writeString(path, sb.append("]\n"), StandardCharsets.UTF_8);
    }

    /**
     * @return number of classes
     */
    public int size() {
        return labels.size();
    }

    /**
     * @return all labels in id order
     */
    public List<Label> asList() {
        return labels;
    }

    /**
     * @param id class index
     * @return the label
     * @throws IllegalArgumentException if out of range
     */
    public Label byId(int id) {
        if (id < 0 || id >= labels.size()) {
            throw new IllegalArgumentException(
                    "unknown class id " + id + " (valid: 0.." + (labels.size() - 1) + ")");
        }
        return labels.get(id);
    }

    /**
     * @param key class key
     * @return the label
     * @throws IllegalArgumentException if unknown
     */
    public Label byKey(String key) {
        Label l = byKey.get(key);
        if (l == null) {
            throw new IllegalArgumentException(
                    "unknown class key '" + key + "' (" + labels.size() + " classes)");
        }
        return l;
    }

    /**
     * @param name class display name
     * @return the only label with that name
     * @throws IllegalArgumentException if unknown or shared by several classes
     */
    public Label byName(String name) {
        List<Label> found = byName.get(name);
        if (found == null) {
            throw new IllegalArgumentException(
                    "unknown class name '" + name + "' (" + labels.size() + " classes)");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(
                    "class name '"
                            + name
                            + "' is ambiguous: "
                            + found.stream()
                                    .map(l -> l.id() + "/" + l.key())
                                    .collect(Collectors.joining(", "))
                            + "; look up by key or id instead");
        }
        return found.get(0);
    }

    @Override
    public Iterator<Label> iterator() {
        return labels.iterator();
    }
}
