package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Boots Felix with SCR, Event Admin, Config Admin, the Log Service, protobuf-java, the API bundle
 * and the detector bundle as built. Posts feature windows until a model is trained, then a burst
 * window that must raise an alert, and restarts the bundle to check that the model loads from
 * its file through the bundle's embedded Tribuo classes.
 *
 * <p>The test reaches the framework's classes through reflection, because the framework does not
 * share the test's copies of the OSGi and Tarsier APIs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IForestBundleIT {

    private static final List<String> RUNTIME_BUNDLES = List.of(
            "org.osgi.util.function-", "org.osgi.util.promise-", "org.osgi.service.component-",
            "org.apache.felix.log-", "org.apache.felix.configadmin-",
            "org.apache.felix.eventadmin-", "org.apache.felix.scr-", "protobuf-java-");
    private static final List<String> NAMES = List.of("syscalls_total", "execs", "forks",
            "file_writes", "tcp_connects");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final int TRAINING_WINDOWS = 40;

    @TempDir
    static Path dir;

    private static Framework framework;
    private static Bundle api;
    private static Bundle detector;
    private static Path modelDir;
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

        modelDir = Files.createDirectories(dir.resolve("models"));
        configure("org.tarsier.detector.iforest", Map.of("learning.period.s", 60L,
                "min.training.windows", TRAINING_WINDOWS, "model.dir", modelDir.toString(),
                "retrain.interval.s", 0L));

        String jar = System.getProperty("tarsier.iforest.bundle");
        assertNotNull(jar, "system property tarsier.iforest.bundle is not set");
        detector = context.installBundle(location(jar));
        detector.start();
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
    void learntModelIsTrainedAndSaved() throws Exception {
        assertEquals(Bundle.ACTIVE, detector.getState());
        Random random = new Random(3);
        for (int i = 0; i < TRAINING_WINDOWS; i++) {
            postWindow(i, 5000 + 100 * random.nextGaussian(), random.nextInt(3),
                    random.nextInt(3), 10 + random.nextInt(4), 8 + random.nextInt(3));
        }

        await(() -> gauge("models_trained") == 1, "trained model");
        await(() -> Files.exists(modelDir.resolve("tarsier%2Fbusybox%3Adev.model")),
                "model file");
        assertEquals(0, gauge("models_learning"));
    }

    @Test
    @Order(2)
    void burstWindowRaisesAlert() throws Exception {
        postWindow(TRAINING_WINDOWS + 1, 5000, 1, 800, 12, 9);

        await(() -> !ALERTS.isEmpty(), "iforest alert");
        assertEquals("Anomalous container activity", alertProperty("rule"));
        assertTrue(alertProperty("message").toString().contains("forks=800"),
                alertProperty("message").toString());
    }

    @Test
    @Order(3)
    void restartedBundleLoadsSavedModel() throws Exception {
        detector.stop();
        detector.start();

        await(() -> gauge("models_trained") == 1, "model loaded after restart");
        assertEquals(0, gauge("windows_scored"));
    }

    private static Object alertProperty(String component) throws Exception {
        Object alert = ALERTS.get(0);
        return alert.getClass().getMethod(component).invoke(alert);
    }

    /** Returns a gauge of the detector's status, or -1 while the service is missing. */
    private static double gauge(String name) {
        try {
            ServiceReference<?> reference = awaitService("org.tarsier.api.detector.Detector");
            Object service = framework.getBundleContext().getService(reference);
            Class<?> type = api.loadClass("org.tarsier.api.detector.Detector");
            Object status = type.getMethod("status").invoke(service);
            Map<?, ?> gauges = (Map<?, ?>) status.getClass().getMethod("gauges").invoke(status);
            Object value = gauges.get(name);
            return value == null ? -1 : (Double) value;
        } catch (Exception e) {
            throw new IllegalStateException("failed to read detector gauge " + name, e);
        }
    }

    private static void postWindow(int index, double... values) throws Exception {
        Class<?> containerType = api.loadClass("org.tarsier.api.container.ContainerInfo");
        Class<?> windowType = api.loadClass("org.tarsier.api.feature.FeatureWindow");
        Object container = containerType.getConstructors()[0].newInstance("docker",
                "c".repeat(64), "it", "tarsier/busybox:dev", Map.of(), "", "", "");
        Instant start = START.plusSeconds(5L * index);
        Object window = windowType.getConstructors()[0].newInstance(container, start,
                start.plusSeconds(5), NAMES, values);
        ServiceReference<?> reference = awaitService("org.osgi.service.event.EventAdmin");
        Object eventAdmin = framework.getBundleContext().getService(reference);
        Class<?> eventType = detector.loadClass("org.osgi.service.event.Event");
        Object event = eventType.getConstructor(String.class, Map.class).newInstance(
                "org/tarsier/feature/WINDOW", Map.of("tarsier.features", window));
        detector.loadClass("org.osgi.service.event.EventAdmin").getMethod("postEvent", eventType)
                .invoke(eventAdmin, event);
    }

    private static void subscribeToAlerts() throws Exception {
        Class<?> handlerType = detector.loadClass("org.osgi.service.event.EventHandler");
        Class<?> eventType = detector.loadClass("org.osgi.service.event.Event");
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
        properties.put("event.topics", "org/tarsier/alert/iforest");
        framework.getBundleContext().registerService(handlerType.getName(), handler, properties);
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("no " + what + " within 30 s; alerts: " + ALERTS);
    }

    /** Waits for a service, including ones registered against the framework's API copies. */
    private static ServiceReference<?> awaitService(String type) throws Exception {
        BundleContext context = framework.getBundleContext();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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
        fail("no " + type + " service within 30 s; bundle states:" + states);
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
