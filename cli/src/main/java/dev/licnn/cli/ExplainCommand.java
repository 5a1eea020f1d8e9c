package dev.licnn.cli;

import dev.licnn.client.LicnnClient;
import dev.licnn.client.PipelinedRunner;
import dev.licnn.client.RequestResult;
import dev.licnn.client.Requests;
import dev.licnn.client.RunSummary;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreprocessConfig;
import dev.licnn.experiments.Progress;
import dev.licnn.proto.v1.ClassScore;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain IMAGE... --out DIR}: for each image, a folder with the saliency map and the
 * attention maps as {@code .npy}, a heatmap, an overlay, a grid of the streamed layer maps and a
 * {@code result.json}.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = "Compute LICNN saliency maps and write them as .npy, PNG and JSON.")
final class ExplainCommand implements Callable<Integer> {

    @Parameters(
            arity = "1..*",
            paramLabel = "IMAGE",
            description = "PNG or JPEG files, or folders of them.")
    List<Path> images;

    @Option(
            names = "--out",
            defaultValue = "out/explain",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--streams",
            defaultValue = "1",
            description =
                    "ExplainStream calls run side by side, sharing the images and --in-flight; with several replicas in "
                            + "--target, round-robin puts each stream on the next replica (default ${DEFAULT-VALUE}).")
    int streams;

    @Mixin ExplainOptions options;

    @Mixin MethodOptions method = new MethodOptions();

    @Mixin PictureOptions pictures = new PictureOptions();

    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
        List<Path> files = ImageFiles.expand(images, System.out);
        options.model = connection.servedModel(options.model);
        ExplainFiles.Overlay overlay = pictures.overlay();
        try (Connection.Session s = connection.open()) {
            ModelDescription d = s.client.describeModel(options.model);
            ImagePreprocessor pre = new ImagePreprocessor(config(d.getPreprocessing()));
            List<ExplainRequest> reqs = new ArrayList<>();
            for (Path f : files) {
                reqs.add(
                        method.apply(
                                        options.apply(Requests.explain(Requests.image(f)), d),
                                        options,
                                        d)
                                .build());
            }
            Files.createDirectories(out);
            if (streams < 1) {
                throw new CliException("--streams must be at least 1, got " + streams);
            }
            if (inFlight < 1) {
                throw new CliException("--in-flight must be at least 1, got " + inFlight);
            }
            AtomicInteger failed = new AtomicInteger();
            Object resultLock = new Object();
            try (Progress progress = new Progress("explain", files.size())) {
                RunSummary sum =
                        runStreams(
                                s.client,
                                reqs,
                                (index, r) -> {
                                    synchronized (resultLock) {
                                        Path img = files.get(index);
                                        if (!r.isOk()) {
                                            failed.incrementAndGet();
                                            System.out.println(
                                                    img
                                                            + ": FAILED "
                                                            + r.status().getCode()
                                                            + ": "
                                                            + r.status().getDescription());
                                        } else {
                                            Path dir = out.resolve(folderName(img, files));
                                            try {
                                                ExplainFiles.write(
                                                        dir, img, r.outcome(), d, pre, overlay);
                                            } catch (IOException e) {
                                                throw new UncheckedIOException(e);
                                            }
                                            ClassScore top =
                                                    r.outcome().prediction().getTopClasses(0);
                                            System.out.println(
                                                    String.format(
                                                            "%s: %s (%.3f) -> %s",
                                                            img,
                                                            top.getLabel(),
                                                            top.getProbability(),
                                                            dir));
                                        }
                                        progress.step();
                                    }
                                });
                System.out.printf(
                        "explained %d of %d image(s) in %.1f s; results under %s%n",
                        sum.succeeded(),
                        sum.total(),
                        sum.elapsed().toMillis() / 1000.0,
                        out.toAbsolutePath());
                if (sum.resent() > 0 || sum.streamRestarts() > 0) {
                    System.out.printf(
                            "re-sent %d request(s) after %d stream restart(s)%n",
                            sum.resent(), sum.streamRestarts());
                }
            }
            return failed.get() == 0 ? 0 : 1;
        }
    }

    /**
     * Runs {@code reqs} over {@code streams} pipelined ExplainStream calls that pull from one
     * shared queue, {@code inFlight} requests in flight in all; {@code onResult} gets each
     * request's index in {@code reqs} (it may be called from several threads at once). Returns the
     * summed totals.
     */
    RunSummary runStreams(
            LicnnClient client,
            List<ExplainRequest> reqs,
            BiConsumer<Integer, RequestResult> onResult)
            throws InterruptedException {
        int n = Math.min(streams, Math.max(1, Math.min(inFlight, reqs.size())));
        AtomicInteger cursor = new AtomicInteger();
        List<Callable<RunSummary>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slots = inFlight / n + (i < inFlight % n ? 1 : 0);
            runs.add(
                    () -> {
                        List<Integer> taken =
                                new ArrayList<>(); // this run's request index -> index in reqs
                        Iterator<ExplainRequest> it =
                                new Iterator<>() {
                                    Integer pending;

                                    @Override
                                    public boolean hasNext() {
                                        if (pending == null) {
                                            int k = cursor.getAndIncrement();
                                            pending = k < reqs.size() ? k : null;
                                        }
                                        return pending != null;
                                    }

                                    @Override
                                    public ExplainRequest next() {
                                        if (!hasNext()) {
                                            throw new java.util.NoSuchElementException();
                                        }
                                        int k = pending;
                                        pending = null;
                                        synchronized (taken) {
                                            taken.add(k);
                                        }
                                        return reqs.get(k);
                                    }
                                };
                        return new PipelinedRunner(client, slots)
                                .run(
                                        it,
                                        r -> {
                                            int k;
                                            synchronized (taken) {
                                                k = taken.get((int) r.index());
                                            }
                                            onResult.accept(k, r);
                                        });
                    });
        }
        long start = System.nanoTime();
        List<RunSummary> sums = new ArrayList<>();
        if (n == 1) {
            try {
                sums.add(runs.get(0).call());
            } catch (RuntimeException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                for (Future<RunSummary> f : pool.invokeAll(runs)) {
                    try {
                        sums.add(f.get());
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof RuntimeException re
                                ? re
                                : new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        long total = 0;
        long ok = 0;
        long bad = 0;
        long resent = 0;
        int restarts = 0;
        for (RunSummary x : sums) {
            total += x.total();
            ok += x.succeeded();
            bad += x.failed();
            resent += x.resent();
            restarts += x.streamRestarts();
        }
        return new RunSummary(
                total, ok, bad, resent, restarts, Duration.ofNanos(System.nanoTime() - start));
    }

    static PreprocessConfig config(Preprocessing p) {
        PreprocessConfig.Builder b =
                PreprocessConfig.builder()
                        .optResizeShorter(p.getResizeShorterEdge())
                        .optCropSize(p.getCropSize().getHeight());
        if (p.getMeanCount() == 3 && p.getStdCount() == 3) {
            b.optMean(p.getMean(0), p.getMean(1), p.getMean(2))
                    .optStd(p.getStd(0), p.getStd(1), p.getStd(2));
        }
        return b.build();
    }

    private static String folderName(Path img, List<Path> all) {
        String stem = img.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        long same =
                all.stream()
                        .filter(
                                p ->
                                        p.getFileName()
                                                .toString()
                                                .replaceFirst("\\.[^.]+$", "")
                                                .equals(stem))
                        .count();
        return same > 1 ? stem + "-" + all.indexOf(img) : stem;
    }
}
