package org.tarsier.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks deploy/kubernetes without a cluster: every document parses, kinds and API versions
 * belong together, and the DaemonSet agrees with the image build, runtime/etc and the
 * capabilities and host paths the image test runs the agent with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {

    private static final Map<String, String> API_VERSIONS = Map.of(
            "Namespace", "v1",
            "ServiceAccount", "v1",
            "ConfigMap", "v1",
            "Service", "v1",
            "DaemonSet", "apps/v1",
            "ServiceMonitor", "monitoring.coreos.com/v1",
            "PrometheusRule", "monitoring.coreos.com/v1");

    /** Properties whose pod value differs from runtime/etc on purpose; see generate.sh. */
    private static final Map<String, String> OVERRIDES = Map.of(
            "org.tarsier.exporter.cfg/address", "0.0.0.0",
            "org.tarsier.container.cfg/dockerSocket", "/host/run/docker.sock");

    private final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private Path kubernetes;

    @BeforeAll
    void parseManifests() throws IOException {
        kubernetes = Deployment.home().resolve("deploy/kubernetes");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(kubernetes)) {
            files = walk.filter(path -> path.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            for (Object document : yaml().loadAll(Files.readString(file))) {
                Map<String, Object> object = map(document, file.toString());
                String key = object.get("kind") + "/" + map(object.get("metadata"),
                        file + " metadata").get("name");
                objects.put(key, object);
            }
        }
    }

    @Test
    void kindsMatchApiVersions() {
        assertTrue(objects.size() >= API_VERSIONS.size(), "objects found: " + objects.keySet());
        for (Map.Entry<String, Map<String, Object>> entry : objects.entrySet()) {
            String kind = String.valueOf(entry.getValue().get("kind"));
            assertEquals(API_VERSIONS.get(kind), entry.getValue().get("apiVersion"),
                    "apiVersion of " + entry.getKey());
        }
        for (String kind : API_VERSIONS.keySet()) {
            assertTrue(objects.keySet().stream().anyMatch(key -> key.startsWith(kind + "/")),
                    "no " + kind + " in " + kubernetes);
        }
    }

    @Test
    void objectsLiveInTarsierNamespace() {
        for (Map.Entry<String, Map<String, Object>> entry : objects.entrySet()) {
            if (!entry.getKey().startsWith("Namespace/")) {
                assertEquals("tarsier", path(entry.getValue(), "metadata", "namespace"),
                        "namespace of " + entry.getKey());
            }
        }
        assertNotNull(objects.get("Namespace/tarsier"), "Namespace tarsier is missing");
    }

    @Test
    void containerUsesBuiltImage() {
        assertEquals(Deployment.image(), container().get("image"), "image of the agent");
    }

    @Test
    void metricsPortMatchesExporterConfig() throws IOException {
        String port = runtimeConfig("org.tarsier.exporter.cfg").getProperty("port");
        Map<String, Object> metrics = containerPort("metrics");
        assertEquals(port, String.valueOf(metrics.get("containerPort")), "containerPort");

        Matcher expose = Pattern.compile("(?m)^EXPOSE (\\d+)$").matcher(
                Files.readString(Deployment.home().resolve("deploy/image/Dockerfile")));
        assertTrue(expose.find(), "Dockerfile has no EXPOSE line");
        assertEquals(port, expose.group(1), "port the Dockerfile exposes");

        Map<String, Object> servicePort = map(list(path(objects.get("Service/tarsier"),
                "spec", "ports")).get(0), "Service port");
        assertEquals(port, String.valueOf(servicePort.get("port")), "Service port");
        assertEquals("metrics", servicePort.get("targetPort"), "Service targetPort");
    }

    @Test
    void serviceMonitorSelectsService() {
        Map<String, Object> service = objects.get("Service/tarsier");
        Map<String, Object> monitor = objects.get("ServiceMonitor/tarsier");
        assertEquals("None", path(service, "spec", "clusterIP"), "Service must be headless");
        assertEquals(path(service, "metadata", "labels"),
                path(monitor, "spec", "selector", "matchLabels"), "ServiceMonitor selector");
        Map<String, Object> endpoint = map(list(path(monitor, "spec", "endpoints")).get(0),
                "ServiceMonitor endpoint");
        assertEquals("metrics", endpoint.get("port"), "ServiceMonitor endpoint port");
        assertEquals(path(objects.get("DaemonSet/tarsier"), "spec", "template", "metadata",
                "labels"), path(service, "spec", "selector"), "Service selector");
    }

    @Test
    void podHasHostPidAndCapabilities() {
        Map<String, Object> pod = podSpec();
        assertEquals(Boolean.TRUE, pod.get("hostPID"), "hostPID");
        assertEquals(List.of("ALL"), path(container(), "securityContext", "capabilities",
                "drop"), "dropped capabilities");
        assertEquals(Set.copyOf(Deployment.CAPABILITIES), Set.copyOf(list(path(container(),
                "securityContext", "capabilities", "add"))), "added capabilities");
        assertEquals(Boolean.FALSE, path(container(), "securityContext", "privileged"),
                "privileged");
    }

    @Test
    void javaOptionsMatchImageTest() {
        Map<String, Object> javaOpts = null;
        for (Object variable : list(container().get("env"))) {
            Map<String, Object> entry = map(variable, "env entry");
            if ("JAVA_OPTS".equals(entry.get("name"))) {
                javaOpts = entry;
            }
        }
        assertNotNull(javaOpts, "the agent container sets no JAVA_OPTS");
        assertEquals(Deployment.JAVA_OPTS, javaOpts.get("value"), "JAVA_OPTS");
    }

    @Test
    void everyPathTheAgentReadsIsMounted() throws IOException {
        Map<String, String> hostPaths = new TreeMap<>();
        Map<String, Map<String, Object>> volumes = new TreeMap<>();
        for (Object volume : list(podSpec().get("volumes"))) {
            Map<String, Object> entry = map(volume, "volume");
            volumes.put(String.valueOf(entry.get("name")), entry);
        }
        List<String> mountPaths = new ArrayList<>();
        for (Object mount : list(container().get("volumeMounts"))) {
            Map<String, Object> entry = map(mount, "volumeMount");
            Map<String, Object> volume = volumes.get(String.valueOf(entry.get("name")));
            assertNotNull(volume, "volume " + entry.get("name") + " is not declared");
            mountPaths.add(String.valueOf(entry.get("mountPath")));
            if (volume.get("hostPath") instanceof Map<?, ?> hostPath) {
                hostPaths.put(String.valueOf(entry.get("mountPath")),
                        String.valueOf(hostPath.get("path")));
            }
        }
        for (String path : Deployment.HOST_PATHS) {
            assertEquals(path, hostPaths.get(path), "host path mounted at " + path);
        }
        assertTrue(mountPaths.contains(Deployment.CONFIG_DIR), "config folder mount");
        assertTrue(mountPaths.contains(Deployment.DATA_DIR), "data folder mount");
        String socket = podConfig("org.tarsier.container.cfg").getProperty("dockerSocket");
        assertTrue(mountPaths.stream().anyMatch(path -> socket.startsWith(path + "/")),
                "Docker socket " + socket + " is under no mount of " + mountPaths);
        String socketHostPath = socket.replaceFirst("^/host", "");
        assertTrue(hostPaths.containsValue(Path.of(socketHostPath).getParent().toString()),
                "no host path volume holds " + socketHostPath);
    }

    @Test
    void probesUseHealthEndpoint() {
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> httpGet = map(path(container(), probe, "httpGet"), probe);
            assertEquals("metrics", httpGet.get("port"), probe + " port");
            assertTrue(Set.of("/healthz", "/readyz", "/livez").contains(httpGet.get("path")),
                    probe + " path " + httpGet.get("path"));
        }
    }

    @Test
    void configMapMatchesRuntimeEtc() throws IOException {
        Map<String, Object> data = map(path(objects.get("ConfigMap/tarsier-config"), "data"),
                "tarsier-config data");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(Deployment.home().resolve("runtime/etc"))) {
            list.filter(file -> file.toString().endsWith(".cfg"))
                    .forEach(file -> files.add(file.getFileName().toString()));
        }
        assertEquals(files, new TreeSet<>(data.keySet()), "tarsier-config keys");
        for (String file : files) {
            Properties expected = runtimeConfig(file);
            Properties actual = podConfig(file);
            assertEquals(new TreeSet<>(expected.stringPropertyNames()),
                    new TreeSet<>(actual.stringPropertyNames()), "properties of " + file);
            for (String property : expected.stringPropertyNames()) {
                String value = OVERRIDES.getOrDefault(file + "/" + property,
                        expected.getProperty(property));
                assertEquals(value, actual.getProperty(property), file + " " + property);
            }
        }
    }

    @Test
    void rulesConfigMapMatchesRulesFolder() throws IOException {
        Path rules = Deployment.home().resolve("runtime/etc/rules.d");
        Map<String, Object> data = map(path(objects.get("ConfigMap/tarsier-rules"), "data"),
                "tarsier-rules data");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(rules)) {
            list.forEach(file -> files.add(file.getFileName().toString()));
        }
        assertEquals(files, new TreeSet<>(data.keySet()), "tarsier-rules keys");
        for (String file : files) {
            assertEquals(Files.readString(rules.resolve(file)).strip(),
                    String.valueOf(data.get(file)).strip(), "content of rules.d/" + file);
        }
        Set<String> projected = new TreeSet<>();
        for (Object volume : list(podSpec().get("volumes"))) {
            Map<String, Object> entry = map(volume, "volume");
            if (!"config".equals(entry.get("name"))) {
                continue;
            }
            for (Object source : list(path(entry, "projected", "sources"))) {
                Object configMap = map(source, "projected source").get("configMap");
                if (configMap instanceof Map<?, ?> rulesMap
                        && "tarsier-rules".equals(rulesMap.get("name"))) {
                    for (Object item : list(rulesMap.get("items"))) {
                        Map<String, Object> mapping = map(item, "item");
                        assertEquals("rules.d/" + mapping.get("key"), mapping.get("path"),
                                "path of rules key " + mapping.get("key"));
                        projected.add(String.valueOf(mapping.get("key")));
                    }
                }
            }
        }
        assertEquals(files, projected, "rules files projected into " + Deployment.CONFIG_DIR);
    }

    @Test
    void fieldsMatchKubernetesModels() throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                Deployment.home().resolve("deploy/test/src/test/python/check_fields.py")
                        .toString()));
        try (Stream<Path> walk = Files.walk(kubernetes)) {
            walk.filter(path -> path.toString().endsWith(".yaml")).sorted()
                    .forEach(path -> command.add(path.toString()));
        }
        Command.Result result = Command.run(command, 120);
        assertEquals("", result.stderr(), "check_fields.py error output (is the Debian package"
                + " python3-kubernetes installed?)");
        assertEquals(0, result.exitCode(), "fields the Kubernetes API does not have:\n"
                + result.stdout());
        assertTrue(result.stdout().contains("DaemonSet/tarsier: ok"),
                "the DaemonSet was not checked:\n" + result.stdout());
    }

    @Test
    void prometheusRuleWrapsAlertingRules() throws IOException {
        Map<String, Object> rules = map(yaml().load(Files.readString(Deployment.home()
                .resolve("deploy/prometheus/tarsier-rules.yml"))), "tarsier-rules.yml");
        assertEquals(rules.get("groups"),
                path(objects.get("PrometheusRule/tarsier"), "spec", "groups"),
                "PrometheusRule groups");
    }

    private Map<String, Object> podSpec() {
        return map(path(objects.get("DaemonSet/tarsier"), "spec", "template", "spec"),
                "pod spec");
    }

    private Map<String, Object> container() {
        for (Object container : list(podSpec().get("containers"))) {
            Map<String, Object> entry = map(container, "container");
            if ("agent".equals(entry.get("name"))) {
                return entry;
            }
        }
        throw new AssertionError("the DaemonSet has no container named agent");
    }

    private Map<String, Object> containerPort(String name) {
        for (Object port : list(container().get("ports"))) {
            Map<String, Object> entry = map(port, "port");
            if (name.equals(entry.get("name"))) {
                return entry;
            }
        }
        throw new AssertionError("the agent container has no port named " + name);
    }

    private Properties podConfig(String file) throws IOException {
        Object text = map(path(objects.get("ConfigMap/tarsier-config"), "data"), "data")
                .get(file);
        assertNotNull(text, "tarsier-config has no key " + file);
        Properties properties = new Properties();
        properties.load(new StringReader(String.valueOf(text)));
        return properties;
    }

    private static Properties runtimeConfig(String file) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(
                Deployment.home().resolve("runtime/etc").resolve(file))));
        return properties;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static Object path(Map<String, Object> root, String... keys) {
        Object node = root;
        StringBuilder walked = new StringBuilder();
        for (String key : keys) {
            walked.append('.').append(key);
            node = map(node, walked.toString()).get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where) {
        if (!(node instanceof Map<?, ?>)) {
            throw new AssertionError(where + " is not a YAML mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    private static List<Object> list(Object node) {
        if (!(node instanceof List<?> items)) {
            throw new AssertionError("expected a YAML sequence, found: " + node);
        }
        return new ArrayList<>(items);
    }
}
