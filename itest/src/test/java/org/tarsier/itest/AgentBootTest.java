package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

@RunWith(PaxExam.class)
public class AgentBootTest {

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
}
