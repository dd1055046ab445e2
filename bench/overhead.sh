#!/usr/bin/env bash
# Probe overhead benchmark: what the Tarsier probes cost a containerised workload.
#
#   bench/overhead.sh [-r ROUNDS] [-n CALLS] [-d HTTP_SECONDS] [-o OUTPUT_DIR]
#
# Four workloads run under each condition, one after the other:
#   loop  a static C program (bench/overhead-getppid.c, compiled at run time) in a
#         tarsier/busybox:dev container with --network none calls getppid CALLS times and
#         prints nanoseconds per call
#   http  busybox httpd in a container with --network host on 127.0.0.1:BENCH_HTTP_PORT,
#         loaded by wrk on the host for HTTP_SECONDS; result in requests per second. httpd
#         forks a child per connection and closes it after one response: the worst case
#   web   nginx (from the Debian package, unpacked into a local image) in a container with
#         --network host on 127.0.0.1:BENCH_WEB_PORT, one worker, keep-alive connections and
#         an access log, loaded by wrk the same way. This is the realistic HTTP server.
#   build a C build in a container: GNU make -j2 compiles BENCH_BUILD_UNITS generated C files
#         with gcc -O2 and links them; result in milliseconds. The image holds only links to
#         /usr, and the host's /usr is mounted read-only, so the compilers are the host's
# Conditions, in an order rotated by one each round so that slow drift of the machine is spread
# over all of them:
#   none            no agent and no tracer started by this script
#   agent-PROBE     the agent with only PROBE autoloaded (process, syscall, file, tcp)
#   agent-all       the agent with all four probes
#   baseline-all    the agent jar of BENCH_BASELINE_JAR with all four probes, to compare two
#                   builds of the agent side by side; only when BENCH_BASELINE_JAR is set
#   libbpf-empty    bench/overhead-loader.c (libbpf, compiled at run time) with
#                   bench/overhead-empty.bpf.c (compiled by clang at run time): two programs
#                   that return at once on sys_enter and sys_exit, the floor of any syscall
#                   counter on tracepoints
#   libbpf-PROBE    the same loader with PROBE.bpf.o alone (process, syscall, file, tcp)
#   libbpf-all      the same loader with all four probe objects
#   syscount        /usr/sbin/syscount from libbpf-tools, the C reference tool
# For each tracer the script records its CPU time (utime + stime from /proc/PID/stat) during
# each workload and its resident set size (VmRSS) at the end of each workload. It prints a
# Markdown summary and keeps raw data in OUTPUT_DIR (default var/bench/overhead-DATE). Needs
# root, gcc with static glibc, clang (for libbpf-empty), libbpf, Docker, wrk, curl, bpftool,
# python3 and apt-get (to download the nginx package without installing it).
#
# Environment:
#   TARSIER_HOME          repository to take the agent jar and probe objects from
#                         (default: this script's repository)
#   BENCH_METRICS_PORT    loopback port of the benchmark agent's metrics endpoint (default 19474)
#   BENCH_HTTP_PORT       loopback port of the benchmark httpd (default 18474)
#   BENCH_WEB_PORT        loopback port of the benchmark nginx (default 18475)
#   BENCH_START_TIMEOUT   seconds to wait for the agent to load its probes (default 120)
#   BENCH_WRK_ARGS        load generator options (default "-t2 -c32")
#   BENCH_WARMUP          seconds of unmeasured load of each workload after each start
#                         (default 10)
#   BENCH_BUILD_UNITS     C files of the build workload (default 200)
#   BENCH_BUILDS          measured builds per condition and round (default 1). The build
#                         result is their median time, and its tracer CPU is per build
#   BENCH_PROGRAM_COST    1: after the measured builds of each condition, run as many builds
#                         again under bench/program-cost.sh (default 0). It records each BPF
#                         program's CPU time and the tracer's in
#                         raw/program-cost.CONDITION.roundN.md. The statistics slow every
#                         program run, so these builds are not timed
#   BENCH_CONDITIONS      space-separated subset of the conditions to run (default: all 13,
#                         and baseline-all when BENCH_BASELINE_JAR is set)
#   BENCH_BASELINE_JAR    tarsier.jar of another build, e.g. an earlier commit's
#                         runtime/target/tarsier.jar; it runs as condition baseline-all with the
#                         configuration of agent-all
#   BENCH_QUIET_WAIT      longest wait in seconds for a Maven build or exec-storm.sh to finish
#                         before a run (default 600); a run that starts or ends while one is
#                         running is marked in the results and the summary
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
METRICS_PORT=${BENCH_METRICS_PORT:-19474}
HTTP_PORT=${BENCH_HTTP_PORT:-18474}
WEB_PORT=${BENCH_WEB_PORT:-18475}
START_TIMEOUT=${BENCH_START_TIMEOUT:-120}
QUIET_WAIT=${BENCH_QUIET_WAIT:-600}
warmup_seconds=${BENCH_WARMUP:-10}
read -r -a WRK_ARGS <<<"${BENCH_WRK_ARGS:--t2 -c32}"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
IMAGE=tarsier/busybox:dev
WEB_IMAGE=tarsier/bench-nginx:dev
BUILD_IMAGE=tarsier/bench-build:dev
BUILD_UNITS=${BENCH_BUILD_UNITS:-200}
BUILDS=${BENCH_BUILDS:-1}
PROGRAM_COST=${BENCH_PROGRAM_COST:-0}
LABEL=org.tarsier.bench=overhead
PROBES=(process syscall file tcp)
ALL_CONDITIONS=(none agent-process agent-syscall agent-file agent-tcp agent-all
    libbpf-empty libbpf-process libbpf-syscall libbpf-file libbpf-tcp libbpf-all syscount)
