#!/usr/bin/env bash
# Exec-storm benchmark of the process probe.
#
#   bench/exec-storm.sh [-n EXECS] [-r ROUNDS] [-w WARMUP_EXECS] [-o OUTPUT_DIR]
#
# A small C driver, compiled at run time, forks and execs /bin/true EXECS times in a row and
# reports execs per second. Each round runs the storm under three conditions, in this order:
#   A  no agent and no exec tracer started by this script
#   B  the Tarsier agent (./tarsier run --headless) with the process probe loaded
#   C  execsnoop from libbpf-tools, the C reference tool, writing its lines to a file
# For B the script reads the agent's Prometheus endpoint and /proc; for C it counts the lines
# execsnoop printed for the storm. It prints a Markdown summary and keeps raw data in
# OUTPUT_DIR. Needs root, gcc, curl, bpftool, GNU time, stdbuf and /usr/sbin/execsnoop.
#
# Environment:
#   TARSIER_HOME          repository to run the agent from (default: this script's repository)
#   BENCH_METRICS_PORT    loopback port of the benchmark agent's metrics endpoint (default 19464,
#                         so that an agent or integration test on 9464 is not disturbed)
#   BENCH_START_TIMEOUT   seconds to wait for the agent to load the process probe (default 600,
#                         because ./tarsier run first builds the agent when a source changed)
#   BENCH_SETTLE_SECONDS  wait after the agent loaded the probe and after each storm, before
#                         the final counter reads (default 2)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
METRICS_PORT=${BENCH_METRICS_PORT:-19464}
START_TIMEOUT=${BENCH_START_TIMEOUT:-600}
SETTLE_SECONDS=${BENCH_SETTLE_SECONDS:-2}
EXECSNOOP=/usr/sbin/execsnoop
CLOCK_TICKS=$(getconf CLK_TCK)

execs=20000
rounds=5
warmup_execs=2000
output_dir=""

agent_pid=""
tracer_pid=""
work_dir=""

log() {
    printf 'exec-storm: %s\n' "$*" >&2
}

die() {
    printf 'exec-storm: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

parse_args() {
    while getopts 'n:r:w:o:h' option; do
        case "$option" in
            n) execs=$OPTARG ;;
            r) rounds=$OPTARG ;;
            w) warmup_execs=$OPTARG ;;
            o) output_dir=$OPTARG ;;
            h) usage; exit 0 ;;
            *) usage; exit 2 ;;
        esac
    done
    [[ "$execs" =~ ^[1-9][0-9]*$ ]] || die "invalid -n '$execs': expected a positive integer"
    [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "invalid -r '$rounds': expected a positive integer"
    [[ "$warmup_execs" =~ ^[0-9]+$ ]] ||
        die "invalid -w '$warmup_execs': expected an integer of 0 or more"
    [[ "$METRICS_PORT" =~ ^[0-9]+$ ]] && (( METRICS_PORT > 0 && METRICS_PORT < 65536 )) ||
        die "invalid BENCH_METRICS_PORT '$METRICS_PORT': expected a TCP port from 1 to 65535"
    [[ -n "$output_dir" ]] || output_dir=/tmp/exec-storm-$(date +%Y%m%d-%H%M%S)
}

check_requirements() {
    [[ $(id -u) -eq 0 ]] || die "the agent and execsnoop load BPF programs: run as root"
    local tool
    for tool in gcc curl bpftool stdbuf /usr/bin/time "$EXECSNOOP"; do
        command -v "$tool" >/dev/null || die "$tool not found; install gcc, curl, bpftool," \
            "coreutils, time and libbpf-tools"
    done
    [[ -x "$TARSIER_HOME/tarsier" ]] || die "no tarsier script in TARSIER_HOME=$TARSIER_HOME"
    if ss -Hltn "sport = :$METRICS_PORT" | grep -q .; then
        die "port $METRICS_PORT is already in use; set BENCH_METRICS_PORT to a free port"
    fi
}

# Stops what this script started, by pid: the agent with SIGTERM, execsnoop with SIGINT.
cleanup() {
    [[ -n "$tracer_pid" ]] && stop_process "$tracer_pid" INT execsnoop
    [[ -n "$agent_pid" ]] && stop_process "$agent_pid" TERM agent
    [[ -n "$work_dir" ]] && rm -rf "$work_dir"
    return 0
}

