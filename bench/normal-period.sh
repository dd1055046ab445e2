#!/usr/bin/env bash
# Normal-period check of the detectors: how many alerts a steady workload raises after learning.
#
#   bench/normal-period.sh [-m MINUTES] [-l LEARN_SECONDS] [-o OUTPUT_DIR]
#
# Starts the agent (./tarsier run --headless) with the default configuration of runtime/etc,
# except a metrics port and a shell socket of its own, and the Isolation Forest learning
# period when -l is given. Then it starts one busybox container that runs the loop of the
# integration test (date, cat, wget to a local httpd, sleep 0.2) under an image tag of its
# own. Once the statistical detector's warm-up and the Isolation Forest learning period are
# over, plus one minute, it counts the alerts of that container by detector for MINUTES
# (default 30) and prints a Markdown summary. The agent log and the alerts stay in
# OUTPUT_DIR. Needs root, docker, curl and the image tarsier/busybox:dev, which the
# integration tests build.
#
# On a shared machine, run it under the agent lock:
#   flock /tmp/tarsier-agent.lock bench/normal-period.sh -m 30
#
# Environment:
#   TARSIER_HOME          repository to run the agent from (default: this script's repository)
#   BENCH_METRICS_PORT    loopback port of the agent's metrics endpoint (default 19465)
#   BENCH_START_TIMEOUT   seconds to wait for the agent's probes (default 600, because
#                         ./tarsier run first builds the agent when a source changed)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
METRICS_PORT=${BENCH_METRICS_PORT:-19465}
START_TIMEOUT=${BENCH_START_TIMEOUT:-600}
BASE_IMAGE=tarsier/busybox:dev
LABEL=org.tarsier.bench=true
WORKLOAD='mkdir -p /www; echo ok > /www/index.html; httpd -f -p 127.0.0.1:8080 -h /www &
while true; do date > /tmp/normal.log; cat /tmp/normal.log > /dev/null;
wget -q -O /dev/null http://127.0.0.1:8080/index.html; sleep 0.2; done'

minutes=30
learn_override=""
output_dir=""
agent_pid=""
container_id=""
image=""
work_dir=""

log() {
    printf 'normal-period: %s\n' "$*" >&2
}

die() {
    printf 'normal-period: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

parse_args() {
    while getopts 'm:l:o:h' option; do
        case "$option" in
            m) minutes=$OPTARG ;;
            l) learn_override=$OPTARG ;;
            o) output_dir=$OPTARG ;;
            h) usage; exit 0 ;;
            *) usage; exit 2 ;;
        esac
    done
    [[ "$minutes" =~ ^[1-9][0-9]*$ ]] ||
        die "invalid -m '$minutes': expected a whole number of minutes, at least 1"
    [[ "$METRICS_PORT" =~ ^[0-9]+$ ]] && (( METRICS_PORT > 0 && METRICS_PORT < 65536 )) ||
        die "invalid BENCH_METRICS_PORT '$METRICS_PORT': expected a TCP port from 1 to 65535"
    [[ -z "$learn_override" || "$learn_override" =~ ^[1-9][0-9]*$ ]] ||
        die "invalid -l '$learn_override': expected a whole number of seconds, at least 1"
    [[ -n "$output_dir" ]] || output_dir=/tmp/normal-period-$(date +%Y%m%d-%H%M%S)
}

check_requirements() {
    [[ $(id -u) -eq 0 ]] || die "the agent loads BPF programs: run as root"
    local tool
    for tool in docker curl ss; do
        command -v "$tool" >/dev/null || die "$tool not found; install docker.io, curl and iproute2"
    done
    docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 ||
        die "image $BASE_IMAGE not found; run the integration tests once to build it"
    if ss -Hltn "sport = :$METRICS_PORT" | grep -q .; then
        die "port $METRICS_PORT is already in use; set BENCH_METRICS_PORT to a free port"
    fi
}

# Stops what this script started: the container and its image tag, then the agent by pid.
cleanup() {
    [[ -n "$container_id" ]] && docker rm -f "$container_id" >/dev/null 2>&1
    [[ -n "$image" ]] && docker rmi "$image" >/dev/null 2>&1
    stop_agent
    [[ -n "$work_dir" ]] && rm -rf "$work_dir"
    return 0
}

stop_agent() {
    if [[ -n "$agent_pid" ]] && kill -0 "$agent_pid" 2>/dev/null; then
        kill -s TERM "$agent_pid"
        wait "$agent_pid" 2>/dev/null || true
    fi
    agent_pid=""
}

# Reads a property of a .cfg file of runtime/etc, the value the agent runs with.
config_value() {
    sed -n "s/^$2 *= *//p" "$TARSIER_HOME/runtime/etc/$1.cfg"
}

