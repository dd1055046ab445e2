#!/usr/bin/env bash
# Builds the container image tarsier/agent:VERSION from an agent jar that is already built.
# The image holds a jlink'ed Java runtime with the modules jdeps finds in the agent's bundles,
# the agent jar and its default configuration. Its base is imported from this host's files
# by build-base.sh.
#
#   deploy/image/build-image.sh [--jar FILE] [--etc DIR] [--version VERSION] [--tag IMAGE]
#
# Defaults: runtime/target/tarsier.jar, runtime/etc, the version in the root pom.xml, and
# tarsier/agent:VERSION. Prints the image name and its size on standard output.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=$(cd "$here/../.." && pwd)
jar=$home/runtime/target/tarsier.jar
etc=$home/runtime/etc
version=
tag=

# Modules the bundles import through their OSGi manifests rather than by class reference, so
# jdeps does not always see them: the XML parser (Felix SCR), JMX (exporter, detectors), the
# JDK's HTTP server (exporter), com.sun.management (process meters) and sun.misc (Gson).
extra_modules=java.xml,java.management,jdk.management,jdk.httpserver,jdk.unsupported

log() {
    printf 'build-image: %s\n' "$*" >&2
}

die() {
    printf 'build-image: error: %s\n' "$*" >&2
    exit 1
}

while (( $# )); do
    case "$1" in
        --jar) jar=${2:?--jar needs a file}; shift ;;
        --etc) etc=${2:?--etc needs a folder}; shift ;;
        --version) version=${2:?--version needs a value}; shift ;;
        --tag) tag=${2:?--tag needs an image name}; shift ;;
        *) die "unknown option: $1 (options: --jar FILE --etc DIR --version V --tag IMAGE)" ;;
    esac
    shift
done

[[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/jlink ]] ||
    die "JAVA_HOME must point to a JDK 25 with jlink and jdeps (now: '${JAVA_HOME:-}')"
[[ -f $jar ]] || die "agent jar $jar not found; build it with './tarsier build'"
[[ -d $etc ]] || die "configuration folder $etc not found"
libbpf=$(ldconfig -p | sed -n 's/.*libbpf\.so\.1 (libc6,x86-64) => //p' | head -n 1)
[[ -n $libbpf ]] || die "libbpf.so.1 not found by ldconfig; install the Debian package libbpf1"
docker info >/dev/null 2>&1 || die "the Docker engine is not reachable ('docker info' failed)"
if [[ -z $version ]]; then
    version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$home/pom.xml" | head -n 1)
fi
[[ -n $version ]] || die "no version given and none found in $home/pom.xml"
tag=${tag:-tarsier/agent:$version}
base=tarsier/agent-base:$version

# Returns the id of an image built by these scripts, or nothing.
own_image_id() {
    { docker image inspect --format '{{index .Config.Labels "org.tarsier.image"}} {{.Id}}' \
        "$1" 2>/dev/null || true; } | sed -n 's/^\(agent\|base\) //p'
}

# Removes an image a rebuild replaced, so that rebuilds leave no untagged images behind.
remove_replaced() {
    local old=$1 tag=$2
    [[ -n $old && $old != "$(own_image_id "$tag")" ]] || return 0
    # Removing the replaced agent image can take the replaced base with it.
    docker image inspect "$old" >/dev/null 2>&1 || return 0
    docker image rm "$old" >/dev/null 2>&1 || log "could not remove the replaced image $old"
}

started=$(date +%s)
old_base=$(own_image_id "$base")
old_agent=$(own_image_id "$tag")
staging=$here/build
rootfs=$staging/rootfs
rm -rf "$staging"
mkdir -p "$staging/jars" "$rootfs/opt/tarsier/bin" "$rootfs/etc"

# jdeps reads the bundles embedded in the exported jar, not the launcher jar around them.
(cd "$staging/jars" && "$JAVA_HOME/bin/jar" xf "$jar" jar)
# One jar at a time: a jar with a module descriptor whose required modules are other bundles
# (commons-fileupload requires servlet.api) makes a single jdeps run over all jars fail.
modules=""
for bundle in "$staging"/jars/jar/*.jar; do
    if found=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 25 \
            --print-module-deps "$bundle" 2>/dev/null | tail -n 1) &&
            [[ $found =~ ^[a-z.,]+$ ]]; then
        modules+=",$found"
    else
        log "jdeps could not read $(basename "$bundle"); its modules come from the fixed list"
    fi
done
modules=${modules#,}
[[ $modules =~ ^[a-z.,]+$ ]] || die "jdeps printed no module list for $jar"
modules=$(tr ',' '\n' <<<"$modules,$extra_modules" | sort -u | paste -sd ,)
log "jlink modules: $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output "$rootfs/opt/tarsier/jre"
# The agent runs headless. These libraries serve only a display and need X11 libraries.
rm -f "$rootfs"/opt/tarsier/jre/lib/{libawt_xawt.so,libjawt.so,libsplashscreen.so}
rm -rf "$staging/jars"

# One folder copied by one COPY: the vfs storage driver stores every layer as a full copy.
cp "$jar" "$rootfs/opt/tarsier/tarsier.jar"
cp "$here/agent.sh" "$rootfs/opt/tarsier/bin/agent"
cp -r "$etc" "$rootfs/etc/tarsier"

"$here/build-base.sh" "$base" "$rootfs/opt/tarsier/jre" "$libbpf"
docker build --quiet --build-arg "BASE=$base" --label "org.tarsier.image=agent" \
    --tag "$tag" "$here" >/dev/null || die "docker build of $tag failed"
rm -rf "$staging"
remove_replaced "$old_agent" "$tag"
remove_replaced "$old_base" "$base"

size=$(docker image inspect --format '{{.Size}}' "$tag")
log "built $tag in $(( $(date +%s) - started )) s"
printf '%s %s MB\n' "$tag" "$(( size / 1000000 ))"
