package org.tarsier.console.internal.lifecycle;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Sends systemd service notifications ({@code READY=1}, {@code STOPPING=1}) as one datagram to
 * the Unix socket named by {@code $NOTIFY_SOCKET}, as {@code sd_notify(3)} does.
 *
 * <p>The JDK's Unix-domain channels support stream sockets only, so the datagram goes through
 * libc's {@code socket}, {@code sendto} and {@code close} with the foreign function API. A path
 * that starts with {@code @} names a socket in the abstract namespace.
 */
final class SystemdNotifier {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_BYTES = 108;
    private static final int SUN_PATH_OFFSET = 2;

    private final String socketPath;

    /** @param socketPath the value of {@code NOTIFY_SOCKET}, or {@code null} outside systemd */
    SystemdNotifier(String socketPath) {
        this.socketPath = socketPath == null || socketPath.isBlank() ? null : socketPath;
    }

    /** Returns a notifier for this process's {@code NOTIFY_SOCKET}. */
    static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv("NOTIFY_SOCKET"));
    }

    /** Returns whether a notification socket is configured. */
    boolean enabled() {
        return socketPath != null;
    }

    /** Returns the socket path, or {@code null} when notifications are off. */
    String socketPath() {
        return socketPath;
    }

    /**
     * Sends {@code state}, for example {@code READY=1}, and returns the error text, or an empty
     * string when the datagram was sent or notifications are off.
     */
    String send(String state) {
        if (socketPath == null) {
            return "";
        }
        byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path[0] == '@';
        if (path.length >= SUN_PATH_BYTES) {
            return "NOTIFY_SOCKET path is longer than " + (SUN_PATH_BYTES - 1) + " bytes";
        }
        try (Arena arena = Arena.ofConfined()) {
            return Libc.INSTANCE.sendDatagram(arena, path, abstractName,
                    state.getBytes(StandardCharsets.UTF_8));
        } catch (Throwable e) {
            return "sd_notify failed: " + e;
        }
    }

    /** Downcall handles of libc, looked up once. */
    private static final class Libc {

        static final Libc INSTANCE = new Libc();

        private final StructLayout errnoLayout = Linker.Option.captureStateLayout();
        private final VarHandle errno = errnoLayout.varHandle(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        private final MethodHandle socket;
        private final MethodHandle sendto;
        private final MethodHandle close;

        private Libc() {
            Linker linker = Linker.nativeLinker();
            Linker.Option captureErrno = Linker.Option.captureCallState("errno");
            socket = linker.downcallHandle(linker.defaultLookup().findOrThrow("socket"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), captureErrno);
            sendto = linker.downcallHandle(linker.defaultLookup().findOrThrow("sendto"),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_INT), captureErrno);
            close = linker.downcallHandle(linker.defaultLookup().findOrThrow("close"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        String sendDatagram(Arena arena, byte[] path, boolean abstractName, byte[] message)
                throws Throwable {
            MemorySegment state = arena.allocate(errnoLayout);
            int fd = (int) socket.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return "socket(AF_UNIX, SOCK_DGRAM) failed: errno " + errno(state);
            }
            try {
                MemorySegment address = arena.allocate(SUN_PATH_OFFSET + SUN_PATH_BYTES);
                address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET,
                        path.length);
                int length = SUN_PATH_OFFSET + path.length;
                if (abstractName) {
                    address.set(ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, (byte) 0);
                } else {
                    length++;
                }
                MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
                long sent = (long) sendto.invokeExact(state, fd, data, (long) message.length,
                        MSG_NOSIGNAL, address, length);
                return sent < 0 ? "sendto " + new String(path, StandardCharsets.UTF_8)
                        + " failed: errno " + errno(state) : "";
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        }

        private int errno(MemorySegment state) {
            return (int) errno.get(state, 0L);
        }
    }
}
