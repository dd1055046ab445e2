package org.tarsier.injector.run;

import java.util.List;
import java.util.Map;

import org.tarsier.injector.scenario.Limits;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Body of Docker's {@code /containers/create} for an injection: the launcher as command, the
 * script in the environment, the run labels, and a host configuration with CPU, memory and pids
 * limits and no network but loopback.
 */
final class ContainerSpec {

    private ContainerSpec() {
    }

    static JsonObject of(String image, String script, List<String> environment,
            Map<String, String> labels, Limits limits) {
        JsonObject spec = new JsonObject();
        spec.addProperty("Image", image);
        spec.addProperty("Hostname", "injected");
        JsonArray cmd = new JsonArray();
        cmd.add("sh");
        cmd.add("-c");
        cmd.add(script);
        spec.add("Cmd", cmd);
        JsonArray env = new JsonArray();
        environment.forEach(env::add);
        spec.add("Env", env);
        JsonObject labelJson = new JsonObject();
        labels.forEach(labelJson::addProperty);
        spec.add("Labels", labelJson);
        spec.add("HostConfig", hostConfig(limits));
        return spec;
    }

    private static JsonObject hostConfig(Limits limits) {
        JsonObject host = new JsonObject();
        host.addProperty("NanoCpus", limits.nanoCpus());
        host.addProperty("Memory", limits.memoryBytes());
        // Equal to Memory: no swap on top of the memory limit.
        host.addProperty("MemorySwap", limits.memoryBytes());
        host.addProperty("PidsLimit", limits.pids());
        // /dev/shm is tmpfs charged to the memory cgroup; the memory limit bounds it anyway.
        host.addProperty("ShmSize", limits.memoryBytes());
        // Only the loopback interface: every connection the scripts make stays in the container.
        host.addProperty("NetworkMode", "none");
        host.addProperty("AutoRemove", false);
        JsonArray securityOptions = new JsonArray();
        securityOptions.add("no-new-privileges:true");
        host.add("SecurityOpt", securityOptions);
        return host;
    }
}
