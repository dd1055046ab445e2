package org.tarsier.libbpf.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;

/**
 * Reader of a {@code BPF_MAP_TYPE_PERCPU_ARRAY} of {@code __u64} counters whose index is a drop
 * reason, such as {@code enum drop_reason} in a probe's shared header.
 */
public final class DropCounters {

    private final String mapName;
    private final List<String> reasons;

    /**
     * Describes a drop map.
     *
     * @param mapName name of the per-CPU array in the BPF object
     * @param reasons name of each index in {@code Probe.dropCounts()}, index 0 first
     */
    public DropCounters(String mapName, List<String> reasons) {
        this.mapName = mapName;
        this.reasons = List.copyOf(reasons);
    }

    /** Returns the map name. */
    public String mapName() {
        return mapName;
    }

    /** Returns the reason names in index order. */
    public List<String> reasons() {
        return reasons;
    }

    /** Returns every reason with a count of zero, in index order. */
    public Map<String, Long> zeros() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String reason : reasons) {
            counts.put(reason, 0L);
        }
        return counts;
    }

    /**
     * Reads the counters of a loaded object, summed over CPUs, in index order.
     *
     * @throws BpfException if the kernel rejects a lookup
     * @throws IllegalArgumentException if the object has no such map
     * @throws IllegalStateException if the map is not per-CPU or the object is not loaded
     */
    public Map<String, Long> read(BpfObject object) throws BpfException {
        BpfMap map = object.map(mapName);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int index = 0; index < reasons.size(); index++) {
            byte[] key = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder())
                    .putInt(index).array();
            Optional<List<byte[]>> perCpu = map.lookupPerCpu(key);
            long sum = 0;
            for (byte[] value : perCpu.orElse(List.of())) {
                sum += ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
            }
            counts.put(reasons.get(index), sum);
        }
        return counts;
    }
}
