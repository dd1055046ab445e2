package org.tarsier.webconsole.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The Tarsier page of the Felix Web Console ({@code /system/console/tarsier}): probes with Load
 * and Unload buttons, running containers and recent alerts.
 *
 * <p>The buttons call {@link Probe#load()} and {@link Probe#unload()}, the same calls as the
 * {@code probe:load} and {@code probe:unload} shell commands. They submit POST forms that carry
 * the session's {@link CsrfToken}; the result is shown once on the page that the POST
 * redirects to.
 */
@Component(
        service = Servlet.class,
        property = {
            ServletConstants.PLUGIN_LABEL + "=" + TarsierPage.LABEL,
            ServletConstants.PLUGIN_TITLE + "=Tarsier",
            ServletConstants.PLUGIN_CATEGORY + "=Tarsier"
        })
public class TarsierPage extends AbstractServlet {

    static final String LABEL = "tarsier";
    static final String PARAM_ACTION = "action";
    static final String PARAM_PROBE = "probe";
    static final String PARAM_CSRF = "csrf";
    static final String ACTION_LOAD = "load";
    static final String ACTION_UNLOAD = "unload";
    private static final String STATUS_ATTRIBUTE = TarsierPage.class.getName() + ".status";
    private static final long serialVersionUID = 1L;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<Probe> probes = List.of();

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ContainerResolver resolver;

    @Reference
    private transient AlertHistory alerts;

    @Reference(service = LoggerFactory.class)
    private transient Logger logger;

    @Activate
    void activate() {
        logger.info("Tarsier web console page registered at label {}", LABEL);
    }

    @Deactivate
    void deactivate() {
        logger.info("Tarsier web console page removed");
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        HttpSession session = request.getSession(true);
        String token = CsrfToken.of(session);
        Object status = session.getAttribute(STATUS_ATTRIBUTE);
        session.removeAttribute(STATUS_ATTRIBUTE);

        PageRenderer page = new PageRenderer(response.getWriter());
        page.status(status == null ? null : status.toString());
        page.probes(sortedProbes().stream().map(ProbeRow::read).toList(),
                request.getRequestURI(), token);
        ContainerResolver current = resolver;
        page.containers(containers(current), current != null);
        page.alerts(alerts.recent(), alerts.size());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        HttpSession session = request.getSession(false);
        if (!CsrfToken.matches(session, request.getParameter(PARAM_CSRF))) {
            logger.warn("Web console: rejected a POST from {} without the session's CSRF token",
                    request.getRemoteAddr());
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "Missing or wrong CSRF token: reload the page and try again.");
            return;
        }
        String status = act(request.getParameter(PARAM_ACTION), request.getParameter(PARAM_PROBE),
                request.getRemoteAddr());
        session.setAttribute(STATUS_ATTRIBUTE, status);
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", request.getRequestURI());
    }

    /** Runs the action on the named probe and returns the message shown on the next page. */
    private String act(String action, String name, String client) {
        Optional<Probe> probe = sortedProbes().stream()
                .filter(candidate -> nameOf(candidate).equals(name)).findFirst();
        if (probe.isEmpty()) {
            return "Probe not found: " + name;
        }
        if (ACTION_LOAD.equals(action)) {
            return load(probe.get(), name, client);
        }
        if (ACTION_UNLOAD.equals(action)) {
            return unload(probe.get(), name, client);
        }
        return "Unknown action: " + action + " (expected load or unload)";
    }

    private String load(Probe probe, String name, String client) {
        if (probe.state() == ProbeState.LOADED) {
            return "Probe " + name + " is already loaded.";
        }
        try {
            probe.load();
            logger.info("Web console: probe {} loaded from {}", name, client);
            return "Probe " + name + " loaded with " + Probe.countPrograms(probe.programs())
                    + " programs.";
        } catch (ProbeException | RuntimeException e) {
            logger.error("Web console: loading probe {} failed", name, e);
            return "Loading probe " + name + " failed: " + e.getMessage();
        }
    }

    private String unload(Probe probe, String name, String client) {
        if (probe.state() != ProbeState.LOADED) {
            return "Probe " + name + " is not loaded (state " + probe.state() + ").";
        }
        try {
            probe.unload();
            logger.info("Web console: probe {} unloaded from {}", name, client);
            return "Probe " + name + " unloaded.";
        } catch (RuntimeException e) {
            logger.error("Web console: unloading probe {} failed", name, e);
            return "Unloading probe " + name + " failed: " + e.getMessage();
        }
    }

    private List<Probe> sortedProbes() {
        return probes.stream().sorted(Comparator.comparing(TarsierPage::nameOf)).toList();
    }

    private static String nameOf(Probe probe) {
        try {
            return String.valueOf(probe.name());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static Collection<ContainerInfo> containers(ContainerResolver resolver) {
        if (resolver == null) {
            return List.of();
        }
        return resolver.containers().stream()
                .filter(container -> !container.isHost())
                .sorted(Comparator.comparing(ContainerInfo::name))
                .toList();
    }
}
