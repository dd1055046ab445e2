package org.tarsier.detector.rules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Boots Felix with SCR, Event Admin, Config Admin, the Log Service, the API bundle and the rules
 * bundle as built, posts events and watches alerts and reloads.
 *
 * <p>The test reaches the framework's classes through reflection, because the framework does not
 * share the test's copies of the OSGi and Tarsier APIs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesBundleIT {

    private static final List<String> RUNTIME_BUNDLES = List.of(
            "org.osgi.util.function-", "org.osgi.util.promise-", "org.osgi.service.component-",
            "org.apache.felix.log-", "org.apache.felix.configadmin-",
            "org.apache.felix.eventadmin-", "org.apache.felix.scr-");

    private static final String CUSTOM = """
            - rule: IT custom
              desc: integration test rule
              output: custom rule saw %proc.cmdline
              priority: ERROR
              condition: evt.type = execve and proc.name = it-marker
            """;

    @TempDir
    static Path dir;

    private static Framework framework;
    private static Bundle api;
    private static Bundle rules;
    private static Path rulesDir;
    private static final List<Object> ALERTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFramework() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("org.osgi.framework.storage", dir.resolve("cache").toString());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
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

        rulesDir = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(rulesDir.resolve("10-custom.yaml"), CUSTOM);
        configure("org.tarsier.detector.rules", Map.of("rules.dir", rulesDir.toString(),
                "reload.debounce.ms", 100L));

        String jar = System.getProperty("tarsier.rules.bundle");
        assertNotNull(jar, "system property tarsier.rules.bundle is not set");
        rules = context.installBundle(location(jar));
        rules.start();
        subscribeToAlerts();
    }

    @AfterAll
    static void stopFramework() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    @Test
    @Order(1)
    void rulesBundleActive() throws Exception {
        assertEquals(Bundle.ACTIVE, rules.getState());
        await(() -> status("loadedRules") instanceof Integer n && n > 25, "rules loaded");
    }

    @Test
    @Order(2)
    void shellInContainerRaisesAlert() throws Exception {
        postExec("/bin/sh", List.of("sh", "-c", "id"));

        await(() -> alertRules().contains("Shell spawned in container"), "shell alert");
        assertTrue(alertRules().contains("Shell spawned in container"), alertRules().toString());
    }

    @Test
    @Order(3)
    void folderRuleFires() throws Exception {
        postExec("/usr/local/bin/it-marker", List.of("it-marker", "--once"));

        await(() -> alertRules().contains("IT custom"), "custom rule alert");
    }

    @Test
    @Order(4)
    void brokenFileKeepsRulesAndReportsError() throws Exception {
        long failed = (long) status("failedReloads");
        Files.writeString(rulesDir.resolve("20-broken.yaml"),
                "- rule: Broken\n  output: o\n  priority: INFO\n  condition: proc.nme = x\n");

        await(() -> (long) status("failedReloads") > failed, "rejected reload");
        String error = (String) status("lastError");
        assertTrue(error.startsWith(rulesDir.resolve("20-broken.yaml") + ":4:14"), error);
        assertEquals(status("failedReloads"), detectorStatus("reloadErrors"));
        assertEquals(error, detectorStatus("lastError"));
        assertEquals(status("reloadCount"), detectorStatus("reloads"));

        ALERTS.clear();
        postExec("/usr/local/bin/it-marker", List.of("it-marker"));
        await(() -> alertRules().contains("IT custom"), "custom rule alert after bad reload");
    }

    @Test
    @Order(5)
    void fixedFileIsReloaded() throws Exception {
        long reloads = (long) status("reloadCount");
        Files.writeString(rulesDir.resolve("20-broken.yaml"), "- rule: IT custom\n"
                + "  enabled: false\n");

        await(() -> (long) status("reloadCount") > reloads, "reload after fix");
        assertEquals(status("reloadCount"), detectorStatus("reloads"));
        assertEquals("", detectorStatus("lastError"));
        assertEquals(status("failedReloads"), detectorStatus("reloadErrors"));
        assertNotNull(detectorStatus("lastReload"));
        Map<?, ?> gauges = (Map<?, ?>) detectorStatus("gauges");
        assertEquals(((Integer) status("loadedRules")).doubleValue(), gauges.get("rules_loaded"));
        assertEquals(((Integer) status("loadedRules")).doubleValue() - 1,
                gauges.get("rules_enabled"));
        assertEquals(0.0, gauges.get("rules_skipped"));
        ALERTS.clear();
        postExec("/usr/local/bin/it-marker", List.of("it-marker"));
        postExec("/bin/sh", List.of("sh"));
        await(() -> alertRules().contains("Shell spawned in container"), "shell alert");
        assertTrue(!alertRules().contains("IT custom"), alertRules().toString());
    }

    private static List<String> alertRules() {
        List<String> names = new ArrayList<>();
        for (Object alert : ALERTS) {
            try {
                names.add((String) alert.getClass().getMethod("rule").invoke(alert));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    @Test
    @Order(6)
    void detectorServiceNamedRules() throws Exception {
        ServiceReference<?> reference = awaitService("org.tarsier.api.detector.Detector");

        assertEquals("rules", reference.getProperty("tarsier.detector"));
        assertEquals(0L, (long) detectorStatus("alertsSuppressed"));
    }

    /** Returns one component of the {@code DetectorStatus} of the rules detector's service. */
    private static Object detectorStatus(String component) {
        try {
            ServiceReference<?> reference = awaitService("org.tarsier.api.detector.Detector");
            Object detector = framework.getBundleContext().getService(reference);
            Class<?> detectorType = api.loadClass("org.tarsier.api.detector.Detector");
            Object status = detectorType.getMethod("status").invoke(detector);
            return status.getClass().getMethod(component).invoke(status);
        } catch (Exception e) {
            throw new IllegalStateException("failed to read detector status " + component, e);
        }
    }

    /** Returns one component of the detector's {@code RulesStatus}. */
    private static Object status(String component) {
        try {
            ServiceReference<?> reference =
                    awaitService("org.tarsier.detector.rules.RuleEngine");
            Object engine = framework.getBundleContext().getService(reference);
            Class<?> engineType = rules.loadClass("org.tarsier.detector.rules.RuleEngine");
            Object status = engineType.getMethod("status").invoke(engine);
            return status.getClass().getMethod(component).invoke(status);
        } catch (Exception e) {
            throw new IllegalStateException("failed to read rules status " + component, e);
        }
    }

    private static void subscribeToAlerts() throws Exception {
        Class<?> handlerType = rules.loadClass("org.osgi.service.event.EventHandler");
        Class<?> eventType = rules.loadClass("org.osgi.service.event.Event");
        Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(),
                new Class<?>[] {handlerType}, (proxy, method, args) -> {
                    if (method.getName().equals("handleEvent")) {
                        ALERTS.add(eventType.getMethod("getProperty", String.class)
                                .invoke(args[0], "tarsier.alert"));
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "alert recorder";
                    };
                });
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("event.topics", "org/tarsier/alert/rules");
        framework.getBundleContext().registerService(handlerType.getName(), handler, properties);
    }

    private static void postExec(String filename, List<String> argv) throws Exception {
        Class<?> headerType = api.loadClass("org.tarsier.api.event.EventHeader");
        Class<?> containerType = api.loadClass("org.tarsier.api.container.ContainerInfo");
        Class<?> execType = api.loadClass("org.tarsier.api.event.ExecEvent");
        Object header = headerType.getConstructors()[0].newInstance(System.nanoTime(), 7L, 4242,
                4242, 1, 0, 0, argv.get(0));
        Object container = containerType.getMethod("ofId", String.class, String.class)
                .invoke(null, "docker", "a".repeat(64));
        Object exec = execType.getConstructors()[0].newInstance(header, container, filename,
                argv, false, "/", "docker/x");
        ServiceReference<?> reference = awaitService("org.osgi.service.event.EventAdmin");
        Object eventAdmin = framework.getBundleContext().getService(reference);
        Class<?> eventType = rules.loadClass("org.osgi.service.event.Event");
        Object event = eventType.getConstructor(String.class, Map.class).newInstance(
                "org/tarsier/event/process/EXEC", Map.of("tarsier.event", exec));
        rules.loadClass("org.osgi.service.event.EventAdmin").getMethod("postEvent", eventType)
                .invoke(eventAdmin, event);
    }

    private static void configure(String pid, Map<String, Object> properties) throws Exception {
        ServiceReference<?> reference = awaitService("org.osgi.service.cm.ConfigurationAdmin");
        Object admin = framework.getBundleContext().getService(reference);
        Class<?> adminType =
                reference.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object configuration = adminType.getMethod("getConfiguration", String.class, String.class)
                .invoke(admin, pid, "?");
        Class<?> configurationType =
                reference.getBundle().loadClass("org.osgi.service.cm.Configuration");
        configurationType.getMethod("update", Dictionary.class)
                .invoke(configuration, new Hashtable<>(properties));
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("no " + what + " within 20 s; alerts: " + alertRules());
    }

    /**
     * Waits for a service. getAllServiceReferences also returns services registered against the
     * framework's API copies, which getServiceReference hides from the test.
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
        return "reference:" + Path.of(path).toUri();
    }
}
