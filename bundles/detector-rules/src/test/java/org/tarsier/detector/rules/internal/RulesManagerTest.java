package org.tarsier.detector.rules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.RulesStatus;
import org.tarsier.detector.rules.internal.eval.Engine;
import org.tarsier.detector.rules.internal.eval.UserNames;

class RulesManagerTest {

    private static final String CUSTOM = """
            - rule: Custom shell
              desc: test rule
              output: custom %proc.name
              priority: NOTICE
              condition: evt.type = execve and proc.name = zsh
            """;

    @TempDir
    Path folder;

    private final Engine engine = new Engine(UserNames.of(Map.of(), Map.of()), "h", 128,
            System::nanoTime);

    private static ExecEvent zsh() {
        return new ExecEvent(new EventHeader(1, 1, 5, 5, 1, 0, 0, "zsh"),
                ContainerInfo.HOST_INFO, "/bin/zsh", List.of("zsh"), false, "/", "");
    }

    private List<String> ruleNames() {
        return engine.ruleSet().infos().stream().map(RuleInfo::name).toList();
    }

    @Test
    void folderFilesLoadAfterDefaults() throws Exception {
        Files.writeString(folder.resolve("10-custom.yaml"), CUSTOM);
        RulesManager manager = new RulesManager(engine, true, folder);

        RulesStatus status = manager.reload();

        assertEquals(1, status.reloadCount());
        assertTrue(ruleNames().contains("Custom shell"));
        assertTrue(ruleNames().contains("Shell spawned in container"));
        assertEquals(1, engine.process(zsh()).size());
    }

    @Test
    void invalidFileKeepsPreviousRules() throws Exception {
        Files.writeString(folder.resolve("10-custom.yaml"), CUSTOM);
        RulesManager manager = new RulesManager(engine, false, folder);
        manager.reload();
        Files.writeString(folder.resolve("20-broken.yaml"),
                "- rule: Broken\n  output: o\n  priority: INFO\n  condition: proc.name =\n");

        RulesStatus status = manager.reload();

        assertEquals(1, status.failedReloads());
        assertTrue(status.lastError().startsWith(folder.resolve("20-broken.yaml") + ":4:"),
                status.lastError());
        assertEquals(List.of("Custom shell"), ruleNames());
    }

    @Test
    void missingFolderLoadsDefaultsOnly() {
        RulesManager manager = new RulesManager(engine, true, folder.resolve("absent"));

        RulesStatus status = manager.reload();

        assertEquals(0, status.failedReloads());
        assertTrue(status.loadedRules() >= 25);
    }

    @Test
    void checkReportsProblemsWithoutActivating() throws Exception {
        RulesManager manager = new RulesManager(engine, false, folder);
        manager.reload();
        Path candidate = folder.resolve("candidate.yml");
        Files.writeString(candidate, "- rule: x\n  output: o\n  priority: INFO\n"
                + "  condition: proc.nmae = sh\n");

        List<String> problems = manager.check(candidate);

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("candidate.yml:4:14: unknown field proc.nmae"),
                problems.get(0));
        assertEquals(List.of(), ruleNames());
    }

    @Test
    void checkAcceptsValidFile() throws Exception {
        RulesManager manager = new RulesManager(engine, true, folder);
        Path candidate = folder.resolve("ok.yaml");
        Files.writeString(candidate, CUSTOM);

        assertEquals(List.of(), manager.check(candidate));
    }

    @Test
    void watcherReloadsAfterChange() throws Exception {
        RulesManager manager = new RulesManager(engine, false, folder);
        manager.reload();
        FolderWatcher watcher = new FolderWatcher(folder, 100, manager::reload);
        try {
            Files.writeString(folder.resolve("new.yaml"), CUSTOM);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (manager.status().reloadCount() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            watcher.close();
        }

        assertEquals(2, manager.status().reloadCount());
        assertEquals(List.of("Custom shell"), ruleNames());
    }

    @Test
    void watcherDebouncesBurstOfWrites() throws Exception {
        RulesManager manager = new RulesManager(engine, false, folder);
        manager.reload();
        FolderWatcher watcher = new FolderWatcher(folder, 500, manager::reload);
        try {
            for (int i = 0; i < 5; i++) {
                Files.writeString(folder.resolve("new.yaml"), CUSTOM + "# edit " + i + "\n");
                Thread.sleep(50);
            }
            Thread.sleep(2000);
        } finally {
            watcher.close();
        }

        assertEquals(2, manager.status().reloadCount());
    }
}
