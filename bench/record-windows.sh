#!/usr/bin/env bash
# Records real feature windows from the agent for the Isolation Forest fixture.
#
#   bench/record-windows.sh [-n NORMAL_SECONDS] [-o OUTPUT_CSV]
#
# Boots the agent from this repository with a copy of runtime/etc in which the iforest detector
# never finishes learning, so it keeps every window. Two busybox containers of the image
# tarsier/busybox:dev run the same normal workload. Once a second, a loop fetches a page from a
# busybox httpd on the container's loopback, reads a file and appends to a log through sh -c.
# The sh -c makes the shell that docker exec starts a known executable.
# Container "normal" runs it for NORMAL_SECONDS (default 420). Container "mixed" runs it too,
# and the script injects six anomalies into it with docker exec, 15 seconds each, 40 seconds
# apart: CPU burn, fork burst, port scan of local ports, file write burst, unusual execs and
# a connection burst. The windows are exported with model:export and labelled: windows of
# "normal" form the training set, windows of "mixed" the test set, anomalous when they overlap
# an injection. OUTPUT_CSV (default
# bundles/detector-iforest/src/test/resources/windows/busybox-windows.csv) gets the columns
# set,label,kind followed by the features.
#
# Needs root, Docker, /bin/busybox (busybox-static) and Debian's python3. Run it under the
# agent lock: flock /tmp/tarsier-agent.lock bench/record-windows.sh
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
IMAGE=tarsier/busybox:dev
LABEL=org.tarsier.bench=record-windows
BURST_SECONDS=15
GAP_SECONDS=40

normal_seconds=420
output="$TARSIER_HOME/bundles/detector-iforest/src/test/resources/windows/busybox-windows.csv"
agent_pid=""
work_dir=""

die() {
    printf 'record-windows: error: %s\n' "$*" >&2
    exit 1
}

log() {
    printf 'record-windows: %s\n' "$*" >&2
}

cleanup() {
    docker ps -aq --filter "label=$LABEL" | xargs -r docker rm -f >/dev/null 2>&1 || true
    if [[ -n "$agent_pid" ]] && kill -0 "$agent_pid" 2>/dev/null; then
        kill -TERM "$agent_pid"
        wait "$agent_pid" || true
    fi
}

# Builds the busybox image from the host's busybox-static binary unless it exists.
ensure_image() {
    docker image inspect "$IMAGE" >/dev/null 2>&1 && return
    local root
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/mnt"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
    done
    tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
    rm -rf "$root"
}

start_agent() {
    local config="$work_dir/etc" data="$work_dir/data"
    cp -r "$TARSIER_HOME/runtime/etc" "$config"
    sed -i -e 's/^learning.period.s = .*/learning.period.s = 86400/' \
        -e 's/^max.training.windows = .*/max.training.windows = 100000/' \
        "$config/org.tarsier.detector.iforest.cfg"
    mkdir -p "$data"
    "$TARSIER_HOME/tarsier" run --headless --config "$config" --data "$data" \
        >"$work_dir/agent.log" 2>&1 &
    agent_pid=$!
    for _ in $(seq 600); do
        grep -q 'iforest detector started' "$work_dir/agent.log" && return
        kill -0 "$agent_pid" 2>/dev/null || die "agent exited; see $work_dir/agent.log"
        sleep 1
    done
    die "agent did not start the iforest detector in 600 s; see $work_dir/agent.log"
}

NORMAL_LOOP='mkdir -p /tmp/www && echo ok >/tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www
while true; do
    wget -q -O /dev/null http://127.0.0.1:8080/ || true
    cat /etc/hosts >/dev/null
    sh -c "echo tick >>/tmp/app.log"
    sleep 1
done'

start_container() {
    docker run -d --network none --label "$LABEL" --name "tarsier-rec-$1" "$IMAGE" \
        sh -c "$NORMAL_LOOP" >/dev/null
}

# Prints the shell command of each anomaly kind, run in the mixed container.
anomaly_command() {
    case "$1" in
        cpu_burn) echo "timeout $BURST_SECONDS sh -c 'while :; do :; done'" ;;
        fork_burst) echo 'i=0; while [ $i -lt 600 ]; do (:); i=$((i+1)); done' ;;
        port_scan) echo 'for p in $(seq 1 300); do nc -w 1 127.0.0.1 $p </dev/null; done' ;;
        file_write_burst) echo 'i=0; while [ $i -lt 2000 ]; do echo x >/tmp/b$i; i=$((i+1)); done' ;;
        unusual_exec) echo 'id; uname -a; ps; hostname; mount; df; netstat -tln; ifconfig; free' ;;
        connection_burst) echo 'for i in $(seq 1 300); do wget -q -O /dev/null http://127.0.0.1:8080/; done' ;;
    esac
}

inject_anomalies() {
    local kind start
    for kind in cpu_burn fork_burst port_scan file_write_burst unusual_exec connection_burst; do
        sleep "$GAP_SECONDS"
        start=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
        timeout $((BURST_SECONDS + 30)) docker exec tarsier-rec-mixed sh -c \
            "$(anomaly_command "$kind")" >/dev/null 2>&1 || true
        printf '%s,%s,%s\n' "$kind" "$start" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" \
            >>"$work_dir/injections.csv"
        log "injected $kind"
    done
}

# Joins the exported windows with the injection times into the fixture.
label_windows() {
    /usr/bin/python3 - "$work_dir/windows.csv" "$work_dir/injections.csv" "$output" <<'EOF'
import csv, sys
from datetime import datetime

def instant(text):
    return datetime.fromisoformat(text.rstrip("Z")[:26])

windows, injections, output = sys.argv[1:4]
bursts = [(kind, instant(s), instant(e)) for kind, s, e in csv.reader(open(injections))]
with open(windows) as source, open(output, "w", newline="") as target:
    rows = csv.reader(source)
    header = next(rows)
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(["set", "label", "kind"] + header[4:])
    for row in rows:
        name, start, end = row[1], instant(row[2]), instant(row[3])
        if name == "tarsier-rec-normal":
            writer.writerow(["train", 0, ""] + row[4:])
        elif name == "tarsier-rec-mixed":
            kinds = [k for k, s, e in bursts if start < e and s < end]
            writer.writerow(["test", 1 if kinds else 0, "+".join(kinds)] + row[4:])
EOF
}

while getopts 'n:o:h' option; do
    case "$option" in
        n) normal_seconds=$OPTARG ;;
        o) output=$OPTARG ;;
        *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || die "run as root"
[[ -x /usr/bin/python3 ]] || die "missing /usr/bin/python3"

work_dir=$(mktemp -d /tmp/record-windows.XXXXXX)
trap cleanup EXIT
cleanup
ensure_image
start_agent
log "agent started; recording for at least $normal_seconds s, output in $work_dir"
start_container normal
start_container mixed
sleep 20
inject_anomalies
remaining=$((normal_seconds - 20 - 6 * (GAP_SECONDS + BURST_SECONDS)))
sleep $((remaining > 30 ? remaining : 30))
"$TARSIER_HOME/tarsier" shell "model:export $IMAGE $work_dir/windows.csv"
mkdir -p "$(dirname "$output")"
label_windows
log "wrote $(($(wc -l <"$output") - 1)) windows to $output"
