package org.tarsier.console.internal.shell;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Gogo commands in the scope {@code test} that print, fail or block, for the server tests. */
public final class TestCommands {

    private volatile CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);

    /** Prints its argument to standard output and returns nothing. */
    public void shout(String text) {
        System.out.println(text);
    }

    /** Prints its argument to standard error and returns nothing. */
    public void warn(String text) {
        System.err.println(text);
    }

    /** Returns its argument as a string, so variables can be read back. */
    public String tell(Object value) {
        return String.valueOf(value);
    }

    /** Fails with the given message. */
    public String fail(String message) {
        throw new IllegalStateException(message);
    }

    /** Blocks until {@link #open()} or an interrupt, at most 30 s. */
    public String block() throws InterruptedException {
        entered.countDown();
        try {
            return gate.await(30, TimeUnit.SECONDS) ? "released" : "timed out";
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    /** Prints a line every 10 ms until interrupted, at most 30 s. */
    public void chatter() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                System.out.println("still running");
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    boolean awaitBlocked() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    void open() {
        gate.countDown();
    }

    /** Waits until a blocked command was interrupted; Gogo runs it on a thread of its own. */
    boolean awaitInterrupted() throws InterruptedException {
        return interrupted.await(10, TimeUnit.SECONDS);
    }
}