# Sends SIGNAL to PID and waits up to 60 s for it to exit, then sends SIGKILL.
stop_process() {
    local pid=$1 signal=$2 name=$3 waited=0
    kill -s "$signal" "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        if (( waited++ >= 600 )); then
            log "$name (pid $pid) still runs 60 s after SIG$signal; sending SIGKILL"
            kill -s KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
}

compile_driver() {
    cat >"$work_dir/storm.c" <<'EOF'
/* Forks and execs a program COUNT times in a row and prints the exec rate. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s COUNT PROGRAM [ARG...]\n", argv[0]);
        return 2;
    }
    long count = strtol(argv[1], NULL, 10);
    if (count <= 0) {
        fprintf(stderr, "invalid COUNT '%s': expected a positive integer\n", argv[1]);
        return 2;
    }
    long failed = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            execve(argv[2], argv + 2, environ);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    double seconds = seconds_since(&start);
    printf("%ld %ld %.6f %.1f\n", count, failed, seconds, count / seconds);
    return failed == 0 ? 0 : 1;
}
EOF
    gcc -O2 -static -o "$work_dir/storm" "$work_dir/storm.c" ||
        die "gcc failed to compile the exec-storm driver"
}

# Prints the first field of /proc/loadavg.
load_average() {
    cut -d' ' -f1 /proc/loadavg
}

# Prints the utime+stime of PID in clock ticks (fields 14 and 15 of /proc/PID/stat). It runs
# no program, so that it adds no exec to the probe's counters.
cpu_ticks() {
    local stat fields
    stat=$(<"/proc/$1/stat")
    read -r -a fields <<<"${stat##*) }"
    echo $(( fields[11] + fields[12] ))
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Prints the names of tracing BPF programs that the given pids do not hold, one per line:
# another agent, integration test or tracer running at the same time slows every exec.
foreign_programs() {
    local own_ids pid
    own_ids=$(for pid in "$@"; do
        cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }'
    done | sort -u | tr '\n' ' ')
    bpftool prog show 2>/dev/null | awk -v own=" $own_ids" '
        /^[0-9]+: (tracepoint|raw_tracepoint|tracing|kprobe|perf_event) / {
            id = substr($1, 1, length($1) - 1)
            if (index(own " ", " " id " ") == 0) print $4
        }'
}

# Logs the foreign programs seen now to foreign-programs.txt and prints how many there are.
check_foreign_programs() {
    local label=$1 names
    shift
    names=$(foreign_programs "$@")
    if [[ -z "$names" ]]; then
        echo 0
        return
    fi
    echo "$label: $(sort <<<"$names" | uniq -c | awk '{ printf "%s%s x%d", sep, $2, $1
        sep = ", " }')" >>"$output_dir/foreign-programs.txt"
    wc -l <<<"$names"
}

scrape() {
    curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics"
}

# Prints the sum of the samples of METRIC whose labels contain every FILTER (e.g. type="EXEC").
metric_sum() {
    local metric=$1
    shift
    awk -v metric="$metric" -v filters="$*" '
        BEGIN { n = split(filters, wanted, " ") }
        index($0, metric "{") == 1 {
            for (i = 1; i <= n; i++) if (index($0, wanted[i]) == 0) next
            sum += $NF
        }
        END { printf "%.0f", sum }'
}

# Returns success when ./tarsier run would build first: the files it checks are newer than the
# agent jar. NOTE: the file list copies build_needed() in the tarsier script.
build_pending() {
    local jar="$TARSIER_HOME/runtime/target/tarsier.jar"
    [[ -f "$jar" ]] || return 0
    [[ -n $(find "$TARSIER_HOME" -path "$TARSIER_HOME/.git" -prune -o \
        \( -name '*.java' -o -name '*.c' -o -name '*.h' -o -name 'pom.xml' -o -name '*.bnd' \
        -o -name '*.bndrun' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit) ]]
}

# Waits until no Maven build runs, so that the build ./tarsier run starts does not run at the
# same time as another one in the shared local repository.
wait_for_maven() {
    local waited=0
    while pgrep -f plexus-classworlds >/dev/null; do
        (( waited++ % 30 == 0 )) && log "waiting for a running Maven build to finish"
        sleep 1
    done
}

start_agent() {
    local waited=0
    "$TARSIER_HOME/tarsier" run --headless --config "$work_dir/etc" \
        --deploy "$work_dir/deploy" --data "$work_dir/data" >>"$output_dir/agent.log" 2>&1 &
    agent_pid=$!
    until scrape 2>/dev/null | grep -q '^tarsier_probe_loaded{probe="process"} 1'; do
        kill -0 "$agent_pid" 2>/dev/null ||
            die "the agent exited before loading the process probe; see $output_dir/agent.log"
        (( waited++ < START_TIMEOUT * 2 )) ||
            die "the process probe was not loaded within $START_TIMEOUT s;" \
                "see $output_dir/agent.log"
        sleep 0.5
    done
}

start_execsnoop() {
    stdbuf -oL "$EXECSNOOP" >"$1" 2>"$1.stderr" &
    tracer_pid=$!
    local waited=0
    until grep -q '^PCOMM' "$1" 2>/dev/null; do
        kill -0 "$tracer_pid" 2>/dev/null || die "execsnoop exited; see $1.stderr"
        (( waited++ < 100 )) || die "execsnoop printed no header within 10 s; see $1.stderr"
        sleep 0.1
    done
}

# Copies the agent's default configuration, moving the metrics port and the shell socket so
# that the benchmark agent does not collide with an agent or a test already running.
prepare_agent_config() {
    mkdir -p "$work_dir/etc" "$work_dir/deploy" "$work_dir/data"
    cp "$TARSIER_HOME"/runtime/etc/*.cfg "$work_dir/etc/"
    sed -i "s/^port *=.*/port = $METRICS_PORT/" "$work_dir/etc/org.tarsier.exporter.cfg"
    sed -i "s|^socket.path *=.*|socket.path = $work_dir/shell.sock|" \
        "$work_dir/etc/org.tarsier.console.cfg"
}

