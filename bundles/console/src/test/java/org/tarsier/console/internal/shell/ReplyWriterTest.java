package org.tarsier.console.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReplyWriterTest {

    private final ByteArrayOutputStream socket = new ByteArrayOutputStream();
    private final ReplyWriter reply = new ReplyWriter(socket, () -> { });

    private String sent() {
        return socket.toString(StandardCharsets.UTF_8);
    }

    @Test
    void resultLinesEndWithOkLine() throws IOException {
        reply.finishOk("NAME  STATE\nprocess  LOADED");

        assertEquals("NAME  STATE\nprocess  LOADED\n.end ok\n", sent());
    }

    @Test
    void emptyResultSendsOnlyOkLine() throws IOException {
        reply.finishOk("");

        assertEquals(".end ok\n", sent());
    }

    @Test
    void linesStartingWithDotGetOneMoreDot() throws IOException {
        reply.finishOk(".end ok\n..two\nplain.dot");

        assertEquals("..end ok\n...two\nplain.dot\n.end ok\n", sent());
    }

    @Test
    void errorMessageLinesAreStderrLines() throws IOException {
        reply.finishError("probe not found: proc.\nKnown probes: process");

        assertEquals(".stderr probe not found: proc.\n"
                + ".stderr Known probes: process\n"
                + ".end error\n", sent());
    }

    @Test
    void blankLinesOfResultAreKept() throws IOException {
        reply.finishOk("a\n\nb\n");

        assertEquals("a\n\nb\n\n.end ok\n", sent());
    }

    @Test
    void printedOutputComesBeforeResult() throws IOException {
        PrintStream stdout = new PrintStream(reply.stdout(), true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(reply.stderr(), true, StandardCharsets.UTF_8);
        stdout.println("printed");
        stderr.println("warning: slow");
        stdout.println(".hidden");

        reply.finishOk("result");

        assertEquals("printed\n.stderr warning: slow\n..hidden\nresult\n.end ok\n", sent());
    }

    @Test
    void partialOutputLineIsEndedBeforeResult() throws IOException {
        reply.stdout().write("no line break".getBytes(StandardCharsets.UTF_8));
        reply.stderr().write("also none\r".getBytes(StandardCharsets.UTF_8));

        reply.finishError("failed");

        assertEquals("no line break\n.stderr also none\n.stderr failed\n.end error\n", sent());
    }

    @Test
    void carriageReturnBeforeLineBreakIsDropped() throws IOException {
        reply.stdout().write("dos line\r\n".getBytes(StandardCharsets.UTF_8));

        reply.finishOk("");

        assertEquals("dos line\n.end ok\n", sent());
    }

    @Test
    void multiByteCharactersSplitAcrossWritesStayWhole() throws IOException {
        byte[] bytes = "caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        reply.stdout().write(bytes, 0, 4);
        reply.stdout().write(bytes, 4, bytes.length - 4);

        reply.finishOk("");

        assertEquals("caf\u00e9\n.end ok\n", sent());
    }

    @Test
    void failedWriteRunsCallbackBeforeThrowing() {
        List<String> calls = new ArrayList<>();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        ReplyWriter failing = new ReplyWriter(broken, () -> calls.add("write failed"));

        PrintStream stdout = new PrintStream(failing.stdout(), true, StandardCharsets.UTF_8);
        stdout.println("lost");

        assertTrue(stdout.checkError());
        assertEquals(List.of("write failed"), calls);
    }

    @Test
    void overlongOutputLineIsSplit() throws IOException {
        byte[] line = "x".repeat(ReplyWriter.MAX_LINE_BYTES + 10).getBytes(StandardCharsets.UTF_8);
        reply.stdout().write(line);

        reply.finishOk("");

        String[] lines = sent().split("\n");
        assertEquals(3, lines.length);
        assertEquals(ReplyWriter.MAX_LINE_BYTES, lines[0].length());
        assertEquals(10, lines[1].length());
        assertEquals(ShellProtocol.END_OK, lines[2]);
    }
}
