package dev.licnn.dataset;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * Writes a dataset to disk in ImageFolder layout:
 *
 * <pre>
 * out/manifest.csv                          one row per image, in split then index order
 * out/dataset.txt                           the configuration
 * out/train/circle/train_000000.png         images, one folder per class
 * out/train/masks/train_000000.png          8-bit masks: 255 on the object, 0 elsewhere
 * out/natural/...  out/adversarial/...
 * </pre>
 *
 * <p>Images are rendered in parallel but each depends only on the configuration and its split and
 * index, so the files are the same for any thread count.
 *
 * <pre>{@code
 * List<ManifestEntry> rows = new DatasetGenerator(config).generate(Path.of("data/shapes"), 2);
 * }</pre>
 */
public final class DatasetGenerator {

    private final DatasetConfig config;
    private final SceneRenderer renderer;

    public DatasetGenerator(DatasetConfig config) {
        this.config = config;
        this.renderer = new SceneRenderer(config);
    }

    public SceneRenderer renderer() {
        return renderer;
    }

    /**
     * Renders and writes every split with a non-zero count, then the manifest.
     *
     * @param out dataset root (created if absent)
     * @param threads rendering threads, at least 1
     * @return the manifest rows
     * @throws IOException if a file cannot be written
     * @throws InterruptedException if interrupted while waiting for the renderers
     */
    public List<ManifestEntry> generate(Path out, int threads)
            throws IOException, InterruptedException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        Files.createDirectories(out);
        List<ManifestEntry> rows = new ArrayList<>();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        threads,
                        r -> {
                            Thread t = new Thread(r, "dataset-render");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            for (Split split : Split.values()) {
                int n = config.count(split);
                if (n == 0) {
                    continue;
                }
                Files.createDirectories(out.resolve(split.dirName()).resolve("masks"));
                for (ShapeClass c : ShapeClass.values()) {
                    Files.createDirectories(out.resolve(split.dirName()).resolve(c.key()));
                }
                List<Future<ManifestEntry>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int index = i;
                    futures.add(pool.submit(() -> write(out, renderer.render(split, index))));
                }
                for (Future<ManifestEntry> f : futures) {
                    rows.add(get(f));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Manifest.write(out.resolve(Manifest.FILE_NAME), rows);
        Files.writeString(out.resolve("dataset.txt"), config + System.lineSeparator());
        return rows;
    }

    private static ManifestEntry get(Future<ManifestEntry> f)
            throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Writes a scene's image and mask under {@code out}; returns its manifest row. */
    public static ManifestEntry write(Path out, Scene scene) {
        ManifestEntry row = ManifestEntry.of(scene);
        try {
            Files.write(out.resolve(row.file()), png(scene.image()));
            Files.write(out.resolve(row.mask()), png(scene.maskImage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return row;
    }

    /** PNG bytes of an image (ImageIO's encoder: no timestamps, so the bytes are reproducible). */
    public static byte[] png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
