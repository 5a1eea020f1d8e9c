package dev.licnn.experiments.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleTest {

    /**
     * {@code perClass[c]} images of class c in each split, listed in path order (sorted by class,
     * as folders are).
     */
    private static List<ImageFolder.Item> dataset(List<String> splits, int... perClass) {
        List<ImageFolder.Item> out = new ArrayList<>();
        for (String s : splits) {
            for (int c = 0; c < perClass.length; c++) {
                for (int i = 0; i < perClass[c]; i++) {
                    out.add(
                            new ImageFolder.Item(
                                    s, String.format("%s/c%d/img%03d.png", s, c, i), "c" + c, c));
                }
            }
        }
        return out;
    }

    @Test
    void stratified_givesEveryClassItsShare_notTheFirstImagesInPathOrder() {
        List<ImageFolder.Item> items =
                dataset(List.of("natural", "adversarial"), 50, 50, 50, 50, 50, 50, 50, 50, 50, 50);
        List<ImageFolder.Item> s = Sample.stratified(items, 60, 1);
        assertEquals(120, s.size());
        Map<String, Map<String, Integer>> counts = Sample.describe(s);
        for (String split : List.of("natural", "adversarial")) {
            assertEquals(10, counts.get(split).size());
            counts.get(split).values().forEach(n -> assertEquals(6, n));
        }
        assertNotEquals(
                items.subList(0, 6),
                s.stream()
                        .filter(i -> i.className().equals("c0") && i.split().equals("natural"))
                        .toList(),
                "a random draw within the class, not its first files");
    }

    @Test
    void stratified_isReproducible_andTheSeedMatters() {
        List<ImageFolder.Item> items = dataset(List.of("natural"), 30, 30, 30);
        assertEquals(Sample.stratified(items, 12, 5), Sample.stratified(items, 12, 5));
        assertNotEquals(
                new HashSet<>(Sample.stratified(items, 12, 5)),
                new HashSet<>(Sample.stratified(items, 12, 6)));
        List<ImageFolder.Item> shuffled = new ArrayList<>(items);
        java.util.Collections.reverse(shuffled);
        assertEquals(
                new HashSet<>(Sample.stratified(items, 12, 5)),
                new HashSet<>(Sample.stratified(shuffled, 12, 5)),
                "the listing order does not change which images are drawn");
    }

    @Test
    void stratified_spreadsTheRemainder_andRedistributesSmallClasses() {
        List<ImageFolder.Item> even = dataset(List.of("s"), 20, 20, 20, 20);
        Map<String, Integer> c = Sample.describe(Sample.stratified(even, 10, 3)).get("s");
        assertEquals(10, c.values().stream().mapToInt(Integer::intValue).sum());
        c.values().forEach(n -> assertTrue(n == 2 || n == 3, c.toString()));
        List<ImageFolder.Item> small = dataset(List.of("s"), 1, 20, 20);
        Map<String, Integer> d = Sample.describe(Sample.stratified(small, 9, 3)).get("s");
        assertEquals(1, d.get("c0"));
        assertEquals(4, d.get("c1"));
        assertEquals(4, d.get("c2"));
    }

    @Test
    void stratified_zeroOrTooManyTakesEverything() {
        List<ImageFolder.Item> items = dataset(List.of("a", "b"), 3, 4);
        assertEquals(new HashSet<>(items), new HashSet<>(Sample.stratified(items, 0, 1)));
        assertEquals(new HashSet<>(items), new HashSet<>(Sample.stratified(items, 100, 1)));
    }

    @Test
    void stratified_largerSampleContainsTheSmaller() {
        List<ImageFolder.Item> items =
                dataset(List.of("natural"), 50, 50, 50, 50, 50, 50, 50, 50, 50, 50);
        assertTrue(
                new HashSet<>(Sample.stratified(items, 150, 1))
                        .containsAll(Sample.stratified(items, 100, 1)),
                "a run can be extended to a larger sample and keep what it has done");
    }

    @Test
    void interleave_takesSplitsInTurn() {
        List<ImageFolder.Item> items = dataset(List.of("a", "b"), 2);
        List<ImageFolder.Item> i = Sample.interleave(items);
        assertEquals(List.of("a", "b", "a", "b"), i.stream().map(ImageFolder.Item::split).toList());
    }
}
