package dev.licnn.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The kinds of weights file a model can be loaded from, recognised by their first bytes. */
public enum WeightsFormat {
    /** {@code torch.jit.save}: a zip with {@code constants.pkl} and {@code code/}. */
    TORCHSCRIPT,
    /** {@code torch.save(state_dict)}: a zip with {@code data.pkl} and {@code data/}. */
    PYTORCH_STATE_DICT,
    /** An 8-byte header length, then a JSON header. */
    SAFETENSORS;

    /**
     * Recognises the format of {@code path}.
     *
     * @param path a weights file
     * @return its format
     * @throws ModelFormatException for a legacy (pre-1.6) PyTorch pickle, a folder or an unknown
     *     zip, saying what it is
     * @throws NoSuchFileException if there is no such file
     */
    public static WeightsFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(path + " is a folder, not a weights file");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such weights file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new ModelFormatException(
                    path
                            + ": a legacy PyTorch pickle (before 1.6), which is not read: re-save it"
                            + " in the zip format with torch.save(torch.load(f), 'new.pth')");
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                boolean data = false;
                Enumeration<? extends ZipEntry> e = zip.entries();
                while (e.hasMoreElements()) {
                    String n = e.nextElement().getName();
                    if (n.endsWith("/constants.pkl")) {
                        return TORCHSCRIPT;
                    }
                    data |= n.endsWith("/data.pkl");
                }
                if (data) {
                    return PYTORCH_STATE_DICT;
                }
            }
            throw new ModelFormatException(
                    path + ": a zip file that is neither TorchScript nor a PyTorch state dict");
        }
        return SAFETENSORS;
    }
}
