package org.tarsier.detector.rules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.detector.rules.RuleEngine;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.RulesStatus;
import org.tarsier.detector.rules.internal.eval.Engine;
import org.tarsier.detector.rules.internal.eval.UserNames;

class RulesCommandsTest {

    @TempDir
    Path folder;

    private RulesCommands commands;

    /** The engine side of the detector without OSGi: a manager over a real engine. */
    private static final class LocalEngine implements RuleEngine {
        private final Engine engine = new Engine(UserNames.of(Map.of(), Map.of()), "h", 128,
                System::nanoTime);
        private final RulesManager manager;

        LocalEngine(Path folder) {
            manager = new RulesManager(engine, true, folder);
            manager.reload();
        }

        @Override
        public List<RuleInfo> rules() {
            return engine.ruleSet().infos();
        }

        @Override
        public boolean setEnabled(String rule, boolean enabled) {
            return engine.ruleSet().setEnabled(rule, enabled);
        }

        @Override
        public RulesStatus reload() {
            return manager.reload();
        }

        @Override
        public List<String> check(Path file) {
            return manager.check(file);
        }

        @Override
        public RulesStatus status() {
            return manager.status();
        }
    }

    @BeforeEach
    void setUp() {
        commands = new RulesCommands(new LocalEngine(folder));
    }

    @Test
    void listShowsRulesAndTotal() {
        String list = commands.list();

        assertTrue(list.contains("on  Notice        Shell spawned in container"), list);
        assertTrue(list.contains("Port scan (threshold)"), list);
        assertTrue(list.contains(" rules loaded, 0 skipped"), list);
    }

    @Test
    void disableAndEnableToggleRule() {
        assertEquals("disabled Port scan", commands.disable("Port scan"));
        assertTrue(commands.list().contains("off Warning       Port scan"));
        assertEquals("enabled Port scan", commands.enable("Port scan"));
    }

    @Test
    void unknownRuleIsReported() {
        assertEquals("no loaded rule is named 'nope'; see rules:list", commands.enable("nope"));
    }

    @Test
    void reloadReportsRejection() throws Exception {
        Files.writeString(folder.resolve("bad.yaml"), "- rule: [\n");

        String reply = commands.reload();

        assertTrue(reply.startsWith("reload rejected, previous rules stay active: "
                + folder.resolve("bad.yaml") + ":"), reply);
        assertTrue(commands.status().contains("failed: 1"), commands.status());
    }

    @Test
    void checkReportsValidFile() throws Exception {
        Path file = folder.resolve("ok.yaml");
        Files.writeString(file, "- list: x\n  items: [a]\n");

        assertEquals(file + ": valid", commands.check(file.toString()));
    }
}