BASELINE_JAR=${BENCH_BASELINE_JAR:-}
if [[ -n $BASELINE_JAR ]]; then
    ALL_CONDITIONS+=(baseline-all)
fi
read -r -a CONDITIONS <<<"${BENCH_CONDITIONS:-${ALL_CONDITIONS[*]}}"

rounds=5
calls=5000000
http_seconds=10
output_dir=""

tracer_pid=""
server_container=""
web_container=""
work_dir=""

log() {
    printf 'overhead: %s\n' "$*" >&2
}

die() {
    printf 'overhead: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

parse_args() {
    while getopts 'r:n:d:o:h' option; do
        case "$option" in
            r) rounds=$OPTARG ;;
            n) calls=$OPTARG ;;
            d) http_seconds=$OPTARG ;;
            o) output_dir=$OPTARG ;;
            h) usage; exit 0 ;;
            *) usage >&2; exit 2 ;;
        esac
    done
    [[ $rounds =~ ^[1-9][0-9]*$ ]] || die "invalid -r $rounds: expected a positive round count"
    [[ $calls =~ ^[1-9][0-9]*$ ]] || die "invalid -n $calls: expected a positive call count"
    [[ $http_seconds =~ ^[1-9][0-9]*$ ]] ||
        die "invalid -d $http_seconds: expected a positive number of seconds"
    local condition
    for condition in "${CONDITIONS[@]}"; do
        [[ " ${ALL_CONDITIONS[*]} " == *" $condition "* ]] ||
            die "invalid BENCH_CONDITIONS entry $condition: expected some of ${ALL_CONDITIONS[*]}"
    done
    [[ $BUILD_UNITS =~ ^[1-9][0-9]*$ ]] ||
        die "invalid BENCH_BUILD_UNITS $BUILD_UNITS: expected a positive number of files"
    [[ $BUILDS =~ ^[1-9][0-9]*$ ]] ||
        die "invalid BENCH_BUILDS $BUILDS: expected a positive number of builds"
    [[ $PROGRAM_COST == [01] ]] ||
        die "invalid BENCH_PROGRAM_COST $PROGRAM_COST: expected 1 to record program costs or 0"
    [[ $warmup_seconds =~ ^[0-9]+$ ]] ||
        die "invalid BENCH_WARMUP $warmup_seconds: expected a number of seconds, 0 for none"
    [[ " ${CONDITIONS[*]} " == *" none "* ]] ||
        die "BENCH_CONDITIONS must include none: every ratio is to the none run of its round"
    if [[ -n $BASELINE_JAR ]]; then
        [[ -f $BASELINE_JAR ]] || die "BENCH_BASELINE_JAR $BASELINE_JAR is not a file"
    fi
}

check_tools() {
    [[ $(id -u) -eq 0 ]] ||
        die "the benchmark loads BPF programs and starts containers: run it as root"
    if (( PROGRAM_COST == 1 )); then
        [[ -w /proc/sys/kernel/bpf_stats_enabled ]] ||
            die "BENCH_PROGRAM_COST=1 needs /proc/sys/kernel/bpf_stats_enabled (Linux 5.8)"
    fi
    local tool
    for tool in gcc make docker wrk curl python3 apt-get dpkg-deb /usr/sbin/syscount \
        "$JAVA_HOME/bin/java"; do
        command -v "$tool" >/dev/null ||
            die "$tool not found; install gcc, libbpf-dev, docker.io, wrk, curl, python3," \
                "libbpf-tools and a JDK 25 (JAVA_HOME)"
    done
    if selected libbpf-empty; then
        command -v clang >/dev/null || die "clang not found; the libbpf-empty condition needs it"
    fi
    [[ -f $TARSIER_HOME/runtime/target/tarsier.jar ]] ||
        die "runtime/target/tarsier.jar not found in $TARSIER_HOME: run ./tarsier build first"
    for probe in "${PROBES[@]}"; do
        [[ -f $(probe_object "$probe") ]] ||
            die "$(probe_object "$probe") not found: run ./tarsier build first"
    done
}

