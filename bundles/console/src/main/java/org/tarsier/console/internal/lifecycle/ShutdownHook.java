package org.tarsier.console.internal.lifecycle;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Stops the framework when the JVM receives SIGTERM or SIGINT, so every bundle deactivates.
 * Probes then detach their programs, outputs flush their queues and the log writer prints the
 * stop lines. The bnd launcher that runs the exported jar exits the JVM without stopping the
 * framework, which would skip all of that.
 */
@Component(service = {}, immediate = true)
public class ShutdownHook {

    /** How long the hook waits for the bundles to stop before the JVM exits anyway. */
    static final long STOP_TIMEOUT_MILLIS = 20_000;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private Framework framework;
    private Thread hook;

    @Activate
    void activate(BundleContext context) {
        framework = (Framework) context.getBundle(0);
        hook = new Thread(this::stopFramework, "tarsier-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and this hook is what stops the framework.
        }
    }

    private void stopFramework() {
        if ((framework.getState() & (Framework.STARTING | Framework.ACTIVE)) == 0) {
            return;
        }
        logger.info("Shutdown signal received: stopping the framework, waiting at most {} ms",
                STOP_TIMEOUT_MILLIS);
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("tarsier: bundles did not stop within "
                        + STOP_TIMEOUT_MILLIS + " ms; exiting anyway");
            }
        } catch (BundleException e) {
            System.err.println("tarsier: stopping the framework failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
