/*
 * Client of the Tarsier agent's shell socket: runs Gogo shell commands in a running agent
 * without a network port.
 *
 * Usage (JDK 25 source launcher, no dependencies):
 *   java runtime/bin/ShellClient.java [--socket PATH] ['COMMAND']
 *
 * With a command, the client prints its reply and exits with 0 when the command succeeded, 1 when
 * it failed, 2 when the agent cannot be reached or closes the connection, and 64 on a usage
 * error. Without a command it reads command lines from standard input, showing the prompt
 * "tarsier> " on a terminal, until end of input or "exit", and exits with 0 or 2.
 *
 * The protocol is defined by org.tarsier.console.internal.shell.ShellProtocol in the console
 * bundle. The client sends one command line per line. The reply is made of output lines, with a
 * leading "." doubled, ".stderr TEXT" lines for standard error, and the end line ".end ok" or
 * ".end error".
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Sends command lines to the agent's shell socket and prints the replies. */
public final class ShellClient {

    static final String DEFAULT_SOCKET = "/run/tarsier/shell.sock";
    static final String PROMPT = "tarsier> ";

    static final int EXIT_OK = 0;
    static final int EXIT_COMMAND_FAILED = 1;
    static final int EXIT_UNAVAILABLE = 2;
    static final int EXIT_USAGE = 64;

    private static final String END_OK = ".end ok";
    private static final String END_ERROR = ".end error";
    private static final String STDERR_PREFIX = ".stderr ";

    /** Result of {@link #readReply()} when the connection ends before the end line. */
    private static final int CONNECTION_LOST = -1;

    private final SocketChannel channel;
    private final BufferedReader replies;
    private final PrintStream out;
    private final PrintStream err;

    private ShellClient(SocketChannel channel, PrintStream out, PrintStream err) {
        this.channel = channel;
        this.replies = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path socket = Path.of(DEFAULT_SOCKET);
        List<String> words = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
            } else if (optionsEnded || !words.isEmpty() || !arg.startsWith("-")) {
                words.add(arg);
            } else if (arg.equals("-h") || arg.equals("--help")) {
                printUsage(System.out);
                return EXIT_OK;
            } else if (arg.equals("--socket") && i + 1 < args.length) {
                socket = Path.of(args[++i]);
            } else if (arg.startsWith("--socket=")) {
                socket = Path.of(arg.substring("--socket=".length()));
            } else {
                System.err.println("unknown or incomplete option: " + arg);
                printUsage(System.err);
                return EXIT_USAGE;
            }
        }
        String command = String.join(" ", words);
        if (command.contains("\n") || command.contains("\r")) {
            System.err.println("the command must be one line; send several lines interactively");
            return EXIT_USAGE;
        }

        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            System.err.println(describeConnectFailure(socket, e));
            return EXIT_UNAVAILABLE;
        }
        try (channel) {
            ShellClient client = new ShellClient(channel, System.out, System.err);
            return words.isEmpty() ? client.interact() : client.runOne(command);
        } catch (IOException e) {
            System.err.println(
                    "connection to the agent on " + socket + " failed: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
    }

    /** Sends one command and returns the exit code of its reply. */
    private int runOne(String command) throws IOException {
        int status = exchange(command);
        return status == CONNECTION_LOST ? EXIT_UNAVAILABLE : status;
    }

    /** Reads command lines from standard input until end of input or "exit". */
    private int interact() throws IOException {
        BufferedReader input =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean terminal = System.console() != null && System.console().isTerminal();
        while (true) {
            if (terminal) {
                out.print(PROMPT);
                out.flush();
            }
            String line = input.readLine();
            if (line == null || line.strip().equals("exit")) {
                return EXIT_OK;
            }
            if (!line.isBlank() && exchange(line) == CONNECTION_LOST) {
                return EXIT_UNAVAILABLE;
            }
        }
    }

    /**
     * Sends a command, prints its reply and returns {@link #EXIT_OK} or
     * {@link #EXIT_COMMAND_FAILED}, or {@link #CONNECTION_LOST} after printing why.
     */
    private int exchange(String command) throws IOException {
        IOException sendFailure = null;
        try {
            send(command);
        } catch (IOException e) {
            // The agent may have replied and closed before reading, as it does when it serves
            // its maximum number of clients: that reply can still be read.
            sendFailure = e;
        }
        int status = readReply();
        if (status == CONNECTION_LOST) {
            err.println("the agent closed the connection before the reply ended"
                    + (sendFailure == null ? "" : ": " + sendFailure.getMessage()));
        }
        return status;
    }

    private void send(String command) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /**
     * Prints one reply and returns {@link #EXIT_OK} or {@link #EXIT_COMMAND_FAILED} from its end
     * line, or {@link #CONNECTION_LOST} if the stream ended first.
     */
    private int readReply() throws IOException {
        String line;
        while ((line = replies.readLine()) != null) {
            if (line.equals(END_OK)) {
                out.flush();
                return EXIT_OK;
            } else if (line.equals(END_ERROR)) {
                out.flush();
                return EXIT_COMMAND_FAILED;
            } else if (line.startsWith(STDERR_PREFIX)) {
                err.println(line.substring(STDERR_PREFIX.length()));
            } else if (line.startsWith("..")) {
                out.println(line.substring(1));
            } else if (line.startsWith(".")) {
                err.println("unexpected control line from the agent, ignored: " + line);
            } else {
                out.println(line);
            }
        }
        out.flush();
        return CONNECTION_LOST;
    }

    /** Returns why the connection failed and whether the agent seems to run. */
    static String describeConnectFailure(Path socket, IOException e) {
        String prefix = "cannot connect to the Tarsier shell socket " + socket + ": ";
        String reason = String.valueOf(e.getMessage());
        if (reason.contains("Permission denied")) {
            return prefix + "permission denied. The agent may be running, but only root may "
                    + "connect to its socket: run this client as root.";
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return prefix + "the file does not exist. The agent is not running, or it listens on "
                    + "another path (its socket.path setting; pass it with --socket PATH).";
        }
        if (!isSocket(socket)) {
            return prefix + "the path exists but is not a socket. The agent is not running on "
                    + "this path; pass the agent's socket.path with --socket PATH.";
        }
        if (reason.contains("Connection refused")) {
            return prefix + "nothing listens on it (connection refused). The agent is not "
                    + "running; the socket file is left from an earlier run.";
        }
        return prefix + reason;
    }

    private static boolean isSocket(Path path) {
        try {
            // Sockets are neither regular files, folders nor links: "other" on Linux.
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private static void printUsage(PrintStream stream) {
        stream.println("usage: java ShellClient.java [--socket PATH] ['COMMAND']");
        stream.println();
        stream.println("Runs a Gogo shell command in the running Tarsier agent, for example");
        stream.println("'probe:list'. Without COMMAND, reads commands from standard input until");
        stream.println("end of input or 'exit'.");
        stream.println();
        stream.println("  --socket PATH  path of the agent's shell socket, default "
                + DEFAULT_SOCKET);
        stream.println();
        stream.println("Exit status: 0 command succeeded, 1 command failed, 2 agent unreachable,");
        stream.println("64 usage error.");
    }
}