# Returns success when BENCH_CONDITIONS includes condition $1.
selected() {
    [[ " ${CONDITIONS[*]} " == *" $1 "* ]]
}

probe_object() {
    echo "$TARSIER_HOME/bundles/probe-$1/target/classes/bpf/$1.bpf.o"
}

machine_busy() {
    pgrep -f exec-storm.sh >/dev/null || pgrep -f plexus-classworlds >/dev/null
}

# Waits up to QUIET_WAIT seconds until no exec-storm benchmark and no Maven build runs, because
# both share the two cores with the workload.
wait_for_quiet() {
    local waited=0
    while machine_busy; do
        if (( waited >= QUIET_WAIT )); then
            log "a Maven build or exec-storm.sh still runs after $QUIET_WAIT s; measuring anyway"
            return
        fi
        (( waited % 60 == 0 )) && log "waiting for exec-storm.sh or a Maven build to finish"
        sleep 2
        (( waited += 2 ))
    done
}

# Prints how many tracing BPF programs are loaded that the current tracer does not hold, so that
# other users' probes during a run show in the results.
foreign_programs() {
    python3 - "${tracer_pid:-0}" <<'PYTHON'
import glob
import json
import os
import subprocess
import sys

tracer = sys.argv[1]
own = set()
for fd in glob.glob(f"/proc/{tracer}/fd/*"):
    try:
        if os.readlink(fd) != "anon_inode:bpf-prog":
            continue
        with open(fd.replace("/fd/", "/fdinfo/")) as info:
            own.update(int(line.split()[1]) for line in info if line.startswith("prog_id:"))
    except OSError:
        continue
listing = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True)
programs = json.loads(listing.stdout or "[]")
tracing = {"tracepoint", "raw_tracepoint", "tracing", "kprobe", "perf_event"}
print(sum(1 for p in programs if p.get("type") in tracing and p["id"] not in own))
PYTHON
}

compile_programs() {
    gcc -O2 -static -o "$work_dir/getppid" "$SCRIPT_DIR/overhead-getppid.c" ||
        die "compiling overhead-getppid.c failed; a static build needs libc6-dev"
    gcc -O2 -o "$work_dir/loader" "$SCRIPT_DIR/overhead-loader.c" -lbpf ||
        die "compiling overhead-loader.c failed; it needs libbpf-dev"
    selected libbpf-empty || return 0
    clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c \
        -o "$work_dir/empty.bpf.o" "$SCRIPT_DIR/overhead-empty.bpf.c" ||
        die "compiling overhead-empty.bpf.c failed; it needs clang and libbpf-dev"
}

