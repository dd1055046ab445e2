package org.tarsier.injector.scenario;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kinds of anomaly the injector produces, each as a busybox shell script run in a container,
 * with the detections it is expected to raise.
 *
 * <p>An expected detection is either {@code rules:RULE NAME}, a rule of the default ruleset that
 * should fire, or the name of an anomaly detector ({@code stats}, {@code iforest}) that should
 * raise an alert. The scripts run with busybox applets only and aim network traffic at loopback
 * inside the container: the listeners they talk to are started by the same script.
 *
 * <p>In every script {@code $I} is the intensity; the script loops until the injector stops it.
 */
public enum Kind {

    CPU_BURN("workers", 1, 4,
            "hash /dev/zero in $I busy workers",
            "for w in $(seq $I); do md5sum /dev/zero & done; wait",
            "stats", "iforest"),

    MEMORY_GROWTH("MiB/s", 8, 64,
            "add $I MiB of tmpfs pages in /dev/shm every second, up to the memory limit",
            "i=0; while :; do dd if=/dev/zero of=/dev/shm/fill$i bs=1M count=$I 2>/dev/null;"
                    + " i=$((i+1)); sleep 1; done",
            "stats", "iforest"),

    FORK_BURST("forks/s", 400, 2000,
            "fork $I short-lived subshells every second",
            "while :; do i=0; while [ $i -lt $I ]; do : & i=$((i+1)); done; wait; sleep 1; done",
            "rules:Fork burst in container", "stats", "iforest"),

    SYSCALL_STORM("k syscalls/s", 50, 500,
            "copy $I thousand single bytes from /dev/zero to /dev/null every second",
            "while :; do dd if=/dev/zero of=/dev/null bs=1 count=${I}000 2>/dev/null; sleep 1;"
                    + " done",
            "stats", "iforest"),

    FILE_WRITE_BURST("files/s", 50, 500,
            "write $I documents a second, then replace each with an encrypted-looking copy",
            "mkdir -p /data/docs; n=0; while :; do i=0; while [ $i -lt $I ]; do"
                    + " f=/data/docs/report-$n-$i.txt; echo \"quarterly figures $n $i\" > $f;"
                    + " md5sum $f > $f.locked; rm $f; i=$((i+1)); done; n=$((n+1)); sleep 1;"
                    + " done",
            "stats", "iforest"),

    SENSITIVE_FILE_READ("reads/s", 1, 20,
            "read /etc/shadow, /etc/sudoers and an SSH private key $I times a second",
            "while :; do i=0; while [ $i -lt $I ]; do cat /etc/shadow /etc/sudoers"
                    + " /root/.ssh/id_rsa > /dev/null; i=$((i+1)); done; sleep 1; done",
            "rules:Read shadow or sudoers file", "rules:Read SSH private key"),

    SHELL_SPAWN("shells/s", 1, 10,
            "start $I shells a second from a non-shell parent (xargs), as an exec'd attacker"
                    + " shell would run",
            "while :; do i=0; while [ $i -lt $I ]; do echo 'id; uname -a; ls /'"
                    + " | xargs -0 sh -c > /dev/null; i=$((i+1)); done; sleep 1; done",
            "rules:Shell spawned in container"),

    REVERSE_SHELL("shells", 1, 5,
            "connect a shell to a listener on 127.0.0.1:4444 with nc -e, and try a /dev/tcp"
                    + " redirect, $I per round",
            "while :; do i=0; while [ $i -lt $I ]; do"
                    + " timeout 3 nc -l -p 4444 < /dev/null > /dev/null 2>&1 & sleep 0.3;"
                    + " timeout 2 nc 127.0.0.1 4444 -e /bin/sh > /dev/null 2>&1;"
                    + " sh -c 'exec 3<>/dev/tcp/127.0.0.1/4444' 2>/dev/null;"
                    + " i=$((i+1)); done; wait; sleep 2; done",
            "rules:Netcat remote code execution", "rules:Netcat launched in container",
            "rules:Reverse shell redirect"),

    PORT_SCAN("ports", 200, 2000,
            "try TCP ports 1 to $I of 127.0.0.1 in turn, then start again",
            "while :; do p=1; while [ $p -le $I ]; do"
                    + " nc -w 1 127.0.0.1 $p < /dev/null > /dev/null 2>&1; p=$((p+1)); done;"
                    + " done",
            "rules:Port scan", "stats", "iforest"),

    CONNECTION_BURST("connections/s", 50, 500,
            "open $I HTTP connections a second to a busybox httpd on 127.0.0.1:8081",
            "httpd -p 127.0.0.1:8081 -h /www; while :; do i=0; while [ $i -lt $I ]; do"
                    + " wget -q -O /dev/null http://127.0.0.1:8081/ 2>/dev/null; i=$((i+1));"
                    + " done; sleep 1; done",
            "stats", "iforest"),

    MINER_CONNECTION("workers", 1, 4,
            "run a miner look-alike every 2 s, a process whose command line names a"
                    + " stratum+tcp pool and that connects to a local pool on 127.0.0.1:3333,"
                    + " next to $I busy workers",
            "nc -ll -p 3333 -e cat > /dev/null 2>&1 &"
                    + " for w in $(seq $I); do md5sum /dev/zero & done; sleep 0.5;"
                    + " while :; do sh -c 'echo {\"method\":\"mining.subscribe\"}"
                    + " | timeout 2 nc 127.0.0.1 3333' miner -o stratum+tcp://127.0.0.1:3333"
                    + " > /dev/null 2>&1; sleep 2; done",
            "rules:Crypto miner launched", "rules:Connection to mining pool port", "stats",
            "iforest"),

