#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# static.sh: the static gates, on every supported kernel: a W=1 C=1 (sparse)
# build that must print no warning, checkpatch.pl --strict and coccicheck's
# semantic patches in report mode, both from Debian's linux-source packages
# of 6.1 and sid's newest kernel (tests/sid.sh), which know each kernel's rules.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
sources=(microcode_xen.c microcode_xen.h hypercall.h tests/fake_hv.h)

# Every shell script parses (bash -n): the test scripts, the scenarios and
# the host files run-vm.sh sources (a line bash rejects stops a sourced file
# there), the packaging's scripts.  Those with a shebang, *.sh, *.host and
# the GRUB snippet (sourced by update-grub).
nsh=0 bad=
while IFS= read -r f; do
	case $f in
	*.sh | *.host | packaging/grub/*.cfg) ;;
	*) head -n 1 "$top/$f" 2>/dev/null | grep -Eq '^#!.*/(env )?(ba|da)?sh( |$)' || continue ;;
	esac
	nsh=$((nsh + 1))
	err=$(bash -n "$top/$f" 2>&1) || bad+="$err"$'\n'
done < <(cd "$top" && { git ls-files --cached --others --exclude-standard 2>/dev/null || find . -path ./build -prune -o -type f -print | sed 's|^\./||'; } | sort -u)
# The README is for an admin, read in ten minutes: at most 330 lines and
# 2,500 words (interfaces, per-Xen tables and the full error list live in
# Documentation/).
read -r rl rw < <(wc -lw < "$top/README")
if [ "$rl" -le 330 ] && [ "$rw" -le 2500 ]; then
	result pass "[static] README: $rl lines, $rw words (at most 330 and 2,500)"
else
	result fail "[static] README: $rl lines, $rw words; at most 330 and 2,500 (move reference text to Documentation/)"
fi
if [ "$nsh" -lt 20 ]; then
	result fail "[static] bash -n: only $nsh shell scripts found"
elif [ -z "$bad" ]; then
	result pass "[static] bash -n: all $nsh shell scripts parse"
else
	result fail "[static] bash -n: shell scripts that do not parse:"
	printf '%s' "$bad" | sed 's/^/#   /'
fi

# klabel KERNEL: the kernel as the results name it (sid with its version).
klabel() { if [ "$1" = sid ]; then echo "sid ($("$here/sid.sh" version))"; else echo "$1"; fi; }

# The module, and the test build with the stand-in (tests/fake_hv.h).
for k in 6.1 6.12 sid; do
	for fake in "" y; do
		what="W=1 C=1 build${fake:+ (test build)} against $(klabel "$k")"
		# Folders of its own: the VM tests build beside it (run-all.sh).
		rm -rf "$top/build/static-$k${fake:+-fake}"
		if out=$(MCX_BUILD_PREFIX=static- MICROCODE_XEN_FAKE_HV=$fake "$here/build.sh" "$k" W=1 C=1 2>&1); then
			# Only the compiler's and sparse's words count: kbuild's own
			# notes (BTF skipped for lack of vmlinux) are not about this code.
			warn=$(grep -E 'warning|error' <<<"$out" | grep -v 'Skipping BTF')
			if [ -z "$warn" ]; then
				result pass "[static] $what is clean"
			else
				result fail "[static] $what warns:"
				sed 's/^/#   /' <<<"$warn"
			fi
		else
			result fail "[static] $what fails:"
			sed 's/^/#   /' <<<"$out" | tail -n 30
		fi
	done
done

# sparse_ran KERNEL: a C=1 build of tests/static/mcx_canary.c against
# KERNEL reports its address-space mix-up, so C=1 above did run sparse.
sparse_ran() {
	local d=$top/build/sparse-canary-$1 out
	rm -rf "$d"
	mkdir -p "$d"
	cp "$top/Makefile" "$here/static/mcx_canary.c" "$d/"
	echo 'obj-m := mcx_canary.o' > "$d/Kbuild"
	out=$(kbuild "$1" "$d" C=1 2>&1)
	grep -q 'different address spaces' <<<"$out" && return 0
	sed 's/^/#   /' <<<"$out" | tail -n 10
	return 1
}
for k in 6.1 6.12 sid; do
	if sparse_ran "$k"; then
		result pass "[static] C=1 runs sparse against $(klabel "$k"): it reports tests/static/mcx_canary.c's user pointer used as a kernel one"
	else
		result fail "[static] C=1 does not run sparse against $(klabel "$k"): tests/static/mcx_canary.c's address-space mix-up went unreported (above: the build's output)"
	fi
done

cp_dir=$CACHE/checkpatch
if [ ! -d "$cp_dir/scripts/coccinelle" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch linux-source-6.1/scripts/coccinelle
fi
for sv in 6.1 sid; do
	cp_dir=$CACHE/checkpatch
	[ "$sv" = 6.1 ] || cp_dir=$CACHE/checkpatch-$sv
	# EMBEDDED_FILENAME: hypercall.h must include <asm/xen/hypercall.h>, which
	# checkpatch takes for the file naming itself.
	for f in "${sources[@]}"; do
		if out=$(cd "$top" && "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --quiet \
			--ignore EMBEDDED_FILENAME --file "$f" 2>&1) && [ -z "$out" ]; then
			result pass "[static] checkpatch --strict ($sv): $f is clean"
		else
			result fail "[static] checkpatch --strict ($sv): $f:"
			sed 's/^/#   /' <<<"$out"
		fi
	done

	# coccicheck, MODE=report: every semantic patch that has a report mode and
	# needs no OCaml compiler.  Only findings in our files count; spatch's notes
	# about the semantic patches themselves do not.
	cocci=$(grep -L 'script:ocaml' $(find "$cp_dir/scripts/coccinelle" -name '*.cocci') |
		xargs grep -l 'virtual report')
	# A semantic patch that spatch cannot run (exit status not 0) fails too:
	# a broken spatch would otherwise read as a clean file.
	command -v spatch > /dev/null || result fail "[static] coccicheck ($sv): spatch is not installed"
	[ "$(wc -w <<<"$cocci")" -ge 50 ] ||
		result fail "[static] coccicheck ($sv): only $(wc -w <<<"$cocci") semantic patches found (70 expected)"
	for f in microcode_xen.c; do
		found= broken= hits=
		for c in $cocci; do
			if ! out=$(cd "$top" && spatch -D report --very-quiet --no-show-diff \
					--cocci-file "$c" "$f" 2>&1); then
				broken+="${c##*/coccinelle/} "
			fi
			hits=$(grep -E "^$f:[0-9]+" <<<"$out") && found+="$hits"$'\n'
		done
		if [ -n "$broken" ]; then
			result fail "[static] coccicheck ($sv): spatch failed on: $broken"
		elif [ -z "$found" ]; then
			result pass "[static] coccicheck ($sv, $(wc -w <<<"$cocci") semantic patches): $f is clean"
		else
			result fail "[static] coccicheck ($sv): $f:"
			sed 's/^/#   /' <<<"$found"
		fi
	done
done

script_end
