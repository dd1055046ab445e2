package org.tarsier.console.internal.shell;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Serves one client of the shell socket: reads command lines until the client closes its side,
 * runs each one in the connection's session and sends the reply.
 *
 * <p>A client that disconnects while its command runs is noticed at the next write, when the
 * command prints a line or the reply is sent. The connection then closes its session, which
 * interrupts the command, and its channel. A command that prints nothing runs to its end.
 */
final class ClientConnection implements Runnable {

    private static final String LINE_TOO_LONG = "line-too-long";
    private static final String SESSION_FAILED = "session-failed";

    private final long id;
    private final SocketChannel channel;
    private final ShellSession.Factory sessions;
    private final Logger logger;
    private final RateLimiter warnings;
    private volatile ShellSession session;
    private volatile boolean closed;

    ClientConnection(long id, SocketChannel channel, ShellSession.Factory sessions,
            Logger logger, RateLimiter warnings) {
        this.id = id;
        this.channel = channel;
        this.sessions = sessions;
        this.logger = logger;
        this.warnings = warnings;
    }

    @Override
    public void run() {
        CommandLineReader reader = new CommandLineReader(
                new BufferedInputStream(Channels.newInputStream(channel)),
                ShellProtocol.MAX_COMMAND_BYTES);
        // A failed write means the client is gone: closing stops the command that printed.
        ReplyWriter reply = new ReplyWriter(
                new BufferedOutputStream(Channels.newOutputStream(channel)), this::close);
        try {
            serve(reader, reply);
        } catch (CommandLineReader.LineTooLongException e) {
            if (warnings.permit(LINE_TOO_LONG)) {
                logger.warn("Shell client {} sent a {}, so the connection is closed"
                        + " ({} similar warnings suppressed)", id, e.getMessage(),
                        warnings.suppressed(LINE_TOO_LONG));
            }
            sendError(reply, e.getMessage());
        } catch (IOException e) {
            if (!closed) {
                logger.debug("Shell client {} disconnected: {}", id, e.toString());
            }
        } finally {
            close();
        }
    }

    /** Stops the running command, if any, and closes the channel; safe from any thread. */
    void close() {
        closed = true;
        ShellSession current = session;
        if (current != null) {
            current.close();
        }
        try {
            channel.close();
        } catch (IOException e) {
            logger.debug("Closing shell client {} failed: {}", id, e.toString());
        }
    }

    private void serve(CommandLineReader reader, ReplyWriter reply) throws IOException {
        try {
            session = sessions.open(reply.stdout(), reply.stderr());
        } catch (RuntimeException e) {
            if (warnings.permit(SESSION_FAILED)) {
                logger.warn("Opening a shell session for client {} failed"
                        + " ({} similar warnings suppressed)", id,
                        warnings.suppressed(SESSION_FAILED), e);
            }
            reply.finishError("opening a shell session failed: " + messageOf(e));
            return;
        }
        String commandLine;
        while (!closed && (commandLine = reader.readLine()) != null) {
            runCommand(commandLine, reply);
        }
    }

    private void runCommand(String commandLine, ReplyWriter reply) throws IOException {
        if (commandLine.isBlank()) {
            reply.finishOk("");
            return;
        }
        logger.debug("Shell client {} runs: {}", id, commandLine);
        String result;
        try {
            result = session.execute(commandLine);
        } catch (Exception e) {
            logger.debug("Shell client {} command failed: {}", id, e.toString());
            reply.finishError(messageOf(e));
            return;
        }
        reply.finishOk(result);
    }

    private void sendError(ReplyWriter reply, String message) {
        try {
            reply.finishError(message);
        } catch (IOException e) {
            logger.debug("Shell client {} disconnected: {}", id, e.toString());
        }
    }

    /** Returns the message of a command failure, or the exception's class if it has none. */
    static String messageOf(Throwable failure) {
        Throwable cause = failure;
        if (cause instanceof InvocationTargetException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getName() : message;
    }
}
