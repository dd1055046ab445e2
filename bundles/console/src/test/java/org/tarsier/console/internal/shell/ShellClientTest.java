package org.tarsier.console.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.console.internal.command.ProbeCommandsAccess;

/**
 * runtime/bin/ShellClient.java, run by the JDK's source launcher in a child process, against the
 * shell server on a real socket with the real Gogo runtime.
 */
@Timeout(120)
class ShellClientTest {

    private static final Path CLIENT = Path.of(System.getProperty("tarsier.shell.client",
            "../../runtime/bin/ShellClient.java")).toAbsolutePath();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private static ThreadIOImpl threadIO;

    /** Exit code and output of one client run. */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    @TempDir
    Path folder;

    private final TestCommands testCommands = new TestCommands();
    private CommandProcessorImpl processor;
    private Path socket;
    private ShellServer server;

    @BeforeAll
    static void startThreadIO() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
    }

    @AfterAll
    static void stopThreadIO() {
        threadIO.stop();
    }

    @BeforeEach
    void startServer() throws IOException {
        assertTrue(Files.isRegularFile(CLIENT), "client not found: " + CLIENT);
        processor = new CommandProcessorImpl(threadIO);
        Object probeCommands = ProbeCommandsAccess.withProbe("process");
        for (String function : List.of("list", "load")) {
            processor.addCommand("probe", probeCommands, function);
        }
        for (String function : List.of("shout", "warn", "fail", "block")) {
            processor.addCommand("test", testCommands, function);
        }
        socket = folder.resolve("shell.sock");
        server = startServer(socket, 1);
    }

    @AfterEach
    void stopServer() {
        testCommands.open();
        server.close();
        processor.stop();
    }

    private ShellServer startServer(Path path, int maxClients) throws IOException {
        return ShellServer.start(path, maxClients, new GogoSessions(processor),
                RecordingLogger.create(RecordingLogger.newLines()));
    }

    @Test
    void successfulCommandExitsZero() throws Exception {
        Run run = client("", "--socket", socket.toString(), "probe:list");

        assertEquals(0, run.exitCode());
        assertEquals("NAME     STATE     PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "process  UNLOADED         0       0      0\n", run.stdout());
        assertEquals("", run.stderr());
    }

    @Test
    void wordsAreJoinedIntoOneCommand() throws Exception {
        Run run = client("", "--socket=" + socket, "test:shout", ".dotted");

        assertEquals(0, run.exitCode());
        assertEquals(".dotted\n", run.stdout());
    }

    @Test
    void failedCommandExitsOneWithMessageOnStderr() throws Exception {
        Run run = client("", "--socket", socket.toString(), "probe:load nope");

        assertEquals(1, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals("probe not found: nope. Known probes: process\n", run.stderr());
    }

    @Test
    void commandStderrGoesToStderr() throws Exception {
        Run run = client("", "--socket", socket.toString(), "test:warn careful");

        assertEquals(0, run.exitCode());
        assertEquals("careful\n", run.stderr());
    }

    @Test
    void missingSocketExitsTwo() throws Exception {
        Path missing = folder.resolve("missing.sock");

        Run run = client("", "--socket", missing.toString(), "probe:list");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains(missing.toString()), run.stderr());
        assertTrue(run.stderr().contains("The agent is not running"), run.stderr());
    }

    @Test
    void staleSocketExitsTwo() throws Exception {
        Path stale = folder.resolve("stale.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(stale));
        }

        Run run = client("", "--socket", stale.toString(), "probe:list");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("nothing listens on it"), run.stderr());
    }

    @Test
    void busyServerExitsOne() throws Exception {
        try (TestClient holder = new TestClient(socket)) {
            holder.send("test:block\n");
            assertTrue(testCommands.awaitBlocked());

            Run run = client("", "--socket", socket.toString(), "probe:list");

            assertEquals(1, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("too many shell clients"), run.stderr());
        }
    }

    @Test
    void interactiveModeRunsLinesUntilExit() throws Exception {
        String input = "probe:list\n\ntest:fail boom\ntest:shout after\nexit\ntest:shout never\n";
        Run run = client(input, "--socket", socket.toString());

        assertEquals(0, run.exitCode());
        assertEquals("NAME     STATE     PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "process  UNLOADED         0       0      0\n"
                + "after\n", run.stdout());
        assertEquals("boom\n", run.stderr());
    }

    @Test
    void interactiveModeEndsAtEndOfInput() throws Exception {
        Run run = client("test:shout one\n", "--socket", socket.toString());

        assertEquals(0, run.exitCode());
        assertEquals("one\n", run.stdout());
    }

    @Test
    void otherUserIsDeniedBySocketMode() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        Path open = Files.createTempDirectory(Path.of("/tmp"), "tarsier-shell-");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shared = open.resolve("shell.sock");
        try (ShellServer sharedServer = startServer(shared, 1)) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv",
                    "--reuid=65534", "--regid=65534", "--clear-groups"));
            command.addAll(javaCommand("--socket", shared.toString(), "probe:list"));

            Run run = execute(command, "");

            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("permission denied"), run.stderr());
        } finally {
            Files.deleteIfExists(shared);
            Files.deleteIfExists(open);
        }
    }

    private Run client(String input, String... args) throws Exception {
        return execute(javaCommand(args), input);
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), CLIENT.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Run execute(List<String> command, String input) throws Exception {
        Process process = new ProcessBuilder(command).directory(Path.of("/").toFile()).start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(
                () -> read(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(
                () -> read(process.getErrorStream()));
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "client did not exit in 60 s");
        return new Run(process.exitValue(), stdout.get(), stderr.get());
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