# Appends one row to results.tsv. A "-" marks a column that does not apply to the condition.
record() {
    local IFS=$'\t'
    echo "$*" >>"$output_dir/results.tsv"
}

write_header() {
    record round condition load1 foreign_programs execs failed_execs storm_seconds \
        execs_per_second storm_user_s storm_sys_s storm_cpu_s exec_events_storm \
        exec_events_settled process_events_settled ringbuf_drops other_drops agent_cpu_s \
        agent_rss_kib execsnoop_lines execsnoop_lost execsnoop_cpu_s
}

# Column numbers in results.tsv, for the summary.
COL_LOAD=3 COL_FOREIGN=4 COL_EXECS=5 COL_FAILED=6 COL_SECONDS=7 COL_RATE=8 COL_STORM_SYS=10
COL_STORM_CPU=11 COL_EXEC_STORM=12 COL_EXEC_SETTLED=13 COL_EVENTS_SETTLED=14 COL_RINGBUF=15 COL_OTHER_DROPS=16
COL_AGENT_CPU=17 COL_AGENT_RSS=18 COL_LINES=19 COL_LOST=20 COL_TRACER_CPU=21

# Runs a storm that is not measured, so that a fresh agent has compiled its hot code.
warm_up() {
    (( warmup_execs == 0 )) || "$work_dir/storm" "$warmup_execs" /bin/true warmup >/dev/null ||
        log "the warm-up storm reported failed execs"
}

