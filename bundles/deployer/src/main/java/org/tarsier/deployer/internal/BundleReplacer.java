package org.tarsier.deployer.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A FileInstall artifact installer that turns a jar dropped into a watched folder into an
 * in-place update of the installed bundle with the same symbolic name, so that a probe or
 * detector never runs as two copies.
 *
 * <p>FileInstall asks registered installers before its own bundle handling, so this component
 * claims a jar when an installed bundle has the jar's symbolic name, the name starts with one of
 * {@code symbolic.name.prefixes}, and the bundle was not installed from that folder. It saves the
 * bundle's content in its data area and updates the bundle from the jar: same bundle id, the
 * jar's version. When other bundles are wired to the old revision, it refreshes them too.
 * Replacing the jar updates the bundle again, and removing it updates the bundle back to the
 * saved content. Jars of other bundles are left to FileInstall.
 */
@Component(
        configurationPid = BundleReplacer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = ArtifactInstaller.class)
@Designate(ocd = BundleReplacer.Config.class)
public final class BundleReplacer implements ArtifactInstaller {

    static final String PID = "org.tarsier.deployer";
    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    /** Configuration of the deployer. */
    @ObjectClassDefinition(name = "Tarsier deployer",
            description = "In-place updates of built-in bundles from the deploy folder")
    public @interface Config {
        @AttributeDefinition(description = "Whether jars of built-in bundles update them in"
                + " place; when false, FileInstall installs such jars as extra bundles")
        boolean enabled() default true;

        @AttributeDefinition(description = "Symbolic name prefixes of the bundles that a jar may"
                + " replace, comma-separated")
        String[] symbolic_name_prefixes() default {"org.tarsier."};
    }

