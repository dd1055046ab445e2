package org.tarsier.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/** The test BPF object compiled from src/test/bpf/sample.bpf.c, and a way to trigger it. */
final class SampleObject {

    static final String NAME = "sample.bpf.o";

    @SuppressWarnings("restricted")
    private static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));

    private SampleObject() {
    }

    static byte[] bytes() {
        try (InputStream in = SampleObject.class.getResourceAsStream("/bpf/" + NAME)) {
            if (in == null) {
                throw new IllegalStateException("/bpf/" + NAME + " is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens the object with its globals aimed at this process, and with only count_getppid of the
     * programs on: the other program on getppid would double the records.
     */
    static BpfObject openForThisProcess(int magic, long wide) throws BpfException {
        BpfObject object = BpfObject.open(NAME, bytes());
        object.setGlobal("target_pid", (int) ProcessHandle.current().pid());
        object.setGlobal("magic", magic);
        object.setGlobal("wide", wide);
        object.program("rejected").setAutoload(false);
        object.program("quiet_getppid").setAutoload(false);
        return object;
    }

    /** Calls getppid(2) directly, which fires the tracepoint the sample program attaches to. */
    static void getppid() {
        try {
            int ignored = (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
