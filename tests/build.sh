#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh KVER [MAKE ARGS...]: builds the module against a cached Debian
# kernel's headers (KVER is 6.1, 6.12 or sid, sid's newest kernel; 6.1-debug, 6.1-debug-nokasan: a
# debug kernel's build tree, tests/debug-kernel.sh) in build/KVER (build/KVER-fake with
# MICROCODE_XEN_FAKE_HV=y: the test build, tests/fake_hv.h), and the static
# test helper in build/mcxio.  MCX_BUILD_PREFIX=P builds in build/PKVER
# instead (static.sh: its folders, which it empties, are not the VMs').  An external module builds in its own folder, so each
# kernel gets a copy of the sources.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
kver=$1
shift
top=$(cd "$here/.." && pwd)
out=$top/build/${MCX_BUILD_PREFIX:-}$kver${MICROCODE_XEN_FAKE_HV:+-fake}
mkdir -p "$out"
# Several test runs may build at once: one at a time per folder.
exec 9>"$out.lock"
flock 9
cp "$top"/Kbuild "$top"/Makefile "$top"/dkms.conf "$top"/*.c "$top"/*.h "$out"/
if [ -n "${MICROCODE_XEN_FAKE_HV:-}" ]; then
	mkdir -p "$out/tests"
	cp "$top"/tests/fake_hv.h "$out/tests/"
fi
kbuild "$kver" "$out" ${MICROCODE_XEN_FAKE_HV:+MICROCODE_XEN_FAKE_HV=y} "$@" >&2
if [ ! "$top/build/mcxio" -nt "$here/tools/mcxio.c" ]; then
	gcc -static -O2 -Wall -Wextra -o "$top/build/mcxio.$$" "$here/tools/mcxio.c"
	mv "$top/build/mcxio.$$" "$top/build/mcxio"
fi
echo "$out/microcode_xen.ko"
