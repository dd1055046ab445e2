package org.tarsier.exporter.internal.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Posts JSON documents to one URL with the JDK's HTTP client.
 *
 * <p>A 2xx status is success. 408, 429 and 5xx statuses and I/O failures raise an
 * {@link IOException}, which {@link DeliveryQueue} retries; other statuses raise a
 * {@link DeliveryQueue.RejectedException}, because the same request would be rejected again.
 * The client ignores proxy settings, so that a loopback destination is reached directly.
 */
final class JsonPoster {

    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final URI uri;
    private final Duration timeout;
    private final HttpClient client;

    JsonPoster(URI uri, Duration timeout) {
        this.uri = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI uri() {
        return uri;
    }

    /** Posts {@code json} and returns when the destination accepted it. */
    void post(String json) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "tarsier")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to " + uri, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String message = "POST " + uri + " returned HTTP " + status + ": " + excerpt(response);
        if (status == 408 || status == 429 || status / 100 == 5) {
            throw new IOException(message);
        }
        throw new DeliveryQueue.RejectedException(message);
    }

    private static String excerpt(HttpResponse<String> response) {
        String body = response.body().strip();
        return body.length() <= MAX_BODY_IN_MESSAGE ? body
                : body.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    /** Returns whether {@code value} is an absolute http or https URL with a host. */
    static boolean isHttpUrl(String value) {
        try {
            URI parsed = new URI(value);
            return ("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))
                    && parsed.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
