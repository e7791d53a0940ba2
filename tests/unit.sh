#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# unit.sh: user-space tests of microcode_xen.h, against the real files of
# Debian's microcode packages in the cache.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
mkdir -p "$top/build"
if ! gcc -O2 -Wall -Wextra -Werror -o "$top/build/fw_name" "$here/unit/fw_name.c"; then
	result fail "[unit] fw_name.c does not build"
else
	"$top/build/fw_name" "$CACHE/fw/lib/firmware" > "$top/build/fw_name.out"
	rc=$?
	grep '^#' "$top/build/fw_name.out"
	while IFS= read -r line; do
		case $line in
		"ok - "*) result pass "${line#ok - }" ;;
		"not ok - "*) result fail "${line#not ok - }" ;;
		esac
	done < "$top/build/fw_name.out"
	[ $rc -eq 0 ] || result fail "[unit] fw_name exited with $rc"
fi
script_end
