package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restricted {@code .pth} reader: state dicts saved by PyTorch ({@code
 * src/test/resources/dev/licnn/engine/model/pth/make_fixtures.py}) load with exact values, and
 * hand-built pickles that would run code are refused, naming what they hold.
 */
class PyTorchFileTest {

    static final Path PTH = Path.of("src/test/resources/dev/licnn/engine/model/pth");
    static final Path TINY = Path.of("src/test/resources/tiny");

    @TempDir Path dir;
    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void stateDict_equalsTheSameWeightsInSafetensors() throws IOException {
        try (StateDict pth = StateDict.fromPyTorch(PTH.resolve("tiny_vgg.pth"), manager);
                StateDict st =
                        StateDict.fromSafeTensors(TINY.resolve("tiny_vgg.safetensors"), manager)) {
            assertEquals(List.copyOf(st.names()), List.copyOf(pth.names()));
            assertEquals(st.shapes(), pth.shapes());
            for (String name : st.names()) {
                assertArrayEquals(
                        st.get(name).toFloatArray(), pth.get(name).toFloatArray(), 0f, name);
            }
        }
    }

    @Test
    void load_recognisesEachFormatByContent() throws IOException {
        assertEquals(
                WeightsFormat.PYTORCH_STATE_DICT,
                WeightsFormat.detect(PTH.resolve("tiny_vgg.pth")));
        assertEquals(WeightsFormat.TORCHSCRIPT, WeightsFormat.detect(TINY.resolve("tiny_vgg.pt")));
        assertEquals(
                WeightsFormat.SAFETENSORS,
                WeightsFormat.detect(TINY.resolve("tiny_vgg.safetensors")));
        // A state dict named .pt (as torch.save users often do) still loads as a state dict.
        Path misnamed = Files.copy(PTH.resolve("tiny_vgg.pth"), dir.resolve("weights.pt"));
        try (StateDict d = StateDict.load(misnamed, manager)) {
            assertEquals(10, d.size());
        }
    }

    @Test
    void viewsAndDtypes_areReadThroughOffsetAndStrides() throws IOException {
        try (StateDict d = StateDict.fromPyTorch(PTH.resolve("tensors.pth"), manager)) {
            assertEquals(new Shape(3, 2), d.get("transposed").getShape());
            assertArrayEquals(
                    new float[] {0, 3, 1, 4, 2, 5}, d.get("transposed").toFloatArray(), 0f);
            assertArrayEquals(new float[] {2, 3, 4, 5}, d.get("offset").toFloatArray(), 0f);
            assertArrayEquals(
                    new float[] {1.5f, -2f, 65504f, 0f}, d.get("half").toFloatArray(), 0f);
            assertArrayEquals(new float[] {1f, -0.5f}, d.get("bfloat16").toFloatArray(), 0f);
            assertEquals(DataType.FLOAT32, d.get("double").getDataType());
            assertArrayEquals(new float[] {0.25f}, d.get("double").toFloatArray(), 0f);
            assertEquals(new Shape(), d.get("num_batches_tracked").getShape());
            assertEquals(7L, d.get("num_batches_tracked").toLongArray()[0]);
        }
    }

    @Test
    void halfToFloat_coversSubnormalsAndSpecials() {
        assertEquals(5.9604645e-8f, PyTorchFile.halfToFloat((short) 0x0001), 0f);
        assertEquals(Float.POSITIVE_INFINITY, PyTorchFile.halfToFloat((short) 0x7c00), 0f);
        assertEquals(-0f, PyTorchFile.halfToFloat((short) 0x8000), 0f);
        assertTrue(Float.isNaN(PyTorchFile.halfToFloat((short) 0x7e00)));
    }

