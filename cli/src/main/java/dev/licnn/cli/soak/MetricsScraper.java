package dev.licnn.cli.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the server's memory from its Prometheus {@code /metrics} page: {@code
 * licnn_process_resident_memory_bytes}, {@code licnn_jvm_heap_used_bytes} and {@code
 * licnn_jvm_heap_committed_bytes}.
 */
final class MetricsScraper {

    private static final double MB = 1 << 20;

    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * @param url the {@code /metrics} URL, or null: every sample is then unknown
     */
    MetricsScraper(String url) {
        this.url = url;
    }

    /** The memory now, at {@code minute} of the run; unknown values (no page, no line) are NaN. */
    MemorySample sample(double minute) {
        if (url == null) {
            return MemorySample.UNKNOWN.at(minute);
        }
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return parse(r.body(), minute);
        } catch (IOException | RuntimeException e) {
            return MemorySample.UNKNOWN.at(minute);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MemorySample.UNKNOWN.at(minute);
        }
    }

    /** The memory in a {@code /metrics} page (Prometheus text format). */
    static MemorySample parse(String page, double minute) {
        double rss = Double.NaN;
        double used = Double.NaN;
        double committed = Double.NaN;
        for (String line : page.split("\n")) {
            if (line.startsWith("licnn_process_resident_memory_bytes ")) {
                rss = value(line);
            } else if (line.startsWith("licnn_jvm_heap_used_bytes ")) {
                used = value(line);
            } else if (line.startsWith("licnn_jvm_heap_committed_bytes ")) {
                committed = value(line);
            }
        }
        return new MemorySample(minute, rss, used, committed);
    }

    private static double value(String line) {
        try {
            return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()) / MB;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
