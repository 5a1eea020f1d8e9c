package dev.licnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code train} ({@link TrainMain}) and {@code evaluate} ({@link EvaluateMain}):
 * defaults, each option, and a bad value refused before any work with exit status 2 and a first
 * line that names the problem.
 */
class TrainAndEvaluateOptionsTest {

    private static void assertRefused(Object command, String[] args, String... parts) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        String text = err.toString();
        String first = text.lines().findFirst().orElse("");
        assertEquals(2, code, text);
        for (String p : parts) {
            assertTrue(first.contains(p), first);
        }
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
    }

    @Test
    void train_defaults_areTheDocumentedOnes() {
        TrainMain t = new TrainMain();
        new CommandLine(t).parseArgs("--data", "d", "--out", "o");
        TrainOptions o = t.options();
        assertEquals(Path.of("d"), t.data);
        assertEquals(Path.of("o"), t.out);
        assertEquals(5, o.epochs());
        assertEquals(1, o.seed());
        assertEquals(32, o.batchSize());
        assertEquals(0.001f, o.learningRate());
        assertEquals(0.00005f, o.finalLearningRate());
        assertEquals(0f, o.weightDecay());
        assertEquals(0.5f, o.dropout());
        assertTrue(o.pooledClassifier());
        assertTrue(t.batchNorm);
        assertNull(t.limit);
        assertEquals(2, t.threads);
        assertEquals(1e9, t.maxMinutes);
        assertNull(t.init);
    }

    @Test
    void train_everyOption_isRead() {
        TrainMain t = new TrainMain();
        new CommandLine(t)
                .parseArgs(
                        "--data",
                        "d",
                        "--out",
                        "o",
                        "--epochs",
                        "15",
                        "--seed",
                        "3",
                        "--batch",
                        "8",
                        "--lr",
                        "0.0003",
                        "--final-lr",
                        "0.00001",
                        "--weight-decay",
                        "0.01",
                        "--dropout",
                        "0.3",
                        "--batch-norm",
                        "false",
                        "--pooled-classifier",
                        "false",
                        "--limit",
                        "100",
                        "--threads",
                        "4",
                        "--max-minutes",
                        "30",
                        "--init",
                        "w.safetensors");
        TrainOptions o = t.options();
        assertEquals(15, o.epochs());
        assertEquals(3, o.seed());
        assertEquals(8, o.batchSize());
        assertEquals(0.0003f, o.learningRate());
        assertEquals(0.00001f, o.finalLearningRate());
        assertEquals(0.01f, o.weightDecay());
        assertEquals(0.3f, o.dropout());
        assertFalse(o.pooledClassifier());
        assertFalse(t.batchNorm);
        assertEquals(100, t.limit);
        assertEquals(4, t.threads);
        assertEquals(30.0, t.maxMinutes);
        assertEquals(Path.of("w.safetensors"), t.init);
    }

    @Test
    void train_badValues_areRefusedOnOneLine() {
        assertRefused(new TrainMain(), new String[] {"--out", "o"}, "--data");
        assertRefused(
                new TrainMain(),
                new String[] {"--data", "d", "--out", "o", "--dropout", "1.5"},
                "dropout must be in [0, 1)");
        assertRefused(
                new TrainMain(),
                new String[] {"--data", "d", "--out", "o", "--batch-norm", "maybe"},
                "--batch-norm",
                "maybe");
        assertRefused(
                new TrainMain(),
                new String[] {"--data", "d", "--out", "o", "--epochs", "five"},
                "--epochs",
                "five");
        assertRefused(
                new TrainMain(),
                new String[] {"--data", "d", "--out", "o", "--threads", "0"},
                "--threads must be at least 1");
        assertRefused(
                new TrainMain(), new String[] {"--data", "d", "--out", "o", "extra"}, "extra");
    }

    @Test
    void evaluate_defaults_everyOption_andBadValues() {
        EvaluateMain e = new EvaluateMain();
        new CommandLine(e).parseArgs("--model", "m", "--data", "d");
        assertEquals(Path.of("m"), e.model);
        assertEquals(Path.of("d"), e.data);
        assertEquals("natural", e.split);
        assertEquals(50, e.batch);
        assertEquals(2, e.threads);

        EvaluateMain f = new EvaluateMain();
        new CommandLine(f)
                .parseArgs(
                        "--model",
                        "m",
                        "--data",
                        "d",
                        "--split",
                        "adversarial",
                        "--batch",
                        "10",
                        "--threads",
                        "1");
        assertEquals("adversarial", f.split);
        assertEquals(10, f.batch);
        assertEquals(1, f.threads);

        assertRefused(new EvaluateMain(), new String[] {"--data", "d"}, "--model");
        assertRefused(
                new EvaluateMain(),
                new String[] {"--model", "m", "--data", "d", "--split", "test"},
                "--split",
                "test");
        assertRefused(
                new EvaluateMain(),
                new String[] {"--model", "m", "--data", "d", "--batch", "0"},
                "--batch");
    }
}
