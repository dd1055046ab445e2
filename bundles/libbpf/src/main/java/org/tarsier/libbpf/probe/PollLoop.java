package org.tarsier.libbpf.probe;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.internal.Errno;
import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;

/**
 * The one thread that serves every running {@link ProbeSession}: it waits on all their ring
 * buffers with one epoll descriptor, and each time it wakes, for a record wakeup or because a
 * session's poll timeout, idle wait or period has passed, it serves every session. So the
 * sessions share their wakeups: four loaded probes wake one thread per poll timeout, not four.
 *
 * <p>The thread starts with the first session and ends when the last one is removed. The
 * {@link #lifecycle} lock guards the thread and its descriptors and is held only for short
 * steps, never while a session is served. Each session has its own serving lock, held while
 * the thread serves it, so {@link #remove} waits only for a round of its own session.
 */
final class PollLoop {

    /** Name of the thread. One exists while at least one session runs. */
    static final String THREAD_NAME = "tarsier-probe-poller";
    private static final PollLoop SHARED = new PollLoop();

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLLIN = 0x1;
    /**
     * Edge-triggered: a ring is reported when its BPF programs wake it, not for as long as it
     * contains records. Every round drains every ring, so the records that arrived without a
     * wakeup wait for the next round, as the programs intend (tarsier_ringbuf.h).
     */
    private static final int EPOLLET = 1 << 31;
    /** x86_64 packs struct epoll_event to 12 bytes. Other architectures align it to 16. */
    private static final boolean PACKED_EVENT = isX86();
    private static final long EVENT_SIZE = PACKED_EVENT ? 12 : 16;
    private static final long EVENT_DATA_OFFSET = PACKED_EVENT ? 4 : 8;
    private static final int MAX_EVENTS = 16;
    /** Data of the wakeup descriptor's epoll entry. Sessions get 1 and up. */
    private static final int WAKEUP_ID = 0;
    private static final long REMOVE_TIMEOUT_MILLIS = 5_000;
    private static final long END_CHECK_MILLIS = 20;
    private static final long FAILURE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Sessions in the order they were added. */
    private final List<ProbeSession> sessions = new CopyOnWriteArrayList<>();
    /** Guards {@link #thread}, the descriptors and {@link #nextId}. */
    private final Object lifecycle = new Object();
    private Thread thread;
    private int epollFd = -1;
    private int wakeupFd = -1;
    private int nextId = 1;

    private PollLoop() {
    }

    /** Returns the loop that all sessions of this class loader share. */
    static PollLoop shared() {
        return SHARED;
    }

    /**
     * Adds a session and wakes the thread, which serves it at once. Starts the thread if none
     * runs.
     *
     * @throws BpfException if the epoll or wakeup descriptor cannot be created or the ring
     *         buffer's descriptor cannot be added to it
     */
    void add(ProbeSession session) throws BpfException {
        synchronized (lifecycle) {
            boolean opened = false;
            if (thread == null) {
                open();
                opened = true;
            }
            session.pollId = nextId++;
            try {
                if (session.pollFd() >= 0) {
                    control(EPOLL_CTL_ADD, session.pollFd(), session.pollId,
                            EPOLLIN | EPOLLET);
                }
                if (opened) {
                    int epoll = epollFd;
                    int wakeup = wakeupFd;
                    thread = Thread.ofPlatform().daemon().name(THREAD_NAME)
                            .start(() -> run(epoll, wakeup));
                }
            } catch (BpfException | RuntimeException | Error e) {
                if (opened) {
                    closeDescriptors();
                }
                throw e;
            }
            sessions.add(session);
            // serves the new session before the thread's next wait, e.g. to set its idle flag
            wake();
        }
    }