# Runs the measured storm and sets storm_columns to its columns (execs, failed execs, seconds,
# execs/s, and user, system and user+system seconds of the driver and its children from GNU
# time).
run_storm() {
    local result count failed seconds rate user sys
    result=$(/usr/bin/time -f '%U %S' -o "$work_dir/time.out" \
        "$work_dir/storm" "$execs" /bin/true storm) ||
        log "the storm reported failed execs: $result"
    read -r count failed seconds rate <<<"$result"
    read -r user sys <"$work_dir/time.out"
    storm_columns=("$count" "$failed" "$seconds" "$rate" "$user" "$sys"
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
}

max() {
    echo $(( $1 > $2 ? $1 : $2 ))
}

# Prints the CPU seconds between two cpu_ticks readings.
cpu_difference() {
    awk -v a="$1" -v b="$2" -v ticks="$CLOCK_TICKS" 'BEGIN { printf "%.2f", (b - a) / ticks }'
}

run_condition_a() {
    local round=$1 load foreign
    load=$(load_average)
    foreign=$(check_foreign_programs "round $round A before")
    warm_up
    run_storm
    foreign=$(max "$foreign" "$(check_foreign_programs "round $round A after")")
    record "$round" A "$load" "$foreign" "${storm_columns[@]}" - - - - - - - - - -
}

run_condition_b() {
    local round=$1 load foreign before cpu0 cpu1 at_end settled rss
    load=$(load_average)
    build_pending && die "a source in $TARSIER_HOME changed during the series, so ./tarsier run" \
        "would rebuild the agent; run the benchmark in a checkout that nobody edits"
    start_agent
    echo "round $round: tarsier.jar sha256 $(jar_sum)" >>"$output_dir/agent-jars.txt"
    sleep "$SETTLE_SECONDS"
    foreign=$(check_foreign_programs "round $round B before" "$agent_pid")
    warm_up
    before=$(scrape)
    cpu0=$(cpu_ticks "$agent_pid")
    run_storm
    cpu1=$(cpu_ticks "$agent_pid")
    at_end=$(scrape)
    sleep "$SETTLE_SECONDS"
    settled=$(scrape)
    rss=$(rss_kib "$agent_pid")
    foreign=$(max "$foreign" "$(check_foreign_programs "round $round B after" "$agent_pid")")
    stop_process "$agent_pid" TERM agent
    agent_pid=""

    local exec='probe="process" type="EXEC"' process='probe="process"'
    local ringbuf='probe="process" reason="ringbuf"'
    local exec0 exec1 exec2 events0 events2 ringbuf0 ringbuf2 drops0 drops2
    exec0=$(metric_sum tarsier_events_total $exec <<<"$before")
    exec1=$(metric_sum tarsier_events_total $exec <<<"$at_end")
    exec2=$(metric_sum tarsier_events_total $exec <<<"$settled")
    events0=$(metric_sum tarsier_events_total $process <<<"$before")
    events2=$(metric_sum tarsier_events_total $process <<<"$settled")
    ringbuf0=$(metric_sum tarsier_events_dropped_total $ringbuf <<<"$before")
    ringbuf2=$(metric_sum tarsier_events_dropped_total $ringbuf <<<"$settled")
    drops0=$(metric_sum tarsier_events_dropped_total $process <<<"$before")
    drops2=$(metric_sum tarsier_events_dropped_total $process <<<"$settled")

    record "$round" B "$load" "$foreign" "${storm_columns[@]}" \
        $(( exec1 - exec0 )) $(( exec2 - exec0 )) $(( events2 - events0 )) \
        $(( ringbuf2 - ringbuf0 )) $(( drops2 - drops0 - (ringbuf2 - ringbuf0) )) \
        "$(cpu_difference "$cpu0" "$cpu1")" "$rss" - - -
}

run_condition_c() {
    local round=$1 load foreign output cpu0 cpu1
    load=$(load_average)
    output="$output_dir/execsnoop-$round.txt"
    start_execsnoop "$output"
    foreign=$(check_foreign_programs "round $round C before" "$tracer_pid")
    warm_up
    cpu0=$(cpu_ticks "$tracer_pid")
    run_storm
    cpu1=$(cpu_ticks "$tracer_pid")
    foreign=$(max "$foreign" "$(check_foreign_programs "round $round C after" "$tracer_pid")")
    sleep "$SETTLE_SECONDS"
    stop_process "$tracer_pid" INT execsnoop
    tracer_pid=""

    local lines lost
    lines=$(awk '$1 == "true" && $5 == "/bin/true" && $6 == "storm" && NF == 6' "$output" |
        wc -l)
    lost=$(awk 'tolower($1) == "lost" { sum += $2 } END { printf "%d", sum }' \
        "$output.stderr")
    record "$round" C "$load" "$foreign" "${storm_columns[@]}" - - - - - - - \
        "$lines" "$lost" "$(cpu_difference "$cpu0" "$cpu1")"
}

# Prints the values of one column for one condition, one per line, skipping "-".
column_values() {
    awk -F'\t' -v c="$1" -v col="$2" 'NR > 1 && $2 == c && $col != "-" { print $col }' \
        "$output_dir/results.tsv"
}

# Prints the values of NUMERATOR / DENOMINATOR * SCALE per run of one condition.
quotient_values() {
    awk -F'\t' -v c="$1" -v n="$2" -v d="$3" -v s="$4" '
        NR > 1 && $2 == c && $n != "-" && $d != "-" && $d != 0 { print $n / $d * s }' \
        "$output_dir/results.tsv"
}

# Reads numbers on standard input and prints "median (min–max)" in FORMAT, or "n/a".
median_range() {
    sort -g | awk -v f="$1" '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "n/a"; exit }
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf f " (" f "–" f ")\n", m, v[1], v[NR]
        }'
}

