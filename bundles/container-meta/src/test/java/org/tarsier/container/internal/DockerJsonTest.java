package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding of responses shaped like those of Docker Engine 20.10 (API 1.41). */
class DockerJsonTest {

    private static final String ID =
            "a234bfd44c2398c637df2fa282b7c0da58da9d2262260d2680a32c609e728fef";

    @Test
    void inspectYieldsNameImageLabelsStartAndPid() {
        String json = """
                {"Id":"%s","Created":"2026-12-04T15:43:49.241907021Z","Path":"sleep",
                 "State":{"Status":"running","Running":true,"Pid":8887,
                          "StartedAt":"2026-12-04T15:43:49.525197969Z",
                          "FinishedAt":"0001-01-01T00:00:00Z"},
                 "Image":"sha256:dbb7ffa5e4e9","Name":"/busy_hugle",
                 "Config":{"Image":"tarsier/busybox:dev",
                           "Labels":{"io.kubernetes.pod.name":"p1","team":"a"}}}
                """.formatted(ID);

        DockerContainer container = DockerJson.inspect(json);

        assertEquals(ID, container.id(), "id");
        assertEquals("busy_hugle", container.name(), "name");
        assertEquals("tarsier/busybox:dev", container.image(), "image");
        assertEquals(Map.of("io.kubernetes.pod.name", "p1", "team", "a"), container.labels());
        assertEquals(Instant.parse("2026-12-04T15:43:49.525197969Z"), container.startedAt());
        assertEquals(8887, container.pid(), "pid");
        assertTrue(container.running(), "running");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tarsier/busybox:dev | tarsier/busybox:dev",
        "dbb7ffa5e4e9        | sha256:dbb7ffa5e4e9aa11",
        "DBB7FFA5E4E9        | DBB7FFA5E4E9",
        "sha256:dbb7         | sha256:dbb7ffa5e4e9aa11",
        "dbb8                | dbb8",
        "dbb7                | dbb7",
        "''                  | ''"})
    void imageCreatedFromIdBecomesFullId(String reference, String expected) {
        String json = """
                {"Id":"%s","Name":"/c","Image":"sha256:dbb7ffa5e4e9aa11",
                 "Config":{"Image":"%s"}}
                """.formatted(ID, reference);

        assertEquals(expected, DockerJson.inspect(json).image(), "inspect of " + reference);
        String list = """
                [{"Id":"%s","Names":["/c"],"Image":"%s","ImageID":"sha256:dbb7ffa5e4e9aa11"}]
                """.formatted(ID, reference);
        assertEquals(expected, DockerJson.list(list).get(0).image(), "list of " + reference);
    }

    @Test
    void inspectOfCreatedContainerHasNoStartTime() {
        String json = """
                {"Id":"%s","Name":"/c","State":{"Running":false,"Pid":0,
                 "StartedAt":"0001-01-01T00:00:00Z"},"Config":{"Image":"i","Labels":null}}
                """.formatted(ID);

        DockerContainer container = DockerJson.inspect(json);

        assertNull(container.startedAt(), "start time");
        assertEquals(Map.of(), container.labels(), "labels");
    }

    @Test
    void listYieldsRunningContainers() {
        String json = """
                [{"Id":"%s","Names":["/web"],"Image":"nginx:1.27","Labels":{"a":"b"},
                  "State":"running","Status":"Up 5 minutes","Created":1796399029}]
                """.formatted(ID);

        List<DockerContainer> containers = DockerJson.list(json);

        assertEquals(1, containers.size(), "count");
        assertEquals("web", containers.get(0).name(), "name");
        assertEquals("nginx:1.27", containers.get(0).image(), "image");
        assertEquals(Map.of("a", "b"), containers.get(0).labels(), "labels");
        assertTrue(containers.get(0).running(), "running");
    }

    @Test
    void eventYieldsActionIdAndAttributes() {
        String line = """
                {"status":"create","id":"%1$s","from":"tarsier/busybox:dev","Type":"container",\
                "Action":"create","Actor":{"ID":"%1$s","Attributes":{"image":"tarsier/busybox:dev",\
                "name":"sleepy_mendel","io.kubernetes.pod.name":"p1"}},"scope":"local",\
                "time":1796399032,"timeNano":1796399032345579429}""".formatted(ID);

        DockerEvent event = DockerJson.event(line);
        DockerContainer container = DockerJson.fromEvent(event, false);

        assertEquals("create", event.action(), "action");
        assertEquals(ID, event.id(), "id");
        assertEquals("sleepy_mendel", container.name(), "name");
        assertEquals("tarsier/busybox:dev", container.image(), "image");
        assertEquals(Map.of("io.kubernetes.pod.name", "p1"), container.labels(), "labels");
    }

    @Test
    void eventIdImageLeftEmpty() {
        for (String image : List.of("sha256:0123456789ab", "0123456789abcdef",
                "0123456789ab")) {
            DockerEvent event = new DockerEvent("start", ID, Map.of("image", image, "name", "n"));
            assertEquals("", DockerJson.fromEvent(event, true).image(), image);
        }
        for (String image : List.of("0123456789a", "cafe", "0123456789abg", "app:1")) {
            DockerEvent event = new DockerEvent("start", ID, Map.of("image", image, "name", "n"));
            assertEquals(image, DockerJson.fromEvent(event, true).image(), image);
        }
    }

    @Test
    void inspectWithoutIdIsRejected() {
        assertThrows(JsonParseException.class, () -> DockerJson.inspect("{\"Name\":\"/x\"}"));
    }

    @Test
    void malformedJsonIsRejected() {
        assertThrows(JsonParseException.class, () -> DockerJson.event("{\"Action\":"));
    }
}
