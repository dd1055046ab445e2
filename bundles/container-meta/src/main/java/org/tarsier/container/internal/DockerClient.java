package org.tarsier.container.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import com.google.gson.JsonParseException;

/**
 * The Docker Engine API calls the resolver needs, over Docker's Unix socket.
 *
 * <p>Paths carry no API version prefix, so the engine responds in its own current version; the
 * fields read here exist unchanged since API 1.24 (Docker 1.12).
 */
final class DockerClient {

    /** Container events that change what the resolver reports. */
    private static final String EVENT_FILTERS = "{\"type\":[\"container\"],"
            + "\"event\":[\"create\",\"start\",\"die\",\"destroy\",\"rename\"]}";

    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{12,64}");

    private final UnixHttpClient http;
    private final Duration requestTimeout;

    DockerClient(Path socket, ScheduledExecutorService scheduler, Duration requestTimeout) {
        this.http = new UnixHttpClient(socket, scheduler);
        this.requestTimeout = requestTimeout;
    }

    Path socket() {
        return http.socket();
    }

    /** Returns the engine's API version, as {@code GET /version} reports it. */
    String apiVersion() throws IOException {
        return decode("/version", DockerJson::apiVersion);
    }

    /** Lists the running containers. */
    List<DockerContainer> runningContainers() throws IOException {
        return decode("/containers/json", DockerJson::list);
    }

    /**
     * Inspects one container within {@code timeout}.
     *
     * @return the container, or empty if Docker does not know the id
     */
    Optional<DockerContainer> inspect(String id, Duration timeout) throws IOException {
        if (!CONTAINER_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid container id: " + id);
        }
        String target = "/containers/" + id + "/json";
        UnixHttpClient.Response response = http.get(target, timeout);
        if (response.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(parse(target, response, DockerJson::inspect));
    }

    /** Inspects one container within the request timeout. */
    Optional<DockerContainer> inspect(String id) throws IOException {
        return inspect(id, requestTimeout);
    }

    /** Opens the stream of container events; each line of it is one JSON event. */
    UnixHttpClient.LineStream containerEvents() throws IOException {
        String target = "/events?filters="
                + URLEncoder.encode(EVENT_FILTERS, StandardCharsets.UTF_8);
        UnixHttpClient.LineStream stream = http.stream(target, requestTimeout);
        if (stream.status() != 200) {
            stream.close();
            throw new IOException("GET /events on " + socket() + " returned HTTP "
                    + stream.status());
        }
        return stream;
    }

    private <T> T decode(String target, Decoder<T> decoder) throws IOException {
        return parse(target, http.get(target, requestTimeout), decoder);
    }

    private <T> T parse(String target, UnixHttpClient.Response response, Decoder<T> decoder)
            throws IOException {
        if (response.status() != 200) {
            throw new IOException("GET " + target + " on " + socket() + " returned HTTP "
                    + response.status() + ": " + abbreviate(response.body()));
        }
        try {
            return decoder.decode(response.body());
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException("invalid JSON from GET " + target + " on " + socket() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String abbreviate(String body) {
        String line = body.strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode(String json);
    }
}
