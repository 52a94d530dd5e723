#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command from a fresh Debian 12 machine to the demo: installs what is
# missing, downloads Debian's kernel/busybox/Xen once (cache/), builds
# Xenith and the guests, and boots the demo (scripts/demo.py).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh --linux
make -j2
bash scripts/mkinitramfs.sh
exec python3 scripts/demo.py "$@"
