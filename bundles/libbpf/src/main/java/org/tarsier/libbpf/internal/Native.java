package org.tarsier.libbpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcall handles for the libbpf 1.x and libc functions that the binding uses.
 *
 * <p>libbpf 1.x functions that return {@code int} return {@code -errno} on failure. Functions that
 * return a pointer return {@code NULL} and set {@code errno}, so their handles capture the call
 * state: they take a segment from {@link #allocateCallState} as the first argument.
 *
 * <p>This class contains every restricted {@code java.lang.foreign} call of the binding.
 */
@SuppressWarnings("restricted")
public final class Native {

    /** Soname of the system libbpf, version 1.1 or newer. */
    public static final String LIBBPF = "libbpf.so.1";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBBPF_SYMBOLS =
            SymbolLookup.libraryLookup(LIBBPF, Arena.global());
    private static final SymbolLookup LIBC_SYMBOLS = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            MemoryLayout.PathElement.groupElement("errno"));

    // bpf_object
    public static final MethodHandle OBJECT_OPEN_MEM =
            withErrno("bpf_object__open_mem", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    public static final MethodHandle OBJECT_LOAD = plain("bpf_object__load", JAVA_INT, ADDRESS);
    public static final MethodHandle OBJECT_CLOSE = voidCall("bpf_object__close", ADDRESS);
    public static final MethodHandle OBJECT_NEXT_PROGRAM =
            plain("bpf_object__next_program", ADDRESS, ADDRESS, ADDRESS);
    public static final MethodHandle OBJECT_NEXT_MAP =
            plain("bpf_object__next_map", ADDRESS, ADDRESS, ADDRESS);
    public static final MethodHandle OBJECT_BTF = plain("bpf_object__btf", ADDRESS, ADDRESS);

    // bpf_program
    public static final MethodHandle PROGRAM_NAME = plain("bpf_program__name", ADDRESS, ADDRESS);
    public static final MethodHandle PROGRAM_SECTION_NAME =
            plain("bpf_program__section_name", ADDRESS, ADDRESS);
    public static final MethodHandle PROGRAM_AUTOLOAD =
            plain("bpf_program__autoload", JAVA_BOOLEAN, ADDRESS);
    public static final MethodHandle PROGRAM_SET_AUTOLOAD =
            plain("bpf_program__set_autoload", JAVA_INT, ADDRESS, JAVA_BOOLEAN);
    public static final MethodHandle PROGRAM_FD = plain("bpf_program__fd", JAVA_INT, ADDRESS);
    public static final MethodHandle PROGRAM_ATTACH =
            withErrno("bpf_program__attach", ADDRESS, ADDRESS);
    public static final MethodHandle PROGRAM_ATTACH_TRACEPOINT = withErrno(
            "bpf_program__attach_tracepoint", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    public static final MethodHandle PROGRAM_ATTACH_RAW_TRACEPOINT = withErrno(
            "bpf_program__attach_raw_tracepoint", ADDRESS, ADDRESS, ADDRESS);

    // bpf_link
    public static final MethodHandle LINK_DESTROY = plain("bpf_link__destroy", JAVA_INT, ADDRESS);

    // bpf_map
    public static final MethodHandle MAP_NAME = plain("bpf_map__name", ADDRESS, ADDRESS);
    public static final MethodHandle MAP_TYPE = plain("bpf_map__type", JAVA_INT, ADDRESS);
    public static final MethodHandle MAP_KEY_SIZE = plain("bpf_map__key_size", JAVA_INT, ADDRESS);
    public static final MethodHandle MAP_VALUE_SIZE =
            plain("bpf_map__value_size", JAVA_INT, ADDRESS);
    public static final MethodHandle MAP_MAX_ENTRIES =
            plain("bpf_map__max_entries", JAVA_INT, ADDRESS);
    public static final MethodHandle MAP_SET_MAX_ENTRIES =
            plain("bpf_map__set_max_entries", JAVA_INT, ADDRESS, JAVA_INT);
    public static final MethodHandle MAP_FD = plain("bpf_map__fd", JAVA_INT, ADDRESS);
    public static final MethodHandle MAP_INITIAL_VALUE =
            plain("bpf_map__initial_value", ADDRESS, ADDRESS, ADDRESS);
    public static final MethodHandle MAP_LOOKUP_ELEM = plain("bpf_map__lookup_elem", JAVA_INT,
            ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
    public static final MethodHandle MAP_UPDATE_ELEM = plain("bpf_map__update_elem", JAVA_INT,
            ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
    public static final MethodHandle MAP_DELETE_ELEM = plain("bpf_map__delete_elem", JAVA_INT,
            ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
    public static final MethodHandle MAP_GET_NEXT_KEY = plain("bpf_map__get_next_key", JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);

    // ring_buffer
    public static final MethodHandle RING_BUFFER_NEW =
            withErrno("ring_buffer__new", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    public static final MethodHandle RING_BUFFER_POLL =
            plain("ring_buffer__poll", JAVA_INT, ADDRESS, JAVA_INT);
    public static final MethodHandle RING_BUFFER_CONSUME =
            plain("ring_buffer__consume", JAVA_INT, ADDRESS);
    public static final MethodHandle RING_BUFFER_FREE = voidCall("ring_buffer__free", ADDRESS);

    // btf
    public static final MethodHandle BTF_FIND_BY_NAME_KIND =
            plain("btf__find_by_name_kind", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    public static final MethodHandle BTF_TYPE_BY_ID =
            plain("btf__type_by_id", ADDRESS, ADDRESS, JAVA_INT);
    public static final MethodHandle BTF_NAME_BY_OFFSET =
            plain("btf__name_by_offset", ADDRESS, ADDRESS, JAVA_INT);
    public static final MethodHandle BTF_RESOLVE_SIZE =
            plain("btf__resolve_size", JAVA_LONG, ADDRESS, JAVA_INT);

    // library
    public static final MethodHandle SET_PRINT = plain("libbpf_set_print", ADDRESS, ADDRESS);
    public static final MethodHandle NUM_POSSIBLE_CPUS =
            plain("libbpf_num_possible_cpus", JAVA_INT);
    public static final MethodHandle VERSION_STRING =
            plain("libbpf_version_string", ADDRESS);

    // libc
    public static final MethodHandle VASPRINTF =
            libc("vasprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    public static final MethodHandle FREE = libc("free", FunctionDescriptor.ofVoid(ADDRESS));
    public static final MethodHandle CLOCK_GETTIME =
            libc("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    // libc, for the poller that waits on every probe's ring buffer
    public static final MethodHandle EPOLL_CREATE1 =
            libcWithErrno("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    public static final MethodHandle EPOLL_CTL = libcWithErrno("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final MethodHandle EPOLL_WAIT = libcWithErrno("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    public static final MethodHandle EVENTFD =
            libcWithErrno("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    public static final MethodHandle READ =
            libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    public static final MethodHandle WRITE =
            libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    public static final MethodHandle CLOSE =
            libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Native() {
    }

    /** Allocates the segment that a call through a {@code withErrno} handle stores errno in. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** Returns the errno that a call stored in {@code callState}. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** Reads a NUL-terminated UTF-8 string at a native address; {@code NULL} reads as "". */
    public static String string(MemorySegment address) {
        if (address.equals(MemorySegment.NULL)) {
            return "";
        }
        return address.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Gives a zero-length segment returned by a native call a size, to read through it. */
    public static MemorySegment sized(MemorySegment address, long byteSize) {
        return address.reinterpret(byteSize);
    }

    /** Gives a native address a size and ties its lifetime to {@code arena}. */
    public static MemorySegment sized(MemorySegment address, long byteSize, Arena arena) {
        return address.reinterpret(byteSize, arena, null);
    }

    /** Creates an upcall stub that lives as long as {@code arena}. */
    public static MemorySegment upcall(
            MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
        return LINKER.upcallStub(target, descriptor, arena);
    }

    private static MethodHandle plain(
            String name, MemoryLayout result, MemoryLayout... arguments) {
        return LINKER.downcallHandle(
                symbol(name), FunctionDescriptor.of(result, arguments));
    }

    private static MethodHandle voidCall(String name, MemoryLayout... arguments) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.ofVoid(arguments));
    }

    private static MethodHandle withErrno(
            String name, MemoryLayout result, MemoryLayout... arguments) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, arguments),
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(libcSymbol(name), descriptor);
    }

    private static MethodHandle libcWithErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(libcSymbol(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static MemorySegment libcSymbol(String name) {
        return LIBC_SYMBOLS.find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("symbol " + name + " not found in the C library"));
    }

    private static MemorySegment symbol(String name) {
        return LIBBPF_SYMBOLS.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "symbol " + name + " not found in " + LIBBPF
                        + "; libbpf 1.1 or newer is required"));
    }
}
