package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackage;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.osgi.framework.BundleContext;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/**
 * The Felix Web Console and its Tarsier page in headless Chromium against the real agent: login,
 * the probe buttons (checked with bpftool), a real container and an alert it caused, and the
 * logins that must be rejected.
 */
@RunWith(PaxExam.class)
public class WebConsoleTest implements AgentProbe {

    private static final String PID = "org.tarsier.webconsole";
    private static final String USER = "admin";
    private static final String PAGE = "/system/console/tarsier";
    private static final String POD_MARKUP = "<img src=x onerror=window.tarsierXss=1>";
    private static final String ALERT_MARKUP = "<script>window.tarsierXss=2</script>";
    private static final long TIMEOUT_MILLIS = 30_000;

    @Inject
    private BundleContext context;

    private final List<String> containers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Configuration
    public Option[] config() {
        // Selenium is not a set of bundles: the test's classes load it from the test JVM's
        // class path through boot delegation to the application class loader.
        return options(AgentOptions.agent(
                bootDelegationPackage("org.openqa.selenium"),
                bootDelegationPackage("org.openqa.selenium.*"),
                frameworkProperty("org.osgi.framework.bundle.parent").value("app")));
    }

    @Before
    public void agentReady() throws Exception {
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        Docker.ensureImage();
    }

    @After
    public void removeContainers() throws Exception {
        for (String id : containers) {
            Docker.run(List.of("docker", "rm", "-f", id), 60);
        }
    }

    @Test
    public void lockedConsoleRejectsEveryLogin() throws Exception {
        awaitStatus(null, null, 403);

        HttpResponse<String> adminAdmin = get(USER, "admin");
        HttpResponse<String> empty = get(USER, "");

        assertEquals("admin/admin status", 403, adminAdmin.statusCode());
        assertEquals("empty password status", 403, empty.statusCode());
        assertTrue(adminAdmin.body(), adminAdmin.body().contains("./tarsier webconsole-passwd"));
        assertFalse(adminAdmin.body(), adminAdmin.body().contains("tarsier-probes"));
    }

    @Test
    public void pageManagesProbesAndShowsContainerAndAlert() throws Exception {
        String password = randomPassword();
        setPassword(password);
        awaitStatus(USER, password, 200);
        String name = "tarsier-itest-webconsole-" + System.nanoTime();
        String containerId = startContainer(name);

        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(url(USER, password));
            assertFalse("probe table", page.findElements(By.id("tarsier-probes")).isEmpty());

            WebElement containerRow = awaitRow(page,
                    "#tarsier-containers tr[data-container='" + containerId + "']",
                    row -> true);
            assertEquals("container name", name, cell(containerRow, "name"));
            assertEquals("container image", Docker.IMAGE, cell(containerRow, "image"));
            assertEquals("pod from label", POD_MARKUP, cell(containerRow, "pod"));

            WebElement alertRow = awaitRow(page, "#tarsier-alerts tr[data-alert]",
                    row -> cell(row, "rule").equals("Crypto miner launched")
                            && cell(row, "container").contains(name));
            assertEquals("alert detector", "rules", cell(alertRow, "detector"));
            assertTrue(cell(alertRow, "output"), cell(alertRow, "output").contains(ALERT_MARKUP));
            assertEquals("script ran", Boolean.TRUE, browser.driver().executeScript(
                    "return window.tarsierXss === undefined"));

            clickProbeButtons(page);
        }

