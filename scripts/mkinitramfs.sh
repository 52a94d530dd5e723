#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the test initramfs: Debian's busybox-static:arm64 (from cache/,
# see scripts/setup.sh --linux), Debian's xen-blkfront module (its init
# loads it when the command line says xenith.pv), its virtio_mmio,
# virtio_blk (xenith.virtio) and virtio_console (xenith.vconsole) modules
# and guests/initramfs/init, as a
# gzipped newc cpio at $O/initramfs.cpio.gz (O defaults to build/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-$ROOT/build}
CACHE=${XENITH_CACHE:-$ROOT/cache}
BB=$CACHE/busybox/bin/busybox
OUT=$O/initramfs.cpio.gz
[ -x "$BB" ] || { echo "mkinitramfs: $BB missing: run scripts/setup.sh --linux" >&2; exit 1; }
# Debian's modules the init may load (their directory under kernel/).
MODULES="drivers/block/xen-blkfront drivers/virtio/virtio_mmio drivers/block/virtio_blk
	drivers/char/virtio_console"
mod_file() { # mod_file PATH: the .ko (maybe .ko.xz) of the newest kernel
	ls "$CACHE"/linux/lib/modules/*/kernel/"$1".ko* 2>/dev/null | sort | tail -n1 || true
}
fresh=1
for m in $MODULES; do
	f=$(mod_file "$m")
	[ -z "$f" ] || [ "$OUT" -nt "$f" ] || fresh=0
done
if [ "$fresh" = 1 ] && [ -f "$OUT" ] && [ "$OUT" -nt "$BB" ] &&
   [ "$OUT" -nt "$ROOT/guests/initramfs/init" ] && [ "$OUT" -nt "$0" ]; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,proc,sys,dev,tmp,lib/modules}
for m in $MODULES; do
	f=$(mod_file "$m")
	name=$(basename "$m")
	case "$f" in
	"") echo "mkinitramfs: no $name module in $CACHE/linux (built in?)" ;;
	*.xz) xz -dc "$f" >"$tmp/lib/modules/$name.ko" ;;
	*) cp "$f" "$tmp/lib/modules/$name.ko" ;;
	esac
done
cp "$BB" "$tmp/bin/busybox"
cp "$ROOT/guests/initramfs/init" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
mkdir -p "$O"
(cd "$tmp" && find . | sort | cpio -o -H newc --quiet | gzip -9n) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT ($(stat -c %s "$OUT") bytes)"
