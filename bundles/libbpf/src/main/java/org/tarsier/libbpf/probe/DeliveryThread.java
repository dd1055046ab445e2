package org.tarsier.libbpf.probe;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that delivers the events of every started {@link EventDispatcher}, in the
 * order the dispatchers queued them. The poller queues the batches of all probes after one
 * round, so a single wakeup of this thread delivers them all.
 *
 * <p>The thread starts with the first dispatcher and ends, once its queue is empty, when the
 * last one stops. Each start after that creates a new thread with a new queue, so a thread
 * that is still stuck in a handler keeps its own queue and ends when it reaches its end.
 */
final class DeliveryThread {

    /** Name of the thread; one exists while at least one dispatcher is started. */
    static final String THREAD_NAME = "tarsier-probe-dispatcher";
    private static final DeliveryThread SHARED = new DeliveryThread();
    /** Task that ends the thread that takes it. */
    private static final Runnable END = () -> { };

    /** Guards the fields below. */
    private final Object lock = new Object();
    private int users;
    private LinkedBlockingQueue<Runnable> queue;
    private Thread thread;

    private DeliveryThread() {
    }

    /** Returns the thread that all dispatchers of this class loader share. */
    static DeliveryThread shared() {
        return SHARED;
    }

    /**
     * Registers a user and returns the queue to add tasks to. Starts the thread for the first
     * user.
     */
    LinkedBlockingQueue<Runnable> join() {
        synchronized (lock) {
            if (users++ == 0) {
                LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
                queue = tasks;
                thread = Thread.ofPlatform().daemon().name(THREAD_NAME).start(() -> run(tasks));
            }
            return queue;
        }
    }

    /** Unregisters a user. The last one ends the thread after the tasks already queued. */
    void leave() {
        synchronized (lock) {
            if (users == 0) {
                throw new IllegalStateException("leave() called without a matching join()");
            }
            if (--users == 0) {
                queue.add(END);
                queue = null;
                thread = null;
            }
        }
    }

    /** Returns the thread of the current users, or null when there is none. */
    Thread thread() {
        synchronized (lock) {
            return thread;
        }
    }

    private static void run(LinkedBlockingQueue<Runnable> tasks) {
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                // A handler left the flag set. The thread serves every probe until END.
                continue;
            }
            if (task == END) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // The tasks report their handlers' failures themselves, and the thread must
                // go on for the other probes.
            }
        }
    }
}