    /**
     * Removes a session, so it is served no more. Waits up to 5 s until the thread is not serving
     * it. When the last session leaves, also waits for the thread to end.
     *
     * @return false if called from the session's own round on the thread (from its handler), or
     *         if the wait timed out. The session is not served again either way.
     */
    boolean remove(ProbeSession session) {
        session.removed = true;
        Thread ending;
        synchronized (lifecycle) {
            if (!sessions.remove(session)) {
                return true;
            }
            try {
                if (session.pollFd() >= 0) {
                    control(EPOLL_CTL_DEL, session.pollFd(), session.pollId, 0);
                }
            } catch (BpfException | RuntimeException e) {
                // The descriptor leaves the epoll set anyway when the object closes it.
                session.loopFailed(e);
            }
            ending = sessions.isEmpty() ? thread : null;
            if (ending != null) {
                wake();
            }
        }
        if (session.serving.isHeldByCurrentThread()) {
            // called from this session's own handler: its round is still in progress
            return false;
        }
        if (!session.awaitNotServed(REMOVE_TIMEOUT_MILLIS)) {
            return false;
        }
        if (ending != null && ending != Thread.currentThread()) {
            awaitEnd(ending);
        }
        return true;
    }

    /** Makes the thread recompute its wait, e.g. after a session's timeout changed. */
    void rearm() {
        synchronized (lifecycle) {
            if (thread != null) {
                wake();
            }
        }
    }

