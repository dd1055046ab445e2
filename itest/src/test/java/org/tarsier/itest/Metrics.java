package org.tarsier.itest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes the agent's Prometheus endpoint on loopback. */
final class Metrics {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Metrics() {
    }

    /** Returns the scrape body, failing on any status but 200. */
    static String scrape(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics on port " + port + ": " + response.statusCode());
        }
        return response.body();
    }

    /** Waits until the endpoint responds, and returns the scrape body. */
    static String awaitScrape(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try {
                return scrape(port);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("metrics endpoint on port " + port
                            + " did not answer: " + e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Returns the value of the sample with exactly this name and label text, or -1. */
    static double value(String scrape, String nameAndLabels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(nameAndLabels) + " (\\S+)$",
                Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
