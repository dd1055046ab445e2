package org.tarsier.libbpf.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.tarsier.libbpf.Libbpf;
import org.tarsier.libbpf.Libbpf.PrintLevel;

/**
 * Routes libbpf's messages to the OSGi Log Service while the bundle is active: warnings as WARN,
 * info as INFO, debug (including the verifier's progress) as DEBUG.
 */
@Component(immediate = true)
public final class LibbpfLogRouter {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Activate
    void activate() {
        Libbpf.setPrintSink(this::print);
        logger.info("routing messages of libbpf {} to the OSGi log", Libbpf.version());
    }

    @Deactivate
    void deactivate() {
        Libbpf.setPrintSink(null);
        logger.info("stopped routing libbpf messages; libbpf messages are discarded");
    }

    private void print(PrintLevel level, String message) {
        switch (level) {
            case WARN -> logger.warn("{}", message);
            case INFO -> logger.info("{}", message);
            case DEBUG -> logger.debug("{}", message);
        }
    }
}
