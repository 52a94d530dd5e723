#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Builds dom0's root filesystem: Debian 12's unmodified Xen 4.17 toolstack
# (xen-utils-4.17: xl, xenstored, xenconsoled, xen-init-dom0,
# init-dom0less; xenstore-utils, the hotplug scripts in /etc/xen/scripts
# and what they run: bash, util-linux's flock) with the libraries it
# links, Debian's busybox-static, the Xen backend modules of Debian's
# kernel and guests/dom0/init, as a gzipped newc cpio at $O/dom0.cpio.gz
# (O defaults to build/). It also holds what `xl create
# /etc/xen/linux.cfg` starts: Debian's kernel and an initramfs of
# busybox, Debian's Xen block and network frontends and guests/domu/init.
#
#   scripts/mkdom0fs.sh           download what is missing, build $O/dom0.cpio.gz
#   scripts/mkdom0fs.sh --fetch   only download (scripts/setup.sh --dom0 runs this)
#   scripts/mkdom0fs.sh --fetched true if nothing is left to download
#
# The arm64 .debs are fetched once with apt-get download into
# cache/dom0debs and unpacked (dpkg-deb -x, never installed) into
# cache/dom0root; the package list is cache/dom0root/.packages-$FS_VERSION
# (a new version of the list fetches again). The
# packages are the dependency closure of TOP_PKGS (below; apt-cache
# depends on the :arm64 names) without what only serves package scripts
# or other tools (python3, perl, init systems, debconf, udev, ucf, and
# util-linux's libraries: only its flock is shipped). Every NEEDED library of every binary
# shipped must be found among them (readelf -d), or this fails.
#
# Needs: kernel and busybox from scripts/setup.sh --linux, the arm64
# dpkg architecture and apt lists (scripts/setup.sh --dom0), and
# $O/guests/testguest.bin (make) for the xl create example
# (/etc/xen/tiny.cfg); without it the example is left out.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-$ROOT/build}
CACHE=${XENITH_CACHE:-$ROOT/cache}
DEBS=$CACHE/dom0debs
FS=$CACHE/dom0root
BB=$CACHE/busybox/bin/busybox
SRC=$ROOT/guests/dom0
OUT=$O/dom0.cpio.gz
READELF=${CROSS_COMPILE:-aarch64-linux-gnu-}readelf
OBJCOPY=${CROSS_COMPILE:-aarch64-linux-gnu-}objcopy

FETCH_ONLY=0
FETCHED_ONLY=0
for a in "$@"; do
	case "$a" in
	--fetch) FETCH_ONLY=1 ;;
	--fetched) FETCHED_ONLY=1 ;;
	-h|--help) sed -n '4,31p' "$0"; exit 0 ;;
	*) echo "mkdom0fs: unknown option $a" >&2; exit 2 ;;
	esac
done

log() { echo "mkdom0fs: $*"; }
die() { echo "mkdom0fs: $*" >&2; exit 1; }

# The toolstack packages; their closure is fetched. bash runs the
# hotplug scripts (#!/bin/bash), which take their locks with flock.
TOP_PKGS="xen-utils-4.17 xen-utils-common xenstore-utils bash util-linux"
# Headers and link-time files for building backends/virtio (xenith-virtio)
# against the libraries above: unpacked with them (not their closure),
# so that $FS is also the build's sysroot. Nothing of them is shipped.
DEV_PKGS="libc6-dev libxen-dev linux-libc-dev"
# Bumped when TOP_PKGS or DEV_PKGS change: names the stamp of a complete fetch.
FS_VERSION=3
STAMP=$FS/.packages-$FS_VERSION
# Dependencies not followed: interpreters and package-script machinery
# (the shipped binaries are ELF programs that need none of them),
# init systems, the hypervisor itself, and libc6's helper packages.
SKIP='^(python3.*|libpython3.*|perl.*|libperl.*|sysvinit-utils|lsb-base|init-system-helpers|udev|libudev1|libsystemd0|ucf|debconf.*|cdebconf|dpkg|install-info|xen-hypervisor-.*|bridge-utils|ovmf|xen-doc|media-types|mime-support|tzdata|gcc-12-base|readline-common|ncurses-base|libc-bin|base-files|debianutils|libblkid1|libcap-ng0|libcrypt1|libmount1|libpam.*|libselinux1|libsmartcols1|util-linux-extra)$'

# What dom0 runs: Debian's paths (xl execs xenconsole for `xl console`).
XENBIN=usr/lib/xen-4.17/bin
BINARIES="$XENBIN/xl $XENBIN/xenstored $XENBIN/xenconsoled $XENBIN/xenconsole
	$XENBIN/xen-init-dom0 $XENBIN/init-dom0less usr/bin/xenstore bin/bash usr/bin/flock"