    @Test
    void globalOsSystemWithReduce_isRefusedNamingIt() throws IOException {
        // cos\nsystem\n  X'echo pwned'  TUPLE1  REDUCE  STOP: what pickle.dumps(os.system call)
        // holds
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        p.write(unicode("echo pwned"));
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        Path file = archive(p.toByteArray());
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> StateDict.load(file, manager));
        assertTrue(e.getMessage().contains("refused: pickle global os.system"), e.getMessage());
    }

    @Test
    void stackGlobalOfBuiltinsEval_isRefused() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 4});
        p.write(shortUnicode("builtins"));
        p.write(shortUnicode("eval"));
        p.write(new byte[] {(byte) 0x93});
        p.write(shortUnicode("1+1"));
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> StateDict.fromPyTorch(archive(p.toByteArray()), manager));
        assertTrue(e.getMessage().contains("refused: pickle global builtins.eval"), e.getMessage());
    }

    @Test
    void aTorchGlobalOutsideTheList_isRefused() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write("ctorch\nload\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {'.'});
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> StateDict.fromPyTorch(archive(p.toByteArray()), manager));
        assertTrue(e.getMessage().contains("refused: pickle global torch.load"), e.getMessage());
    }

    @Test
    void anOpcodeStateDictsDoNotUse_isRefused() throws IOException {
        // INST ('i') builds an object of a named class: not part of a state dict.
        byte[] p = "(ios\nsystem\n.".getBytes(StandardCharsets.US_ASCII);
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> StateDict.fromPyTorch(archive(p), manager));
        assertTrue(e.getMessage().contains("refused: pickle opcode 0x69"), e.getMessage());
    }

    @Test
    void callingAStorageClass_isRefused() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {')', 'R', '.'});
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> StateDict.fromPyTorch(archive(p.toByteArray()), manager));
        assertTrue(
                e.getMessage().contains("refused: pickle call of torch.FloatStorage"),
                e.getMessage());
    }

    @Test
    void aPickledModule_isRefusedWithTheStateDictHint() {
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> StateDict.fromPyTorch(PTH.resolve("whole-model.pth"), manager));
        assertTrue(
                e.getMessage().contains("refused: pickle global torch.nn.modules"), e.getMessage());
        assertTrue(e.getMessage().contains("save model.state_dict() instead"), e.getMessage());
    }

    @Test
    void legacyPickleFormat_isRefusedWithOneLine() throws IOException {
        Path legacy = dir.resolve("old.pth");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc});
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> StateDict.load(legacy, manager));
        assertTrue(e.getMessage().contains("legacy PyTorch pickle"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aTensorPastItsStorage_isRefused() throws IOException {
        // A FloatStorage of 2 elements viewed as 4: reading it would run past the data.
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}', (byte) 0x8c, 1, 'w'});
        p.write("ctorch._utils\n_rebuild_tensor_v2\n(".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {'(', (byte) 0x8c, 7});
        p.write("storage".getBytes(StandardCharsets.US_ASCII));
        p.write("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {(byte) 0x8c, 1, '0', (byte) 0x8c, 3, 'c', 'p', 'u', 'K', 2, 't', 'Q'});
        p.write(new byte[] {'K', 0, 'K', 4, (byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89});
        p.write(new byte[] {'t', 'R', 's', '.'});
        Path file = archive(p.toByteArray(), new byte[8]);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> StateDict.load(file, manager));
        assertTrue(e.getMessage().contains("reaches past its storage"), e.getMessage());
    }

    private Path archive(byte[] pickle, byte[]... storages) throws IOException {
        Path file = Files.createTempFile(dir, "evil", ".pth");
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            for (int i = 0; i < storages.length; i++) {
                zip.putNextEntry(new ZipEntry("archive/data/" + i));
                zip.write(storages[i]);
                zip.closeEntry();
            }
        }
        return file;
    }

    private static byte[] unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[5 + b.length];
        out[0] = 'X';
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 5, b.length);
        return out;
    }

    private static byte[] shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + b.length];
        out[0] = (byte) 0x8c;
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }
}
