#!/usr/bin/env bash
# Benchmark of the Isolation Forest detector's models, without the agent.
#
#   bench/iforest.sh [SCORED_WINDOWS]
#
# Builds the detector module's test classes and runs IForestBenchmark on one JVM. It measures
# the training time for 120, 1024 and 4096 windows of 59 synthetic count features, with the
# detector's defaults of 100 trees and subsample size 256. It then scores SCORED_WINDOWS
# windows (default 200000) on one thread through the Tribuo model, times the top-feature
# explanation of an alert, and measures the model file size and the heap per loaded model. Prints a Markdown table. Run it under the
# agent lock so that other benchmarks and agents do not share the cores:
#   flock /tmp/tarsier-agent.lock bench/iforest.sh
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARSIER_HOME=${TARSIER_HOME:-$(cd "$SCRIPT_DIR/.." && pwd)}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
module="$TARSIER_HOME/bundles/detector-iforest"

cd "$TARSIER_HOME"
mvn -q install -DskipTests -pl bundles/detector-iforest -am >&2
mvn -q test-compile dependency:build-classpath -pl bundles/detector-iforest \
    -Dmdep.outputFile="$module/target/bench.classpath" >&2
classpath="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")"
printf 'CPU: %s, %s cores; %s\n\n' "$(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)" \
    "$(nproc)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$classpath" \
    org.tarsier.detector.iforest.internal.IForestBenchmark "${1:-200000}"
