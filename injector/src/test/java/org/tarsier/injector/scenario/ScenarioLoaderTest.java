package org.tarsier.injector.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tarsier.injector.docker.InjectorImage;

class ScenarioLoaderTest {

    private static List<Scenario> yaml(String text) throws ScenarioException {
        return ScenarioLoader.parse("test.yaml", text, false);
    }

    @Test
    void yamlScenarioReadsEveryField() throws ScenarioException {
        Scenario s = yaml("""
                scenarios:
                  - id: scan
                    kind: port_scan
                    target: {name: web-1}
                    intensity: 300
                    duration: 2m
                    start: 500ms
                    repetitions: 3
                    interval: 150
                    limits: {cpus: 0.25, memory_mb: 64, pids: 32}
                """).get(0);
        assertEquals("scan", s.id());
        assertEquals(Kind.PORT_SCAN, s.kind());
        assertEquals(new Target(Target.Type.NAME, "web-1"), s.target());
        assertEquals(300, s.intensity());
        assertEquals(Duration.ofMinutes(2), s.duration());
        assertEquals(Duration.ofMillis(500), s.start());
        assertEquals(3, s.repetitions());
        assertEquals(Duration.ofSeconds(150), s.interval());
        assertEquals(new Limits(0.25, 64, 32), s.limits());
    }

    @Test
    void jsonScenarioUsesDefaultsAndKindDefaults() throws ScenarioException {
        List<Scenario> scenarios = ScenarioLoader.parse("test.json", """
                {"defaults": {"duration": 12, "limits": {"pids": 50}},
                 "scenarios": [{"kind": "fork-burst"}, {"kind": "cpu_burn", "duration": "3s"}]}
                """, true);
        Scenario forks = scenarios.get(0);
        assertEquals("fork_burst-1", forks.id());
        assertEquals(Kind.FORK_BURST.defaultIntensity(), forks.intensity());
        assertEquals(Duration.ofSeconds(12), forks.duration());
        assertEquals(Duration.ZERO, forks.start());
        assertEquals(1, forks.repetitions());
        assertEquals(Target.newContainer(InjectorImage.REFERENCE), forks.target());
        assertEquals(50, forks.limits().pids());
        assertEquals(ScenarioLoader.DEFAULT_LIMITS.cpus(), forks.limits().cpus());
        assertEquals(Duration.ofSeconds(3), scenarios.get(1).duration());
    }

    @Test
    void plainListIsAccepted() throws ScenarioException {
        assertEquals(2, yaml("- {kind: shell_spawn}\n- {kind: normal}\n").size());
    }

    @Test
    void intervalDefaultsToDurationPlusGap() throws ScenarioException {
        Scenario s = yaml("- {kind: cpu_burn, duration: 10s}").get(0);
        assertEquals(Duration.ofSeconds(10).plus(ScenarioLoader.DEFAULT_GAP), s.interval());
    }

    @Test
    void targetsByImageAndLabel() throws ScenarioException {
        List<Scenario> scenarios = yaml("""
                - {kind: cpu_burn, target: {image: "my/app:1"}}
                - {kind: cpu_burn, target: {label: app=web}}
                - {kind: cpu_burn, target: new}
                """);
        assertEquals(Target.newContainer("my/app:1"), scenarios.get(0).target());
        assertEquals(new Target(Target.Type.LABEL, "app=web"), scenarios.get(1).target());
        assertEquals(Target.Type.NEW, scenarios.get(2).target().type());
    }

    @Test
    void unknownKindNamesTheValueAndTheKinds() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> yaml("- {kind: cpu_melt}"));
        assertTrue(e.getMessage().contains("invalid kind 'cpu_melt'"), e.getMessage());
        assertTrue(e.getMessage().contains("fork_burst"), e.getMessage());
    }

    @Test
    void unknownKeyIsRejected() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> yaml("- {kind: cpu_burn, durration: 5s}"));
        assertTrue(e.getMessage().contains("unknown key 'durration'"), e.getMessage());
    }

    @Test
    void invalidValuesAreRejected() {
        List<String> bad = List.of(
                "- {kind: cpu_burn, intensity: 0}",
                "- {kind: cpu_burn, intensity: 1.5}",
                "- {kind: cpu_burn, duration: soon}",
                "- {kind: cpu_burn, duration: 0}",
                "- {kind: cpu_burn, repetitions: -1}",
                "- {kind: cpu_burn, limits: {cpus: 0}}",
                "- {kind: cpu_burn, target: {label: novalue}}",
                "- {kind: cpu_burn, target: {name: a, label: b=c}}",
                "- {intensity: 3}",
                "scenarios: []",
                "- {kind: cpu_burn, id: a}\n- {kind: normal, id: a}");
        for (String text : bad) {
            assertThrows(ScenarioException.class, () -> yaml(text), text);
        }
    }

    @Test
    void invalidJsonNamesTheFile() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.parse("broken.json", "{\"scenarios\": [", true));
        assertTrue(e.getMessage().startsWith("broken.json: invalid JSON"), e.getMessage());
    }

    @Test
    void shippedAllKindsFileCoversEveryKind() throws Exception {
        List<Scenario> scenarios = ScenarioLoader.load(Path.of("scenarios/all-kinds.yaml"));
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        scenarios.forEach(s -> kinds.add(s.kind()));
        assertEquals(EnumSet.allOf(Kind.class), kinds);
    }

    @Test
    void shippedJsonExampleParses() throws Exception {
        assertEquals(3, ScenarioLoader.load(Path.of("scenarios/smoke.json")).size());
    }
}
