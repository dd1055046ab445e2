package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ChunkedInputStreamTest {

    @Test
    void chunksAreJoined() throws IOException {
        String body = decode("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");

        assertEquals("hello, world", body);
    }

    @Test
    void extensionsAndTrailersAreIgnored() throws IOException {
        String body = decode("4;name=value\r\nabcd\r\n0\r\nX-Trailer: 1\r\n\r\n");

        assertEquals("abcd", body);
    }

    @Test
    void upperCaseHexSizeIsRead() throws IOException {
        String data = "x".repeat(0x1A);

        assertEquals(data, decode("1A\r\n" + data + "\r\n0\r\n\r\n"));
    }

    @Test
    void readStopsAtChunkEnd() throws IOException {
        InputStream in = chunked("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
        byte[] buffer = new byte[16];

        int first = in.read(buffer, 0, buffer.length);

        assertEquals(3, first, "bytes of the first read");
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(buffer, first));
    }

    @Test
    void eventLinesSplitAcrossChunksAreRejoined() throws IOException {
        InputStream in = chunked("6\r\n{\"a\":1\r\n3\r\n}\n{\r\n7\r\n\"b\":2}\n\r\n0\r\n\r\n");
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(in, StandardCharsets.UTF_8));

        assertEquals("{\"a\":1}", reader.readLine(), "first line");
        assertEquals("{\"b\":2}", reader.readLine(), "second line");
        assertEquals(null, reader.readLine(), "end");
    }

    @Test
    void connectionClosedInsideChunkFails() {
        assertThrows(EOFException.class, () -> decode("a\r\nabc"));
    }

    @Test
    void connectionClosedBeforeLastChunkFails() {
        assertThrows(EOFException.class, () -> decode("3\r\nabc\r\n"));
    }

    @Test
    void invalidSizeFails() {
        IOException error = assertThrows(IOException.class, () -> decode("zz\r\nabc\r\n"));

        assertEquals("invalid HTTP chunk size: \"zz\"", error.getMessage());
    }

    @Test
    void dataLongerThanSizeFails() {
        assertThrows(IOException.class, () -> decode("2\r\nabc\r\n0\r\n\r\n"));
    }

    private static String decode(String wire) throws IOException {
        return new String(chunked(wire).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static InputStream chunked(String wire) {
        return new ChunkedInputStream(
                new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }
}
