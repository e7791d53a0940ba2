#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [build|ready|dir] [NAME]: a debug dom0 kernel, built from
# Debian's linux-source-6.1.  NAME is
#   6.1-debug           (default) KASAN, lockdep, kmemleak, UBSAN, debug
#                       objects, delayed kobject release and fault injection
#                       (tests/debug/6.1.config); boots without Xen only
#   6.1-debug-nokasan   the same without KASAN and with SLUB's debugging on
#                       (tests/debug/nokasan.config over it): boots as a Xen
#                       PV dom0
#
#   build   build it unless the cache has it (default); prints its tree
#   ready   exit 0 if the cache has it, 1 if not; builds nothing
#   dir     print the folder it is (or would be) cached in
#
# The cache folder is named after a hash of the source package's version,
# the config fragments and this recipe's version (DEBUG_RECIPE in lib.sh), so
# a new Debian source or fragment builds anew and an unchanged one never
# does.  The tree stays whole: modules build against it as KDIR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cmd=${1:-build}
name=${2:-6.1-debug}
frags=$(debug_fragments "$name") || exit 1
# Not ready, and quietly so, on a machine without linux-source-6.1 yet
# (.ci/run asks before setup.sh has run).
if [ "$cmd" = ready ]; then
	dir=$(debug_dir "$name" 2>/dev/null) && [ -e "$dir/ready" ]
	exit
fi
dir=$(debug_dir "$name") || exit 1

case $cmd in
dir) echo "$dir"; exit 0 ;;
build) ;;
*) die "usage: debug-kernel.sh [build|ready|dir] [6.1-debug|6.1-debug-nokasan]" ;;
esac

if [ -e "$dir/ready" ]; then
	echo "$dir/linux"
	exit 0
fi

need=()
for p in flex bison bc libelf-dev libssl-dev gcc make xz-utils; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing build tools: ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
		die "cannot install ${need[*]}"
fi
src=/usr/src/linux-source-6.1.tar.xz
[ -r "$src" ] || die "$src is missing (tests/setup.sh installs linux-source-6.1)"

mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
if [ -e "$dir/ready" ]; then
	echo "$dir/linux"
	exit 0
fi
start=$(date +%s)
blog=$dir/build.log
log "building the debug kernel $name in $dir (log: $blog); 10 to 30 min on 2 cores"
rm -rf "$dir/linux" "$dir/linux-source-6.1"
tar -C "$dir" -xJf "$src" || die "cannot unpack $src"
mv "$dir/linux-source-6.1" "$dir/linux"
k=$dir/linux
{
	make -C "$k" x86_64_defconfig &&
	# shellcheck disable=SC2086 # a list of paths without blanks
	"$k/scripts/kconfig/merge_config.sh" -m -O "$k" "$k/.config" \
		"$k/kernel/configs/xen.config" "$k/arch/x86/configs/xen.config" $frags &&
	make -C "$k" olddefconfig
} > "$blog" 2>&1 || die "configuring failed; see $blog"

# Every option the fragments ask for (the last one's word on an option
# counts) must have survived olddefconfig: a dependency that is not met
# turns one off without a word.
declare -A want=()
# shellcheck disable=SC2086
while IFS= read -r line; do
	case $line in CONFIG_*=*) want[${line%%=*}]=${line#*=} ;; esac
done < <(cat $frags)
bad=0
for opt in "${!want[@]}"; do
	if [ "${want[$opt]}" = n ]; then
		! grep -q "^$opt=[ym]" "$k/.config" || { log "config: $opt=n did not hold"; bad=1; }
	else
		grep -qx "$opt=${want[$opt]}" "$k/.config" || { log "config: $opt=${want[$opt]} did not hold"; bad=1; }
	fi
done
[ $bad -eq 0 ] || die "the config fragments do not hold"

nice -n 10 make -C "$k" -j2 bzImage modules >> "$blog" 2>&1 &
mk=$!
while kill -0 "$mk" 2>/dev/null; do
	sleep 60 & wait $!
	kill -0 "$mk" 2>/dev/null || break
	log "debug kernel $name: $(( ($(date +%s) - start) / 60 )) min, $(grep -c '^  CC' "$blog") files compiled, last: $(grep '^  CC' "$blog" | tail -n1 | awk '{print $NF}')"
done
wait "$mk" || die "the debug kernel build failed; see $blog"
echo "$(( $(date +%s) - start ))" > "$dir/seconds"
touch "$dir/ready"
# The same kernel built from an older source or fragment is of no more use.
for old in "${dir%-*}"-*; do
	[[ $old != "$dir"* && ${old##*/} =~ ^${name#6.1-}-[0-9a-f]{12}(\.lock)?$ ]] || continue
	log "removing $old, an outdated build of $name"
	rm -rf "$old"
done
log "debug kernel built in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
echo "$k"