prepare_agent_config() {
    mkdir -p "$work_dir/etc" "$work_dir/deploy" "$work_dir/data"
    cp "$TARSIER_HOME"/runtime/etc/*.cfg "$work_dir/etc/"
    sed -i "s/^port *=.*/port = $METRICS_PORT/" "$work_dir/etc/org.tarsier.exporter.cfg"
    sed -i "s|^socket.path *=.*|socket.path = $work_dir/shell.sock|" \
        "$work_dir/etc/org.tarsier.console.cfg"
    if [[ -n "$learn_override" ]]; then
        sed -i "s/^learning.period.s *=.*/learning.period.s = $learn_override/" \
            "$work_dir/etc/org.tarsier.detector.iforest.cfg"
    fi
}

start_agent() {
    local waited=0
    "$TARSIER_HOME/tarsier" run --headless --config "$work_dir/etc" \
        --deploy "$work_dir/deploy" --data "$work_dir/data" >>"$output_dir/agent.log" 2>&1 &
    agent_pid=$!
    until curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null |
        grep -q '^tarsier_probe_loaded{probe="tcp"} 1'; do
        kill -0 "$agent_pid" 2>/dev/null ||
            die "the agent exited before loading its probes; see $output_dir/agent.log"
        (( waited++ < START_TIMEOUT * 2 )) ||
            die "the probes were not loaded within $START_TIMEOUT s; see $output_dir/agent.log"
        sleep 0.5
    done
}

start_workload() {
    image=tarsier/busybox:normal-period-$$
    docker tag "$BASE_IMAGE" "$image"
    container_id=$(docker run -d --rm --network none --label "$LABEL" \
        --name "tarsier-bench-normal-$$" "$image" sh -c "$WORKLOAD")
}

# Prints the alert lines of the container after line FROM of the alerts file.
container_alerts() {
    local alerts="$work_dir/data/log/alerts.jsonl"
    [[ -f "$alerts" ]] || return 0
    tail -n +"$(( $1 + 1 ))" "$alerts" | grep -F "$container_id" || true
}

# Prints the number of alerts of detector NAME in FILE.
detector_count() {
    grep -c -F "\"detector\":\"$1\"" "$2" || true
}

# Prints "rule xN, ..." for the alerts of detector NAME in FILE.
leading_rules() {
    grep -F "\"detector\":\"$1\"" "$2" | grep -o '"rule":"[^"]*"' |
        sed 's/"rule":"//; s/"$//; s/^Anomalous //' | sort | uniq -c | sort -rn | head -n 5 |
        awk '{ count = $1; $1 = ""; sub(/^ /, ""); printf "%s%s x%d", sep, $0, count; sep = ", " }'
}

main() {
    parse_args "$@"
    check_requirements
    mkdir -p "$output_dir"
    work_dir=$(mktemp -d)
    trap cleanup EXIT

    local window_ms warmup_windows stats_seconds iforest_seconds learn_seconds start_line
    local detector
    window_ms=$(config_value org.tarsier.features window.ms)
    warmup_windows=$(config_value org.tarsier.detector.stats warmup.windows)
    stats_seconds=$(( window_ms * (warmup_windows + 2) / 1000 ))
    iforest_seconds=${learn_override:-$(config_value org.tarsier.detector.iforest learning.period.s)}
    learn_seconds=$(( (stats_seconds > iforest_seconds ? stats_seconds : iforest_seconds) + 60 ))

    prepare_agent_config
    log "starting the agent; log in $output_dir/agent.log"
    start_agent
    start_workload
    log "container ${container_id:0:12} learns for $learn_seconds s"
    sleep "$learn_seconds"
    start_line=$(wc -l <"$work_dir/data/log/alerts.jsonl" 2>/dev/null || echo 0)
    container_alerts 0 >"$output_dir/alerts-learning.jsonl"
    log "counting alerts for $minutes min"
    sleep $(( minutes * 60 ))
    container_alerts "$start_line" >"$output_dir/alerts.jsonl"
    stop_agent

    echo "Workload: busybox httpd with a loop of date, cat, wget to it and sleep 0.2;" \
        "window $window_ms ms; stats warm-up $warmup_windows windows; Isolation Forest" \
        "learning $iforest_seconds s; counted for $minutes min after learning."
    echo
    echo "| detector | alerts in $minutes min | leading rules or features |"
    echo "| --- | --- | --- |"
    for detector in stats iforest rules; do
        echo "| $detector | $(detector_count "$detector" "$output_dir/alerts.jsonl") |" \
            "$(leading_rules "$detector" "$output_dir/alerts.jsonl") |"
    done
}

main "$@"
