#!/usr/bin/env bash
# Rule evaluation throughput: events per second one rules engine evaluates, measured with JMH.
#
#   bench/rules-throughput.sh [-o OUTPUT_DIR] [JMH_OPTIONS...]
#
# Runs RuleEvaluationBenchmark (bundles/detector-rules/src/test/java, compiled with the module's
# tests) with the default ruleset and with Falco's stable ruleset, on three event mixes (process,
# file, mixed), in one forked JVM per combination. It prints JMH's table and keeps the JSON
# results and the text output in OUTPUT_DIR (default var/bench/rules-throughput-DATE).
# Arguments after the options go to JMH, for example "-wi 1 -i 2" for a shorter run.
#
# Run it under the shared benchmark lock, so that no agent or other benchmark runs at the same
# time:  flock /tmp/tarsier-agent.lock bench/rules-throughput.sh
#
# Environment:
#   TARSIER_HOME   repository to build and measure (default: this script's repository)
#   FALCO_RULES    Falco's falco_rules.yaml (default: ../shared/compat/falco-rules beside the
#                  repository, where the build's compatibility test finds it)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
FALCO_RULES=${FALCO_RULES:-$TARSIER_HOME/../shared/compat/falco-rules/falco_rules.yaml}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MODULE=bundles/detector-rules

output_dir=""
if [[ ${1:-} == -o ]]; then
    output_dir=$2
    shift 2
fi
output_dir=${output_dir:-$TARSIER_HOME/var/bench/rules-throughput-$(date -u +%Y%m%dT%H%M%SZ)}

if [[ ! -f $FALCO_RULES ]]; then
    echo "Falco rules file not found: $FALCO_RULES; set FALCO_RULES to its path" >&2
    exit 1
fi
mkdir -p "$output_dir"

echo "building $MODULE and its test classes in $TARSIER_HOME" >&2
(cd "$TARSIER_HOME" && mvn -q test-compile -pl "$MODULE" -am)
(cd "$TARSIER_HOME" && mvn -q dependency:build-classpath -pl "$MODULE" \
    -Dmdep.includeScope=test -Dmdep.outputFile="$output_dir/classpath.txt")
classpath="$TARSIER_HOME/$MODULE/target/test-classes:$TARSIER_HOME/$MODULE/target/classes"
classpath="$classpath:$(cat "$output_dir/classpath.txt")"

{
    echo "commit: $(git -C "$TARSIER_HOME" rev-parse --short HEAD)$(git -C "$TARSIER_HOME" \
        diff --quiet HEAD -- "$MODULE" || echo ' (with uncommitted changes)')"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
    echo "kernel: $(uname -r)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$output_dir/machine.txt"

"$JAVA_HOME/bin/java" -cp "$classpath" org.openjdk.jmh.Main RuleEvaluationBenchmark \
    -jvmArgs "-Dtarsier.compat.falco.rules=$FALCO_RULES" \
    -rf json -rff "$output_dir/results.json" "$@" | tee "$output_dir/jmh.txt"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$output_dir/machine.txt"
echo "results in $output_dir" >&2
