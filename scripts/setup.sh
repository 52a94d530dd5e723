#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Prepares a machine for building and testing Xenith, from a minimal
# Debian 12 (debootstrap --variant=minbase, a debian:12 container) up.
# Idempotent: installs only the Debian packages that are missing, runs
# apt-get update at most once, and downloads each reference binary into
# cache/ once.
#
#   scripts/setup.sh            host tools + Xen 4.17 (reference hypervisor)
#   scripts/setup.sh --linux    also Debian's arm64 Linux 6.1 and busybox-static
#   scripts/setup.sh --dom0     --linux, and Debian's arm64 Xen 4.17 toolstack
#                               (xen-utils-4.17 and the libraries it needs) for
#                               dom0's root filesystem (scripts/mkdom0fs.sh)
#
# Results (paths relative to the project root, XENITH_CACHE overrides cache/):
#   cache/xen/boot/xen-4.17-arm64        Xen 4.17 hypervisor Image
#   cache/xen-4.17-arm64                 symlink to it
#   cache/linux/boot/vmlinuz-6.1.*-arm64 (with --linux)
#   cache/busybox/bin/busybox            (with --linux)
#   cache/dom0debs/*.deb, cache/dom0root (with --dom0; .packages-N lists them)
# apt-get's own output goes to cache/setup-apt.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XENITH_CACHE:-$ROOT/cache}
WANT_LINUX=0
WANT_DOM0=0
for a in "$@"; do
	case "$a" in
	--linux) WANT_LINUX=1 ;;
	--dom0) WANT_LINUX=1 WANT_DOM0=1 ;;
	-h|--help) sed -n '4,22p' "$0"; exit 0 ;;
	*) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

log() { echo "setup: $*"; }

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$CACHE"
APT_LOG=$CACHE/setup-apt.log

# Every host package the two README commands use, and why. Nothing else
# is assumed: a minbase Debian 12 has bash, coreutils, sed, grep, gzip,
# mawk, findutils and apt, and none of these.
HOST_PKGS=(
	"make:runs the builds"
	"gcc:host compiler for tools/ and the unit tests"
	"libc6-dev:C headers and libc for the host builds"
	"libfdt-dev:libfdt, the reference the unit tests check the FDT code against"
	"gcc-aarch64-linux-gnu:cross compiler for the hypervisor and the test guests"
	"binutils-aarch64-linux-gnu:objcopy and nm for the arm64 images, readelf for dom0's libraries"
	"device-tree-compiler:dtc, builds every device tree of the tests and demo"
	"qemu-system-arm:qemu-system-aarch64, the emulated virt board"
	"u-boot-qemu:U-Boot for QEMU virt, the boot-loader scenario"
	"python3:the system-test harness, the demo and make bench"
	"cpio:packs the Linux guest's initramfs and dom0's root filesystem"
	"clang:clang with libFuzzer, builds the host fuzzers (tests/fuzz)"
	"libclang-rt-14-dev:libFuzzer and the ASan/UBSan runtimes clang links the fuzzers with"
)

# run_apt CMD...: apt-get with its output in the log; the log's tail on failure.
run_apt() {
	if ! $SUDO "$@" </dev/null >>"$APT_LOG" 2>&1; then
		echo "setup: '$*' failed; last lines of $APT_LOG:" >&2
		tail -n 20 "$APT_LOG" >&2
		exit 1
	fi
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# What is missing: host packages, the arm64 architecture (for the
# reference binaries, downloaded but never installed) and the downloads.
missing=()
for entry in "${HOST_PKGS[@]}"; do
	installed "${entry%%:*}" || missing+=("$entry")
done
need_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1

have() { compgen -G "$1" >/dev/null; }
need_download=0
have "$CACHE/xen/boot/xen-4.17-arm64" || need_download=1
if [ "$WANT_LINUX" = 1 ]; then
	have "$CACHE/linux/boot/vmlinuz-6.1.*-arm64" || need_download=1
	have "$CACHE/busybox/bin/busybox" || need_download=1
fi
if [ "$WANT_DOM0" = 1 ]; then
	XENITH_CACHE=$CACHE bash "$ROOT/scripts/mkdom0fs.sh" --fetched || need_download=1
fi

if [ "$need_arch" = 1 ]; then
	log "adding dpkg architecture arm64 (Debian's arm64 Xen, Linux and busybox are downloaded, not installed)"
	$SUDO dpkg --add-architecture arm64
fi
# One apt-get update covers both the installs and the arm64 downloads.
if [ ${#missing[@]} -gt 0 ] || [ "$need_arch" = 1 ] ||
   { [ "$need_download" = 1 ] && ! apt-cache show xen-hypervisor-4.17-arm64:arm64 >/dev/null 2>&1; }; then
	log "apt-get update"
	run_apt apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
	names=()
	for entry in "${missing[@]}"; do
		log "installing ${entry%%:*}: ${entry#*:}"
		names+=("${entry%%:*}")
	done
	run_apt apt-get install -y -q --no-install-recommends "${names[@]}"
	log "installed ${#names[@]} package(s) (apt-get's output: $APT_LOG)"
else
	log "host packages: all ${#HOST_PKGS[@]} present"
fi

# download_pkg NAME DEST CHECK
#   Fetches the .deb for NAME (e.g. "busybox-static:arm64") with apt-get
#   download and extracts it into DEST, unless DEST/CHECK (a glob) already
#   exists. NAME may be a meta package ("linux-image-arm64:arm64"): it is
#   resolved to the real package it depends on.
download_pkg() {
	local name=$1 dest=$2 check=$3
	if have "$dest/$check"; then
		return 0
	fi
	mkdir -p "$CACHE/debs" "$dest"
	local real=$name
	case "$name" in
	linux-image-arm64:*)
		real=$(apt-cache depends "$name" 2>/dev/null | awk '/^ *Depends:/ {print $2; exit}')
		[ -n "$real" ] || { echo "setup: cannot resolve $name" >&2; return 1; }
		;;
	esac
	log "downloading $real into $dest"
	( cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$real" </dev/null >>"$APT_LOG" 2>&1 ) ||
		{ echo "setup: apt-get download $real failed (see $APT_LOG)" >&2; return 1; }
	local arch=${real#*:}
	local base=${real%%:*}
	local deb
	deb=$(ls -t "$CACHE/debs/${base}"_*"_${arch}.deb" | head -n1)
	dpkg-deb -x "$deb" "$dest"
	if ! have "$dest/$check"; then
		echo "setup: $real did not provide $check" >&2
		return 1
	fi
}

download_pkg xen-hypervisor-4.17-arm64:arm64 "$CACHE/xen" "boot/xen-4.17-arm64"
ln -sf xen/boot/xen-4.17-arm64 "$CACHE/xen-4.17-arm64"

if [ "$WANT_LINUX" = 1 ]; then
	download_pkg linux-image-arm64:arm64 "$CACHE/linux" "boot/vmlinuz-6.1.*-arm64"
	download_pkg busybox-static:arm64 "$CACHE/busybox" "bin/busybox"
fi

if [ "$WANT_DOM0" = 1 ] && ! XENITH_CACHE=$CACHE bash "$ROOT/scripts/mkdom0fs.sh" --fetched; then
	log "downloading Debian's Xen 4.17 toolstack and its libraries into $CACHE/dom0debs"
	if ! XENITH_CACHE=$CACHE APT_LOG=$APT_LOG bash "$ROOT/scripts/mkdom0fs.sh" --fetch; then
		echo "setup: fetching dom0's packages failed (apt-get's output: $APT_LOG)" >&2
		exit 1
	fi
fi

log "ok (cache: $CACHE)"