median() {
    sort -g | awk '{ v[NR] = $1 }
        END { if (NR) print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints the median over rounds of CONDITION's execs/s divided by condition A's execs/s of
# the same round, so that each ratio compares storms run close together in time.
paired_ratio() {
    awk -F'\t' -v c="$1" -v col="$COL_RATE" '
        NR > 1 && $2 == "A" { a[$1] = $col }
        NR > 1 && $2 == c { x[$1] = $col }
        END { for (r in x) if (r in a) print x[r] / a[r] }' "$output_dir/results.tsv" |
        median | awk '{ printf "%.3f", $1 }'
}

ratio_of_medians() {
    local a b
    a=$(column_values A "$COL_RATE" | median)
    b=$(column_values "$1" "$COL_RATE" | median)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }'
}

condition_row() {
    local condition=$1 name=$2
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" \
        "$(column_values "$condition" "$COL_RATE" | median_range %.0f)" \
        "$(ratio_of_medians "$condition")" "$(paired_ratio "$condition")" \
        "$(quotient_values "$condition" "$COL_STORM_CPU" "$COL_EXECS" 1000000 |
            median_range %.0f)" \
        "$(quotient_values "$condition" "$COL_STORM_SYS" "$COL_EXECS" 1000000 |
            median_range %.0f)"
}

# Prints the setup of the series: storm size, host, agent jar, load and interference.
summary_context() {
    local commit
    commit=$(git -C "$TARSIER_HOME" rev-parse --short HEAD 2>/dev/null || echo unknown)
    echo "Exec storm: $execs execs of /bin/true per storm after $warmup_execs warm-up execs." \
        "Rounds: $rounds, each running A, B and C in that order."
    echo "Host: $(nproc) CPUs, kernel $(uname -r), agent JDK: $agent_jdk."
    local jars
    jars=$(awk '{ print $NF }' "$output_dir/agent-jars.txt" | sort -u)
    echo "Agent: $TARSIER_HOME at commit $commit, tarsier.jar sha256 (first 12 digits)" \
        "$(paste -sd' ' <<<"$jars")."
    (( $(wc -l <<<"$jars") == 1 )) ||
        echo "WARNING: tarsier.jar was rebuilt during the series: see agent-jars.txt."
    echo "Load average (1 min) before each run:" \
        "A $(column_values A "$COL_LOAD" | median_range %.2f)," \
        "B $(column_values B "$COL_LOAD" | median_range %.2f)," \
        "C $(column_values C "$COL_LOAD" | median_range %.2f)."
    echo "Runs with tracing BPF programs of other processes loaded:" \
        "$(awk -F'\t' -v col="$COL_FOREIGN" 'NR > 1 && $col > 0' "$output_dir/results.tsv" |
            wc -l) of $(( rounds * 3 )) (see foreign-programs.txt)."
    echo "Failed execs in measured storms: $(awk -F'\t' -v col="$COL_FAILED" \
        'NR > 1 { sum += $col } END { print sum + 0 }' "$output_dir/results.tsv")."
}

summary_conditions() {
    echo "| condition | execs/s, median (min–max) | ratio to A, of medians |" \
        "ratio to A, median of per-round ratios | storm CPU ms per 1000 execs, user+sys |" \
        "of which system |"
    echo "| --- | --- | --- | --- | --- | --- |"
    condition_row A "A: no agent"
    condition_row B "B: Tarsier agent, process probe"
    condition_row C "C: execsnoop (libbpf-tools)"
}

