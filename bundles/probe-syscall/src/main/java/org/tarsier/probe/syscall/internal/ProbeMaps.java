package org.tarsier.probe.syscall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.probe.syscall.internal.SyscallTable.Abi;

/** Writes the settings that the programs read from maps, which can change while they run. */
final class ProbeMaps {

    static final String CONFIG_MAP = "syscall_config";
    static final String SPECS_MAP = "syscall_specs";
    static final String HOST_CGROUPS_MAP = "host_cgroups";

    private ProbeMaps() {
    }

    /**
     * Counts configuration writes. The sys_enter program keeps each CPU's last verdict on a
     * thread and trusts it only while the generation it was taken under is current.
     */
    private static final AtomicInteger GENERATION = new AtomicInteger();

    /**
     * Sets whether tasks outside containers are counted and reported, and makes the programs
     * decide again for every thread. Call it after each change of the host cgroup set too.
     */
    static void writeIncludeHost(BpfObject object, boolean includeHost) throws BpfException {
        ByteBuffer value = buffer((int) RecordLayouts.CONFIG.byteSize());
        value.putInt(includeHost ? 1 : 0).putInt(GENERATION.incrementAndGet());
        object.map(CONFIG_MAP).update(intKey(0), value.array(), BpfMap.UPDATE_ANY);
    }

    /**
     * Makes exactly {@code names} the selected syscalls, in both ABIs where the table has them,
     * and clears every other entry.
     */
    static void writeSelection(BpfObject object, SyscallTable table, List<String> names)
            throws BpfException {
        BpfMap specs = object.map(SPECS_MAP);
        byte[] unselected = new byte[(int) RecordLayouts.SPEC.byteSize()];
        Set<Integer> written = new HashSet<>();
        for (Abi abi : Abi.values()) {
            for (String name : names) {
                var number = table.number(abi, name);
                if (number.isEmpty() || number.get() >= RecordLayouts.SYSCALL_NR_LIMIT) {
                    continue;
                }
                int index = abi.ordinal() * RecordLayouts.SYSCALL_NR_LIMIT + number.get();
                specs.update(intKey(index), spec(name), BpfMap.UPDATE_ANY);
                written.add(index);
            }
        }
        for (int index = 0; index < 2 * RecordLayouts.SYSCALL_NR_LIMIT; index++) {
            if (!written.contains(index)) {
                specs.update(intKey(index), unselected, BpfMap.UPDATE_ANY);
            }
        }
    }

    /** Replaces the host cgroup set: {@code previous} entries not in {@code next} are removed. */
    static void writeHostCgroups(BpfObject object, Set<Long> previous, Set<Long> next)
            throws BpfException {
        BpfMap hostCgroups = object.map(HOST_CGROUPS_MAP);
        for (long id : previous) {
            if (!next.contains(id)) {
                hostCgroups.delete(longKey(id));
            }
        }
        for (long id : next) {
            hostCgroups.update(longKey(id), new byte[] {1}, BpfMap.UPDATE_ANY);
        }
    }

    /** Returns the syscall_spec of a selected syscall. */
    static byte[] spec(String name) {
        byte[] spec = new byte[(int) RecordLayouts.SPEC.byteSize()];
        spec[0] = 1;
        List<SyscallArguments.Slot> slots = SyscallArguments.slots(name);
        for (int slot = 0; slot < slots.size(); slot++) {
            spec[1 + slot] = slots.get(slot).kind();
            spec[1 + RecordLayouts.STRING_SLOTS + slot] = (byte) slots.get(slot).argument();
        }
        return spec;
    }

    static byte[] intKey(int key) {
        return buffer(Integer.BYTES).putInt(key).array();
    }

    static byte[] longKey(long key) {
        return buffer(Long.BYTES).putLong(key).array();
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }
}
