package org.tarsier.injector.docker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Calls of the Docker Engine API that the injector needs, over the engine's Unix socket.
 *
 * <p>Every method throws {@link DockerException} when the engine returns an error status, with
 * the engine's message; {@link IOException} means the socket could not be reached or spoke no
 * HTTP.
 */
public final class DockerClient {

    /** Default path of the engine's socket. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    /** API version requested; Docker 20.10 serves 1.41, newer engines serve it too. */
    private static final String API = "/v1.41";

    /** Time during which {@link #remove} retries while the engine returns 409 Conflict. */
    private static final long REMOVE_TIMEOUT_NANOS = 30_000_000_000L;

    private final UnixHttpClient http;

    /** Creates a client of the engine listening on {@code socket}. */
    public DockerClient(Path socket) {
        this.http = new UnixHttpClient(socket);
    }

    /** Fails unless the engine responds to {@code /_ping}. */
    public void ping() throws IOException {
        checked("GET", "/_ping", null, "ping the Docker engine at " + http.socket());
    }

    /** Returns whether an image with this reference exists locally. */
    public boolean imageExists(String reference) throws IOException {
        UnixHttpClient.Response response = http.send("GET",
                API + "/images/" + reference + "/json", (String) null);
        if (response.status() == 404) {
            return false;
        }
        check(response, "inspect image " + reference);
        return true;
    }

    /**
     * Imports a root file system from a tar stream as image {@code repository:tag}, as
     * {@code docker import} does, applying Dockerfile instructions such as {@code ENV PATH=/bin}.
     */
    public void importImage(String repository, String tag, List<String> changes,
            TarSource tar) throws IOException {
        StringBuilder target = new StringBuilder(API + "/images/create?fromSrc=-")
                .append("&repo=").append(encode(repository))
                .append("&tag=").append(encode(tag));
        for (String change : changes) {
            target.append("&changes=").append(encode(change));
        }
        UnixHttpClient.Response response = http.send("POST", target.toString(),
                new UnixHttpClient.Body() {
                    @Override
                    public String contentType() {
                        return "application/x-tar";
                    }

                    @Override
                    public void writeTo(OutputStream out) throws IOException {
                        tar.writeTo(out);
                    }
                });
        check(response, "import image " + repository + ":" + tag);
        // The engine reports a failed import inside a 200 progress stream.
        if (response.body().contains("\"error\"")) {
            throw new DockerException(200, "import image " + repository + ":" + tag,
                    response.body().trim());
        }
    }

    /** Creates a container from a {@code /containers/create} body and returns its id. */
    public String createContainer(String name, JsonObject spec) throws IOException {
        String target = API + "/containers/create" + (name == null ? "" : "?name=" + encode(name));
        String body = checked("POST", target, spec.toString(), "create container " + name);
        return JsonParser.parseString(body).getAsJsonObject().get("Id").getAsString();
    }

    /** Starts a created container. */
    public void start(String id) throws IOException {
        UnixHttpClient.Response response = http.send("POST",
                API + "/containers/" + id + "/start", (String) null);
        if (response.status() != 304) {
            check(response, "start container " + id);
        }
    }

    /** Returns the container's inspect document, or empty when no such container exists. */
    public Optional<JsonObject> inspect(String idOrName) throws IOException {
        UnixHttpClient.Response response = http.send("GET",
                API + "/containers/" + encode(idOrName) + "/json", (String) null);
        if (response.status() == 404) {
            return Optional.empty();
        }
        check(response, "inspect container " + idOrName);
        return Optional.of(JsonParser.parseString(response.body()).getAsJsonObject());
    }

    /** Force-removes a container with its anonymous volumes; a missing container is no error. */
    public void remove(String id) throws IOException {
        long deadline = System.nanoTime() + REMOVE_TIMEOUT_NANOS;
        while (true) {
            UnixHttpClient.Response response = http.send("DELETE",
                    API + "/containers/" + id + "?force=true&v=true", (String) null);
            if (response.status() == 404) {
                return;
            }
            if (response.status() != 409) {
                check(response, "remove container " + id);
                return;
            }
            // 409: the engine is still starting the container or another call is removing it.
            if (System.nanoTime() > deadline) {
                check(response, "remove container " + id);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while removing container " + id, e);
            }
        }
    }

