package dev.licnn.experiments.data;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A class-stratified, seeded random sample of a dataset's images, drawn per split: every class gets
 * {@code n / classes} images (the remainder goes to classes drawn at random, and a class with too
 * few images gives its share to the others), chosen at random within the class. The same images,
 * seed and size give the same sample in the same order; a size of 0 (or at least the split's size)
 * takes every image. Never the first N in path order, which on a folder sorted by class would be
 * one or two classes.
 *
 * <pre>{@code
 * List<ImageFolder.Item> chosen = Sample.stratified(items, 100, 1);
 * Sample.describe(chosen)   // {"natural": {"circle": 10, ...}, ...}
 * }</pre>
 */
public final class Sample {

    private Sample() {}

    /**
     * Up to {@code perSplit} images of each split ({@code <= 0}: all), class-balanced, drawn with
     * {@code seed}. Splits keep their order; within a split the sample is ordered by a seeded
     * shuffle, so any prefix of it is itself close to balanced.
     */
    public static List<ImageFolder.Item> stratified(
            List<ImageFolder.Item> items, int perSplit, long seed) {
        Map<String, List<ImageFolder.Item>> bySplit = new LinkedHashMap<>();
        items.forEach(i -> bySplit.computeIfAbsent(i.split(), k -> new ArrayList<>()).add(i));
        List<ImageFolder.Item> out = new ArrayList<>();
        for (Map.Entry<String, List<ImageFolder.Item>> e : bySplit.entrySet()) {
            out.addAll(
                    ofSplit(
                            e.getValue(),
                            perSplit,
                            seed ^ (long) e.getKey().hashCode() * 0x9E3779B97F4A7C15L));
        }
        return out;
    }

    private static List<ImageFolder.Item> ofSplit(List<ImageFolder.Item> items, int n, long seed) {
        Random rnd = new Random(seed);
        Map<String, List<ImageFolder.Item>> byClass = new TreeMap<>();
        items.stream()
                .sorted((a, b) -> a.file().compareTo(b.file()))
                .forEach(
                        i -> byClass.computeIfAbsent(i.className(), k -> new ArrayList<>()).add(i));
        for (List<ImageFolder.Item> l : byClass.values()) {
            Collections.shuffle(l, rnd);
        }
        int want = n <= 0 ? items.size() : Math.min(n, items.size());
        Map<String, Integer> quota = new LinkedHashMap<>();
        byClass.keySet().forEach(k -> quota.put(k, 0));
        int given = 0;
        while (given < want) {
            List<String> open = new ArrayList<>();
            for (Map.Entry<String, List<ImageFolder.Item>> c : byClass.entrySet()) {
                if (quota.get(c.getKey()) < c.getValue().size()) {
                    open.add(c.getKey());
                }
            }
            int share = (want - given) / open.size();
            if (share == 0) {
                Collections.shuffle(open, rnd);
                for (String k : open.subList(0, want - given)) {
                    quota.merge(k, 1, Integer::sum);
                }
                given = want;
                break;
            }
            for (String k : open) {
                int add = Math.min(share, byClass.get(k).size() - quota.get(k));
                quota.merge(k, add, Integer::sum);
                given += add;
            }
        }
        List<ImageFolder.Item> chosen = new ArrayList<>();
        byClass.forEach((k, l) -> chosen.addAll(l.subList(0, quota.get(k))));
        Collections.shuffle(chosen, rnd);
        return chosen;
    }

    /**
     * The images with the splits taken in turn (first of each split, second of each, ...), order
     * within a split kept: a run stopped early has done a stratified sample of every split.
     */
    public static List<ImageFolder.Item> interleave(List<ImageFolder.Item> items) {
        Map<String, List<ImageFolder.Item>> bySplit = new LinkedHashMap<>();
        items.forEach(i -> bySplit.computeIfAbsent(i.split(), k -> new ArrayList<>()).add(i));
        List<ImageFolder.Item> out = new ArrayList<>();
        for (int round = 0; out.size() < items.size(); round++) {
            for (List<ImageFolder.Item> l : bySplit.values()) {
                if (round < l.size()) {
                    out.add(l.get(round));
                }
            }
        }
        return out;
    }

    /** Images per split and class, classes in name order. */
    public static Map<String, Map<String, Integer>> describe(List<ImageFolder.Item> sample) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (ImageFolder.Item i : sample) {
            out.computeIfAbsent(i.split(), k -> new TreeMap<>())
                    .merge(i.className(), 1, Integer::sum);
        }
        return out;
    }

    /** One line per split: {@code natural: 100 images (circle 10, square 10, ...)}. */
    public static String summary(List<ImageFolder.Item> sample) {
        StringBuilder b = new StringBuilder();
        describe(sample)
                .forEach(
                        (split, counts) -> {
                            int n = counts.values().stream().mapToInt(Integer::intValue).sum();
                            List<String> parts = new ArrayList<>();
                            counts.forEach((c, k) -> parts.add(c + " " + k));
                            b.append(split)
                                    .append(": ")
                                    .append(n)
                                    .append(" images (")
                                    .append(String.join(", ", parts))
                                    .append(")\n");
                        });
        return b.toString();
    }

    /**
     * Prints the class counts and writes {@code OUT/sample.json}: the seed, the size asked for, the
     * class counts and the chosen files, so that a reader can check the sample.
     */
    public static void save(Path out, List<ImageFolder.Item> sample, int perSplit, long seed)
            throws IOException {
        System.out.print(summary(sample));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sampling", "class-stratified, seeded (per split)");
        json.put("seed", seed);
        json.put("per_split", perSplit <= 0 ? "all" : Integer.toString(perSplit));
        json.put("class_counts", describe(sample));
        json.put("files", sample.stream().map(ImageFolder.Item::file).toList());
        Files.createDirectories(out);
        Files.writeString(
                out.resolve("sample.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(json),
                StandardCharsets.UTF_8);
    }
}