    /** A built-in bundle currently running the content of a dropped jar. */
    private record Replacement(long bundleId, String symbolicName, Version builtInVersion,
            Path savedContent) {
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private final Map<File, Replacement> replacements = new ConcurrentHashMap<>();
    private BundleContext context;
    private volatile boolean enabled = true;
    private volatile List<String> prefixes = List.of("org.tarsier.");

    @Activate
    void activate(BundleContext bundleContext, Config config) {
        context = bundleContext;
        apply(config);
        logger.info("deployer started: enabled={} symbolic.name.prefixes={}", enabled,
                String.join(",", prefixes));
    }

    @Modified
    void modified(Config config) {
        apply(config);
        logger.info("deployer configured: enabled={} symbolic.name.prefixes={}", enabled,
                String.join(",", prefixes));
    }

    @Deactivate
    void deactivate() {
        logger.info("deployer stopped: {} bundles keep running the content of a dropped jar: {}",
                replacements.size(), replacements.keySet());
    }

    @Override
    public boolean canHandle(File artifact) {
        if (!enabled || replacements.containsKey(artifact)) {
            return enabled;
        }
        return builtInBundle(artifact) != null;
    }

    @Override
    public void install(File artifact) throws Exception {
        Bundle bundle = builtInBundle(artifact);
        if (bundle == null) {
            throw new BundleException("no installed bundle to replace with " + artifact
                    + " any more");
        }
        Path saved = context.getDataFile("builtin-" + bundle.getBundleId() + ".jar").toPath();
        Replacement replacement = replacementOf(bundle, saved);
        if (replacement == null) {
            BundleJars.copyContent(bundle, saved);
            replacement = new Replacement(bundle.getBundleId(), bundle.getSymbolicName(),
                    bundle.getVersion(), saved);
        }
        Version before = bundle.getVersion();
        updateFrom(bundle, artifact.toPath());
        replacements.put(artifact, replacement);
        logger.info("replaced bundle {} ({}) version {} with {} version {}",
                bundle.getSymbolicName(), bundle.getBundleId(), before, artifact,
                bundle.getVersion());
    }

    @Override
    public void update(File artifact) throws Exception {
        Replacement replacement = replacements.get(artifact);
        Bundle bundle = replacement == null ? null : context.getBundle(replacement.bundleId());
        if (bundle == null) {
            replacements.remove(artifact);
            install(artifact);
            return;
        }
        Version before = bundle.getVersion();
        updateFrom(bundle, artifact.toPath());
        logger.info("updated bundle {} ({}) from {}: version {} to {}", bundle.getSymbolicName(),
                bundle.getBundleId(), artifact, before, bundle.getVersion());
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        Replacement replacement = replacements.remove(artifact);
        if (replacement == null) {
            return;
        }
        Bundle bundle = context.getBundle(replacement.bundleId());
        if (bundle == null) {
            logger.warn("cannot restore bundle {} ({}) after {} was removed: it was uninstalled",
                    replacement.symbolicName(), replacement.bundleId(), artifact);
            return;
        }
        File remaining = otherJarOf(replacement);
        if (remaining != null) {
            updateFrom(bundle, remaining.toPath());
            logger.info("updated bundle {} ({}) from {} after {} was removed: version {}",
                    bundle.getSymbolicName(), bundle.getBundleId(), remaining, artifact,
                    bundle.getVersion());
            return;
        }
        updateFrom(bundle, replacement.savedContent());
        Files.deleteIfExists(replacement.savedContent());
        logger.info("restored bundle {} ({}) to its built-in version {} after {} was removed",
                bundle.getSymbolicName(), bundle.getBundleId(), bundle.getVersion(), artifact);
    }

    /** Returns another dropped jar that still replaces the same bundle, or {@code null}. */
    private File otherJarOf(Replacement replacement) {
        for (Map.Entry<File, Replacement> entry : replacements.entrySet()) {
            if (entry.getValue().bundleId() == replacement.bundleId()
                    && entry.getKey().isFile()) {
                return entry.getKey();
            }
        }
        return null;
    }

    private void apply(Config config) {
        List<String> parsed = new ArrayList<>();
        for (String value : config.symbolic_name_prefixes()) {
            Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                    .forEach(parsed::add);
        }
        if (parsed.isEmpty()) {
            logger.error("invalid configuration {}: symbolic.name.prefixes = '{}', expected at"
                    + " least one symbolic name prefix such as org.tarsier.; keeping {}", PID,
                    String.join(",", config.symbolic_name_prefixes()),
                    String.join(",", prefixes));
        } else {
            prefixes = List.copyOf(parsed);
        }
        enabled = config.enabled();
    }

    /**
     * Returns the installed bundle that {@code artifact} replaces, or {@code null} when the jar
     * is for FileInstall to install: no bundle has its symbolic name, the name has none of the
     * prefixes, the bundle is this deployer, or the bundle came from the jar's own folder.
     */
    private Bundle builtInBundle(File artifact) {
        String symbolicName = BundleJars.symbolicName(artifact);
        if (symbolicName == null || prefixes.stream().noneMatch(symbolicName::startsWith)
                || symbolicName.equals(context.getBundle().getSymbolicName())) {
            return null;
        }
        String folder = BundleJars.location(artifact.getAbsoluteFile().getParentFile());
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())
                    && !bundle.getLocation().startsWith(folder)) {
                return bundle;
            }
        }
        return null;
    }

    /** Returns the replacement already recorded for {@code bundle} by another jar, if any. */
    private Replacement replacementOf(Bundle bundle, Path saved) {
        for (Replacement replacement : replacements.values()) {
            if (replacement.bundleId() == bundle.getBundleId()
                    && replacement.savedContent().equals(saved)) {
                return replacement;
            }
        }
        return null;
    }

    private void updateFrom(Bundle bundle, Path jar) throws BundleException, IOException,
            InterruptedException {
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        }
        // A bundle that no other bundle is wired to drops its old revision during the update;
        // refreshing it anyway would stop and start it, and so reload a probe, a second time.
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (wiring.getRemovalPendingBundles().contains(bundle)) {
            refresh(wiring, bundle);
        }
    }

    /** Refreshes the bundle and its dependents so that no wire to the old revision remains. */
    private void refresh(FrameworkWiring wiring, Bundle bundle) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED
                    || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            logger.warn("refresh of bundle {} ({}) did not finish within {} s",
                    bundle.getSymbolicName(), bundle.getBundleId(), REFRESH_TIMEOUT_SECONDS);
        }
    }
}
