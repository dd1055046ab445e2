package org.tarsier.features.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;

import org.junit.jupiter.api.Test;

class FeatureTest {

    @Test
    void namesUnique() {
        assertEquals(Feature.NAMES.size(), new HashSet<>(Feature.NAMES).size());
    }

    @Test
    void everyFeatureDocumented() throws Exception {
        String doc = Files.readString(Path.of("../../docs/features.md"));

        for (String name : Feature.NAMES) {
            assertTrue(doc.contains("| `" + name + "` |"), name + " missing in docs/features.md");
        }
    }

    @Test
    void syscallCategoriesCounted() {
        assertEquals(SyscallCategory.NETWORK, SyscallCategory.of("connect"));
        assertEquals(SyscallCategory.TIME, SyscallCategory.of("clock_nanosleep"));
        assertEquals(SyscallCategory.OTHER, SyscallCategory.of("syscall_999"));
    }
}