summary_agent() {
    echo "| B: Tarsier agent | median (min–max) |"
    echo "| --- | --- |"
    echo "| EXEC events delivered per second of storm |" \
        "$(quotient_values B "$COL_EXEC_STORM" "$COL_SECONDS" 1 | median_range %.0f) |"
    echo "| EXEC events delivered by the end of the storm, % of execs |" \
        "$(quotient_values B "$COL_EXEC_STORM" "$COL_EXECS" 100 | median_range %.1f) |"
    echo "| EXEC events delivered ${SETTLE_SECONDS} s after the storm, % of execs |" \
        "$(quotient_values B "$COL_EXEC_SETTLED" "$COL_EXECS" 100 | median_range %.1f) |"
    echo "| process events (EXEC, FORK, EXIT) delivered per exec |" \
        "$(quotient_values B "$COL_EVENTS_SETTLED" "$COL_EXECS" 1 | median_range %.2f) |"
    echo "| records lost to a full ring buffer |" \
        "$(column_values B "$COL_RINGBUF" | median_range %.0f) |"
    echo "| records sent with a field missing (other drop reasons) |" \
        "$(column_values B "$COL_OTHER_DROPS" | median_range %.0f) |"
    echo "| agent CPU s during the storm |" \
        "$(column_values B "$COL_AGENT_CPU" | median_range %.2f) |"
    echo "| agent CPU ms per 1000 execs |" \
        "$(quotient_values B "$COL_AGENT_CPU" "$COL_EXECS" 1000000 | median_range %.0f) |"
    echo "| agent RSS MiB after the storm |" \
        "$(column_values B "$COL_AGENT_RSS" | awk '{ print $1 / 1024 }' |
            median_range %.0f) |"
}

summary_execsnoop() {
    echo "| C: execsnoop | median (min–max) |"
    echo "| --- | --- |"
    echo "| lines printed for the storm, % of execs |" \
        "$(quotient_values C "$COL_LINES" "$COL_EXECS" 100 | median_range %.2f) |"
    echo "| events reported lost |" \
        "$(column_values C "$COL_LOST" | median_range %.0f) |"
    echo "| execsnoop CPU s during the storm |" \
        "$(column_values C "$COL_TRACER_CPU" | median_range %.2f) |"
    echo "| execsnoop CPU ms per 1000 execs |" \
        "$(quotient_values C "$COL_TRACER_CPU" "$COL_EXECS" 1000000 | median_range %.0f) |"
}

summary() {
    summary_context
    echo
    summary_conditions
    echo
    summary_agent
    echo
    summary_execsnoop
}

jar_sum() {
    sha256sum "$TARSIER_HOME/runtime/target/tarsier.jar" 2>/dev/null | cut -c1-12
}

main() {
    parse_args "$@"
    check_requirements
    mkdir -p "$output_dir"
    work_dir=$(mktemp -d /tmp/exec-storm-work.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    compile_driver
    prepare_agent_config
    : >"$output_dir/results.tsv"
    write_header

    # This start is not measured. It builds the agent if a source changed and finds the JDK
    # that the agent runs on.
    if build_pending; then
        wait_for_maven
        log "building and starting the agent once before the series"
    else
        log "starting the agent once before the series"
    fi
    start_agent
    agent_jdk=$("$(readlink -f "/proc/$agent_pid/exe")" -version 2>&1 | head -1)
    stop_process "$agent_pid" TERM agent
    agent_pid=""
    : >"$output_dir/agent-jars.txt"

    log "uptime before the series: $(uptime)"
    local round
    for (( round = 1; round <= rounds; round++ )); do
        log "round $round of $rounds: A (no agent), load $(load_average)"
        run_condition_a "$round"
        log "round $round of $rounds: B (Tarsier agent), load $(load_average)"
        run_condition_b "$round"
        log "round $round of $rounds: C (execsnoop), load $(load_average)"
        run_condition_c "$round"
    done
    log "uptime after the series: $(uptime)"

    summary | tee "$output_dir/summary.md"
    log "raw results: $output_dir/results.tsv, agent log: $output_dir/agent.log"
}

main "$@"
