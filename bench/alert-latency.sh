#!/usr/bin/env bash
# Alert latency benchmark: time from a syscall in a container to the rules detector's alert,
# under a background load of file events.
#
#   bench/alert-latency.sh [-r ROUNDS] [-d SECONDS] [-l LOAD_RATE] [-t TRIGGER_RATE] [-o DIR]
#
# Each round runs once per reorder delay (reorder.delay.ms = 50, the default, and 0), each with a
# fresh agent started by ./tarsier run with the default configuration except:
#   - the file probe reports every open (opens = all), so that the load reaches the detector;
#   - the rules' alert rate limit is raised (alert.rate = alert.burst = 100000), so that every
#     trigger raises an alert;
#   - the metrics port, the shell socket and the alerts file move into the work folder.
# While the agent runs, two containers of tarsier/busybox:dev with --network none run
# bench/alert-latency-load.c (compiled at run time, static):
#   load     opens and closes /etc/hostname LOAD_RATE times per second (default 12000) for
#            SECONDS + 4 s: one file event per open, which no rule matches;
#   trigger  starting 2 s later, opens /etc/shadow TRIGGER_RATE times per second (default 10) for
#            SECONDS (default 30): each open matches "Read shadow or sudoers file".
# A warm-up of the same shape (10 s) runs first and is not measured.
#
# Latency of one alert = its evidence's detected.time (wall clock when the detector matched the
# rule, just before it posted the alert) minus its time (the open's kernel timestamp, converted
# from the boot-time clock to wall-clock time by the probe). Both come from the agent's alerts
# file. The script reports, per condition, the alerts received against the triggers sent, p50,
# p90, p99 and max latency, the file events the agent counted during the load and the records
# the kernel dropped. It prints a Markdown summary and keeps raw data in DIR (default
# var/bench/alert-latency-DATE).
#
# Run it as root under the shared benchmark lock:
#   flock /tmp/tarsier-agent.lock bench/alert-latency.sh
# Needs Docker, cc with static glibc, curl and python3.
#
# Environment:
#   TARSIER_HOME          repository whose agent runs (default: this script's repository)
#   BENCH_METRICS_PORT    loopback port of the benchmark agent's metrics endpoint (default 19484)
#   BENCH_START_TIMEOUT   seconds to wait for the agent to load the file probe (default 120)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
METRICS_PORT=${BENCH_METRICS_PORT:-19484}
START_TIMEOUT=${BENCH_START_TIMEOUT:-120}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
IMAGE=tarsier/busybox:dev
LABEL=org.tarsier.bench=alert-latency
RULE="Read shadow or sudoers file"
DELAYS=(50 0)

rounds=3
seconds=30
load_rate=12000
trigger_rate=10
output_dir=""

agent_pid=""
work_dir=""

log() {
    echo "$(date -u +%H:%M:%S) $*" >&2
}

die() {
    log "error: $*"
    exit 1
}

usage() {
    sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

while getopts "r:d:l:t:o:h" option; do
    case $option in
        r) rounds=$OPTARG ;;
        d) seconds=$OPTARG ;;
        l) load_rate=$OPTARG ;;
        t) trigger_rate=$OPTARG ;;
        o) output_dir=$OPTARG ;;
        *) usage ;;
    esac
done
output_dir=${output_dir:-$TARSIER_HOME/var/bench/alert-latency-$(date -u +%Y%m%dT%H%M%SZ)}

cleanup() {
    if [[ -n $agent_pid ]] && kill -0 "$agent_pid" 2>/dev/null; then
        kill -TERM "$agent_pid"
        wait "$agent_pid" || true
    fi
    local containers
    containers=$(docker ps -aq --filter "label=$LABEL")
    [[ -z $containers ]] || docker rm -f $containers >/dev/null
    [[ -z $work_dir ]] || rm -rf "$work_dir"
}
trap cleanup EXIT

# Builds the busybox image from the host's static busybox unless it exists.
ensure_image() {
    docker image inspect "$IMAGE" >/dev/null 2>&1 && return
    local rootfs
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/mnt"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    echo tarsier-bench >"$rootfs/etc/hostname"
    tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" \
        >/dev/null
    rm -rf "$rootfs"
}

scrape() {
    curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics"
}

# Prints the sum of the samples of METRIC whose labels contain every FILTER (e.g. probe="file").
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

