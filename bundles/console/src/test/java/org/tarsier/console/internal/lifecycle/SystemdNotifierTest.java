package org.tarsier.console.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends notifications to a Unix datagram socket bound by python3, because the JDK cannot bind
 * one; the receiver writes each datagram as one line to a file and is stopped by its pid.
 */
class SystemdNotifierTest {

    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1].replace('@', '\\0', 1) if sys.argv[1][0] == '@' else sys.argv[1])",
            "out = open(sys.argv[2], 'a', buffering=1)",
            "out.write('BOUND\\n')",
            "while True:",
            "    out.write(s.recv(4096).decode() + '\\n')");

    @TempDir
    Path folder;

    private Process receiver;

    @AfterEach
    void stopReceiver() throws InterruptedException {
        if (receiver != null) {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readyReachesPathSocket() throws Exception {
        String socket = folder.resolve("notify.sock").toString();
        Path received = startReceiver(socket);

        String error = new SystemdNotifier(socket).send("READY=1");

        assertEquals("", error);
        assertEquals(List.of("BOUND", "READY=1"), awaitLines(received, 2));
    }

    @Test
    void stoppingReachesAbstractSocket() throws Exception {
        String socket = "@tarsier-test-" + UUID.randomUUID();
        Path received = startReceiver(socket);

        String error = new SystemdNotifier(socket).send("STOPPING=1");

        assertEquals("", error);
        assertEquals(List.of("BOUND", "STOPPING=1"), awaitLines(received, 2));
    }

    @Test
    void missingSocketReturnsError() {
        String error = new SystemdNotifier(folder.resolve("absent.sock").toString())
                .send("READY=1");

        assertTrue(error.startsWith("sendto "), error);
    }

    @Test
    void noSocketDisablesNotifications() {
        SystemdNotifier notifier = new SystemdNotifier(null);

        assertFalse(notifier.enabled());
        assertEquals("", notifier.send("READY=1"));
    }

    private Path startReceiver(String socket) throws IOException, InterruptedException {
        Path received = folder.resolve("received.txt");
        receiver = new ProcessBuilder("python3", "-c", RECEIVER, socket, received.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("python.log").toFile())
                .start();
        awaitLines(received, 1);
        return received;
    }

    private List<String> awaitLines(Path file, int count) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= count) {
                return Files.readAllLines(file);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("receiver wrote fewer than " + count + " lines; python log: "
                + Files.readString(folder.resolve("python.log")));
    }
}
