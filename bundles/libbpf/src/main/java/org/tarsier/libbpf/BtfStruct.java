package org.tarsier.libbpf;

import java.util.List;
import java.util.Optional;

/**
 * A struct or union type from the BTF of a BPF object.
 *
 * @param name type name
 * @param size size in bytes
 * @param members members in declaration order
 */
public record BtfStruct(String name, long size, List<BtfMember> members) {

    public BtfStruct {
        members = List.copyOf(members);
    }

    /** Returns the member called {@code memberName}, if there is one. */
    public Optional<BtfMember> member(String memberName) {
        return members.stream().filter(m -> m.name().equals(memberName)).findFirst();
    }
}