ensure_image() {
    docker image inspect "$IMAGE" >/dev/null 2>&1 && return
    log "building $IMAGE from /bin/busybox"
    local rootfs="$work_dir/rootfs"
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/mnt"
    cp /bin/busybox "$rootfs/bin/busybox"
    # relative links, which resolve inside the container as well
    for applet in $("$rootfs/bin/busybox" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
}

# Builds the nginx image from the Debian package's binary, the host's copies of the libraries
# that ldd names, and busybox, without installing the package (which would start a service).
ensure_web_image() {
    docker image inspect "$WEB_IMAGE" >/dev/null 2>&1 && return
    log "building $WEB_IMAGE from the Debian package nginx"
    local unpacked="$work_dir/nginx-deb" rootfs="$work_dir/nginx-rootfs" library
    mkdir -p "$unpacked" "$rootfs"/{bin,etc,tmp,run,srv,lib64,usr/sbin,var/log/nginx,var/lib/nginx}
    (cd "$work_dir" && apt-get download nginx >/dev/null 2>&1) ||
        die "apt-get download nginx failed; run apt-get update first"
    dpkg-deb -x "$work_dir"/nginx_*.deb "$unpacked"
    cp "$unpacked/usr/sbin/nginx" "$rootfs/usr/sbin/nginx"
    cp /bin/busybox "$rootfs/bin/busybox"
    ln -s busybox "$rootfs/bin/sh"
    for library in $(ldd "$unpacked/usr/sbin/nginx" | grep -o '/[^ ]*'); do
        mkdir -p "$rootfs$(dirname "$library")"
        cp -L "$library" "$rootfs$library"
    done
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin:/usr/sbin' - "$WEB_IMAGE" >/dev/null
}

# Builds the build workload's image: links from /bin, /lib, /lib64 and /sbin into /usr, where
# each run mounts the host's /usr read-only.
ensure_build_image() {
    docker image inspect "$BUILD_IMAGE" >/dev/null 2>&1 && return
    log "building $BUILD_IMAGE"
    local rootfs="$work_dir/build-rootfs" link
    mkdir -p "$rootfs"/{usr,etc,tmp,src}
    chmod 1777 "$rootfs/tmp"
    for link in bin lib lib64 sbin; do
        ln -s "usr/$link" "$rootfs/$link"
    done
    printf 'root:x:0:0:root:/:/bin/sh\n' >"$rootfs/etc/passwd"
    tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' - "$BUILD_IMAGE" >/dev/null
}

# Writes the build workload's sources: BUILD_UNITS files of six numeric functions each that
# include the usual libc headers, a main that calls them all, and a Makefile.
prepare_build_sources() {
    mkdir -p "$work_dir/build"
    python3 - "$work_dir/build" "$BUILD_UNITS" <<'PYTHON'
import sys

folder, units = sys.argv[1], int(sys.argv[2])
headers = ["stdio.h", "stdlib.h", "string.h", "math.h", "errno.h", "unistd.h", "sys/stat.h"]
for unit in range(units):
    with open(f"{folder}/unit{unit}.c", "w") as source:
        source.writelines(f"#include <{header}>\n" for header in headers)
        for index in range(6):
            source.write(f"static double f{index}(const double *v, size_t n)\n{{\n"
                         "    double sum = 0;\n"
                         "    for (size_t k = 0; k < n; k++)\n"
                         f"        sum += sin(v[k]) * cos(v[k] * {index + 1}) + sqrt(fabs(v[k]));\n"
                         "    return sum;\n}\n")
        calls = " + ".join(f"f{index}(v, n)" for index in range(6))
        source.write(f"double unit{unit}(const double *v, size_t n)\n{{\n"
                     "    char text[32];\n"
                     "    snprintf(text, sizeof text, \"%zu\", n);\n"
                     f"    return {calls} + strlen(text);\n}}\n")
with open(f"{folder}/main.c", "w") as source:
    source.write("#include <stdio.h>\n#include <stddef.h>\n")
    source.writelines(f"double unit{unit}(const double *v, size_t n);\n" for unit in range(units))
    source.write("int main(void)\n{\n    double v[4] = {1, 2, 3, 4}, sum = 0;\n")
    source.writelines(f"    sum += unit{unit}(v, 4);\n" for unit in range(units))
    source.write("    printf(\"%f\\n\", sum);\n    return 0;\n}\n")
with open(f"{folder}/Makefile", "w") as makefile:
    objects = " ".join(["main.o"] + [f"unit{unit}.o" for unit in range(units)])
    makefile.write(f"OBJECTS = {objects}\n"
                   "prog: $(OBJECTS)\n\tgcc -o $@ $(OBJECTS) -lm\n"
                   "%.o: %.c\n\tgcc -O2 -c -o $@ $<\n"
                   "clean:\n\trm -f prog $(OBJECTS)\n")
PYTHON
}

# Prints the median milliseconds of BUILDS clean builds; exits when one fails.
run_builds() {
    local times=() i ms
    for (( i = 0; i < BUILDS; i++ )); do
        ms=$(run_build) || die "the build workload failed (build $((i + 1)) of $BUILDS)"
        [[ $ms =~ ^[0-9]+$ ]] || die "the build workload printed no time: '$ms'"
        times+=("$ms")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 }
        END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# Writes run-build.sh, which prints the milliseconds of one clean build in a new container,
# timed inside it. A script of its own, so that bench/program-cost.sh can run it too.
write_build_script() {
    cat >"$work_dir/run-build.sh" <<SCRIPT
#!/bin/sh
exec docker run --rm --label "$LABEL" --network none -v /usr:/usr:ro \\
    -v "$work_dir/build:/src" -w /src "$BUILD_IMAGE" sh -c \\
    'make -s clean && start=\$(date +%s%N) && make -s -j2 >/dev/null &&
     end=\$(date +%s%N) && ./prog >/dev/null && echo \$(( (end - start) / 1000000 ))'
SCRIPT
    chmod +x "$work_dir/run-build.sh"
}

run_build() {
    "$work_dir/run-build.sh"
}

# Runs BUILDS more builds under bench/program-cost.sh, which times every BPF program and the
# tracer, when BENCH_PROGRAM_COST is 1.
record_program_cost() {
    local condition=$1 round=$2 pid_option=()
    (( PROGRAM_COST == 1 )) || return 0
    [[ -n $tracer_pid ]] && pid_option=(-p "$tracer_pid")
    "$SCRIPT_DIR/program-cost.sh" -n "$BUILDS" "${pid_option[@]}" -- "$work_dir/run-build.sh" \
        >"$output_dir/raw/program-cost.$condition.round$round.md" ||
        die "program-cost.sh failed for $condition in round $round"
}

# Writes one configuration folder per agent condition: the defaults with the metrics port and
# shell socket moved, and autoload = false for every probe the condition leaves out.
prepare_agent_configs() {
    local condition probe etc
    for condition in agent-process agent-syscall agent-file agent-tcp agent-all baseline-all; do
        etc="$work_dir/$condition/etc"
        mkdir -p "$etc" "$work_dir/$condition/deploy" "$work_dir/$condition/data"
        cp -r "$TARSIER_HOME"/runtime/etc/. "$etc/"
        sed -i "s/^port *=.*/port = $METRICS_PORT/" "$etc/org.tarsier.exporter.cfg"
        sed -i "s|^socket.path *=.*|socket.path = $work_dir/$condition/shell.sock|" \
            "$etc/org.tarsier.console.cfg"
        for probe in "${PROBES[@]}"; do
            if [[ $condition != *-all && $condition != "agent-$probe" ]]; then
                sed -i 's/^autoload *=.*/autoload = false/' "$etc/org.tarsier.probe.$probe.cfg"
            fi
        done
    done
}

condition_probes() {
    case "$1" in
        agent-all | baseline-all) echo "${PROBES[*]}" ;;
        agent-*) echo "${1#agent-}" ;;
    esac
}