# Debian's kernel modules dom0 loads (and what they depend on), unless
# the kernel has them built in.
MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback xen-netback bridge loop"
# What the xl-created Linux domU loads (guests/domu/init): Xen's block and
# network frontends, and the virtio-mmio transport and disk driver.
DOMU_MODULES="xen-blkfront xen-netfront virtio_mmio virtio_blk"

# --- the packages ----------------------------------------------------------
# closure: the packages to fetch, one a line.
closure() {
	local queue=$TOP_PKGS seen=" " p d
	while [ -n "$queue" ]; do
		set -- $queue
		p=$1; shift; queue="$*"
		case "$seen" in *" $p "*) continue ;; esac
		seen="$seen$p "
		echo "$p"
		for d in $(apt-cache depends --no-recommends --no-suggests --no-conflicts \
				--no-breaks --no-replaces --no-enhances "$p:arm64" </dev/null 2>/dev/null |
			   awk '/^ *\|?(Pre)?Depends:/ {print $2}' |
			   sed -e 's/[<>]//g' -e 's/:.*$//'); do
			echo "$d" | grep -Eq "$SKIP" && continue
			queue="$queue $d"
		done
	done
}

# lib_path DIR SONAME: the file a NEEDED name resolves to under DIR (the
# dynamic loader's default directories), or nothing.
lib_path() {
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
		if [ -e "$1/$d/$2" ]; then
			echo "$d/$2"
			return 0
		fi
	done
	return 0
}

