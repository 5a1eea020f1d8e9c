package dev.licnn.experiments.data;

import dev.licnn.dataset.Manifest;
import dev.licnn.experiments.ExperimentException;
import dev.licnn.proto.v1.ClassLabel;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A labelled image dataset in the ImageFolder layout, {@code DIR/<split>/<class>/<image>.png}, or
 * described by {@code DIR/manifest.csv} (a header line naming at least the columns {@code file} and
 * {@code class} or {@code class_id}, optionally {@code split}; paths relative to DIR).
 *
 * <p>Without a manifest, the splits are the sub-folders of DIR that hold class folders, and the
 * class folders of a split are its sub-folders holding PNG or JPEG images (a folder named {@code
 * masks} is skipped: it holds object masks, not a class). Class names map to the model's classes by
 * index (a non-negative integer), then by label key, then by label name.
 *
 * <pre>{@code
 * List<ImageFolder.Item> items = ImageFolder.scan(dir, List.of("natural"), description);
 * }</pre>
 */
public final class ImageFolder {

    /**
     * One image: its split, its path relative to the dataset root, its class name and model class,
     * and its object mask relative to the root (a manifest's {@code mask} column; empty if none).
     */
    public record Item(String split, String file, String className, int classId, String mask) {

        /** An image without a mask. */
        public Item(String split, String file, String className, int classId) {
            this(split, file, className, classId, "");
        }

        /** Whether the image has an object mask. */
        public boolean hasMask() {
            return mask != null && !mask.isEmpty();
        }

        /** A key that names the image uniquely within the dataset. */
        public String key() {
            return file;
        }
    }

    private ImageFolder() {}

    /**
     * The images of {@code splits} (all splits when empty), sorted by split order then path. Every
     * class name must map to a model class; otherwise a {@link ExperimentException} lists the names
     * that do not, before anything else happens.
     */
    public static List<Item> scan(Path root, List<String> splits, ModelDescription d)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new ExperimentException("no such dataset folder: " + root);
        }
        List<String[]> raw =
                Files.isRegularFile(root.resolve(Manifest.FILE_NAME))
                        ? fromManifest(root)
                        : fromFolders(root);
        Set<String> present = new LinkedHashSet<>();
        raw.forEach(r -> present.add(r[0]));
        List<String> chosen =
                splits == null || splits.isEmpty() ? new ArrayList<>(present) : splits;
        for (String s : chosen) {
            if (!present.contains(s)) {
                throw new ExperimentException(
                        "split '"
                                + s
                                + "' has no images in "
                                + root
                                + " (found: "
                                + String.join(", ", present)
                                + ")");
            }
        }
        Map<String, Integer> classes = new LinkedHashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String[] r : raw) {
            if (chosen.contains(r[0]) && !classes.containsKey(r[2])) {
                Integer id = resolve(d, r[2]);
                if (id == null) {
                    unknown.add(r[2]);
                } else {
                    classes.put(r[2], id);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new ExperimentException(
                    "class folder(s) "
                            + unknown
                            + " in "
                            + root
                            + " match no class of model "
                            + d.getName()
                            + " (by index 0.."
                            + (d.getNumClasses() - 1)
                            + ", label key or label name)");
        }
        List<Item> out = new ArrayList<>();
        for (String s : chosen) {
            raw.stream()
                    .filter(r -> r[0].equals(s))
                    .sorted((a, b) -> a[1].compareTo(b[1]))
                    .forEach(
                            r ->
                                    out.add(
                                            new Item(
                                                    r[0],
                                                    r[1],
                                                    r[2],
                                                    classes.get(r[2]),
                                                    r.length > 3 ? r[3] : "")));
        }
        return out;
    }

    /** The model class a folder name stands for, or null. */
    public static Integer resolve(ModelDescription d, String name) {
        if (name.matches("\\d{1,9}")) {
            int id = Integer.parseInt(name);
            return id < d.getNumClasses() ? id : null;
        }
        for (ClassLabel l : d.getLabelsList()) {
            if (!l.getKey().isEmpty() && l.getKey().equals(name)) {
                return l.getClassId();
            }
        }
        for (ClassLabel l : d.getLabelsList()) {
            if (l.getName().equals(name)) {
                return l.getClassId();
            }
        }
        return null;
    }

    /** {split, file, class} rows from the folder tree. */
    private static List<String[]> fromFolders(Path root) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (Path split : sortedDirs(root)) {
            for (Path cls : sortedDirs(split)) {
                if (cls.getFileName().toString().equals("masks")) {
                    continue;
                }
                try (Stream<Path> s = Files.list(cls)) {
                    s.filter(Files::isRegularFile)
                            .filter(ImageFolder::isImage)
                            .sorted()
                            .forEach(
                                    f ->
                                            rows.add(
                                                    new String[] {
                                                        split.getFileName().toString(),
                                                        relative(root, f),
                                                        cls.getFileName().toString()
                                                    }));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new ExperimentException(
                    "no images in "
                            + root
                            + " (expected DIR/<split>/<class>/<image>.png or a "
                            + Manifest.FILE_NAME
                            + ")");
        }
        return rows;
    }

    /** {split, file, class, mask} rows from the manifest ({@link Manifest#table}). */
    private static List<String[]> fromManifest(Path root) throws IOException {
        Manifest.Table t;
        try {
            t = Manifest.table(root);
        } catch (Manifest.MalformedException e) {
            throw new ExperimentException(e.getMessage());
        }
        int file = t.column("file");
        int cls = t.column("class") >= 0 ? t.column("class") : t.column("class_id");
        int split = t.column("split");
        int mask = t.column("mask");
        if (file < 0 || cls < 0) {
            throw new ExperimentException(
                    t.file() + ": the header needs the columns file and class (or class_id)");
        }
        List<String[]> rows = new ArrayList<>();
        for (Manifest.Row r : t.rows()) {
            String path = r.field(file);
            String sp =
                    split >= 0
                            ? r.field(split)
                            : path.contains("/") ? path.substring(0, path.indexOf('/')) : "";
            if (!Files.isRegularFile(root.resolve(path))) {
                throw new ExperimentException(
                        t.file() + ":" + r.line() + ": no such image " + path);
            }
            rows.add(new String[] {sp, path, r.field(cls), r.field(mask)});
        }
        return rows;
    }

    private static List<Path> sortedDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static String relative(Path root, Path f) {
        return root.relativize(f).toString().replace('\\', '/');
    }
}
