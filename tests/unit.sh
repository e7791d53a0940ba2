#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# unit.sh: user-space tests of microcode_xen.h, against the real files of
# Debian's microcode packages in the cache, and of the initramfs hooks'
# advice (packaging/share/functions).
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

# The initramfs hooks' advice when no vendor file fits this CPU
# (packaging/share/functions): install the vendor's package, or, where its
# files are there, wait for a newer one.
fw=$(mktemp -d)
hint() { MCX_FW=$fw sh -c '. "$1"; mcx_fw_hint "$2"' sh "$top/packaging/share/functions" "$1"; }
for p in intel-ucode:intel-microcode amd-ucode:amd64-microcode; do
	d=${p%%:*} pkg=${p#*:}
	x=$(hint "$d")
	if [ "$x" = "install $pkg" ]; then
		result pass "[unit] no $d/ at all: the hook says \"$x\""
	else
		result fail "[unit] no $d/ at all: the hook says \"$x\", not \"install $pkg\""
	fi
	mkdir -p "$fw/$d" && touch "$fw/$d/other-cpu"
	x=$(hint "$d")
	if [[ $x == *"a newer $pkg may have one"* && $x != *install* ]]; then
		result pass "[unit] $d/ has files, none for this CPU: the hook says \"$x\""
	else
		result fail "[unit] $d/ has files, none for this CPU: the hook says \"$x\", and should not ask to install $pkg"
	fi
done
rm -rf "$fw"
script_end