# needed_closure DIR FILE...: every library (path under DIR) the files
# need, transitively; fails naming what is missing.
needed_closure() {
	local dir=$1; shift
	local todo="$*" done=" " f n p elf missing=""
	while [ -n "$todo" ]; do
		set -- $todo
		f=$1; shift; todo="$*"
		case "$done" in *" $f "*) continue ;; esac
		done="$done$f "
		case "$f" in /*) elf=$f ;; *) elf=$dir/$f ;; esac
		for n in $("$READELF" -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			p=$(lib_path "$dir" "$n")
			if [ -z "$p" ]; then
				missing="$missing $n (needed by $f)"
				continue
			fi
			echo "$p"
			todo="$todo $p"
		done
	done
	if [ -n "$missing" ]; then
		echo "mkdom0fs: libraries not found in the packages:$missing" >&2
		return 1
	fi
}

fetch() {
	if [ -f "$STAMP" ]; then
		return 0
	fi
	command -v apt-get >/dev/null || die "apt-get not found"
	apt-cache show xen-utils-4.17:arm64 >/dev/null 2>&1 ||
		die "no arm64 package lists: run scripts/setup.sh --dom0"
	local pkgs p deb tmp
	pkgs=$(closure | sort)
	[ -n "$pkgs" ] || die "could not resolve the dependencies of $TOP_PKGS"
	pkgs="$pkgs $DEV_PKGS"
	mkdir -p "$DEBS"
	# apt-get's own output (scripts/setup.sh passes its log).
	local apt_log=${APT_LOG:-$DEBS/apt.log}
	for p in $pkgs; do
		if ! compgen -G "$DEBS/${p}_*_arm64.deb" >/dev/null &&
		   ! compgen -G "$DEBS/${p}_*_all.deb" >/dev/null; then
			log "downloading $p:arm64"
			( cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$p:arm64" \
				</dev/null >>"$apt_log" 2>&1 ) ||
				{ tail -n 5 "$apt_log" >&2; die "apt-get download $p:arm64 failed (see $apt_log)"; }
		fi
	done
	tmp=$FS.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for p in $pkgs; do
		deb=$(compgen -G "$DEBS/${p}_*_arm64.deb" || compgen -G "$DEBS/${p}_*_all.deb")
		deb=$(ls -t $deb | head -n1)
		dpkg-deb -x "$deb" "$tmp"
	done
	for f in $BINARIES; do
		[ -f "$tmp/$f" ] || die "$f is not in the packages ($pkgs)"
	done
	needed_closure "$tmp" $BINARIES >/dev/null
	printf '%s\n' $pkgs >"$tmp/.packages-$FS_VERSION"
	rm -rf "$FS"
	mv "$tmp" "$FS"
	log "$(wc -l <"$STAMP") packages unpacked into $FS"
}

if [ "$FETCHED_ONLY" = 1 ]; then
	[ -f "$STAMP" ]
	exit
fi
fetch
[ "$FETCH_ONLY" = 1 ] && exit 0

# --- the filesystem --------------------------------------------------------
[ -x "$BB" ] || die "$BB missing: run scripts/setup.sh --linux"
MODROOT=$(ls -d "$CACHE"/linux/lib/modules/6.1.*-arm64 2>/dev/null | sort | tail -n1)
[ -n "$MODROOT" ] || die "no kernel modules in $CACHE/linux: run scripts/setup.sh --linux"
KVER=$(basename "$MODROOT")
TG=$O/guests/testguest.bin
FUZZ=$O/guests/privcmd-fuzz
KERNEL=$(ls "$CACHE"/linux/boot/vmlinuz-"$KVER" 2>/dev/null || true)
[ -n "$KERNEL" ] || die "no kernel $KVER in $CACHE/linux/boot: run scripts/setup.sh --linux"
# The virtio-mmio backend daemon, built against the packages' libraries.
VBE=$O/backends/xenith-virtio
make -s -C "$ROOT/backends/virtio" O="$O" SYSROOT="$FS" ||
	die "building backends/virtio failed"
# The domU's block benchmark (bench/blk_bench.py): static, on the
# packages' C library.
BLKB=$O/guests/blkbench
if [ ! -f "$BLKB" ] || [ "$ROOT/guests/domu/blkbench.c" -nt "$BLKB" ]; then
	mkdir -p "$O/guests"
	"${CROSS_COMPILE:-aarch64-linux-gnu-}gcc" --sysroot="$FS" -static -s -O2 -Wall -Wextra \
		-Werror -o "$BLKB" "$ROOT/guests/domu/blkbench.c" ||
		die "building guests/domu/blkbench.c failed"
fi
inputs=("$BB" "$STAMP" "$0" "$SRC/init" "$SRC/tiny.cfg" "$SRC/linux.cfg" "$KERNEL"
	"$ROOT/guests/domu/init" "$MODROOT/modules.order" "$SRC"/bad/*.cfg "$SRC/xl-bench"
	"$SRC/virtio.cfg" "$VBE" "$BLKB" "$SRC"/blkbench*.cfg "$SRC/blk-bench")
[ -f "$TG" ] && inputs+=("$TG")
[ -f "$FUZZ" ] && inputs+=("$FUZZ")
if [ -f "$OUT" ]; then
	fresh=1
	for f in "${inputs[@]}"; do
		[ "$OUT" -nt "$f" ] || fresh=0
	done
	if [ "$fresh" = 1 ]; then
		exit 0
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R=$tmp/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,run/lock,run/xen,run/xenstored}
mkdir -p "$R"/{etc/xen,var/lib/xen/dump,var/log/xen/console,lib/modules}
ln -s ../run "$R/var/run"
ln -s ../run/lock "$R/var/lock"
cp "$BB" "$R/bin/busybox"

# Binaries, the libraries they need, the dynamic loader.
for f in $BINARIES; do
	mkdir -p "$R/$(dirname "$f")"
	cp "$FS/$f" "$R/$f"
done
# libgcc_s is not NEEDED but dlopened by libc for pthread_cancel
# (libxenstore's xs_close cancels its reader thread) and pthread_exit.
mkdir -p "$R/usr/sbin"
cp "$VBE" "$R/usr/sbin/xenith-virtio"
libs=$( (needed_closure "$FS" $BINARIES "$VBE"; echo lib/aarch64-linux-gnu/libgcc_s.so.1) |
	sort -u)
for l in $libs; do
	mkdir -p "$R/$(dirname "$l")"
	cp -L "$FS/$l" "$R/$l"
done
# The loader's path in every binary (a link, as in Debian's libc6).
ln -s "$(readlink "$FS/lib/ld-linux-aarch64.so.1")" "$R/lib/ld-linux-aarch64.so.1"
[ -f "$R/lib/ld-linux-aarch64.so.1" ] || die "no dynamic loader in libc6"
# xenstore-utils' names for the xenstore multi-call binary (hard links
# to it in the package).
for f in "$FS"/usr/bin/xenstore-*; do
	if [ "$f" -ef "$FS/usr/bin/xenstore" ]; then
		ln -s xenstore "$R/usr/bin/$(basename "$f")"
	fi
done
# Debian's /usr/sbin names call a wrapper script; here they name the
# binaries themselves.
for f in xl xenstored xenconsoled; do
	ln -s "/$XENBIN/$f" "$R/usr/sbin/$f"
done
cp "$FS/etc/xen/xl.conf" "$R/etc/xen/xl.conf"
# The hotplug scripts xl runs for disks (block) and network interfaces
# (vif-bridge).
cp -a "$FS/etc/xen/scripts" "$R/etc/xen/scripts"
mkdir -p "$R/var/lib/xen/images"

# Modules: each one wanted and its dependencies (from .modinfo), in an
# order insmod can follow (dependencies first), listed in /lib/modules/order.
modfile() { # modfile NAME: path of NAME's .ko under $MODROOT
	find "$MODROOT/kernel" \( -name "$1.ko" -o -name "$1.ko.xz" -o -name "${1//_/-}.ko" \
		-o -name "${1//_/-}.ko.xz" -o -name "${1//-/_}.ko" -o -name "${1//-/_}.ko.xz" \) | head -n1
}
builtin() { # builtin NAME: true if the kernel has it built in
	grep -Eq "/(${1//[-_]/[-_]})\.ko$" "$MODROOT/modules.builtin"
}
modorder=()
MODDIR=$R/lib/modules
addmod() { # addmod NAME: NAME and its dependencies into $MODDIR, in modorder
	local name=$1 f deps d base
	for d in "${modorder[@]:-}"; do
		[ "${d%.ko}" = "${name//_/-}" ] || [ "${d%.ko}" = "${name//-/_}" ] && return 0
	done
	if builtin "$name"; then
		log "module $name: built into $KVER"
		return 0
	fi
	f=$(modfile "$name")
	[ -n "$f" ] || die "module $name not found under $MODROOT"
	base=$(basename "$f")
	case "$f" in
	*.xz) command -v xz >/dev/null || die "$f is xz-compressed: install xz-utils"
	      xz -dc "$f" >"$tmp/mod.ko"; f=$tmp/mod.ko; base=${base%.xz} ;;
	esac
	deps=$("$OBJCOPY" -O binary --only-section=.modinfo "$f" /dev/stdout |
	       tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' ')
	for d in $deps; do
		addmod "$d"
	done
	cp "$f" "$MODDIR/$base"
	modorder+=("$base")
}
for m in $MODULES; do
	addmod "$m"
done
printf '%s\n' "${modorder[@]}" >"$R/lib/modules/order"
dom0_mods=("${modorder[@]}")

# The Linux domU of /etc/xen/linux.cfg: Debian's kernel, and an
# initramfs of busybox, the frontends (built in or in /lib/modules)
# and guests/domu/init.
D=$tmp/domu
mkdir -p "$D"/{bin,proc,sys,dev,tmp,lib/modules}
cp "$BB" "$D/bin/busybox"
cp "$ROOT/guests/domu/init" "$D/init"
cp "$BLKB" "$D/bin/blkbench"
chmod 755 "$D/init" "$D/bin/busybox"
modorder=()
MODDIR=$D/lib/modules
for m in $DOMU_MODULES; do
	addmod "$m"
done
[ ${#modorder[@]} = 0 ] || printf '%s\n' "${modorder[@]}" >"$D/lib/modules/order"
mkdir -p "$R/usr/share/xenith"
(cd "$D" && find . | sort | cpio -o -H newc --quiet -R 0:0 | gzip -9n) \
	>"$R/usr/share/xenith/domu.cpio.gz"
cp "$KERNEL" "$R/usr/share/xenith/vmlinuz"
cp "$SRC/linux.cfg" "$R/etc/xen/linux.cfg"
cp "$SRC/virtio.cfg" "$R/etc/xen/virtio.cfg"
# Configurations xl and the hypervisor must refuse (dom0_xl_bad).
mkdir -p "$R/etc/xen/bad"
cp "$SRC"/bad/*.cfg "$R/etc/xen/bad/"

cp "$SRC/init" "$R/init"
chmod 755 "$R/init" "$R/bin/busybox"
if [ -f "$TG" ]; then
	mkdir -p "$R/usr/share/xenith"
	cp "$TG" "$R/usr/share/xenith/testguest.bin"
	cp "$SRC/tiny.cfg" "$R/etc/xen/tiny.cfg"
else
	log "warning: $TG missing (make): no xl create example"
fi
# The wall-clock xl create/destroy figures of `make bench`.
cp "$SRC/xl-bench" "$R/usr/bin/xl-bench"
chmod 755 "$R/usr/bin/xl-bench"
# The block rows: the guests and their driver (bench/blk_bench.py).
cp "$SRC/blk-bench" "$R/usr/bin/blk-bench"
chmod 755 "$R/usr/bin/blk-bench"
cp "$SRC"/blkbench*.cfg "$R/etc/xen/"
# A hostile dom0 process for the privcmd fuzz scenario.
[ -f "$FUZZ" ] && cp "$FUZZ" "$R/usr/bin/privcmd-fuzz"

mkdir -p "$O"
(cd "$R" && find . | sort | cpio -o -H newc --quiet -R 0:0 | gzip -9n) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "packages: $(tr '\n' ' ' <"$STAMP")"
log "modules ($KVER): ${dom0_mods[*]}; the domU's: ${modorder[*]:-none}"
log "$OUT ($(stat -c %s "$OUT") bytes, $(du -sk "$R" | cut -f1) KiB unpacked)"
