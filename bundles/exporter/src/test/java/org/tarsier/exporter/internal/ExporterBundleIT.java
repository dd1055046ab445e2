package org.tarsier.exporter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import com.sun.net.httpserver.HttpServer;

/**
 * Boots Felix with only SCR, Event Admin, Config Admin, the Log Service, the API bundle and the
 * exporter bundle as built, then scrapes the endpoint and reads the alert file.
 *
 * <p>The test talks to the framework through reflection on classes loaded from the bundles,
 * because the framework does not share the test's copies of the OSGi and Tarsier APIs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExporterBundleIT {

    private static final List<String> RUNTIME_BUNDLES = List.of(
            "org.osgi.util.function-", "org.osgi.util.promise-", "org.osgi.service.component-",
            "org.apache.felix.log-", "org.apache.felix.configadmin-",
            "org.apache.felix.eventadmin-", "org.apache.felix.scr-");

    @TempDir
    static Path dir;

    private static Framework framework;
    private static Bundle api;
    private static Bundle exporter;
    private static int port;
    private static Path alerts;
    private static ServiceRegistration<?> probeRegistration;
    private static HttpServer webhook;
    private static final List<String> WEBHOOK_BODIES = new CopyOnWriteArrayList<>();

    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void startFramework() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("org.osgi.framework.storage", dir.resolve("cache").toString());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        config.put("org.apache.felix.log.maxSize", "10000");
        // Felix 7.0.5 on JDK 25 exports com.sun.net.httpserver without this line too. The runtime
        // names it explicitly, and so does this test.
        config.put("org.osgi.framework.system.packages.extra", "com.sun.net.httpserver");
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(config);
        framework.start();
        BundleContext context = framework.getBundleContext();

        List<Bundle> installed = new ArrayList<>();
        for (String prefix : RUNTIME_BUNDLES) {
            installed.add(context.installBundle(location(classpathEntry(prefix))));
        }
        api = context.installBundle(location(classpathEntry("tarsier-api")));
        installed.add(api);
        for (Bundle bundle : installed) {
            bundle.start();
        }

        port = freePort();
        alerts = dir.resolve("out/alerts.jsonl");
        configure("org.tarsier.exporter", Map.of("port", port));
        configure("org.tarsier.output.jsonl", Map.of("alerts.path", alerts.toString()));
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", exchange -> {
            WEBHOOK_BODIES.add(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        configure("org.tarsier.output.webhook", Map.of("enabled", "true",
                "url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"));

        String exporterJar = System.getProperty("tarsier.exporter.bundle");
        assertNotNull(exporterJar, "system property tarsier.exporter.bundle is not set");
        exporter = context.installBundle(location(exporterJar));
        exporter.start();
    }

    @AfterAll
    static void stopFramework() throws Exception {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    @Test
    @Order(1)
    void exporterBundleActive() {
        assertEquals(Bundle.ACTIVE, exporter.getState());
    }

    @Test
    @Order(2)
    void scrapeServesJvmMetrics() throws Exception {
        String metrics = awaitScrape(body -> body.contains("jvm_threads_live_threads"));

        assertTrue(metrics.contains("process_uptime_seconds"), metrics);
    }

    @Test
    @Order(3)
    void postedEventsAndAlertsCounted() throws Exception {
        postEvent("org/tarsier/event/process/EXEC", Map.of("tarsier.probe", "process"));
        postEvent("org/tarsier/alert/rules", Map.of("tarsier.alert", newAlert("it-1")));

        String metrics = awaitScrape(body -> body.contains("tarsier_alerts_total{"));

        assertTrue(metrics.contains("tarsier_events_total{probe=\"process\",type=\"EXEC\"} 1.0"),
                metrics);
        assertTrue(metrics.contains(
                "tarsier_alerts_total{detector=\"rules\",priority=\"Critical\","
                        + "rule=\"it rule\"} 1.0"),
                metrics);
        assertTrue(metrics.contains("tarsier_output_written_total{output=\"jsonl-alerts\"}"),
                metrics);
    }

    @Test
    @Order(4)
    void webhookReceivesPostedAlert() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (WEBHOOK_BODIES.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertEquals(1, WEBHOOK_BODIES.size(), logLines());
        assertTrue(WEBHOOK_BODIES.get(0).contains("\"id\":\"it-1\""), WEBHOOK_BODIES.get(0));
        assertTrue(awaitScrape(body -> body.contains(
                "tarsier_output_written_total{output=\"webhook\"} 1.0")).contains(
                "tarsier_output_dropped_total{output=\"webhook\"} 0.0"));
    }

    @Test
    @Order(5)
    void probeServiceFollowed() throws Exception {
        registerProbe("it-probe");
        awaitScrape(body -> body.contains("tarsier_probe_loaded{probe=\"it-probe\"} 1.0"));

        probeRegistration.unregister();

        awaitScrape(body -> !body.contains("it-probe"));
    }

    @Test
    @Order(6)
    void alertFileCompleteAfterBundleStop() throws Exception {
        exporter.stop();

        List<String> lines = Files.readAllLines(alerts);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"id\":\"it-1\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"priority\":\"Critical\""), lines.get(0));
    }

    private String awaitScrape(Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).build();
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                last = response.body();
                if (response.statusCode() == 200 && condition.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        fail("scrape did not match within 20 s; last response:\n" + last + "\nlog:\n"
                + logLines() + "\nthreads:\n" + threadDump());
        return last;
    }

    private static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            out.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                out.append("    ").append(frame).append('\n');
            }
        });
        return out.toString();
    }

    /** Returns the entries of the Log Service, newest first, one per line. */
    private static String logLines() throws Exception {
        ServiceReference<?> reference = awaitService("org.osgi.service.log.LogReaderService");
        Object reader = framework.getBundleContext().getService(reference);
        Class<?> readerType =
                reference.getBundle().loadClass("org.osgi.service.log.LogReaderService");
        Class<?> entryType = reference.getBundle().loadClass("org.osgi.service.log.LogEntry");
        StringBuilder lines = new StringBuilder();
        var entries = (java.util.Enumeration<?>) readerType.getMethod("getLog").invoke(reader);
        while (entries.hasMoreElements()) {
            Object entry = entries.nextElement();
            lines.append(entryType.getMethod("getLogLevel").invoke(entry)).append(' ')
                    .append(entryType.getMethod("getMessage").invoke(entry)).append(' ')
                    .append(entryType.getMethod("getException").invoke(entry)).append('\n');
        }
        return lines.toString();
    }

    private static void configure(String pid, Map<String, Object> properties) throws Exception {
        BundleContext context = framework.getBundleContext();
        ServiceReference<?> reference = awaitService("org.osgi.service.cm.ConfigurationAdmin");
        Object admin = context.getService(reference);
        Class<?> adminType =
                reference.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object configuration = adminType.getMethod("getConfiguration", String.class, String.class)
                .invoke(admin, pid, "?");
        Class<?> configurationType =
                reference.getBundle().loadClass("org.osgi.service.cm.Configuration");
        configurationType.getMethod("update", Dictionary.class)
                .invoke(configuration, new Hashtable<>(properties));
    }

    private static void postEvent(String topic, Map<String, Object> properties) throws Exception {
        BundleContext context = framework.getBundleContext();
        ServiceReference<?> reference = awaitService("org.osgi.service.event.EventAdmin");
        Object eventAdmin = context.getService(reference);
        Class<?> eventType = exporter.loadClass("org.osgi.service.event.Event");
        Object event = eventType.getConstructor(String.class, Map.class)
                .newInstance(topic, properties);
        Class<?> adminType = exporter.loadClass("org.osgi.service.event.EventAdmin");
        adminType.getMethod("postEvent", eventType).invoke(eventAdmin, event);
    }

    /**
     * Waits for a service. getAllServiceReferences is used because the test's class path contains
     * other copies of the OSGi service packages, so getServiceReference would hide the service.
     */
    private static ServiceReference<?> awaitService(String type) throws Exception {
        BundleContext context = framework.getBundleContext();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] references = context.getAllServiceReferences(type, null);
            if (references != null) {
                return references[0];
            }
            Thread.sleep(50);
        }
        StringBuilder states = new StringBuilder();
        for (Bundle bundle : context.getBundles()) {
            states.append('\n').append(bundle.getSymbolicName()).append(' ')
                    .append(bundle.getState());
        }
        fail("no " + type + " service within 20 s; bundle states:" + states);
        return null;
    }

    private static Object newAlert(String id) throws Exception {
        Class<?> alertType = api.loadClass("org.tarsier.api.alert.Alert");
        Class<?> priorityType = api.loadClass("org.tarsier.api.alert.Priority");
        Class<?> containerType = api.loadClass("org.tarsier.api.container.ContainerInfo");
        Constructor<?> constructor = alertType.getDeclaredConstructors()[0];
        Object critical = priorityType.getMethod("parse", String.class).invoke(null, "critical");
        Object host = containerType.getField("HOST_INFO").get(null);
        return constructor.newInstance(id, Instant.now(), "rules", "it rule", critical,
                "integration test", Map.of("proc.pid", 1), List.of(), Map.of(), host);
    }

    private static void registerProbe(String name) throws Exception {
        Class<?> probeType = api.loadClass("org.tarsier.api.probe.Probe");
        Class<?> stateType = api.loadClass("org.tarsier.api.probe.ProbeState");
        Object loaded = stateType.getField("LOADED").get(null);
        Object probe = Proxy.newProxyInstance(probeType.getClassLoader(),
                new Class<?>[] {probeType}, (proxy, method, args) -> probeMethod(
                        method, name, loaded, proxy, args));
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("tarsier.probe", name);
        probeRegistration = framework.getBundleContext()
                .registerService(probeType.getName(), probe, properties);
    }

    private static Object probeMethod(Method method, String name, Object loaded, Object proxy,
            Object[] args) {
        return switch (method.getName()) {
            case "name", "toString" -> name;
            case "state" -> loaded;
            case "dropCounts", "eventCounts" -> Map.of("ringbuf", 0L);
            case "programs" -> List.of();
            case "lastError" -> "";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        };
    }

    private static String classpathEntry(String namePrefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            boolean apiClasses = namePrefix.equals("tarsier-api")
                    && entry.contains("bundles" + File.separator + "api" + File.separator);
            if (path.getFileName().toString().startsWith(namePrefix) || apiClasses) {
                return entry;
            }
        }
        fail("no class path entry starts with " + namePrefix);
        return null;
    }

    private static String location(String path) {
        // "reference:" lets Felix install a folder with a manifest, such as target/classes.
        return "reference:" + Path.of(path).toUri();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
