package org.tarsier.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;

import org.tarsier.libbpf.internal.Errno;
import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;

/**
 * A map of a {@link BpfObject}. Keys and values are byte arrays in the kernel's layout and native
 * byte order.
 *
 * <p>For per-CPU maps the kernel exchanges one value per possible CPU, each padded to a multiple
 * of 8 bytes: {@link #lookup} and {@link #update} take and return {@link #valueBufferSize()}
 * bytes, and {@link #lookupPerCpu} splits them into one array per CPU.
 */
public final class BpfMap {

    /** {@code BPF_MAP_TYPE_HASH}. */
    public static final int TYPE_HASH = 1;
    /** {@code BPF_MAP_TYPE_ARRAY}. */
    public static final int TYPE_ARRAY = 2;
    /** {@code BPF_MAP_TYPE_PERCPU_HASH}. */
    public static final int TYPE_PERCPU_HASH = 5;
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}. */
    public static final int TYPE_PERCPU_ARRAY = 6;
    /** {@code BPF_MAP_TYPE_LRU_HASH}. */
    public static final int TYPE_LRU_HASH = 9;
    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH}. */
    public static final int TYPE_LRU_PERCPU_HASH = 10;
    /** {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE}. */
    public static final int TYPE_PERCPU_CGROUP_STORAGE = 21;
    /** {@code BPF_MAP_TYPE_RINGBUF}. */
    public static final int TYPE_RINGBUF = 27;

    /** Update flag {@code BPF_ANY}: create or replace. */
    public static final long UPDATE_ANY = 0;
    /** Update flag {@code BPF_NOEXIST}: create only. */
    public static final long UPDATE_NO_EXIST = 1;
    /** Update flag {@code BPF_EXIST}: replace only. */
    public static final long UPDATE_EXIST = 2;

    private final BpfObject object;
    private final MemorySegment handle;
    private final String name;

    BpfMap(BpfObject object, MemorySegment handle) {
        this.object = object;
        this.handle = handle;
        this.name = Native.string(NativeCall.invoke(
                () -> (MemorySegment) Native.MAP_NAME.invokeExact(handle)));
    }

    /** Returns the map name as bpftool shows it, e.g. {@code counts} or {@code sample.rodata}. */
    public String name() {
        return name;
    }

    /** Returns the object that owns this map. */
    public BpfObject object() {
        return object;
    }

    /** Returns the {@code BPF_MAP_TYPE_*} value, for example {@link #TYPE_HASH}. */
    public int type() {
        return intProperty(Native.MAP_TYPE);
    }

    /** Returns whether the map stores one value per CPU. */
    public boolean isPerCpu() {
        int type = type();
        return type == TYPE_PERCPU_HASH || type == TYPE_PERCPU_ARRAY
                || type == TYPE_LRU_PERCPU_HASH || type == TYPE_PERCPU_CGROUP_STORAGE;
    }

    /** Returns the key size in bytes. */
    public int keySize() {
        return intProperty(Native.MAP_KEY_SIZE);
    }

    /** Returns the size of one value in bytes (of one CPU's value for per-CPU maps). */
    public int valueSize() {
        return intProperty(Native.MAP_VALUE_SIZE);
    }

    /**
     * Returns the size of the value buffer that lookups fill: {@link #valueSize()}, or for
     * per-CPU maps that size rounded up to 8 bytes times {@link Libbpf#possibleCpus()}.
     */
    public int valueBufferSize() {
        if (!isPerCpu()) {
            return valueSize();
        }
        return perCpuStride() * Libbpf.possibleCpus();
    }

    /** Returns the maximum number of entries; the size in bytes for a ring buffer. */
    public int maxEntries() {
        return intProperty(Native.MAP_MAX_ENTRIES);
    }

    /**
     * Sets the maximum number of entries before load. For a ring buffer this is its size in
     * bytes, which must be a power of two and a multiple of the page size.
     *
     * @throws IllegalStateException if the object is loaded or closed
     * @throws IllegalArgumentException if libbpf rejects the value
     */
    public void setMaxEntries(int maxEntries) {
        Lock read = object.acquire();
        try {
            object.requireNotLoaded("set max entries of map " + name);
            int result = NativeCall.invoke(
                    () -> (int) Native.MAP_SET_MAX_ENTRIES.invokeExact(handle, maxEntries));
            if (result < 0) {
                throw new IllegalArgumentException("failed to set max entries of map " + name
                        + " of " + object.name() + " to " + maxEntries + ": "
                        + Errno.name(result));
            }
        } finally {
            read.unlock();
        }
    }

    /**
     * Returns the map's file descriptor, owned by the object.
     *
     * @throws IllegalStateException if the object is not loaded
     */
    public int fd() {
        Lock read = object.acquire();
        try {
            object.requireLoaded("get the fd of map " + name);
            return NativeCall.invoke(() -> (int) Native.MAP_FD.invokeExact(handle));
        } finally {
            read.unlock();
        }
    }

    /**
     * Looks up a key.
     *
     * @return the value, {@link #valueBufferSize()} bytes, or empty if the key is absent
     * @throws BpfException if the kernel rejects the lookup
     */
    public Optional<byte[]> lookup(byte[] key) throws BpfException {
        requireSize("key", key.length, keySize());
        Lock read = object.acquire();
        try (Arena call = Arena.ofConfined()) {
            object.requireLoaded("look up map " + name);
            MemorySegment cKey = call.allocateFrom(JAVA_BYTE, key);
            MemorySegment cValue = call.allocate(valueBufferSize(), 8);
            if (!lookup(cKey, cValue)) {
                return Optional.empty();
            }
            return Optional.of(cValue.toArray(JAVA_BYTE));
        } finally {
            read.unlock();
        }
    }

    /**
     * Looks up a key of a per-CPU map.
     *
     * @return one value of {@link #valueSize()} bytes per possible CPU, or empty if absent
     * @throws IllegalStateException if the map is not per-CPU
     */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) throws BpfException {
        if (!isPerCpu()) {
            throw new IllegalStateException("map " + name + " of " + object.name()
                    + " is not a per-CPU map");
        }
        Optional<byte[]> all = lookup(key);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        int stride = perCpuStride();
        int size = valueSize();
        List<byte[]> values = new ArrayList<>();
        for (int offset = 0; offset < all.get().length; offset += stride) {
            byte[] value = new byte[size];
            System.arraycopy(all.get(), offset, value, 0, size);
            values.add(value);
        }
        return Optional.of(values);
    }

    /**
     * Looks up a key into caller-provided native memory, without copying to the heap.
     *
     * @param key {@link #keySize()} bytes
     * @param value at least {@link #valueBufferSize()} bytes, filled on success
     * @return false if the key is absent
     * @throws BpfException if the kernel rejects the lookup
     */
    public boolean lookup(MemorySegment key, MemorySegment value) throws BpfException {
        Lock read = object.acquire();
        try {
            object.requireLoaded("look up map " + name);
            long keySize = key.byteSize();
            long valueSize = valueBufferSize();
            int result = NativeCall.invoke(() -> (int) Native.MAP_LOOKUP_ELEM.invokeExact(
                    handle, key, keySize, value, valueSize, 0L));
            if (result == -Errno.ENOENT) {
                return false;
            }
            check(result, "look up");
            return true;
        } finally {
            read.unlock();
        }
    }

    /**
     * Creates or replaces an entry.
     *
     * @param value {@link #valueBufferSize()} bytes
     * @param flags {@link #UPDATE_ANY}, {@link #UPDATE_NO_EXIST} or {@link #UPDATE_EXIST}
     * @throws BpfException if the kernel rejects the update, e.g. E2BIG when the map is full
     */
    public void update(byte[] key, byte[] value, long flags) throws BpfException {
        requireSize("key", key.length, keySize());
        requireSize("value", value.length, valueBufferSize());
        Lock read = object.acquire();
        try (Arena call = Arena.ofConfined()) {
            object.requireLoaded("update map " + name);
            MemorySegment cKey = call.allocateFrom(JAVA_BYTE, key);
            MemorySegment cValue = call.allocateFrom(JAVA_BYTE, value);
            long keySize = key.length;
            long valueSize = value.length;
            int result = NativeCall.invoke(() -> (int) Native.MAP_UPDATE_ELEM.invokeExact(
                    handle, cKey, keySize, cValue, valueSize, flags));
            check(result, "update");
        } finally {
            read.unlock();
        }
    }

    /**
     * Deletes an entry.
     *
     * @return false if the key was absent
     * @throws BpfException if the kernel rejects the deletion, e.g. EINVAL for array maps
     */
    public boolean delete(byte[] key) throws BpfException {
        requireSize("key", key.length, keySize());
        Lock read = object.acquire();
        try (Arena call = Arena.ofConfined()) {
            object.requireLoaded("delete from map " + name);
            MemorySegment cKey = call.allocateFrom(JAVA_BYTE, key);
            long keySize = key.length;
            int result = NativeCall.invoke(() -> (int) Native.MAP_DELETE_ELEM.invokeExact(
                    handle, cKey, keySize, 0L));
            if (result == -Errno.ENOENT) {
                return false;
            }
            check(result, "delete from");
            return true;
        } finally {
            read.unlock();
        }
    }

    /**
     * Returns the key after {@code key} in the kernel's iteration order, or the first key when
     * {@code key} is null.
     *
     * @return empty after the last key
     */
    public Optional<byte[]> nextKey(byte[] key) throws BpfException {
        if (key != null) {
            requireSize("key", key.length, keySize());
        }
        Lock read = object.acquire();
        try (Arena call = Arena.ofConfined()) {
            object.requireLoaded("iterate map " + name);
            MemorySegment cKey = key == null ? MemorySegment.NULL
                    : call.allocateFrom(JAVA_BYTE, key);
            MemorySegment next = call.allocate(keySize(), 8);
            long keySize = keySize();
            int result = NativeCall.invoke(() -> (int) Native.MAP_GET_NEXT_KEY.invokeExact(
                    handle, cKey, next, keySize));
            if (result == -Errno.ENOENT) {
                return Optional.empty();
            }
            check(result, "iterate");
            return Optional.of(next.toArray(JAVA_BYTE));
        } finally {
            read.unlock();
        }
    }

    /**
     * Returns the keys present now, at most {@link #maxEntries()} of them. Entries that other
     * writers add or delete meanwhile may be missed or, for hash maps, seen twice.
     */
    public List<byte[]> keys() throws BpfException {
        List<byte[]> keys = new ArrayList<>();
        int limit = maxEntries();
        Optional<byte[]> next = nextKey(null);
        while (next.isPresent() && keys.size() < limit) {
            keys.add(next.get());
            next = nextKey(next.get());
        }
        return keys;
    }

    /** Passes each key present now and its value to {@code action}; see {@link #keys()}. */
    public void forEach(BiConsumer<byte[], byte[]> action) throws BpfException {
        for (byte[] key : keys()) {
            Optional<byte[]> value = lookup(key);
            if (value.isPresent()) {
                action.accept(key, value.get());
            }
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + " of " + object.name() + "]";
    }

    MemorySegment handle() {
        return handle;
    }

    private int perCpuStride() {
        return (valueSize() + 7) & ~7;
    }

    private int intProperty(java.lang.invoke.MethodHandle getter) {
        Lock read = object.acquire();
        try {
            return NativeCall.invoke(() -> (int) getter.invokeExact(handle));
        } finally {
            read.unlock();
        }
    }

    private void requireSize(String part, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(part + " for map " + name + " of " + object.name()
                    + " must have " + expected + " bytes, not " + actual);
        }
    }

    private void check(int result, String action) throws BpfException {
        if (result < 0) {
            throw new BpfException("failed to " + action + " map " + name + " of "
                    + object.name() + ": " + Errno.name(result), result);
        }
    }
}
