package org.tarsier.console.internal.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the replies of one connection in the framing of {@link ShellProtocol}.
 *
 * <p>Commands print from Gogo's pipeline threads while the connection thread writes the result,
 * so every method locks the writer and each line goes out whole.
 */
final class ReplyWriter {

    /** Output without a line break is sent in lines of this many bytes, to bound the buffer. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final OutputStream socket;
    private final Runnable writeFailed;
    private final LineStream stdout = new LineStream(false);
    private final LineStream stderr = new LineStream(true);

    /**
     * Creates a writer on a socket's stream.
     *
     * @param writeFailed runs when a write to the socket fails, before the exception is thrown,
     *     because Gogo's print streams swallow the exceptions of the command's output
     */
    ReplyWriter(OutputStream socket, Runnable writeFailed) {
        this.socket = socket;
        this.writeFailed = writeFailed;
    }

    /** Returns the stream for the command's standard output. */
    OutputStream stdout() {
        return stdout;
    }

    /** Returns the stream for the command's standard error. */
    OutputStream stderr() {
        return stderr;
    }

    /** Sends the result text of a successful command and the end line {@code .end ok}. */
    synchronized void finishOk(String result) throws IOException {
        flushPartialLines();
        for (String line : lines(result)) {
            writeLine(ShellProtocol.stuff(line));
        }
        writeLine(ShellProtocol.END_OK);
        flushSocket();
    }

    /** Sends an error message as standard error lines and the end line {@code .end error}. */
    synchronized void finishError(String message) throws IOException {
        flushPartialLines();
        for (String line : lines(message)) {
            writeLine(ShellProtocol.stderr(line));
        }
        writeLine(ShellProtocol.END_ERROR);
        flushSocket();
    }

    private void flushPartialLines() throws IOException {
        stdout.flushPartialLine();
        stderr.flushPartialLine();
    }

    private void writeLine(String line) throws IOException {
        try {
            socket.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            writeFailed.run();
            throw e;
        }
    }

    private void flushSocket() throws IOException {
        try {
            socket.flush();
        } catch (IOException e) {
            writeFailed.run();
            throw e;
        }
    }

    private static String[] lines(String text) {
        if (text.isEmpty()) {
            return new String[0];
        }
        return text.split("\r?\n", -1);
    }

    /** Collects bytes until a line break and then sends the line in its framed form. */
    private final class LineStream extends OutputStream {

        private final boolean error;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineStream(boolean error) {
            this.error = error;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (ReplyWriter.this) {
                if (b == '\n') {
                    sendPending();
                    return;
                }
                pending.write(b);
                if (pending.size() >= MAX_LINE_BYTES) {
                    sendPending();
                }
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            synchronized (ReplyWriter.this) {
                for (int i = offset; i < offset + length; i++) {
                    write(bytes[i]);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (ReplyWriter.this) {
                flushSocket();
            }
        }

        void flushPartialLine() throws IOException {
            if (pending.size() > 0) {
                sendPending();
            }
        }

        private void sendPending() throws IOException {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            writeLine(error ? ShellProtocol.stderr(line) : ShellProtocol.stuff(line));
        }
    }
}
