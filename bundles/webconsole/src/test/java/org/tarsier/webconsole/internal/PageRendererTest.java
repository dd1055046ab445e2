package org.tarsier.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;

class PageRendererTest {

    private static final String SCRIPT = "<script>alert('x')</script>";

    @Test
    void containerValuesEscaped() {
        ContainerInfo container = new ContainerInfo("docker", "0123456789abcdef", SCRIPT,
                "img\"><img src=x onerror=alert(1)>", Map.of(), "pod<b>", "ns", "");

        String html = render(page -> page.containers(List.of(container), true));

        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
    }

    @Test
    void alertValuesEscaped() {
        ContainerInfo container = new ContainerInfo("docker", "0123456789abcdef", SCRIPT, "",
                Map.of(), "", "", "");
        Alert alert = new Alert("id\"><x", Instant.EPOCH, "rules", "rule " + SCRIPT,
                Priority.WARNING, "output " + SCRIPT, Map.of(), List.of(), Map.of(), container);

        String html = render(page -> page.alerts(List.of(alert), 50));

        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("\"><x"), html);
        assertTrue(html.contains("output &lt;script&gt;"), html);
    }

    @Test
    void probeFormsCarryToken() {
        ProbeRow row = new ProbeRow("process", "LOADED", 3, 10, 0, "");

        String html = render(page -> page.probes(List.of(row), "/system/console/tarsier",
                "token-123"));

        assertTrue(html.contains("name=\"csrf\" value=\"token-123\""), html);
        assertTrue(html.contains("method=\"post\""), html);
        assertTrue(html.contains("value=\"unload\">Unload"), html);
        assertTrue(html.contains("value=\"load\" disabled>Load"), html);
    }

    @Test
    void statusMessageEscaped() {
        String html = render(page -> page.status("Probe not found: " + SCRIPT));

        assertFalse(html.contains("<script>"), html);
    }

    private static String render(java.util.function.Consumer<PageRenderer> body) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            body.accept(new PageRenderer(out));
        }
        return text.toString();
    }
}