    /** Lists containers, running or not, that carry every label of {@code labels}. */
    public List<ContainerSummary> listByLabels(List<String> labels) throws IOException {
        JsonObject filters = new JsonObject();
        JsonArray labelFilter = new JsonArray();
        labels.forEach(labelFilter::add);
        filters.add("label", labelFilter);
        String body = checked("GET", API + "/containers/json?all=true&filters="
                + encode(filters.toString()), null, "list containers labelled " + labels);
        List<ContainerSummary> result = new ArrayList<>();
        for (JsonElement element : JsonParser.parseString(body).getAsJsonArray()) {
            result.add(ContainerSummary.from(element.getAsJsonObject()));
        }
        return result;
    }

    /**
     * Starts {@code command} with the extra {@code environment} ({@code NAME=value}) in a
     * running container, detached, and returns the exec id.
     */
    public String execDetached(String containerId, List<String> command,
            List<String> environment) throws IOException {
        JsonObject create = new JsonObject();
        JsonArray cmd = new JsonArray();
        command.forEach(cmd::add);
        create.add("Cmd", cmd);
        JsonArray env = new JsonArray();
        environment.forEach(env::add);
        create.add("Env", env);
        create.addProperty("AttachStdout", false);
        create.addProperty("AttachStderr", false);
        String body = checked("POST", API + "/containers/" + containerId + "/exec",
                create.toString(), "create exec in container " + containerId);
        String execId = JsonParser.parseString(body).getAsJsonObject().get("Id").getAsString();

        JsonObject start = new JsonObject();
        start.addProperty("Detach", true);
        checked("POST", API + "/exec/" + execId + "/start", start.toString(),
                "start exec " + execId + " in container " + containerId);
        return execId;
    }

    /** Returns whether the exec is still running. */
    public boolean execRunning(String execId) throws IOException {
        String body = checked("GET", API + "/exec/" + execId + "/json", null,
                "inspect exec " + execId);
        return JsonParser.parseString(body).getAsJsonObject().get("Running").getAsBoolean();
    }

    private String checked(String method, String target, String json, String action)
            throws IOException {
        UnixHttpClient.Response response = http.send(method, target, json);
        check(response, action);
        return response.body();
    }

    private static void check(UnixHttpClient.Response response, String action)
            throws DockerException {
        if (!response.ok()) {
            throw new DockerException(response.status(), action, message(response.body()));
        }
    }

    private static String message(String body) {
        try {
            JsonElement json = JsonParser.parseString(body);
            if (json.isJsonObject() && json.getAsJsonObject().has("message")) {
                return json.getAsJsonObject().get("message").getAsString();
            }
        } catch (RuntimeException e) {
            // Not JSON: the plain body is the message.
        }
        return body.trim();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Writes a tar archive to a stream. */
    public interface TarSource {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One row of a container listing.
     *
     * @param id full container id
     * @param name name without the leading slash
     * @param image image reference as created
     * @param state state such as {@code running} or {@code exited}
     * @param labels the container's labels
     */
    public record ContainerSummary(String id, String name, String image, String state,
            Map<String, String> labels) {

        static ContainerSummary from(JsonObject json) {
            String name = "";
            JsonArray names = json.getAsJsonArray("Names");
            if (names != null && !names.isEmpty()) {
                name = names.get(0).getAsString().replaceFirst("^/", "");
            }
            Map<String, String> labels = new java.util.TreeMap<>();
            JsonObject labelJson = json.getAsJsonObject("Labels");
            if (labelJson != null) {
                labelJson.entrySet().forEach(e -> labels.put(e.getKey(),
                        e.getValue().getAsString()));
            }
            return new ContainerSummary(json.get("Id").getAsString(), name,
                    json.get("Image").getAsString(), json.get("State").getAsString(), labels);
        }
    }
}
