package org.tarsier.injector.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AlertRecordTest {

    /** A line in the shape the exporter's JSON-lines output writes (keys sorted). */
    private static final String LINE = "{\"detector\":\"rules\",\"evidence\":{},"
            + "\"hostname\":\"h\",\"id\":\"1\",\"message\":\"m\",\"output\":\"o\","
            + "\"output_fields\":{\"container.full_id\":\"" + "e".repeat(64) + "\","
            + "\"container.id\":\"eeeeeeeeeeee\",\"container.name\":\"web\","
            + "\"evt.time\":1767268800123456789,\"proc.name\":\"sh\"},"
            + "\"priority\":\"Warning\",\"rule\":\"Port scan\",\"source\":\"syscall\","
            + "\"tags\":[],\"time\":\"2026-01-01T12:00:00.000000000Z\"}";

    @Test
    void parsesTheExporterShape() {
        AlertRecord alert = AlertRecord.parse(LINE);
        assertEquals(Instant.parse("2026-01-01T12:00:00.123456789Z"), alert.time());
        assertEquals("rules", alert.detector());
        assertEquals("Port scan", alert.rule());
        assertEquals("e".repeat(64), alert.containerId());
        assertEquals("web", alert.containerName());
    }

    @Test
    void fallsBackToTimeAndShortId() {
        AlertRecord alert = AlertRecord.parse("{\"rule\":\"r\",\"time\":"
                + "\"2026-01-01T12:00:01Z\",\"output_fields\":{\"container.id\":\"abc\"}}");
        assertEquals(Instant.parse("2026-01-01T12:00:01Z"), alert.time());
        assertEquals("rules", alert.detector());
        assertEquals("abc", alert.containerId());
    }

    @Test
    void missingContainerIsHost() {
        AlertRecord alert = AlertRecord.parse("{\"detector\":\"stats\",\"rule\":\"r\","
                + "\"time\":\"2026-01-01T12:00:01Z\"}");
        assertEquals("host", alert.containerId());
    }

    @Test
    void missingTimeIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> AlertRecord.parse("{\"detector\":\"stats\",\"rule\":\"r\"}"));
    }
}
