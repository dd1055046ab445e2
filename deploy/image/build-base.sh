#!/usr/bin/env bash
# Builds the agent's base image from this host's files and imports it with `docker import`,
# so no registry is needed. The image holds busybox-static as /bin/sh and the usual tools.
# It also holds the shared libraries, found with ldd, that the Java runtime's executables and
# libraries and the extra ELF files load. Libraries inside RUNTIME-DIR are left out because
# the Dockerfile adds the runtime itself.
#
#   deploy/image/build-base.sh TAG RUNTIME-DIR [ELF-FILE...]
#
# The image carries the label org.tarsier.image=base so that it can be found and removed.
set -euo pipefail

die() {
    printf 'build-base: error: %s\n' "$*" >&2
    exit 1
}

(( $# >= 2 )) || die "usage: build-base.sh TAG RUNTIME-DIR [ELF-FILE...]"
tag=$1
runtime=$(realpath "$2")
shift 2
[[ -x $runtime/bin/java ]] || die "$runtime/bin/java not found; pass a Java runtime folder"
[[ -x /bin/busybox ]] && /bin/busybox --list >/dev/null 2>&1 ||
    die "/bin/busybox is missing; install the Debian package busybox-static"
if ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox is dynamically linked; install busybox-static, not busybox"
fi

rootfs=$(mktemp -d /tmp/tarsier-base.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,run,var/lib,lib64} "$rootfs/lib/x86_64-linux-gnu"
chmod 1777 "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
mkdir -p "$rootfs/root"

# Copies a library to the same path in the image, with the symlink chain that leads to it,
# so that the loader finds it under every name ldd printed.
copy_library() {
    local path=$1 target
    while [[ -L $path ]]; do
        mkdir -p "$rootfs$(dirname "$path")"
        target=$(readlink "$path")
        [[ -e $rootfs$path || -L $rootfs$path ]] || ln -s "$target" "$rootfs$path"
        [[ $target == /* ]] || target=$(dirname "$path")/$target
        path=$target
    done
    mkdir -p "$rootfs$(dirname "$path")"
    [[ -e $rootfs$path ]] || cp "$path" "$rootfs$path"
}

libraries=()
elf_files=("$runtime/bin/java" "$@")
while IFS= read -r -d '' library; do
    elf_files+=("$library")
done < <(find "$runtime/lib" -name '*.so' -type f -print0)
for elf in "${elf_files[@]}"; do
    [[ -f $elf ]] || die "$elf not found"
    while read -r line; do
        case "$line" in
            *'not found'*)
                # The JVM loads libjvm.so before its other libraries, which do not name its path.
                [[ -n $(find "$runtime" -name "${line%% *}" -print -quit) ]] ||
                    die "$elf needs a library this host lacks: $line"
                ;;
            *'=> /'*) libraries+=("$(sed 's/.*=> \(\/[^ ]*\).*/\1/' <<<"$line")") ;;
            /*) libraries+=("${line%% *}") ;;
        esac
    done < <(ldd "$elf" 2>/dev/null || true)
done
(( ${#libraries[@]} > 0 )) || die "ldd found no shared library in ${elf_files[*]}"
for library in $(printf '%s\n' "${libraries[@]}" | sort -u); do
    [[ $(realpath "$library") == "$runtime"/* ]] || copy_library "$library"
done
# The extra ELF files are libraries the agent opens with dlopen, such as libbpf.so.1.
for elf in "$@"; do
    copy_library "$elf"
done
# The dynamic loader is named by its absolute path in every executable.
copy_library /lib64/ld-linux-x86-64.so.2

tar -C "$rootfs" --numeric-owner -c . |
    docker import \
        --change 'ENV PATH=/bin' \
        --change 'LABEL org.tarsier.image=base' \
        --message "Tarsier base from $(hostname) host files" \
        - "$tag" >/dev/null || die "docker import of $tag failed"
printf 'build-base: imported %s (%s libraries)\n' "$tag" \
    "$(printf '%s\n' "${libraries[@]}" | sort -u | wc -l)" >&2