scrape() {
    curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics"
}

# Starts the agent the way ./tarsier run does, with the jar copied at the start of the series so
# that a rebuild by another engineer cannot change the agent between rounds, and without the
# build step of ./tarsier run. NOTE: the java options copy cmd_run() in the tarsier script.
start_agent() {
    local condition=$1 dir="$work_dir/$1" probe waited=0 jar="$work_dir/tarsier.jar"
    if [[ $condition == baseline-all ]]; then
        jar="$work_dir/baseline.jar"
    fi
    rm -rf "$dir/data/felix-cache"
    (cd "$dir/data" && exec "$JAVA_HOME/bin/java" \
        --enable-native-access=ALL-UNNAMED \
        --sun-misc-unsafe-memory-access=allow \
        -Dgosh.args=--nointeractive \
        -Dtarsier.home="$TARSIER_HOME" \
        -Dtarsier.data="$dir/data" \
        -Dtarsier.deploy="$dir/deploy" \
        -Dfelix.fileinstall.dir="$dir/etc" \
        -Dorg.osgi.framework.storage="$dir/data/felix-cache" \
        -jar "$jar" </dev/null >>"$output_dir/raw/$condition.agent.log" 2>&1) &
    tracer_pid=$!
    for probe in $(condition_probes "$condition"); do
        until scrape 2>/dev/null | grep -q "^tarsier_probe_loaded{probe=\"$probe\"} 1"; do
            kill -0 "$tracer_pid" 2>/dev/null ||
                die "the agent exited before loading the $probe probe;" \
                    "see $output_dir/raw/$condition.agent.log"
            (( waited++ < START_TIMEOUT * 2 )) ||
                die "the $probe probe was not loaded within $START_TIMEOUT s;" \
                    "see $output_dir/raw/$condition.agent.log"
            sleep 0.5
        done
    done
}

# Starts a C tracer whose "ready" line (loader) or header line (syscount) shows it is attached.
start_c_tracer() {
    local condition=$1 out="$output_dir/raw/$1.out" waited=0 ready probe
    shift
    case "$condition" in
        syscount)
            stdbuf -oL /usr/sbin/syscount >"$out" 2>&1 &
            ready='^Tracing'
            ;;
        *)
            stdbuf -oL "$work_dir/loader" "$@" >"$out" 2>&1 &
            ready='^ready'
            ;;
    esac
    tracer_pid=$!
    until grep -q "$ready" "$out" 2>/dev/null; do
        kill -0 "$tracer_pid" 2>/dev/null || die "$condition exited before it was ready; see $out"
        (( waited++ < 300 )) || die "$condition was not ready within 30 s; see $out"
        sleep 0.1
    done
}

start_condition() {
    local condition=$1 probe objects=()
    tracer_pid=""
    case "$condition" in
        none) ;;
        agent-* | baseline-all) start_agent "$condition" ;;
        libbpf-empty) start_c_tracer "$condition" "$work_dir/empty.bpf.o" ;;
        libbpf-process | libbpf-syscall | libbpf-file | libbpf-tcp)
            start_c_tracer "$condition" "$(probe_object "${condition#libbpf-}")"
            ;;
        libbpf-all)
            for probe in "${PROBES[@]}"; do
                objects+=("$(probe_object "$probe")")
            done
            start_c_tracer "$condition" "${objects[@]}"
            ;;
        syscount) start_c_tracer "$condition" ;;
    esac
}

stop_condition() {
    local condition=$1 round=$2 waited=0
    [[ -n $tracer_pid ]] || return 0
    if [[ $condition == agent-* || $condition == baseline-all ]]; then
        scrape >"$output_dir/raw/$condition.round$round.metrics" 2>/dev/null || true
    fi
    if [[ $condition == syscount ]]; then
        kill -INT "$tracer_pid" 2>/dev/null || true
    else
        kill -TERM "$tracer_pid" 2>/dev/null || true
    fi
    while kill -0 "$tracer_pid" 2>/dev/null; do
        (( waited++ < 300 )) || { log "$condition did not stop within 30 s; killing it";
            kill -KILL "$tracer_pid" 2>/dev/null || true; }
        sleep 0.1
    done
    wait "$tracer_pid" 2>/dev/null || true
    tracer_pid=""
}