    BINARY_DROP("runs/s", 1, 10,
            "copy busybox to /tmp/.cache-update and run the copy $I times a second",
            "cp /bin/busybox /tmp/.cache-update; chmod 755 /tmp/.cache-update; while :; do"
                    + " i=0; while [ $i -lt $I ]; do /tmp/.cache-update true; i=$((i+1)); done;"
                    + " sleep 1; done",
            "rules:Drop and execute new binary", "rules:Execution from temporary directory"),

    WRITE_BELOW_ETC("writes/s", 1, 20,
            "append a user to /etc/passwd and write /etc/cron.tarsier $I times a second",
            "while :; do i=0; while [ $i -lt $I ]; do"
                    + " echo 'backdoor:x:0:0::/root:/bin/sh' >> /etc/passwd;"
                    + " echo '* * * * * root /tmp/x' > /etc/cron.tarsier; i=$((i+1)); done;"
                    + " sleep 1; done",
            "rules:Write below etc"),

    PACKAGE_MANAGER("runs", 1, 5,
            "run $I apt-get and apk installs (scripts that only print) every 3 s",
            "while :; do i=0; while [ $i -lt $I ]; do apt-get install -y nmap > /dev/null;"
                    + " apk add socat > /dev/null; i=$((i+1)); done; sleep 3; done",
            "rules:Package manager in container"),

    LOG_CLEARING("rounds/s", 1, 10,
            "write /var/log/auth.log and /var/log/old.log, then truncate one and remove the"
                    + " other, $I times a second",
            "while :; do i=0; while [ $i -lt $I ]; do echo 'sshd: accepted' >> /var/log/auth.log;"
                    + " echo rotated >> /var/log/old.log; : > /var/log/auth.log;"
                    + " rm -f /var/log/old.log; i=$((i+1)); done; sleep 1; done",
            "rules:Clear log files"),

    SETUID_CHMOD("rounds/s", 1, 10,
            "set the setuid bit on an empty file in /tmp and chmod 777 it, $I times a second",
            "touch /tmp/suid-helper; while :; do i=0; while [ $i -lt $I ]; do"
                    + " chmod 4755 /tmp/suid-helper; chmod 777 /tmp/suid-helper; chmod 777 /data;"
                    + " i=$((i+1)); done; sleep 1; done",
            "rules:Set setuid or setgid bit"),

    /** Ordinary behaviour, not an anomaly: alerts in its containers are false alerts. */
    NORMAL("requests/s", 1, 20,
            "serve /www with busybox httpd on 127.0.0.1:8080, fetch it $I times a second, and"
                    + " every 15 s archive /www and append to a log, like a cron job",
            "httpd -p 127.0.0.1:8080 -h /www; n=0; while :; do i=0; while [ $i -lt $I ]; do"
                    + " wget -q -O /dev/null http://127.0.0.1:8080/ 2>/dev/null; i=$((i+1)); done;"
                    + " n=$((n+1)); if [ $((n % 15)) -eq 0 ]; then tar -czf /tmp/www.tgz /www"
                    + " 2>/dev/null; echo \"backup $n\" >> /tmp/jobs.log; fi; sleep 1; done");

    private final String unit;
    private final int defaultIntensity;
    private final int maxIntensity;
    private final String description;
    private final String script;
    private final List<String> expected;

    Kind(String unit, int defaultIntensity, int maxIntensity, String description, String script,
            String... expected) {
        this.unit = unit;
        this.defaultIntensity = defaultIntensity;
        this.maxIntensity = maxIntensity;
        this.description = description;
        this.script = script;
        this.expected = List.of(expected);
    }

    /** Returns the name used in scenario files and labels, e.g. {@code cpu_burn}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the unit of the intensity, e.g. {@code forks/s}. */
    public String unit() {
        return unit;
    }

    public int defaultIntensity() {
        return defaultIntensity;
    }

    /** Returns the highest intensity allowed; higher requests are clamped to it. */
    public int maxIntensity() {
        return maxIntensity;
    }

    /** Returns what the script does, with {@code $I} replaced by {@code intensity}. */
    public String describe(int intensity) {
        return description.replace("$I", Integer.toString(intensity));
    }

    /** Returns the shell script, with the intensity set in variable {@code I}. */
    public String script(int intensity) {
        return "I=" + intensity + "; " + script;
    }

    /** Returns the expected detections: {@code rules:RULE}, {@code stats} or {@code iforest}. */
    public List<String> expected() {
        return expected;
    }

    /** Returns whether this kind injects an anomaly; {@link #NORMAL} does not. */
    public boolean isAnomaly() {
        return this != NORMAL;
    }

    /** Returns the kind with this id, ignoring case and accepting {@code -} for {@code _}. */
    public static Optional<Kind> byId(String id) {
        String normalized = id.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(kind -> kind.id().equals(normalized)).findFirst();
    }

    /** Returns the ids of all kinds, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Kind::id).collect(Collectors.joining(", "));
    }
}