prepare_config() {
    local delay=$1 etc=$work_dir/etc
    rm -rf "$etc" "$work_dir/data"
    mkdir -p "$etc" "$work_dir/deploy" "$work_dir/data"
    cp "$TARSIER_HOME"/runtime/etc/*.cfg "$etc/"
    cp -r "$TARSIER_HOME/runtime/etc/rules.d" "$etc/"
    sed -i "s/^port *=.*/port = $METRICS_PORT/" "$etc/org.tarsier.exporter.cfg"
    sed -i "s|^socket.path *=.*|socket.path = $work_dir/shell.sock|" \
        "$etc/org.tarsier.console.cfg"
    sed -i "s|^alerts.path *=.*|alerts.path = $work_dir/data/alerts.jsonl|" \
        "$etc/org.tarsier.output.jsonl.cfg"
    sed -i "s/^opens *=.*/opens = all/" "$etc/org.tarsier.probe.file.cfg"
    sed -i -e "s/^alert.rate *=.*/alert.rate = 100000/" \
        -e "s/^alert.burst *=.*/alert.burst = 100000/" \
        -e "/^reorder.delay.ms/d" "$etc/org.tarsier.detector.rules.cfg"
    echo "reorder.delay.ms = $delay" >>"$etc/org.tarsier.detector.rules.cfg"
}

start_agent() {
    local waited=0
    "$TARSIER_HOME/tarsier" run --headless --config "$work_dir/etc" \
        --deploy "$work_dir/deploy" --data "$work_dir/data" >>"$output_dir/agent.log" 2>&1 &
    agent_pid=$!
    until scrape 2>/dev/null | grep -q '^tarsier_probe_loaded{probe="file"} 1'; do
        kill -0 "$agent_pid" 2>/dev/null ||
            die "the agent exited before loading the file probe; see $output_dir/agent.log"
        (( waited++ < START_TIMEOUT * 2 )) ||
            die "the file probe was not loaded within $START_TIMEOUT s; see $output_dir/agent.log"
        sleep 0.5
    done
}

stop_agent() {
    kill -TERM "$agent_pid"
    wait "$agent_pid" || true
    agent_pid=""
}

# Starts a container running the load program; prints its id.
start_load() {
    local name=$1 rate=$2 duration=$3 path=$4
    docker run -d --network none --label "$LABEL" --name "tarsier-bench-$name-$$" \
        -v "$work_dir/load:/load:ro" "$IMAGE" \
        sh -c "echo 'root:*:1::::::' > /etc/shadow; /load $rate $duration $path"
}

# Waits for a container to exit, prints its output (opens and opens per second) and removes it.
finish_load() {
    docker wait "$1" >/dev/null
    docker logs "$1" 2>&1 | tail -1
    docker rm "$1" >/dev/null
}

# Runs the load and the trigger. Sets phase_columns to: the trigger container's id, the triggers
# sent, the load's achieved opens per second, the file events the agent counted per second
# during the load, and the file probe's dropped records.
run_phase() {
    local duration=$1 load trigger events_before events_after drops_before drops_after
    local started ended load_result trigger_result
    events_before=$(scrape | metric_sum tarsier_events_total 'probe="file"')
    drops_before=$(scrape | metric_sum tarsier_events_dropped_total 'probe="file"')
    started=$(date +%s.%N)
    load=$(start_load load "$load_rate" $(( duration + 4 )) /etc/hostname)
    sleep 2
    trigger=$(start_load trigger "$trigger_rate" "$duration" /etc/shadow)
    trigger_result=$(finish_load "$trigger")
    load_result=$(finish_load "$load")
    ended=$(date +%s.%N)
    sleep 2
    events_after=$(scrape | metric_sum tarsier_events_total 'probe="file"')
    drops_after=$(scrape | metric_sum tarsier_events_dropped_total 'probe="file"')
    phase_columns=("$trigger" "${trigger_result%% *}" "${load_result##* }"
        "$(awk -v a="$events_after" -v b="$events_before" -v s="$started" -v e="$ended" \
            'BEGIN { printf "%.0f", (a - b) / (e - s) }')"
        $(( drops_after - drops_before )))
}