# Prints the CPU ticks (utime + stime) of the tracer, or 0 without one.
tracer_ticks() {
    [[ -n $tracer_pid ]] || { echo 0; return; }
    sed 's/^.*) //' "/proc/$tracer_pid/stat" | awk '{ print $12 + $13 }'
}

tracer_rss_kb() {
    [[ -n $tracer_pid ]] || { echo 0; return; }
    awk '/^VmRSS:/ { print $2 }' "/proc/$tracer_pid/status"
}

start_server() {
    mkdir -p "$work_dir/www"
    head -c 600 /dev/zero | tr '\0' 'x' >"$work_dir/www/index.html"
    server_container=$(docker run -d --label "$LABEL" --network host \
        -v "$work_dir/www:/www:ro" "$IMAGE" httpd -f -p "127.0.0.1:$HTTP_PORT" -h /www)
    local waited=0
    until curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/index.html"; do
        (( waited++ < 50 )) || die "httpd did not respond on 127.0.0.1:$HTTP_PORT within 10 s"
        sleep 0.2
    done
}

# Starts nginx as a small web service would run it: one worker, keep-alive, sendfile and an
# access log in the container.
start_web_server() {
    mkdir -p "$work_dir/web"
    head -c 600 /dev/zero | tr '\0' 'x' >"$work_dir/web/index.html"
    cat >"$work_dir/web/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
user root;
error_log stderr warn;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
    types { text/html html; }
    access_log /var/log/nginx/access.log;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$WEB_PORT;
        root /srv/www;
    }
}
NGINX
    web_container=$(docker run -d --label "$LABEL" --network host \
        -v "$work_dir/web:/srv/www:ro" "$WEB_IMAGE" nginx -c /srv/www/nginx.conf)
    local waited=0
    until curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$WEB_PORT/index.html"; do
        (( waited++ < 50 )) || die "nginx did not respond on 127.0.0.1:$WEB_PORT within 10 s"
        sleep 0.2
    done
}

run_loop() {
    docker run --rm --label "$LABEL" --network none -v "$work_dir/getppid:/getppid:ro" \
        "$IMAGE" /getppid "$calls"
}

# Runs the HTTP load, unmeasured, for WARMUP seconds, so that a freshly started agent has
# compiled its event path before the measured runs, as an agent that has run for a while has.
warm_up() {
    (( warmup_seconds > 0 )) || return 0
    wrk "${WRK_ARGS[@]}" -d "${warmup_seconds}s" "http://127.0.0.1:$HTTP_PORT/index.html" \
        >/dev/null
    wrk "${WRK_ARGS[@]}" -d "${warmup_seconds}s" "http://127.0.0.1:$WEB_PORT/index.html" \
        >/dev/null
    local until=$((SECONDS + warmup_seconds))
    while (( SECONDS < until )); do
        run_build >/dev/null
    done
}

# Prints requests per second of one wrk run against the server on port $3 (httpd or nginx).
run_http() {
    local out="$output_dir/raw/wrk.$1.$4.round$2.txt"
    wrk "${WRK_ARGS[@]}" -d "${http_seconds}s" "http://127.0.0.1:$3/index.html" >"$out"
    awk '/^Requests\/sec:/ { print $2 }' "$out"
}

measure_condition() {
    local condition=$1 round=$2 ticks0 ticks1 ticks2 ticks3 ticks4 ns rps web_rps build_ms
    local loop_rss http_rss
    local quiet=1 foreign after
    wait_for_quiet
    machine_busy && quiet=0
    start_condition "$condition"
    sleep 1
    warm_up
    foreign=$(foreign_programs)
    ticks0=$(tracer_ticks)
    ns=$(run_loop)
    ticks1=$(tracer_ticks)
    loop_rss=$(tracer_rss_kb)
    rps=$(run_http "$condition" "$round" "$HTTP_PORT" httpd)
    ticks2=$(tracer_ticks)
    web_rps=$(run_http "$condition" "$round" "$WEB_PORT" nginx)
    ticks3=$(tracer_ticks)
    build_ms=$(run_builds)
    ticks4=$(tracer_ticks)
    http_rss=$(tracer_rss_kb)
    # a build or exec storm that started during the measurement is recorded, not hidden
    machine_busy && quiet=0
    after=$(foreign_programs)
    (( after > foreign )) && foreign=$after
    record_program_cost "$condition" "$round"
    stop_condition "$condition" "$round"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" \
        "$condition" "$ns" "$rps" "$((ticks1 - ticks0))" "$((ticks2 - ticks1))" "$loop_rss" \
        "$http_rss" "$quiet" "$foreign" "$(date -u +%H:%M:%S)" "$web_rps" \
        "$((ticks3 - ticks2))" "$build_ms" "$((ticks4 - ticks3))" >>"$output_dir/results.tsv"
    log "round $round $condition: loop $ns ns/call, httpd $rps req/s, nginx $web_rps req/s," \
        "build $build_ms ms," \
        "$foreign foreign tracing programs, quiet=$quiet"
}

