package org.tarsier.webconsole.internal;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;

import org.owasp.encoder.Encode;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;

/**
 * Writes the body of the Tarsier page: a status line, the probe table with Load and Unload
 * forms, the container table and the alert table.
 *
 * <p>Every value goes through OWASP Encoder's {@code forHtml} or {@code forHtmlAttribute}, because
 * container names, images, labels and alert outputs come from the monitored workloads.
 */
final class PageRenderer {

    static final String PROBES_ID = "tarsier-probes";
    static final String CONTAINERS_ID = "tarsier-containers";
    static final String ALERTS_ID = "tarsier-alerts";
    static final String STATUS_ID = "tarsier-status";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PrintWriter out;

    PageRenderer(PrintWriter out) {
        this.out = out;
    }

    void status(String message) {
        if (message != null && !message.isEmpty()) {
            out.println("<p id=\"" + STATUS_ID + "\" class=\"statline\">" + Encode.forHtml(message)
                    + "</p>");
        }
    }

    void probes(List<ProbeRow> rows, String formAction, String csrfToken) {
        out.println("<h2>Probes</h2>");
        out.println("<table id=\"" + PROBES_ID + "\" class=\"nicetable\">");
        header("Name", "State", "Programs", "Events", "Drops", "Last error", "Actions");
        for (ProbeRow row : rows) {
            out.print("<tr data-probe=\"" + Encode.forHtmlAttribute(row.name()) + "\">");
            cell("name", row.name());
            cell("state", row.state());
            cell("programs", Integer.toString(row.programs()));
            cell("events", Long.toString(row.events()));
            cell("drops", Long.toString(row.drops()));
            cell("error", row.lastError());
            out.print("<td>");
            button(formAction, csrfToken, row, TarsierPage.ACTION_LOAD, "Load",
                    !"LOADED".equals(row.state()));
            button(formAction, csrfToken, row, TarsierPage.ACTION_UNLOAD, "Unload",
                    "LOADED".equals(row.state()));
            out.println("</td></tr>");
        }
        empty(rows.isEmpty(), 7, "No probe services are registered.");
        out.println("</table>");
    }

    void containers(Collection<ContainerInfo> containers, boolean resolverPresent) {
        out.println("<h2>Containers</h2>");
        out.println("<table id=\"" + CONTAINERS_ID + "\" class=\"nicetable\">");
        header("Id", "Name", "Image", "Pod", "Runtime");
        for (ContainerInfo container : containers) {
            out.print("<tr data-container=\"" + Encode.forHtmlAttribute(container.id()) + "\">");
            cell("id", container.shortId());
            cell("name", container.name());
            cell("image", container.image());
            cell("pod", pod(container));
            cell("runtime", container.runtime());
            out.println("</tr>");
        }
        empty(containers.isEmpty(), 5, resolverPresent ? "No running containers."
                : "The container metadata service is not running.");
        out.println("</table>");
    }

    void alerts(List<Alert> alerts, int size) {
        out.println("<h2>Recent alerts (newest first, at most " + size + ")</h2>");
        out.println("<table id=\"" + ALERTS_ID + "\" class=\"nicetable\">");
        header("Time", "Detector", "Rule", "Priority", "Container", "Output");
        for (Alert alert : alerts) {
            out.print("<tr data-alert=\"" + Encode.forHtmlAttribute(alert.id()) + "\">");
            cell("time", TIME.format(alert.time()));
            cell("detector", alert.detector());
            cell("rule", alert.rule());
            cell("priority", alert.priority().name());
            cell("container", containerLabel(alert.container()));
            cell("output", alert.message());
            out.println("</tr>");
        }
        empty(alerts.isEmpty(), 6, "No alert since the web console bundle started.");
        out.println("</table>");
    }

    private void header(String... names) {
        out.print("<thead><tr>");
        for (String name : names) {
            out.print("<th>" + Encode.forHtml(name) + "</th>");
        }
        out.println("</tr></thead>");
    }

    private void cell(String cssClass, String value) {
        out.print("<td class=\"" + cssClass + "\">" + Encode.forHtml(value) + "</td>");
    }

    private void empty(boolean show, int columns, String message) {
        if (show) {
            out.println("<tr><td colspan=\"" + columns + "\">" + Encode.forHtml(message)
                    + "</td></tr>");
        }
    }

    private void button(String formAction, String csrfToken, ProbeRow row, String action,
            String label, boolean enabled) {
        out.print("<form method=\"post\" action=\"" + Encode.forHtmlAttribute(formAction)
                + "\" style=\"display:inline\">");
        hidden(TarsierPage.PARAM_CSRF, csrfToken);
        hidden(TarsierPage.PARAM_ACTION, action);
        hidden(TarsierPage.PARAM_PROBE, row.name());
        out.print("<button type=\"submit\" class=\"ui-button\" name=\"button\" value=\""
                + Encode.forHtmlAttribute(action) + "\"" + (enabled ? "" : " disabled") + ">"
                + Encode.forHtml(label) + "</button></form>");
    }

    private void hidden(String name, String value) {
        out.print("<input type=\"hidden\" name=\"" + Encode.forHtmlAttribute(name) + "\" value=\""
                + Encode.forHtmlAttribute(value) + "\">");
    }

    private static String pod(ContainerInfo container) {
        if (container.podName().isEmpty()) {
            return "";
        }
        return container.podNamespace().isEmpty() ? container.podName()
                : container.podNamespace() + "/" + container.podName();
    }

    private static String containerLabel(ContainerInfo container) {
        if (container.isHost()) {
            return "host";
        }
        return container.name().isEmpty() ? container.shortId()
                : container.name() + " (" + container.shortId() + ")";
    }
}
