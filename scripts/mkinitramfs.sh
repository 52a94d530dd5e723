#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the test initramfs: Debian's busybox-static:arm64 (from cache/,
# see scripts/setup.sh --linux), Debian's xen-blkfront module (its init
# loads it when the command line says xenith.pv) and
# guests/initramfs/init, as a gzipped newc cpio at $O/initramfs.cpio.gz
# (O defaults to build/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-$ROOT/build}
CACHE=${XENITH_CACHE:-$ROOT/cache}
BB=$CACHE/busybox/bin/busybox
OUT=$O/initramfs.cpio.gz
[ -x "$BB" ] || { echo "mkinitramfs: $BB missing: run scripts/setup.sh --linux" >&2; exit 1; }
BLKFRONT=$(ls "$CACHE"/linux/lib/modules/*/kernel/drivers/block/xen-blkfront.ko* 2>/dev/null |
	sort | tail -n1 || true)
if [ -f "$OUT" ] && [ "$OUT" -nt "$BB" ] && [ "$OUT" -nt "$ROOT/guests/initramfs/init" ] &&
   { [ -z "$BLKFRONT" ] || [ "$OUT" -nt "$BLKFRONT" ]; } && [ "$OUT" -nt "$0" ]; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,proc,sys,dev,tmp,lib/modules}
case "$BLKFRONT" in
"") echo "mkinitramfs: no xen-blkfront module in $CACHE/linux (built in?)" ;;
*.xz) xz -dc "$BLKFRONT" >"$tmp/lib/modules/xen-blkfront.ko" ;;
*) cp "$BLKFRONT" "$tmp/lib/modules/xen-blkfront.ko" ;;
esac
cp "$BB" "$tmp/bin/busybox"
cp "$ROOT/guests/initramfs/init" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
mkdir -p "$O"
(cd "$tmp" && find . | sort | cpio -o -H newc --quiet | gzip -9n) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT ($(stat -c %s "$OUT") bytes)"