cleanup() {
    local status=$?
    [[ -n $tracer_pid ]] && kill -TERM "$tracer_pid" 2>/dev/null
    [[ -n $tracer_pid ]] && wait "$tracer_pid" 2>/dev/null
    [[ -n $server_container ]] && docker rm -f "$server_container" >/dev/null 2>&1
    [[ -n $web_container ]] && docker rm -f "$web_container" >/dev/null 2>&1
    [[ -n $work_dir ]] && rm -rf "$work_dir"
    exit "$status"
}

summarize() {
    python3 - "$output_dir/results.tsv" "$CLOCK_TICKS" "$BUILDS" "$PROGRAM_COST" <<'EOF'
import glob
import os
import re
import statistics
import sys

path, ticks_per_second, builds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [line.rstrip("\n").split("\t") for line in open(path) if not line.startswith("round")]
conditions = list(dict.fromkeys(row[1] for row in rows))
by = {}
noisy = [f"round {row[0]} {row[1]}" for row in rows if row[8] != "1"]
foreign = [f"round {row[0]} {row[1]} ({row[9]})" for row in rows if row[9] != "0"]
for (rnd, cond, ns, rps, loop_ticks, http_ticks, loop_rss, http_rss, _, _, _, web_rps,
        web_ticks, build_ms, build_ticks) in rows:
    by.setdefault(cond, {})[int(rnd)] = dict(ns=float(ns), rps=float(rps),
        loop_cpu=int(loop_ticks) / ticks_per_second, http_cpu=int(http_ticks) / ticks_per_second,
        loop_rss=int(loop_rss) / 1024, http_rss=int(http_rss) / 1024, web=float(web_rps),
        web_cpu=int(web_ticks) / ticks_per_second, build=float(build_ms) / 1000,
        build_rate=1000 / float(build_ms),
        build_cpu=int(build_ticks) / ticks_per_second / builds)

def stats(values, fmt):
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return f"{fmt.format(statistics.median(values))} ({low}–{high})"

def ratios(cond, base, key):
    pairs = [by[cond][r][key] / by[base][r][key] for r in by[cond] if r in by.get(base, {})]
    return pairs

def ratio_cell(values):
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"

print("| condition | getppid ns/call | ratio to none | httpd req/s | ratio to none "
      "| nginx req/s | ratio to none | build s | builds/s ratio to none "
      "| tracer CPU s (loop / httpd / nginx / build) | tracer RSS MiB |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for cond in conditions:
    rounds = by[cond]
    ns = [v["ns"] for v in rounds.values()]
    rps = [v["rps"] for v in rounds.values()]
    loop_cpu = statistics.median(v["loop_cpu"] for v in rounds.values())
    http_cpu = statistics.median(v["http_cpu"] for v in rounds.values())
    web = [v["web"] for v in rounds.values()]
    web_cpu = statistics.median(v["web_cpu"] for v in rounds.values())
    build = [v["build"] for v in rounds.values()]
    build_cpu = statistics.median(v["build_cpu"] for v in rounds.values())
    rss = statistics.median(v["http_rss"] for v in rounds.values())
    tracer = "- | -" if cond == "none" else (
        f"{loop_cpu:.2f} / {http_cpu:.2f} / {web_cpu:.2f} / {build_cpu:.2f} | {rss:.0f}")
    print(f"| {cond} | {stats(ns, '{:.1f}')} | {ratio_cell(ratios(cond, 'none', 'ns'))} "
          f"| {stats(rps, '{:.0f}')} | {ratio_cell(ratios(cond, 'none', 'rps'))} "
          f"| {stats(web, '{:.0f}')} | {ratio_cell(ratios(cond, 'none', 'web'))} "
          f"| {stats(build, '{:.2f}')} | {ratio_cell(ratios(cond, 'none', 'build_rate'))} "
          f"| {tracer} |")
print()
print(f"Rounds: {len(set(int(r[0]) for r in rows))}. Ratios are medians (min–max) of the "
      "per-round ratios to the none run of the same round.")
print("Runs during which a Maven build or exec-storm.sh was running: "
      + (", ".join(noisy) if noisy else "none"))
print("Runs with tracing BPF programs of other processes loaded (count): "
      + (", ".join(foreign) if foreign else "none"))
if "agent-syscall" in by and "libbpf-syscall" in by:
    extra = ratios("agent-syscall", "libbpf-syscall", "ns")
    print(f"agent-syscall / libbpf-syscall getppid ns per call: {ratio_cell(extra)}")
if "agent-all" in by and "libbpf-all" in by:
    extra = ratios("agent-all", "libbpf-all", "ns")
    print(f"agent-all / libbpf-all getppid ns per call: {ratio_cell(extra)}")
    extra = ratios("agent-all", "libbpf-all", "build_rate")
    print(f"agent-all / libbpf-all builds per second: {ratio_cell(extra)}")
if "agent-all" in by and "baseline-all" in by:
    extra = ratios("agent-all", "baseline-all", "web")
    print(f"agent-all / baseline-all nginx requests per second: {ratio_cell(extra)}")
    extra = ratios("agent-all", "baseline-all", "build_rate")
    print(f"agent-all / baseline-all builds per second: {ratio_cell(extra)}")

# the builds under program-cost.sh (BENCH_PROGRAM_COST=1), one file per condition and round
costs = {}
cost_paths = [] if sys.argv[4] != "1" else sorted(glob.glob(os.path.join(
    os.path.dirname(path), "raw", "program-cost.*.md")))
for cost_path in cost_paths:
    condition, round_name = os.path.basename(cost_path).split(".")[1:3]
    if int(round_name.removeprefix("round")) not in by.get(condition, {}):
        continue
    text = open(cost_path).read()
    programs = re.search(r"BPF programs: ([0-9.]+) ms per command run, ([0-9.]+) %.*?"
                         r"\(([0-9.]+) s per", text)
    tracer = re.search(r"process: ([0-9.]+) ms per command run, ([0-9.]+) %", text)
    if programs:
        costs.setdefault(condition, []).append((
            float(programs[1]), float(programs[2]), float(programs[3]),
            float(tracer[1]) if tracer else None, float(tracer[2]) if tracer else None))
if costs:
    print()
    print("Builds under program-cost.sh, medians over the rounds:")
    print()
    print("| condition | machine CPU s per build | all BPF programs ms per build "
          "| share of machine CPU | tracer process ms per build | share of machine CPU |")
    print("| --- | --- | --- | --- | --- | --- |")
    for cond in conditions:
        if cond not in costs:
            continue
        column = lambda i: statistics.median(entry[i] for entry in costs[cond])
        tracer = "- | -" if costs[cond][0][3] is None else (
            f"{column(3):.0f} | {column(4):.2f} %")
        print(f"| {cond} | {column(2):.2f} | {column(0):.1f} | {column(1):.2f} % | {tracer} |")
EOF
}

CLOCK_TICKS=$(getconf CLK_TCK)

main() {
    parse_args "$@"
    check_tools
    output_dir=${output_dir:-$TARSIER_HOME/var/bench/overhead-$(date -u +%Y%m%dT%H%M%SZ)}
    mkdir -p "$output_dir/raw"
    work_dir=$(mktemp -d /tmp/tarsier-overhead.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    compile_programs
    cp "$TARSIER_HOME/runtime/target/tarsier.jar" "$work_dir/tarsier.jar"
    if [[ -n $BASELINE_JAR ]]; then
        cp "$BASELINE_JAR" "$work_dir/baseline.jar"
    fi
    prepare_agent_configs
    ensure_image
    ensure_web_image
    ensure_build_image
    prepare_build_sources
    write_build_script
    start_server
    start_web_server

    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "kernel: $(uname -r)"
        echo "cpu: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
        echo "rounds: $rounds, getppid calls: $calls, httpd and nginx: wrk ${WRK_ARGS[*]}" \
            "-d ${http_seconds}s, build: $BUILD_UNITS files, median of $BUILDS builds," \
            "warm-up: ${warmup_seconds}s"
        echo "load before: $(uptime)"
    } >"$output_dir/machine.txt"
    printf 'round\tcondition\tns_per_call\trequests_per_s\tloop_ticks\thttp_ticks' \
        >"$output_dir/results.tsv"
    printf '\tloop_rss_kb\thttp_rss_kb\tquiet\tforeign_programs\tend_utc\tweb_requests_per_s' \
        >>"$output_dir/results.tsv"
    printf '\tweb_ticks\tbuild_ms\tbuild_ticks\n' \
        >>"$output_dir/results.tsv"

    local round index offset count=${#CONDITIONS[@]}
    for (( round = 1; round <= rounds; round++ )); do
        echo "round $round start: $(uptime)" >>"$output_dir/machine.txt"
        offset=$(( (round - 1) % count ))
        for (( index = 0; index < count; index++ )); do
            measure_condition "${CONDITIONS[(index + offset) % count]}" "$round"
        done
    done
    echo "load after: $(uptime)" >>"$output_dir/machine.txt"

    summarize | tee "$output_dir/summary.md"
    log "raw data in $output_dir"
}

main "$@"
