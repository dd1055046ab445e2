package org.tarsier.console.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;

class ContainerCommandsTest {

    private static final String WEB_ID =
            "3f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f";
    private static final String API_ID =
            "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2";

    /** A resolver that returns a fixed list of containers. */
    private record FixedResolver(List<ContainerInfo> running) implements ContainerResolver {

        @Override
        public ContainerInfo resolve(long cgroupId) {
            return ContainerInfo.HOST_INFO;
        }

        @Override
        public ContainerInfo resolve(long cgroupId, String kernelPath) {
            return ContainerInfo.HOST_INFO;
        }

        @Override
        public Collection<ContainerInfo> containers() {
            return running;
        }
    }

    @Test
    void listShowsContainersSortedByName() {
        ContainerInfo web = new ContainerInfo("docker", WEB_ID, "web", "nginx:1.27", Map.of(),
                "", "", "");
        ContainerInfo api = new ContainerInfo("containerd", API_ID, "api", "registry/api:2",
                Map.of(), "api-7d9f", "shop", "0e1f");
        ContainerCommands commands = new ContainerCommands(new FixedResolver(List.of(web, api)));

        assertEquals("ID            NAME  IMAGE           RUNTIME     POD\n"
                + "a1b2c3d4e5f6  api   registry/api:2  containerd  shop/api-7d9f\n"
                + "3f4e5a6b7c8d  web   nginx:1.27      docker", commands.list());
    }

    @Test
    void listLeavesOutHost() {
        ContainerCommands commands =
                new ContainerCommands(new FixedResolver(List.of(ContainerInfo.HOST_INFO)));

        assertEquals("ID  NAME  IMAGE  RUNTIME  POD", commands.list());
    }

    @Test
    void listShowsContainerKnownOnlyByCgroupPath() {
        ContainerCommands commands = new ContainerCommands(
                new FixedResolver(List.of(ContainerInfo.ofId("docker", WEB_ID))));

        assertEquals("ID            NAME  IMAGE  RUNTIME  POD\n"
                + "3f4e5a6b7c8d               docker", commands.list());
    }

    @Test
    void listWithoutResolverFails() {
        ContainerCommands commands = new ContainerCommands(null);

        IllegalStateException e = assertThrows(IllegalStateException.class, commands::list);
        assertEquals("no ContainerResolver service is registered;"
                + " start the bundle org.tarsier.container.meta", e.getMessage());
    }
}
