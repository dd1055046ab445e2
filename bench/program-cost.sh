#!/usr/bin/env bash
# CPU time of each loaded BPF program while a command runs, from the kernel's own accounting.
#
#   bench/program-cost.sh [-n RUNS] [-p PID] -- COMMAND [ARG...]
#
# Turns on the kernel's BPF run-time statistics (sysctl kernel.bpf_stats_enabled) and runs
# COMMAND RUNS times (default 3). For each program that ran, it prints the CPU time and runs per
# command run and the mean time per run, from the run_time_ns and run_cnt that `bpftool prog
# show` reports. The last lines compare the total of all programs that ran (the tracer's and
# any other process's) with the CPU time that the whole machine spent during the runs (from
# /proc/stat). With -p they add the CPU time of process PID, such as an agent's JVM. The
# previous value of the sysctl is restored on exit, but not after SIGKILL.
#
# The statistics cost two clock reads per program run, so the times per run include about as
# much as a program that returns at once shows (measure bench/overhead-empty.bpf.c loaded by
# bench/overhead-loader.c for this machine's figure). The kernel's cost of calling a program
# from its attach point is not in them. Programs that are loaded and unloaded during the runs
# are missed.
#
# Needs root, bpftool and python3. Run it under the shared benchmark lock, with the tracer to
# measure already loaded:  flock /tmp/tarsier-agent.lock bench/program-cost.sh -- make -j2
set -euo pipefail

STATS_SYSCTL=/proc/sys/kernel/bpf_stats_enabled

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

die() {
    echo "program-cost.sh: $*" >&2
    exit 1
}

runs=3
pid=""
while getopts "n:p:h" option; do
    case "$option" in
        n) runs=$OPTARG ;;
        p) pid=$OPTARG ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
(( $# > 0 )) || { usage >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "invalid -n $runs: expected a positive number of runs"
[[ -z $pid || $pid =~ ^[0-9]+$ ]] || die "invalid -p $pid: expected a process id"
[[ -z $pid || -r /proc/$pid/stat ]] || die "process $pid not found"
(( EUID == 0 )) || die "must run as root to read and enable BPF statistics"
command -v bpftool >/dev/null || die "bpftool not found: apt-get install bpftool"
[[ -w $STATS_SYSCTL ]] || die "$STATS_SYSCTL is missing or read-only"

work_dir=$(mktemp -d /tmp/tarsier-program-cost.XXXXXX)
previous_stats=$(cat "$STATS_SYSCTL")
restore() {
    echo "$previous_stats" >"$STATS_SYSCTL"
    rm -rf "$work_dir"
}
trap restore EXIT

# Writes the machine's and the process's CPU ticks as the lines "machine TICKS" and "process
# TICKS", then "id name run_time_ns run_cnt" per program with statistics. The ticks come first,
# so that the CPU time of bpftool and python3 falls outside the runs.
snapshot() {
    awk '/^cpu / { print "machine", $2 + $3 + $4 + $7 + $8 }' /proc/stat
    if [[ -n $pid ]]; then
        # utime and stime are the 12th and 13th fields after the command name in parentheses
        sed 's/.*) //' "/proc/$pid/stat" | awk '{ print "process", $12 + $13 }'
    fi
    bpftool -j prog show | python3 -c '
import json, sys
for program in json.load(sys.stdin):
    if "run_time_ns" in program:
        print(program["id"], program.get("name", "-"), program["run_time_ns"],
              program["run_cnt"])
'
}

echo 1 >"$STATS_SYSCTL"
snapshot >"$work_dir/before"
for (( i = 0; i < runs; i++ )); do
    "$@" >/dev/null || die "the command failed (run $((i + 1)) of $runs): $*"
done
snapshot >"$work_dir/after"

python3 - "$work_dir/before" "$work_dir/after" "$runs" "$(getconf CLK_TCK)" <<'PYTHON'
import sys

before_path, after_path, runs, ticks_per_second = sys.argv[1:5]
runs, ticks_per_second = int(runs), int(ticks_per_second)


def load(path):
    programs, ticks = {}, {}
    for line in open(path):
        fields = line.split()
        if fields[0] in ("machine", "process"):
            ticks[fields[0]] = int(fields[1])
        else:
            programs[fields[0]] = (fields[1], int(fields[2]), int(fields[3]))
    return programs, ticks


before, ticks_before = load(before_path)
after, ticks_after = load(after_path)
rows = []
for program_id, (name, time_ns, count) in after.items():
    _, time_before, count_before = before.get(program_id, (name, 0, 0))
    if count > count_before:
        rows.append((time_ns - time_before, count - count_before, name, program_id))
rows.sort(reverse=True)

print("| program | id | ms per command run | runs per command run | ns per run |")
print("| --- | --- | --- | --- | --- |")
total_ns = 0
for time_ns, count, name, program_id in rows:
    total_ns += time_ns
    print(f"| {name} | {program_id} | {time_ns / runs / 1e6:.1f} | {count / runs:.0f} "
          f"| {time_ns / count:.0f} |")
machine_s = (ticks_after["machine"] - ticks_before["machine"]) / ticks_per_second


def share(seconds):
    """Returns seconds as a percentage of the machine's busy CPU time, or "-" if none passed."""
    return f"{100 * seconds / machine_s:.2f} %" if machine_s > 0 else "- %"


print()
print(f"BPF programs: {total_ns / runs / 1e6:.1f} ms per command run, "
      f"{share(total_ns / 1e9)} of the machine's busy CPU time "
      f"({machine_s / runs:.2f} s per command run)")
if "process" in ticks_after:
    process_s = (ticks_after["process"] - ticks_before["process"]) / ticks_per_second
    print(f"process: {process_s / runs * 1000:.0f} ms per command run, "
          f"{share(process_s)} of the machine's busy CPU time")
PYTHON
