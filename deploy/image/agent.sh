#!/bin/sh
# Starts the agent in its image. TARSIER_CONFIG is the folder of PID.cfg files (watched for
# changes), TARSIER_DATA the working folder, JAVA_OPTS extra JVM options such as -Xmx.
set -eu
config=${TARSIER_CONFIG:-/etc/tarsier}
data=${TARSIER_DATA:-/var/lib/tarsier}
deploy=${TARSIER_DEPLOY:-/opt/tarsier/deploy}
mkdir -p "$data" "$deploy"
# JAVA_OPTS is split on spaces on purpose, like in other Java images.
# shellcheck disable=SC2086
exec /opt/tarsier/jre/bin/java \
    --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow \
    -Djava.awt.headless=true \
    ${JAVA_OPTS:-} \
    -Dgosh.args=--nointeractive \
    -Dtarsier.home=/opt/tarsier \
    -Dtarsier.data="$data" \
    -Dtarsier.deploy="$deploy" \
    -Dfelix.fileinstall.dir="$config" \
    -Dorg.osgi.framework.storage="$data/felix-cache" \
    -jar /opt/tarsier/tarsier.jar
