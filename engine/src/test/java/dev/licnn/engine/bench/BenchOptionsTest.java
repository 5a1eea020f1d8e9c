package dev.licnn.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.licnn.engine.licnn.EngineConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code bench-engine} ({@link EngineBench}) and {@code parity} ({@link
 * DeviceParity}): their defaults, each option, and a bad value refused before any work with exit
 * status 2 and a first line that names the option.
 */
class BenchOptionsTest {

    record Run(int code, String err) {
        String firstLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    static Run run(Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    static void assertRefused(Run r, String... parts) {
        assertEquals(2, r.code(), r.err());
        for (String p : parts) {
            assertTrue(r.firstLine().contains(p), r.firstLine());
        }
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void engineBench_defaults_areTheDocumentedOnes() {
        EngineBench b = new EngineBench();
        new CommandLine(b).parseArgs();
        assertEquals("vgg16", b.modelChoice.arch);
        assertNull(b.modelChoice.model);
        assertEquals(200, b.maps);
        assertEquals(11, b.repeats);
        assertEquals(5, b.k);
        assertEquals(1, b.batch);
        assertEquals("auto", b.engines);
        assertFalse(b.compare);
        assertEquals("cpu", b.deviceName);
        assertEquals(List.of(EngineConfig.forDevice(Device.cpu())), b.configs(Device.cpu()));
    }

    @Test
    void engineBench_everyOption_isRead() {
        EngineBench b = new EngineBench();
        new CommandLine(b)
                .parseArgs(
                        "--arch",
                        "vgg11_bn",
                        "--model",
                        "m",
                        "--maps",
                        "0",
                        "--repeats",
                        "3",
                        "--k",
                        "2",
                        "--batch",
                        "4",
                        "--engines",
                        "java,batch;tensor,per-class",
                        "--device",
                        "cuda:1");
        assertEquals("vgg11_bn", b.modelChoice.arch);
        assertEquals(Path.of("m"), b.modelChoice.model);
        assertEquals(0, b.maps);
        assertEquals(3, b.repeats);
        assertEquals(2, b.k);
        assertEquals(4, b.batch);
        assertEquals("cuda:1", b.deviceName);
        assertEquals(
                List.of(
                        EngineConfig.parse("java,batch", Device.cpu()),
                        EngineConfig.parse("tensor,per-class", Device.cpu())),
                b.configs(Device.cpu()));
    }

    @Test
    void engineBench_compare_timesEverySetting() {
        EngineBench b = new EngineBench();
        new CommandLine(b).parseArgs("--engines", "java,batch", "--compare");
        assertEquals(4, b.configs(Device.cpu()).size());
    }

    @Test
    void engineBench_badValues_areRefusedOnOneLineNamingTheOption() {
        assertRefused(run(new EngineBench(), "--maps", "many"), "--maps", "many");
        assertRefused(run(new EngineBench(), "--maps", "-1"), "--maps must be at least 0");
        assertRefused(run(new EngineBench(), "--k", "0"), "--k must be at least 1");
        assertRefused(run(new EngineBench(), "--batch", "0"), "--batch must be at least 1");
        assertRefused(run(new EngineBench(), "--device", "tpu"), "--device", "tpu");
        assertRefused(run(new EngineBench(), "--engines", "fast"), "--engines", "fast");
        assertRefused(run(new EngineBench(), "--arch", "vgg17"), "--arch", "vgg17");
        assertRefused(
                run(new EngineBench(), "--model", "/nonexistent/model"),
                "--model /nonexistent/model");
        assertRefused(run(new EngineBench(), "--frames", "3"), "--frames");
    }

    @Test
    void deviceParity_defaults_andEveryOption() {
        DeviceParity d = new DeviceParity();
        new CommandLine(d).parseArgs();
        assertEquals("vgg16", d.modelChoice.arch);
        assertEquals("cuda:0", d.deviceName);
        assertEquals(4, d.images);
        assertEquals(5, d.k);
        assertEquals(1e-2, d.tolerance);

        DeviceParity e = new DeviceParity();
        new CommandLine(e)
                .parseArgs(
                        "--model",
                        "m",
                        "--arch",
                        "vgg19",
                        "--device",
                        "cpu",
                        "--images",
                        "2",
                        "--k",
                        "3",
                        "--tolerance",
                        "1e-3");
        assertEquals(Path.of("m"), e.modelChoice.model);
        assertEquals("vgg19", e.modelChoice.arch);
        assertEquals("cpu", e.deviceName);
        assertEquals(2, e.images);
        assertEquals(3, e.k);
        assertEquals(1e-3, e.tolerance);
    }

    @Test
    void deviceParity_badValues_areRefusedOnOneLineNamingTheOption() {
        assertRefused(run(new DeviceParity(), "--images", "0"), "--images must be at least 1");
        assertRefused(run(new DeviceParity(), "--tolerance", "-1"), "--tolerance");
        assertRefused(run(new DeviceParity(), "--tolerance", "small"), "--tolerance", "small");
        assertRefused(run(new DeviceParity(), "--device", "cuda:x"), "--device");
        assertRefused(run(new DeviceParity(), "--arch", "resnet"), "--arch", "resnet");
    }
}
