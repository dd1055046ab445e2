package org.tarsier.libbpf;

/**
 * A member of a BTF struct or union.
 *
 * @param name member name, empty for an anonymous member
 * @param offset offset from the start of the struct, in bytes (bit fields: rounded down)
 * @param size size of the member's type, in bytes
 */
public record BtfMember(String name, long offset, long size) {
}
