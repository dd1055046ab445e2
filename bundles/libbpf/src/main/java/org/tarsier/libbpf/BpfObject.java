package org.tarsier.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tarsier.libbpf.internal.BtfReader;
import org.tarsier.libbpf.internal.Errno;
import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;
import org.tarsier.libbpf.internal.PrintRouter;

/**
 * A BPF object opened from ELF bytes: its programs, maps, links and ring buffers.
 *
 * <p>Typical use: {@link #open}, {@link #setGlobal} for each {@code const volatile} tunable,
 * {@link BpfProgram#setAutoload} to skip a program, {@link #load}, {@link #attachAll} or
 * {@link BpfProgram#attach}, {@link #ringBuffer}, and finally {@link #close}, which detaches every
 * link, frees every ring buffer and removes the programs and maps from the kernel.
 *
 * <p>Thread-safe. Closing waits for calls in progress on other threads, including a
 * {@link RingBuffer#poll}, so it can take up to the poll timeout. Closing anything from inside a
 * {@link RecordHandler} throws {@link IllegalStateException}.
 */
public final class BpfObject implements AutoCloseable {

    private static final String RODATA = ".rodata";

    /**
     * Maximum number of threads that destroy links at once. The kernel waits once per detached
     * tracepoint perf event, and the waits of several threads overlap.
     */
    private static final int DETACH_THREADS = 16;
    private static final Pattern PROGRAM_IN_WARNING = Pattern.compile("prog '([^']+)'");

    private final String name;
    private final Arena arena;
    private final MemorySegment handle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, BpfProgram> programs = new LinkedHashMap<>();
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private final List<BpfLink> links = Collections.synchronizedList(new ArrayList<>());
    private final List<RingBuffer> ringBuffers = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean loaded;
    private volatile boolean closed;

    private BpfObject(String name, Arena arena, MemorySegment handle) {
        this.name = name;
        this.arena = arena;
        this.handle = handle;
        for (MemorySegment program : iterate(Native.OBJECT_NEXT_PROGRAM)) {
            BpfProgram view = new BpfProgram(this, program);
            programs.put(view.name(), view);
        }
        for (MemorySegment map : iterate(Native.OBJECT_NEXT_MAP)) {
            BpfMap view = new BpfMap(this, map);
            maps.put(view.name(), view);
        }
    }

