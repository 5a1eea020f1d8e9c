package dev.licnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No test reads one CPU's expected outputs except through {@link GoldenFixtures} (that is, through
 * {@link EveryFixtureSet}, for every set): no test source of any module names a file of
 * machine-made outputs or a fixture-set folder, apart from the fixture classes themselves.
 */
class FixtureAccessTest {

    /** File and folder names whose contents one CPU made. */
    static final Pattern MACHINE_MADE =
            Pattern.compile(
                    "cases\\.safetensors|baselines\\.safetensors|flat\\.safetensors"
                            + "|golden/avx2|FIXTURE_SETS|RESNET_FIXTURE_SETS");

    /** The classes that may name them. */
    static final List<String> ALLOWED =
            List.of(
                    "GoldenFixtures.java",
                    "GoldenFixtureSets.java",
                    "GoldenTolerances.java",
                    "ResNetGoldenFixtures.java",
                    "ResNetFixtureSets.java",
                    "FixtureAccessTest.java");

    /** The lines of {@code source} that name machine-made fixtures, as "file:line: text". */
    static List<String> violations(String file, String source) {
        List<String> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (MACHINE_MADE.matcher(lines[i]).find()) {
                out.add(file + ":" + (i + 1) + ": " + lines[i].trim());
            }
        }
        return out;
    }

    static Path repositoryRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null
                && !(Files.isRegularFile(p.resolve("pom.xml"))
                        && Files.isDirectory(p.resolve("engine/src")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "repository root not found above " + Paths.get("").toAbsolutePath());
        }
        return p;
    }

    @Test
    void noTestSource_namesMachineMadeFixtures() throws IOException {
        Path root = repositoryRoot();
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> sources =
                    all.filter(f -> f.toString().endsWith(".java"))
                            .filter(f -> f.toString().contains("/src/test/java/"))
                            .filter(f -> !f.toString().contains("/target/"))
                            .toList();
            for (Path f : sources) {
                files++;
                if (ALLOWED.contains(f.getFileName().toString())) {
                    continue;
                }
                try {
                    found.addAll(violations(root.relativize(f).toString(), Files.readString(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        assertTrue(files > 50, "test sources found: " + files);
        assertEquals(
                List.of(),
                found,
                "read expected outputs through @EveryFixtureSet (GoldenFixtures), not directly");
    }

    @Test
    void violations_findsADirectRead() {
        String bad =
                "class X {\n  Path p = golden(\"cases.safetensors\");\n  String s = \"golden/avx2\";\n}\n";
        assertEquals(
                List.of(
                        "X.java:2: Path p = golden(\"cases.safetensors\");",
                        "X.java:3: String s = \"golden/avx2\";"),
                violations("X.java", bad));
        assertEquals(List.of(), violations("Y.java", "float[] x = model.input(0);\n"));
        assertEquals(
                List.of(
                        "R.java:1: p = res(\"golden/resnet/resnet50/cases.safetensors\");",
                        "R.java:2: for (String s : GoldenTolerances.RESNET_FIXTURE_SETS) {}"),
                violations(
                        "R.java",
                        "p = res(\"golden/resnet/resnet50/cases.safetensors\");\n"
                                + "for (String s : GoldenTolerances.RESNET_FIXTURE_SETS) {}\n"
                                + "float[] x = resnet.input(1);\n"));
    }
}
