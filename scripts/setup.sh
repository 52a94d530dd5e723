#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Prepares a machine for building and testing Xenith. Idempotent: installs
# only the Debian packages that are missing and downloads each reference
# binary into cache/ once.
#
#   scripts/setup.sh            host tools + Xen 4.17 (reference hypervisor)
#   scripts/setup.sh --linux    also Debian's arm64 Linux 6.1 and busybox-static
#
# Results (paths relative to the project root, XENITH_CACHE overrides cache/):
#   cache/xen/boot/xen-4.17-arm64        Xen 4.17 hypervisor Image
#   cache/xen-4.17-arm64                 symlink to it
#   cache/linux/boot/vmlinuz-6.1.*-arm64 (with --linux)
#   cache/busybox/bin/busybox            (with --linux)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XENITH_CACHE:-$ROOT/cache}
WANT_LINUX=0
for a in "$@"; do
	case "$a" in
	--linux) WANT_LINUX=1 ;;
	-h|--help) sed -n '4,16p' "$0"; exit 0 ;;
	*) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

log() { echo "setup: $*"; }

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

APT_UPDATED=0
apt_update_once() {
	if [ "$APT_UPDATED" = 0 ]; then
		$SUDO apt-get update -qq </dev/null
		APT_UPDATED=1
	fi
}

# Host packages: install only those not already installed.
HOST_PKGS="gcc-aarch64-linux-gnu qemu-system-arm device-tree-compiler u-boot-qemu u-boot-tools python3 make cpio"
missing=
for p in $HOST_PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	log "installing:$missing"
	apt_update_once
	$SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null
fi

# Foreign (arm64) packages are only downloaded, never installed.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "adding dpkg architecture arm64"
	$SUDO dpkg --add-architecture arm64
	APT_UPDATED=0
fi

# download_pkg NAME DEST [CHECK]
#   Fetches the .deb for NAME (e.g. "busybox-static:arm64") with apt-get
#   download and extracts it into DEST, unless DEST/CHECK (a glob) already
#   exists. NAME may be a meta package ("linux-image-arm64:arm64"): it is
#   resolved to the first real package it depends on.
download_pkg() {
	local name=$1 dest=$2 check=${3:-}
	if [ -n "$check" ] && compgen -G "$dest/$check" >/dev/null; then
		return 0
	fi
	mkdir -p "$CACHE/debs" "$dest"
	if ! apt-cache show "$name" >/dev/null 2>&1; then apt_update_once; fi
	local real=$name
	# A meta package has no files of its own: follow its first dependency.
	local dep
	dep=$(apt-cache depends "$name" 2>/dev/null | awk '/^ *Depends:/ {print $2; exit}')
	case "$name" in
	linux-image-arm64:*) real=$dep ;;
	esac
	log "downloading $real"
	( cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$real" </dev/null )
	local arch=${real#*:}
	local base=${real%%:*}
	local deb
	deb=$(ls -t "$CACHE/debs/${base}"_*"_${arch}.deb" | head -n1)
	dpkg-deb -x "$deb" "$dest"
	if [ -n "$check" ] && ! compgen -G "$dest/$check" >/dev/null; then
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

log "ok (cache: $CACHE)"
