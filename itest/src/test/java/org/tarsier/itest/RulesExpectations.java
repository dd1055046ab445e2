package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.List;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.ExecEvent;

/**
 * Waits for the rules detector's alerts on processes that a test ran in a container, and checks
 * that each alert names the container, the image and the process exactly as the process probe
 * saw its exec.
 */
final class RulesExpectations implements AutoCloseable {

    static final long TIMEOUT_MILLIS = 15_000;

    private final Alerts alerts;
    private final Events execs;

    RulesExpectations(BundleContext context) {
        this.alerts = new Alerts(context, "rules");
        this.execs = new Events(context, Topics.PROCESS_EXEC);
    }

    /**
     * Waits for the exec that {@code process} selects in container {@code id}, then for an alert
     * of {@code rule} on that process that {@code alertFilter} accepts, and checks the process
     * fields of the alert.
     */
    Alert expect(String rule, String id, Predicate<ExecEvent> process,
            Predicate<Alert> alertFilter) throws InterruptedException {
        ExecEvent exec = execOf(id, process);
        int pid = exec.header().pid();
        List<Alert> found = alerts.await(a -> inContainer(a, id) && a.rule().equals(rule)
                && pid(a) == pid && alertFilter.test(a), TIMEOUT_MILLIS);
        assertFalse("no '" + rule + "' alert for pid " + pid + " in " + id + "; alerts: "
                + summary(id), found.isEmpty());
        Alert alert = found.get(0);
        assertProcess(alert, exec, id);
        return alert;
    }

    /** Waits for an alert of {@code rule} on the process that {@code process} selects. */
    Alert expect(String rule, String id, Predicate<ExecEvent> process)
            throws InterruptedException {
        return expect(rule, id, process, a -> true);
    }

    /** Waits for an alert of {@code rule} with {@code fd.name} {@code file} on the process. */
    Alert expectFile(String rule, String id, Predicate<ExecEvent> process, String file)
            throws InterruptedException {
        return expect(rule, id, process, a -> file.equals(a.fields().get("fd.name")));
    }

    /**
     * Checks that no alert of {@code rule} names the process that {@code process} selects, after
     * waiting for that process's exec and then {@code quietMillis} more for late alerts.
     */
    void expectNone(String rule, String id, Predicate<ExecEvent> process, long quietMillis)
            throws InterruptedException {
        int pid = execOf(id, process).header().pid();
        Thread.sleep(quietMillis);
        assertEquals("'" + rule + "' alerts for pid " + pid + " in " + id, List.of(),
                alerts.matching(a -> inContainer(a, id) && a.rule().equals(rule)
                        && pid(a) == pid));
    }

    /** Returns the alerts received so far that match. */
    List<Alert> matching(Predicate<Alert> filter) {
        return alerts.matching(filter);
    }

    /** Waits until an alert matches, and returns the matching alerts seen so far. */
    List<Alert> await(Predicate<Alert> filter) throws InterruptedException {
        return alerts.await(filter, TIMEOUT_MILLIS);
    }

    /** Waits for the first exec in container {@code id} that {@code filter} selects. */
    ExecEvent execOf(String id, Predicate<ExecEvent> filter) throws InterruptedException {
        List<ExecEvent> found = execs.await(ExecEvent.class,
                e -> e.container().id().equals(id) && filter.test(e), TIMEOUT_MILLIS);
        assertFalse("no matching exec in container " + id, found.isEmpty());
        return found.get(0);
    }

    /** Checks the container and the process fields of {@code alert} against {@code exec}. */
    static void assertProcess(Alert alert, ExecEvent exec, String id) {
        assertEquals("container id", id, alert.container().id());
        assertEquals("image", Docker.IMAGE, alert.container().image());
        assertEquals("pid", (long) exec.header().pid(), alert.fields().get("proc.pid"));
        assertEquals("ppid", (long) exec.header().ppid(), alert.fields().get("proc.ppid"));
        assertEquals("cmdline", cmdline(exec), alert.fields().get("proc.cmdline"));
    }

    /**
     * Selects the exec of a busybox applet by {@code argv[0]}: busybox's shell runs its own
     * applets through /proc/self/exe, so the file name is not the applet's.
     */
    static Predicate<ExecEvent> applet(String name, String... args) {
        return exec -> !exec.argv().isEmpty() && exec.argv().get(0).equals(name)
                && exec.argv().containsAll(List.of(args));
    }

    /** Selects the exec of a file by its path, as the kernel reports it. */
    static Predicate<ExecEvent> file(String filename, String... args) {
        return exec -> exec.filename().equals(filename)
                && exec.argv().containsAll(List.of(args));
    }

    /** Returns Falco's {@code proc.cmdline} of an exec: the file's name, then the arguments. */
    static String cmdline(ExecEvent exec) {
        String name = exec.filename().substring(exec.filename().lastIndexOf('/') + 1);
        List<String> argv = exec.argv();
        return argv.size() <= 1 ? name : name + " " + String.join(" ", argv.subList(1,
                argv.size()));
    }

    /** Returns {@code evt.type}, which an output field turns into the list of its names. */
    static String type(Alert alert) {
        Object type = alert.fields().get("evt.type");
        return type instanceof List<?> names ? names.get(0).toString() : String.valueOf(type);
    }

    static long pid(Alert alert) {
        return alert.fields().get("proc.pid") instanceof Number n ? n.longValue() : -1;
    }

    static boolean inContainer(Alert alert, String id) {
        return alert.container().id().equals(id);
    }

    private String summary(String id) {
        StringBuilder text = new StringBuilder();
        for (Alert alert : alerts.matching(a -> inContainer(a, id))) {
            text.append("\n  ").append(alert.rule()).append(" pid=")
                    .append(alert.fields().get("proc.pid")).append(" fd.name=")
                    .append(alert.fields().get("fd.name")).append(" cmdline=")
                    .append(alert.fields().get("proc.cmdline"));
        }
        return text.toString();
    }

    @Override
    public void close() {
        alerts.close();
        execs.close();
    }
}
