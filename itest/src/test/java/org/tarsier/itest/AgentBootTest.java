package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

@RunWith(PaxExam.class)
public class AgentBootTest implements AgentProbe {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void everyTarsierBundleActive() {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().startsWith("org.tarsier")) {
                assertEquals(bundle.getSymbolicName() + " state", Bundle.ACTIVE, bundle.getState());
            }
        }
    }

    @Test
    public void probeImportsAgentPackages() {
        BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
        StringBuilder wired = new StringBuilder();
        for (BundleWire wire : wiring.getRequiredWires("osgi.wiring.package")) {
            wired.append(wire.getCapability().getAttributes().get("osgi.wiring.package"))
                    .append(' ');
        }
        for (String pkg : AgentProbe.IMPORTS.split(",")) {
            assertTrue(pkg + " not among the probe's wires: " + wired,
                    wired.toString().contains(pkg + " "));
        }
    }
}