        assertEquals("admin/admin status", 401, get(USER, "admin").statusCode());
        assertEquals("empty password status", 401, get(USER, "").statusCode());
        assertEquals("other user status", 401, get("root", password).statusCode());
        assertEquals("POST without token status", 403, postUnloadWithoutToken(password));
        assertEquals("state after POST without token", ProbeState.LOADED,
                Services.probe(context, "process").state());
    }

    @Test
    public void wrongPasswordGetsNoPage() throws Exception {
        String password = randomPassword();
        setPassword(password);
        awaitStatus(USER, password, 200);

        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(url(USER, password + "x"));

            // Chromium shows no body for a 401 it cannot answer, and never the page behind it.
            assertTrue("probe table shown",
                    page.findElements(By.id("tarsier-probes")).isEmpty());
            assertFalse(page.getPageSource(), page.getPageSource().contains("Probes"));
            assertFalse(page.getPageSource(), page.getPageSource().contains("Tarsier"));
        }
    }

    private void clickProbeButtons(WebDriver page) throws Exception {
        Probe probe = Services.probe(context, "process");
        int programs = probe.programs().size();
        assertTrue("process probe programs", programs > 0);
        Set<Integer> before = Kernel.programIds();

        probeRow(page).findElement(By.cssSelector("button[value='unload']")).click();
        WebElement unloaded = awaitRow(page, probeSelector(),
                row -> cell(row, "state").equals("UNLOADED"));

        assertEquals("programs cell", "0", cell(unloaded, "programs"));
        assertEquals("probe state", ProbeState.UNLOADED, probe.state());
        Set<Integer> remaining = Kernel.await(Kernel::programIds,
                ids -> difference(before, ids).size() >= programs);
        assertEquals("programs gone from bpftool", programs,
                difference(before, remaining).size());
        assertTrue(page.findElement(By.id("tarsier-status")).getText(),
                page.findElement(By.id("tarsier-status")).getText().contains("unloaded"));

        probeRow(page).findElement(By.cssSelector("button[value='load']")).click();
        WebElement loaded = awaitRow(page, probeSelector(),
                row -> cell(row, "state").equals("LOADED"));

        assertEquals("programs cell", Integer.toString(programs), cell(loaded, "programs"));
        assertEquals("probe state", ProbeState.LOADED, probe.state());
        Set<Integer> reloaded = Kernel.await(Kernel::programIds,
                ids -> difference(ids, remaining).size() >= programs);
        assertEquals("programs back in bpftool", programs,
                difference(reloaded, remaining).size());
    }

    private static String probeSelector() {
        return "#tarsier-probes tr[data-probe='process']";
    }

    private static WebElement probeRow(WebDriver page) {
        return page.findElement(By.cssSelector(probeSelector()));
    }

    /** Reloads the page until a row matching the selector satisfies the condition. */
    private static WebElement awaitRow(WebDriver page, String selector,
            java.util.function.Predicate<WebElement> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (true) {
            for (WebElement row : page.findElements(By.cssSelector(selector))) {
                if (condition.test(row)) {
                    return row;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no row " + selector + " as expected within "
                        + TIMEOUT_MILLIS + " ms; page:\n" + page.getPageSource());
            }
            Thread.sleep(500);
            page.navigate().refresh();
        }
    }

    private static String cell(WebElement row, String cssClass) {
        return row.findElement(By.cssSelector("td." + cssClass)).getText();
    }

    private static Set<Integer> difference(Set<Integer> from, Set<Integer> minus) {
        Set<Integer> result = new HashSet<>(from);
        result.removeAll(minus);
        return result;
    }

    /**
     * Starts a container whose pod label carries markup and which, after 3 s, runs a program
     * named like a crypto miner with a script tag as its argument.
     */
    private String startContainer(String name) throws IOException, InterruptedException {
        Docker.Result result = Docker.run(List.of("docker", "run", "-d", "--network", "none",
                "--label", Docker.LABEL, "--label", "io.kubernetes.pod.name=" + POD_MARKUP,
                "--name", name, Docker.IMAGE, "sh", "-c", "sleep 3; ln -s busybox /bin/xmrig;"
                        + " xmrig '" + ALERT_MARKUP + "'; sleep 300"), 60);
        if (result.exitCode() != 0) {
            throw new IOException("docker run " + name + " failed: " + result.stderr());
        }
        String id = result.stdout().strip();
        containers.add(id);
        return id;
    }

    /** Hashes the password with the operator's tool and hands the hash to Config Admin. */
    private void setPassword(String password) throws Exception {
        Path config = Files.createTempDirectory("tarsier-webconsole").resolve(PID + ".cfg");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path tool = Path.of(System.getProperty("tarsier.home", ".."),
                "runtime/bin/WebConsolePassword.java");
        Process process = new ProcessBuilder(java.toString(), tool.toString(), config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertTrue("password tool finished", process.waitFor(120, TimeUnit.SECONDS));
        assertEquals("password tool exit", 0, process.exitValue());
        String hash = null;
        for (String line : Files.readAllLines(config)) {
            if (line.startsWith("password.hash = ")) {
                hash = line.substring("password.hash = ".length());
            }
        }
        Files.delete(config);
        Files.delete(config.getParent());
        Services.configure(context, PID, Map.of("username", USER, "password.hash", hash));
    }

    private String url(String user, String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + port() + PAGE;
    }

    private String port() {
        return context.getProperty(AgentOptions.HTTP_PORT);
    }

    private HttpResponse<String> get(String user, String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port() + PAGE)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", basic(user, password));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends an unload POST with valid credentials but no session and no CSRF token. */
    private int postUnloadWithoutToken(String password) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port() + PAGE))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(USER, password))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=unload&probe=process"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until the page returns the status, as the console and its login start. */
    private void awaitStatus(String user, String password, int status) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        Supplier<String> last = () -> "";
        while (true) {
            try {
                HttpResponse<String> response = get(user, password);
                if (response.statusCode() == status) {
                    return;
                }
                last = () -> response.statusCode() + " " + response.body();
            } catch (IOException e) {
                String message = e.toString();
                last = () -> message;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("expected status " + status + " from " + PAGE
                        + " within " + TIMEOUT_MILLIS + " ms; last response: " + last.get());
            }
            Thread.sleep(250);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'a')
                .replace('_', 'b');
    }
}
