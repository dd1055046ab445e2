package org.tarsier.console.internal.command;

import java.util.Comparator;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;

/**
 * Gogo commands in the {@code container} scope, which read the {@link ContainerResolver}.
 *
 * <p>The resolver reference is optional and dynamic: the commands stay registered while the
 * container-meta bundle is stopped and report that no resolver is available.
 */
@Component(service = ContainerCommands.class)
@GogoCommand(scope = "container", function = {"list"})
public class ContainerCommands {

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerResolver resolver;

    /** Creates the component; Declarative Services injects the resolver. */
    public ContainerCommands() {
    }

    ContainerCommands(ContainerResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * Returns a table of the running containers: short id, name, image, runtime and pod.
     *
     * @throws IllegalStateException if no {@link ContainerResolver} service is registered
     */
    @Descriptor("lists the running containers with short id, name, image, runtime and pod")
    public String list() {
        ContainerResolver current = resolver;
        if (current == null) {
            throw new IllegalStateException("no ContainerResolver service is registered;"
                    + " start the bundle org.tarsier.container.meta");
        }
        List<ContainerInfo> containers = current.containers().stream()
                .filter(container -> !container.isHost())
                .sorted(Comparator.comparing(ContainerInfo::name).thenComparing(ContainerInfo::id))
                .toList();

        TextTable table = new TextTable("ID", "NAME", "IMAGE", "RUNTIME", "POD");
        for (ContainerInfo container : containers) {
            table.addRow(container.shortId(), container.name(), container.image(),
                    container.runtime(), pod(container));
        }
        return table.format();
    }

    private static String pod(ContainerInfo container) {
        if (container.podName().isEmpty()) {
            return "";
        }
        if (container.podNamespace().isEmpty()) {
            return container.podName();
        }
        return container.podNamespace() + "/" + container.podName();
    }
}
