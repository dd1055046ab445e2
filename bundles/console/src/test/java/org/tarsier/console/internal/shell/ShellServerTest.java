package org.tarsier.console.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

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
 * The shell server on a real Unix domain socket, running command lines in the real Gogo runtime
 * (CommandProcessorImpl of gogo.runtime 1.1.6) outside a framework.
 */
@Timeout(60)
class ShellServerTest {

    private static ThreadIOImpl threadIO;

    @TempDir
    Path folder;

    private final List<String> logLines = RecordingLogger.newLines();
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
    void createProcessor() {
        processor = new CommandProcessorImpl(threadIO);
        Object probeCommands = ProbeCommandsAccess.withProbe("process");
        for (String function : List.of("list", "load", "unload", "info")) {
            processor.addCommand("probe", probeCommands, function);
        }
        for (String function : List.of("shout", "warn", "tell", "fail", "block", "chatter")) {
            processor.addCommand("test", testCommands, function);
        }
        socket = folder.resolve("run/shell.sock");
    }

    @AfterEach
    void stop() {
        testCommands.open();
        if (server != null) {
            server.close();
        }
        processor.stop();
    }

    private ShellServer start(int maxClients) throws IOException {
        server = ShellServer.start(socket, maxClients, new GogoSessions(processor),
                RecordingLogger.create(logLines));
        return server;
    }

    @Test
    void commandResultEndsWithOkLine() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            assertEquals(List.of(
                    "NAME     STATE     PROGRAMS  EVENTS  DROPS  LAST ERROR",
                    "process  UNLOADED         0       0      0",
                    ".end ok"), client.run("probe:list"));
        }
    }

    @Test
    void failedCommandSendsMessageAndErrorLine() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            assertEquals(List.of(
                    ".stderr probe not found: proc. Known probes: process",
                    ".end error"), client.run("probe:load proc"));
        }
    }

    @Test
    void unknownCommandIsAnError() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            List<String> reply = client.run("nosuch:command");

            assertEquals(".end error", reply.getLast());
            assertTrue(reply.getFirst().startsWith(".stderr "), reply.toString());
            assertTrue(reply.getFirst().contains("nosuch:command"), reply.toString());
        }
    }

    @Test
    void printedOutputIsForwarded() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            assertEquals(List.of("hello", ".end ok"), client.run("test:shout hello"));
            assertEquals(List.of(".stderr careful", ".end ok"), client.run("test:warn careful"));
            assertEquals(List.of("..dotted", ".end ok"), client.run("test:shout .dotted"));
        }
    }

    @Test
    void connectionServesManyCommandsWithOneSession() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            client.run("name = process");

            assertEquals(List.of("process", ".end ok"), client.run("test:tell $name"));
            assertEquals(".end ok", client.run("probe:info $name").getLast());
        }
    }

    @Test
    void blankLineGetsOkLine() throws IOException {
        start(2);
        try (TestClient client = new TestClient(socket)) {
            assertEquals(List.of(".end ok"), client.run("   "));
        }
    }

    @Test
    void clientsAreServedAtTheSameTime() throws Exception {
        start(2);
        try (TestClient blocked = new TestClient(socket);
                TestClient other = new TestClient(socket)) {
            blocked.send("test:block\n");
            assertTrue(testCommands.awaitBlocked());

            assertEquals(".end ok", other.run("probe:list").getLast());

            testCommands.open();
            assertEquals(List.of("released", ".end ok"), blocked.readReply());
        }
    }

    @Test
    void clientBeyondMaximumIsRejected() throws IOException {
        start(1);
        try (TestClient first = new TestClient(socket)) {
            assertEquals(List.of(".end ok"), first.run(""));
            try (TestClient second = new TestClient(socket)) {
                assertEquals(List.of(
                        ".stderr too many shell clients: 1 are connected, the maximum;"
                                + " try again later",
                        ".end error"), second.readReply());
                assertTrue(second.isClosedByServer());
            }
        }
        assertEquals(".end ok", runWhenServed("probe:list").getLast());
    }

    @Test
    void clientLeavingDuringCommandFreesItsSlot() throws Exception {
        start(1);
        TestClient leaving = new TestClient(socket);
        leaving.send("test:block\n");
        assertTrue(testCommands.awaitBlocked());
        leaving.close();

        testCommands.open();

        assertEquals(".end ok", runWhenServed("probe:list").getLast());
    }

    @Test
    void clientLeavingStopsPrintingCommand() throws Exception {
        start(1);
        TestClient leaving = new TestClient(socket);
        leaving.send("test:chatter\n");
        assertEquals("still running", leaving.readLine());

        leaving.close();

        assertTrue(testCommands.awaitInterrupted());
        assertEquals(".end ok", runWhenServed("probe:list").getLast());
    }

    @Test
    void overlongLineIsRejectedAndConnectionClosed() throws IOException {
        start(1);
        try (TestClient client = new TestClient(socket)) {
            String line = "x".repeat(ShellProtocol.MAX_COMMAND_BYTES + 1);

            assertEquals(List.of(
                    ".stderr command line longer than " + ShellProtocol.MAX_COMMAND_BYTES
                            + " bytes",
                    ".end error"), client.run(line));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void socketIsOwnerOnlyInOwnerOnlyFolder() throws IOException {
        start(1);

        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void existingFolderKeepsItsMode() throws IOException {
        Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(socket.getParent(),
                PosixFilePermissions.fromString("rwxr-xr-x"));

        start(1);

        assertEquals("rwxr-xr-x",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void staleSocketFileIsReplaced() throws IOException {
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));

        start(1);

        assertEquals(".end ok", runWhenServed("probe:list").getLast());
        assertTrue(logLines.contains(
                "info: Deleted the stale shell socket {}: no process listened on it"),
                logLines::toString);
    }

    @Test
    void listeningSocketIsNotTakenOver() throws IOException {
        ShellServer first = start(1);

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> ShellServer.start(socket, 1, new GogoSessions(processor),
                        RecordingLogger.create(logLines)));
        assertTrue(e.getMessage().contains("another process listens"), e.getMessage());
        assertEquals(first, server);
        assertEquals(".end ok", runWhenServed("probe:list").getLast());
    }

    @Test
    void pathThatIsNotSocketIsKept() throws IOException {
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "not a socket");

        FileAlreadyExistsException e =
                assertThrows(FileAlreadyExistsException.class, () -> start(1));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("not a socket", Files.readString(socket));
    }

    @Test
    void closeDeletesSocketFile() throws IOException {
        start(1).close();
        server = null;

        assertFalse(Files.exists(socket));
    }

    @Test
    void closeStopsRunningCommand() throws Exception {
        start(1);
        try (TestClient client = new TestClient(socket)) {
            client.send("test:block\n");
            assertTrue(testCommands.awaitBlocked());

            long started = System.nanoTime();
            server.close();
            server = null;

            assertTrue(System.nanoTime() - started < 4_000_000_000L, "close took over 4 s");
            assertTrue(testCommands.awaitInterrupted());
            assertTrue(client.isClosedByServer());
        }
    }

    /** Runs a command as soon as the server has a free slot again, retrying for 10 s. */
    private List<String> runWhenServed(String commandLine) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (TestClient client = new TestClient(socket)) {
                List<String> reply = client.run(commandLine);
                boolean busy = !reply.isEmpty() && reply.getFirst().contains("too many");
                if (!busy || System.nanoTime() > deadline) {
                    return reply;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
