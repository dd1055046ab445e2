package org.tarsier.probe.syscall.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Names of the bits and values of a syscall argument, from the Linux UAPI headers. */
final class Flags {

    private final Map<Long, String> names;

    private Flags(Map<Long, String> names) {
        this.names = names;
    }

    /** Creates a table from pairs of value and name. */
    static Flags of(Object... valuesAndNames) {
        Map<Long, String> names = new LinkedHashMap<>();
        for (int i = 0; i < valuesAndNames.length; i += 2) {
            names.put(((Number) valuesAndNames[i]).longValue(), (String) valuesAndNames[i + 1]);
        }
        return new Flags(names);
    }

    /**
     * Returns the names of the set bits joined by {@code |}, with the bits that have no name as
     * one hexadecimal rest; {@code 0} when no bit is set.
     */
    String bits(long value) {
        List<String> parts = new ArrayList<>();
        long rest = value;
        for (Map.Entry<Long, String> bit : names.entrySet()) {
            if (bit.getKey() != 0 && (value & bit.getKey()) == bit.getKey()) {
                parts.add(bit.getValue());
                rest &= ~bit.getKey();
            }
        }
        if (rest != 0) {
            parts.add("0x" + Long.toHexString(rest));
        }
        return parts.isEmpty() ? "0" : String.join("|", parts);
    }

    /** Returns the name of a value, or the value in decimal. */
    String value(long value) {
        String name = names.get(value);
        return name != null ? name : Long.toString(value);
    }
}
