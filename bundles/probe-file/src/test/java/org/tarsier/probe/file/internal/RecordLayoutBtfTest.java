package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.BtfMember;
import org.tarsier.libbpf.BtfStruct;

/** Compares the Java layouts with the structs in the BTF of the compiled object. */
class RecordLayoutBtfTest {

    static Stream<StructLayout> layouts() {
        return Stream.of(RecordLayouts.HEADER, RecordLayouts.FILE, RecordLayouts.CONFIG,
                RecordLayouts.PREFIX);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void javaLayoutMatchesBtf(StructLayout layout) throws Exception {
        String name = layout.name().orElseThrow();
        BtfStruct btf;
        try (BpfObject object = BpfObject.open(FileObject.OBJECT_NAME, objectBytes())) {
            btf = object.btfStruct(name).orElseThrow(
                    () -> new AssertionError("struct " + name + " is not in the object's BTF"));
        }

        assertEquals(btf.size(), layout.byteSize(), name + " size");
        // BTF lists no member for the padding that C's alignment adds
        List<MemoryLayout> members = layout.memberLayouts().stream()
                .filter(m -> !(m instanceof PaddingLayout)).toList();
        assertEquals(btf.members().stream().map(BtfMember::name).toList(),
                members.stream().map(m -> m.name().orElseThrow()).toList(), name + " members");
        for (BtfMember member : btf.members()) {
            String qualified = name + "." + member.name();
            assertEquals(member.offset(), RecordLayouts.offset(layout, member.name()),
                    qualified + " offset");
            assertEquals(member.size(), layout.select(
                    MemoryLayout.PathElement.groupElement(member.name())).byteSize(),
                    qualified + " size");
        }
    }

    static byte[] objectBytes() throws IOException {
        try (InputStream in = RecordLayoutBtfTest.class.getResourceAsStream(
                FileObject.RESOURCE)) {
            if (in == null) {
                throw new IOException(FileObject.RESOURCE + " is not on the class path;"
                        + " the generate-resources phase compiles it");
            }
            return in.readAllBytes();
        }
    }
}
