package org.tarsier.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Unix datagram socket that receives systemd notifications as systemd's NOTIFY_SOCKET does.
 *
 * <p>The JDK cannot bind Unix datagram sockets, so a python3 process binds the socket and
 * appends each datagram as one line to a file; it is stopped by its pid on {@link #close}.
 */
final class NotifySocket implements AutoCloseable {

    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1])",
            "out = open(sys.argv[2], 'a', buffering=1)",
            "out.write('BOUND\\n')",
            "while True:",
            "    out.write(s.recv(4096).decode().replace('\\n', ' ') + '\\n')");

    private final Path socket;
    private final Path received;
    private final Process process;

    NotifySocket(Path folder) throws IOException, InterruptedException {
        socket = folder.resolve("notify.sock");
        received = folder.resolve("notify.txt");
        process = new ProcessBuilder("python3", "-c", RECEIVER, socket.toString(),
                received.toString()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("notify.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!messages().contains("BOUND")) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException("python3 did not bind " + socket + "; see "
                        + folder.resolve("notify.log"));
            }
            Thread.sleep(50);
        }
    }

    /** Returns the NOTIFY_SOCKET value for the agent. */
    String path() {
        return socket.toString();
    }

    /** Returns the datagrams received so far, one per element, after the BOUND marker. */
    List<String> messages() throws IOException {
        return Files.exists(received) ? Files.readAllLines(received) : List.of();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