# Prints count, p50, p90, p99 and max latency in milliseconds of the rule's alerts for one
# container. Arguments: the alerts file, the container's full id, and a file that receives every
# latency, one per line.
latencies() {
    python3 - "$1" "$2" "$RULE" "$3" <<'PYTHON'
import json, sys
from datetime import datetime, timezone

alerts_file, container, rule, out = sys.argv[1:5]

def nanos(text):
    # RFC 3339 with nine fraction digits in UTC, as the agent writes it
    seconds, fraction = text.rstrip("Z").split(".")
    whole = datetime.strptime(seconds, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(whole.timestamp()) * 1_000_000_000 + int(fraction.ljust(9, "0")[:9])

values = []
with open(alerts_file) as lines:
    for line in lines:
        alert = json.loads(line)
        fields = alert.get("output_fields", {})
        if alert.get("rule") != rule or fields.get("container.full_id") != container:
            continue
        values.append((nanos(alert["evidence"]["detected.time"]) - nanos(alert["time"])) / 1e6)
values.sort()
with open(out, "w") as file:
    file.writelines(f"{v:.3f}\n" for v in values)

def percentile(p):
    # nearest rank
    return values[max(0, -(-len(values) * p // 100) - 1)] if values else float("nan")

print(len(values), *(f"{percentile(p):.1f}" for p in (50, 90, 99)),
      f"{values[-1]:.1f}" if values else "nan")
PYTHON
}

record() {
    local IFS=$'\t'
    echo "$*" >>"$output_dir/results.tsv"
}

summarize() {
    python3 - "$output_dir/results.tsv" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| reorder.delay.ms | rounds | alerts / triggers | p50 ms | p90 ms | p99 ms | max ms"
      " | file events/s | drops |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for delay in sorted({r["reorder_delay_ms"] for r in rows}, key=int, reverse=True):
    rs = [r for r in rows if r["reorder_delay_ms"] == delay]
    def med(key):
        return statistics.median(float(r[key]) for r in rs)
    alerts = sum(int(r["alerts"]) for r in rs)
    triggers = sum(int(r["triggers"]) for r in rs)
    drops = sum(int(r["drops"]) for r in rs)
    print(f"| {delay} | {len(rs)} | {alerts} / {triggers} | {med('p50_ms'):.1f} |"
          f" {med('p90_ms'):.1f} | {med('p99_ms'):.1f} | {max(float(r['max_ms']) for r in rs):.1f}"
          f" | {med('file_events_per_s'):.0f} | {drops} |")
print()
print("p50, p90, p99 and file events/s: median over the rounds; max: over all rounds.")
PYTHON
}

main() {
    [[ $EUID -eq 0 ]] || die "run as root: the agent loads BPF programs"
    mkdir -p "$output_dir"
    work_dir=$(mktemp -d /tmp/tarsier-alert-latency.XXXXXX)
    cc -static -O2 -Wall -o "$work_dir/load" "$SCRIPT_DIR/alert-latency-load.c"
    ensure_image
    {
        echo "commit: $(git -C "$TARSIER_HOME" rev-parse --short HEAD)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
        echo "kernel: $(uname -r)"
        echo "settings: rounds=$rounds seconds=$seconds load_rate=$load_rate" \
            "trigger_rate=$trigger_rate"
    } | tee "$output_dir/machine.txt" >&2
    record round reorder_delay_ms load1 triggers alerts p50_ms p90_ms p99_ms max_ms \
        load_opens_per_s file_events_per_s drops
    for (( round = 1; round <= rounds; round++ )); do
        for delay in "${DELAYS[@]}"; do
            log "round $round, reorder.delay.ms=$delay: starting the agent"
            prepare_config "$delay"
            start_agent
            log "warm-up"
            run_phase 10
            log "measuring for $seconds s"
            run_phase "$seconds"
            local load1 stats
            load1=$(cut -d' ' -f1 /proc/loadavg)
            stop_agent
            stats=$(latencies "$work_dir/data/alerts.jsonl" "${phase_columns[0]}" \
                "$output_dir/latencies-round$round-delay$delay.txt")
            read -r count p50 p90 p99 max <<<"$stats"
            record "$round" "$delay" "$load1" "${phase_columns[1]}" "$count" "$p50" "$p90" \
                "$p99" "$max" "${phase_columns[2]}" "${phase_columns[3]}" "${phase_columns[4]}"
            log "alerts $count of ${phase_columns[1]}, p50 $p50 ms, p99 $p99 ms," \
                "file events ${phase_columns[3]}/s, drops ${phase_columns[4]}"
        done
    done
    summarize | tee "$output_dir/summary.md"
}

main
