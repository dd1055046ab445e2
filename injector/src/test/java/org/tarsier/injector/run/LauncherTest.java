package org.tarsier.injector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tarsier.injector.scenario.Kind;
import org.tarsier.injector.scenario.Limits;
import org.tarsier.injector.scenario.Scenario;
import org.tarsier.injector.scenario.Target;

import com.google.gson.JsonObject;

class LauncherTest {

    private static final Scenario MINER = new Scenario("miner", Kind.MINER_CONNECTION,
            Target.newContainer("img"), 1, Duration.ofSeconds(20), Duration.ZERO, 1,
            Duration.ofSeconds(20), new Limits(0.5, 64, 32));

    @Test
    void launcherCarriesNoPartOfTheScript() {
        String launcher = Injector.launcher(MINER);
        assertFalse(launcher.contains("stratum"), launcher);
        assertTrue(launcher.startsWith("sleep 2; "), launcher);
        assertTrue(launcher.endsWith("sleep 25; kill 0"), launcher);
    }

    @Test
    void specPassesScriptInEnvironment() {
        JsonObject spec = ContainerSpec.of("img", Injector.launcher(MINER),
                List.of(Injector.SCRIPT_VARIABLE + "=" + MINER.kind().script(1)),
                java.util.Map.of(RunLabels.MARKER, "true"), MINER.limits());
        String env = spec.getAsJsonArray("Env").get(0).getAsString();
        assertTrue(env.startsWith("TARSIER_INJECTION=I=1; "), env);
        assertTrue(env.contains("stratum+tcp://127.0.0.1:3333"), env);
        assertEquals("none", spec.getAsJsonObject("HostConfig").get("NetworkMode")
                .getAsString());
    }
}
