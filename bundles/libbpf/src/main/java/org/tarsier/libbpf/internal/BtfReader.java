package org.tarsier.libbpf.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.tarsier.libbpf.BtfMember;
import org.tarsier.libbpf.BtfStruct;

/**
 * Reads types from a {@code struct btf} through libbpf's {@code btf__} functions.
 *
 * <p>A {@code struct btf_type} is three 32-bit words (name offset, info, size or type id)
 * followed by {@code vlen} 12-byte entries: {@code btf_member} for structs and unions,
 * {@code btf_var_secinfo} for data sections. {@code info} contains {@code vlen} in bits 0-15, the
 * kind in bits 24-28 and {@code kind_flag} in bit 31.
 */
public final class BtfReader {

    private static final int KIND_STRUCT = 4;
    private static final int KIND_UNION = 5;
    private static final int KIND_DATASEC = 15;
    private static final long TYPE_HEADER_SIZE = 12;
    private static final long ENTRY_SIZE = 12;

    private final MemorySegment btf;

    /** Creates a reader of the BTF at {@code btf}, which its BPF object keeps alive. */
    public BtfReader(MemorySegment btf) {
        this.btf = btf;
    }

    /**
     * Finds a variable of a data section such as {@code .rodata}.
     *
     * @return the variable's offset in the section and its size in bytes
     */
    public Optional<Variable> sectionVariable(String section, String variable) {
        int sectionId = findByNameAndKind(section, KIND_DATASEC);
        if (sectionId <= 0) {
            return Optional.empty();
        }
        MemorySegment type = withEntries(type(sectionId));
        int count = vlen(type);
        for (int i = 0; i < count; i++) {
            long entry = TYPE_HEADER_SIZE + i * ENTRY_SIZE;
            int varTypeId = type.get(JAVA_INT, entry);
            String name = name(type(varTypeId).get(JAVA_INT, 0));
            if (name.equals(variable)) {
                long offset = Integer.toUnsignedLong(type.get(JAVA_INT, entry + 4));
                long size = Integer.toUnsignedLong(type.get(JAVA_INT, entry + 8));
                return Optional.of(new Variable(name, offset, size));
            }
        }
        return Optional.empty();
    }

    /** Finds a struct, or failing that a union, by name. */
    public Optional<BtfStruct> struct(String name) {
        int id = findByNameAndKind(name, KIND_STRUCT);
        if (id <= 0) {
            id = findByNameAndKind(name, KIND_UNION);
        }
        if (id <= 0) {
            return Optional.empty();
        }
        MemorySegment type = withEntries(type(id));
        int info = type.get(JAVA_INT, 4);
        boolean bitfieldOffsets = info < 0;
        long size = Integer.toUnsignedLong(type.get(JAVA_INT, 8));
        List<BtfMember> members = new ArrayList<>();
        for (int i = 0; i < vlen(type); i++) {
            long entry = TYPE_HEADER_SIZE + i * ENTRY_SIZE;
            String memberName = name(type.get(JAVA_INT, entry));
            int memberType = type.get(JAVA_INT, entry + 4);
            int offsetWord = type.get(JAVA_INT, entry + 8);
            long bitOffset = bitfieldOffsets ? offsetWord & 0xFFFFFF
                    : Integer.toUnsignedLong(offsetWord);
            members.add(new BtfMember(memberName, bitOffset / 8, resolveSize(memberType)));
        }
        return Optional.of(new BtfStruct(name, size, members));
    }

    private int findByNameAndKind(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            return NativeCall.invoke(
                    () -> (int) Native.BTF_FIND_BY_NAME_KIND.invokeExact(btf, cName, kind));
        }
    }

    private MemorySegment type(int id) {
        MemorySegment type = NativeCall.invoke(
                () -> (MemorySegment) Native.BTF_TYPE_BY_ID.invokeExact(btf, id));
        if (type.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("BTF type id " + id + " not found");
        }
        return Native.sized(type, TYPE_HEADER_SIZE);
    }

    private static MemorySegment withEntries(MemorySegment type) {
        return Native.sized(type, TYPE_HEADER_SIZE + vlen(type) * ENTRY_SIZE);
    }

    private String name(int offset) {
        return Native.string(NativeCall.invoke(
                () -> (MemorySegment) Native.BTF_NAME_BY_OFFSET.invokeExact(btf, offset)));
    }

    private long resolveSize(int typeId) {
        return NativeCall.invoke(() -> (long) Native.BTF_RESOLVE_SIZE.invokeExact(btf, typeId));
    }

    private static int vlen(MemorySegment type) {
        return type.get(JAVA_INT, 4) & 0xFFFF;
    }

    /**
     * A variable of a BTF data section.
     *
     * @param name variable name
     * @param offset offset in the section, in bytes
     * @param size size in bytes
     */
    public record Variable(String name, long offset, long size) {
    }
}