    /** Waits for an ending thread, unless a session was added meanwhile and it goes on. */
    private void awaitEnd(Thread ending) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOVE_TIMEOUT_MILLIS);
        try {
            while (ending.isAlive() && System.nanoTime() - deadline < 0) {
                synchronized (lifecycle) {
                    if (thread == ending && !sessions.isEmpty()) {
                        return;
                    }
                }
                ending.join(END_CHECK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(int epoll, int wakeup) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
            MemorySegment counter = arena.allocate(JAVA_LONG);
            MemorySegment state = Native.allocateCallState(arena);
            while (true) {
                synchronized (lifecycle) {
                    if (sessions.isEmpty()) {
                        thread = null;
                        closeDescriptors();
                        return;
                    }
                }
                try {
                    int timeoutMillis = waitMillis(System.nanoTime());
                    int count = NativeCall.invoke(() -> (int) Native.EPOLL_WAIT.invokeExact(
                            state, epoll, events, MAX_EVENTS, timeoutMillis));
                    if (count < 0 && Native.errno(state) != Errno.EINTR) {
                        waitFailed("failed to wait for the probes' ring buffers: "
                                + Errno.name(Native.errno(state)));
                        continue;
                    }
                    for (int i = 0; i < count; i++) {
                        int id = events.get(JAVA_INT_UNALIGNED, EVENT_SIZE * i + EVENT_DATA_OFFSET);
                        if (id == WAKEUP_ID) {
                            long unused = NativeCall.invoke(() -> (long) Native.READ.invokeExact(
                                    wakeup, counter, JAVA_LONG.byteSize()));
                        }
                    }
                    serveAll(System.nanoTime());
                } catch (RuntimeException | Error e) {
                    // The thread serves every probe, so it goes on after any failure.
                    waitFailed("the probes' poller failed: " + e);
                }
            }
        } finally {
            synchronized (lifecycle) {
                // ended by a failure outside the loop's catch: the next add starts a new thread
                if (thread == Thread.currentThread()) {
                    thread = null;
                    closeDescriptors();
                }
            }
        }
    }

    /** Serves every session once, on the thread. */
    private void serveAll(long now) {
        for (ProbeSession session : sessions) {
            session.serving.lock();
            try {
                if (session.removed) {
                    continue;
                }
                long backoffEnd = session.backoffEnd;
                if (backoffEnd != 0) {
                    if (now - backoffEnd < 0) {
                        continue;
                    }
                    session.backoffEnd = 0;
                    listen(session, EPOLLIN | EPOLLET);
                }
                boolean served;
                try {
                    served = session.serve(now);
                } catch (Error e) {
                    // e.g. an assertion in a handler, which must not end the thread of every session
                    session.loopFailed(new IllegalStateException("a handler of the session of "
                            + session.object().name() + " failed", e));
                    served = false;
                }
                if (!served) {
                    // A failing session pauses, and its ring leaves the wait meanwhile, so that a
                    // record that keeps failing does not spin the thread.
                    session.backoffEnd = now + FAILURE_BACKOFF_NANOS;
                    listen(session, 0);
                }
            } finally {
                session.serving.unlock();
            }
        }
    }

    /** Changes the events a session's ring is waited for, unless the session was removed. */
    private void listen(ProbeSession session, int events) {
        synchronized (lifecycle) {
            // remove() deletes the ring from the set under this lock before its object closes
            if (session.removed) {
                return;
            }
            try {
                if (session.pollFd() >= 0) {
                    control(EPOLL_CTL_MOD, session.pollFd(), session.pollId, events);
                }
            } catch (BpfException | RuntimeException e) {
                session.loopFailed(e);
            }
        }
    }

    /** Returns how long the thread may wait before a session is due; -1 for no limit. */
    private int waitMillis(long now) {
        long earliest = Long.MAX_VALUE;
        for (ProbeSession session : sessions) {
            long due = session.backoffEnd != 0 ? session.backoffEnd : session.dueNanos();
            earliest = Math.min(earliest, Math.max(0, due - now));
        }
        if (earliest == Long.MAX_VALUE) {
            // no session left: remove() has already woken the thread to end it
            return -1;
        }
        // rounded up, so the thread does not wake a moment too early and wait again
        long millis = (earliest + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /** Reports a failure of the thread itself to every session, then pauses the thread. */
    private void waitFailed(String message) {
        IllegalStateException failure = new IllegalStateException(message);
        for (ProbeSession session : sessions) {
            session.loopFailed(failure);
        }
        try {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(FAILURE_BACKOFF_NANOS));
        } catch (InterruptedException e) {
            // The thread ends only when no session is left, so it ignores interrupts.
            Thread.interrupted();
        }
    }

    /** Creates the epoll and wakeup descriptors; the caller holds the lifecycle lock. */
    private void open() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.allocateCallState(arena);
            int epoll = NativeCall.invoke(() -> (int) Native.EPOLL_CREATE1.invokeExact(
                    state, EPOLL_CLOEXEC));
            if (epoll < 0) {
                int errno = Native.errno(state);
                throw new BpfException("failed to create the probes' epoll descriptor: "
                        + Errno.name(errno), -errno);
            }
            epollFd = epoll;
            int wakeup = NativeCall.invoke(() -> (int) Native.EVENTFD.invokeExact(
                    state, 0, EFD_CLOEXEC | EFD_NONBLOCK));
            if (wakeup < 0) {
                int errno = Native.errno(state);
                closeDescriptors();
                throw new BpfException("failed to create the probes' wakeup descriptor: "
                        + Errno.name(errno), -errno);
            }
            wakeupFd = wakeup;
        }
        try {
            control(EPOLL_CTL_ADD, wakeupFd, WAKEUP_ID, EPOLLIN);
        } catch (BpfException e) {
            closeDescriptors();
            throw e;
        }
    }

    /** Adds 1 to the wakeup counter; the caller holds the lifecycle lock. */
    private void wake() {
        int wakeup = wakeupFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            // Fails only at the counter's limit, which the thread's reads keep far away.
            long unused = NativeCall.invoke(() -> (long) Native.WRITE.invokeExact(
                    wakeup, one, JAVA_LONG.byteSize()));
        }
    }

    private void control(int operation, int fd, int id, int events) throws BpfException {
        int epoll = epollFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EVENT_SIZE, 8);
            event.set(JAVA_INT_UNALIGNED, 0, events);
            event.set(JAVA_INT_UNALIGNED, EVENT_DATA_OFFSET, id);
            MemorySegment state = Native.allocateCallState(arena);
            int result = NativeCall.invoke(() -> (int) Native.EPOLL_CTL.invokeExact(
                    state, epoll, operation, fd, event));
            if (result < 0) {
                int errno = Native.errno(state);
                throw new BpfException("failed to change the probes' epoll set for descriptor "
                        + fd + ": " + Errno.name(errno), -errno);
            }
        }
    }

    /** Closes the epoll and wakeup descriptors; the caller holds the lifecycle lock. */
    private void closeDescriptors() {
        for (int fd : new int[] {wakeupFd, epollFd}) {
            if (fd >= 0) {
                int unused = NativeCall.invoke(() -> (int) Native.CLOSE.invokeExact(fd));
            }
        }
        wakeupFd = -1;
        epollFd = -1;
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }
}
