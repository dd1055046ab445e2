package org.tarsier.console.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The log writer against Felix Log 1.3.0 running in a Felix 7.0.5 framework, which delivers
 * entries to listeners on its own thread.
 */
@Timeout(60)
class LogWriterTest {

    /** An exception outside {@code java.*}, which Felix Log stores as its own LogException. */
    static final class ProbeLoadException extends Exception {

        private static final long serialVersionUID = 1L;

        ProbeLoadException(String message) {
            super(message);
        }
    }

    private static Framework framework;
    private static LogReaderService reader;
    private static Object readerId;
    private static LoggerFactory loggerFactory;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8);
    private Logger logger;
    private String marker;

    @BeforeAll
    static void startFramework(@TempDir Path storage) throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                // The test shares these API classes with the framework.
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "org.osgi.service.log;version=1.5.0,org.osgi.service.log.admin;version=1.0.0",
                "org.osgi.service.log.admin.loglevel", "DEBUG"));
        framework.start();
        BundleContext context = framework.getBundleContext();
        String felixLog = org.apache.felix.log.Activator.class.getProtectionDomain()
                .getCodeSource().getLocation().toString();
        context.installBundle(felixLog).start();

        ServiceReference<LogReaderService> readerReference =
                context.getServiceReference(LogReaderService.class);
        reader = context.getService(readerReference);
        readerId = readerReference.getProperty(Constants.SERVICE_ID);
        loggerFactory = context.getService(context.getServiceReference(LoggerFactory.class));
    }

    @AfterAll
    static void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @BeforeEach
    void createLogger(TestInfo test) {
        marker = test.getTestMethod().orElseThrow().getName();
        logger = loggerFactory.getLogger(framework, marker, Logger.class);
    }

    @Test
    void earlierEntriesAreWrittenOnceOldestFirst() throws Exception {
        logger.info("before 1");
        logger.warn("before 2");
        LogWriter writer = new LogWriter(stream, LogLevel.INFO);

        writer.start(reader, readerId);
        logger.info("after 1");
        awaitLine("after 1");
        writer.stop();

        assertEquals(List.of("before 1", "before 2", "after 1"), messages());
    }

    @Test
    void lineHasTimeLevelBundleAndLogger() throws Exception {
        LogWriter writer = new LogWriter(stream, LogLevel.INFO);
        writer.start(reader, readerId);

        logger.warn("probe tcp not loaded");
        awaitLine("probe tcp not loaded");
        writer.stop();

        String line = lines().getFirst();
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  "
                + "\\[org\\.apache\\.felix\\.framework\\] " + marker + ": probe tcp not loaded"),
                line);
    }

    @Test
    void entriesBelowLevelAreNotWritten() throws Exception {
        LogWriter writer = new LogWriter(stream, LogLevel.WARN);
        writer.start(reader, readerId);

        logger.debug("debug entry");
        logger.info("info entry");
        logger.warn("warn entry");
        logger.error("error entry");
        awaitLine("error entry");
        writer.stop();

        assertEquals(List.of("warn entry", "error entry"), messages());
    }

    @Test
    void entryLoggedJustBeforeStopIsWritten() {
        LogWriter writer = new LogWriter(stream, LogLevel.INFO);
        writer.start(reader, readerId);

        logger.info("last words");
        writer.stop();

        assertEquals(List.of("last words"), messages());
    }

    @Test
    void nextWriterSkipsHistoryAlreadyWritten() throws Exception {
        LogWriter first = new LogWriter(stream, LogLevel.INFO);
        first.start(reader, readerId);
        logger.info("first writer");
        awaitLine("first writer");
        first.stop();

        LogWriter second = new LogWriter(stream, LogLevel.INFO);
        second.start(reader, readerId);
        logger.info("second writer");
        awaitLine("second writer");
        second.stop();

        assertEquals(List.of("first writer", "second writer"), messages());
    }

    @Test
    void bundleExceptionKeepsItsClassName() throws Exception {
        LogWriter writer = new LogWriter(stream, LogLevel.INFO);
        writer.start(reader, readerId);

        logger.error("Probe not loaded", new ProbeLoadException("EPERM"));
        awaitLine("Probe not loaded");
        writer.stop();

        String text = output.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Probe not loaded: " + ProbeLoadException.class.getName()
                + ": EPERM\n\tat "), text);
        assertFalse(text.contains("LogException"), text);
    }

    @Test
    void levelNamesAreParsedIgnoringCase() {
        assertEquals(Optional.of(LogLevel.DEBUG), LogWriter.parseLevel(" debug "));
        assertEquals(Optional.of(LogLevel.WARN), LogWriter.parseLevel("WARN"));
        assertEquals(Optional.empty(), LogWriter.parseLevel("WARNING"));
    }

    /** Returns this test's lines, each the start of one entry. */
    private List<String> lines() {
        return Arrays.stream(output.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(line -> line.contains("] " + marker + ": "))
                .toList();
    }

    private List<String> messages() {
        return lines().stream()
                .map(line -> line.substring(line.indexOf("] " + marker + ": ") + marker.length()
                        + 4))
                .toList();
    }

    /** Waits until a line whose message starts with the given text is written. */
    private void awaitLine(String message) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (messages().stream().noneMatch(written -> written.startsWith(message))) {
            assertTrue(System.nanoTime() < deadline, "not written in 10 s: " + message);
            Thread.sleep(10);
        }
    }
}