    /**
     * Opens a BPF object from the bytes of its ELF file; nothing reaches the kernel yet.
     *
     * @param name object name used in messages and as libbpf's object name, e.g. process.bpf.o
     * @param elf contents of the {@code .bpf.o} file, copied
     * @throws BpfException if libbpf cannot parse the object
     */
    public static BpfObject open(String name, byte[] elf) throws BpfException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elf, "elf");
        PrintRouter.install();
        Arena arena = Arena.ofShared();
        // libbpf parses the buffer while opening; it lives as long as the object to be safe.
        MemorySegment buffer = arena.allocate(Math.max(elf.length, 1), 8);
        MemorySegment.copy(elf, 0, buffer, JAVA_BYTE, 0, elf.length);
        try (Arena call = Arena.ofConfined(); PrintRouter.Capture capture = PrintRouter.capture()) {
            // struct bpf_object_open_opts up to object_name; libbpf accepts a shorter size.
            MemorySegment opts = call.allocate(16, 8);
            opts.set(JAVA_LONG, 0, 16);
            opts.set(ADDRESS, 8, call.allocateFrom(name));
            MemorySegment state = Native.allocateCallState(call);
            long size = elf.length;
            MemorySegment handle = NativeCall.invoke(() -> (MemorySegment)
                    Native.OBJECT_OPEN_MEM.invokeExact(state, buffer, size, opts));
            if (handle.equals(MemorySegment.NULL)) {
                int errno = Native.errno(state);
                arena.close();
                throw new BpfException("failed to open BPF object " + name + ": "
                        + Errno.name(errno), errno, capture.warnings());
            }
            return new BpfObject(name, arena, handle);
        }
    }

    /** Returns the name given to {@link #open}. */
    public String name() {
        return name;
    }

    /** Returns whether {@link #load} succeeded. */
    public boolean isLoaded() {
        return loaded;
    }

    /** Returns whether {@link #close} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Returns the programs in the order of the ELF file. */
    public List<BpfProgram> programs() {
        return List.copyOf(programs.values());
    }

    /**
     * Returns the program with the given function name.
     *
     * @throws IllegalArgumentException if the object has no such program
     */
    public BpfProgram program(String programName) {
        BpfProgram program = programs.get(programName);
        if (program == null) {
            throw new IllegalArgumentException("no program " + programName + " in " + name
                    + "; programs: " + String.join(", ", programs.keySet()));
        }
        return program;
    }

    /** Returns the maps, including internal ones such as {@code <object>.rodata}. */
    public List<BpfMap> maps() {
        return List.copyOf(maps.values());
    }

    /**
     * Returns the map with the given name, as bpftool shows it.
     *
     * @throws IllegalArgumentException if the object has no such map
     */
    public BpfMap map(String mapName) {
        BpfMap map = maps.get(mapName);
        if (map == null) {
            throw new IllegalArgumentException("no map " + mapName + " in " + name
                    + "; maps: " + String.join(", ", maps.keySet()));
        }
        return map;
    }

    /**
     * Sets a {@code const volatile} global of the {@code .rodata} section before load.
     *
     * @param variable the variable's name in the C source
     * @param value the new value in native byte order; must have the variable's size
     * @throws IllegalArgumentException if there is no such variable or the size differs
     * @throws IllegalStateException if the object is loaded or closed
     */
    public void setGlobal(String variable, byte[] value) {
        Lock read = acquire();
        try {
            if (loaded) {
                throw new IllegalStateException("cannot set global " + variable + " of " + name
                        + ": the object is loaded, and .rodata is frozen at load");
            }
            BtfReader.Variable found = rodataVariable(variable);
            if (found.size() != value.length) {
                throw new IllegalArgumentException("global " + variable + " of " + name + " has "
                        + found.size() + " bytes, not " + value.length);
            }
            MemorySegment data = rodataInitialValue();
            MemorySegment.copy(value, 0, data, JAVA_BYTE, found.offset(), value.length);
        } finally {
            read.unlock();
        }
    }

    /** Sets a 32-bit {@code const volatile} global; see {@link #setGlobal(String, byte[])}. */
    public void setGlobal(String variable, int value) {
        setGlobal(variable, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder())
                .putInt(value).array());
    }

    /** Sets a 64-bit {@code const volatile} global; see {@link #setGlobal(String, byte[])}. */
    public void setGlobal(String variable, long value) {
        setGlobal(variable, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder())
                .putLong(value).array());
    }

    /**
     * Loads the programs whose autoload is on, and creates the maps, in the kernel.
     *
     * @throws BpfException naming the rejected program if libbpf names one, with libbpf's
     *     warnings (including the verifier log) in {@link BpfException#libbpfWarnings()}
     */
    public void load() throws BpfException {
        Lock read = acquire();
        try (PrintRouter.Capture capture = PrintRouter.capture()) {
            if (loaded) {
                throw new IllegalStateException("BPF object " + name + " is already loaded");
            }
            int result = NativeCall.invoke(() -> (int) Native.OBJECT_LOAD.invokeExact(handle));
            if (result < 0) {
                throw new BpfException(loadFailure(capture.warnings(), result), result,
                        capture.warnings());
            }
            loaded = true;
        } finally {
            read.unlock();
        }
    }

    /**
     * Attaches every loaded program at the attach point its section names, for example
     * {@code tracepoint/sched/sched_process_exec}.
     *
     * @return the links, in program order; the object owns them
     * @throws BpfException if one attach fails; the links made before it are closed again
     */
    public List<BpfLink> attachAll() throws BpfException {
        List<BpfLink> attached = new ArrayList<>();
        try {
            for (BpfProgram program : programs.values()) {
                if (program.autoload()) {
                    attached.add(program.attach());
                }
            }
        } catch (BpfException | RuntimeException e) {
            for (BpfLink link : attached) {
                link.close();
            }
            throw e;
        }
        return List.copyOf(attached);
    }

    /** Returns the links that are attached now. */
    public List<BpfLink> links() {
        synchronized (links) {
            return List.copyOf(links);
        }
    }

    /**
     * Detaches every program by destroying all links, several at once, because the kernel waits
     * for each tracepoint link on its own. The maps stay readable. Does nothing once closed.
     */
    public void detachAll() {
        if (closed) {
            return;
        }
        Lock write = acquireExclusive("detach the programs of " + name);
        try {
            if (closed) {
                return;
            }
            List<BpfLink> all = links();
            destroyAll(all);
            links.removeAll(all);
        } finally {
            write.unlock();
        }
    }

    /**
     * Creates a consumer of a {@code BPF_MAP_TYPE_RINGBUF} map, owned by this object.
     *
     * @throws IllegalArgumentException if there is no such map or it is not a ring buffer
     * @throws IllegalStateException if the object is not loaded
     * @throws BpfException if libbpf cannot map the ring buffer
     */
    public RingBuffer ringBuffer(String mapName, RecordHandler handler) throws BpfException {
        Objects.requireNonNull(handler, "handler");
        BpfMap map = map(mapName);
        if (map.type() != BpfMap.TYPE_RINGBUF) {
            throw new IllegalArgumentException("map " + mapName + " of " + name
                    + " is not a ring buffer: type " + map.type());
        }
        Lock read = acquire();
        try {
            requireLoaded("create a ring buffer on map " + mapName);
            RingBuffer ringBuffer = RingBuffer.create(map, handler);
            ringBuffers.add(ringBuffer);
            return ringBuffer;
        } finally {
            read.unlock();
        }
    }

    /** Returns a struct or union type from the object's BTF, for layout checks. */
    public Optional<BtfStruct> btfStruct(String typeName) {
        Lock read = acquire();
        try {
            return btf().flatMap(reader -> reader.struct(typeName));
        } finally {
            read.unlock();
        }
    }

    /**
     * Frees the ring buffers, detaches the links, and removes programs and maps from the kernel.
     * Does nothing if already closed.
     */
    @Override
    public void close() {
        Lock write = acquireExclusive("close BPF object " + name);
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (RingBuffer ringBuffer : List.copyOf(ringBuffers)) {
                ringBuffer.free();
            }
            ringBuffers.clear();
            destroyAll(List.copyOf(links));
            links.clear();
            NativeCall.invoke(() -> {
                Native.OBJECT_CLOSE.invokeExact(handle);
                return null;
            });
            arena.close();
        } finally {
            write.unlock();
        }
    }

    /**
     * Destroys the links from up to {@link #DETACH_THREADS} threads and returns when all are
     * destroyed, even if interrupted, because the object is closed next.
     */
    private static void destroyAll(List<BpfLink> all) {
        int threads = Math.min(DETACH_THREADS, all.size());
        if (threads <= 1) {
            all.forEach(BpfLink::destroy);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) {
                all.get(i).destroy();
            }
        };
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofPlatform().daemon().name("tarsier-bpf-detach").start(worker));
        }
        boolean interrupted = false;
        for (Thread thread : started) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        String status = "";
        if (closed) {
            status = ", closed";
        } else if (loaded) {
            status = ", loaded";
        }
        return "BpfObject[" + name + status + "]";
    }

    MemorySegment handle() {
        return handle;
    }

    /** Takes the shared lock for a call on this object or one of its parts. */
    Lock acquire() {
        Lock read = lock.readLock();
        read.lock();
        if (closed) {
            read.unlock();
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
        return read;
    }

    /** Takes the exclusive lock to free native handles; fails inside a ring-buffer callback. */
    Lock acquireExclusive(String action) {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("cannot " + action
                    + " while this thread is using the object, e.g. in a ring-buffer callback");
        }
        Lock write = lock.writeLock();
        write.lock();
        return write;
    }

    void requireLoaded(String action) {
        if (!loaded) {
            throw new IllegalStateException("cannot " + action + ": BPF object " + name
                    + " is not loaded");
        }
    }

    void requireNotLoaded(String action) {
        if (loaded) {
            throw new IllegalStateException("cannot " + action + ": BPF object " + name
                    + " is already loaded");
        }
    }

    void register(BpfLink link) {
        links.add(link);
    }

    void unregister(BpfLink link) {
        links.remove(link);
    }

    void unregister(RingBuffer ringBuffer) {
        ringBuffers.remove(ringBuffer);
    }

    private String loadFailure(List<String> warnings, int result) {
        for (String warning : warnings) {
            Matcher matcher = PROGRAM_IN_WARNING.matcher(warning);
            if (matcher.find() && programs.containsKey(matcher.group(1))) {
                BpfProgram program = programs.get(matcher.group(1));
                return "failed to load program " + program.name() + " of " + name + " ("
                        + program.attachPoint() + "): " + Errno.name(result);
            }
        }
        return "failed to load BPF object " + name + ": " + Errno.name(result);
    }

    private BtfReader.Variable rodataVariable(String variable) {
        Optional<BtfReader.Variable> found =
                btf().flatMap(reader -> reader.sectionVariable(RODATA, variable));
        return found.orElseThrow(() -> new IllegalArgumentException("no const volatile global "
                + variable + " in the .rodata section of " + name));
    }

    private MemorySegment rodataInitialValue() {
        BpfMap rodata = maps.values().stream()
                .filter(map -> map.name().endsWith(RODATA))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no .rodata map"));
        try (Arena call = Arena.ofConfined()) {
            MemorySegment size = call.allocate(JAVA_LONG);
            MemorySegment data = NativeCall.invoke(() -> (MemorySegment)
                    Native.MAP_INITIAL_VALUE.invokeExact(rodata.handle(), size));
            if (data.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("libbpf has no initial value for map "
                        + rodata.name() + " of " + name);
            }
            return Native.sized(data, size.get(JAVA_LONG, 0));
        }
    }

    private Optional<BtfReader> btf() {
        MemorySegment btf = NativeCall.invoke(
                () -> (MemorySegment) Native.OBJECT_BTF.invokeExact(handle));
        return btf.equals(MemorySegment.NULL) ? Optional.empty()
                : Optional.of(new BtfReader(btf));
    }

    private List<MemorySegment> iterate(MethodHandle next) {
        List<MemorySegment> result = new ArrayList<>();
        MemorySegment current = MemorySegment.NULL;
        while (true) {
            MemorySegment previous = current;
            current = NativeCall.invoke(
                    () -> (MemorySegment) next.invokeExact(handle, previous));
            if (current.equals(MemorySegment.NULL)) {
                return result;
            }
            result.add(current);
        }
    }
}
