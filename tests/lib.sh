# SPDX-License-Identifier: GPL-2.0
# Shared by the test scripts: where the cache is, and small helpers.

CACHE=${MICROCODE_XEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/microcode_xen}
APTDIR=$CACHE/apt
DEBS=$CACHE/debs
# Bump when setup.sh fetches something new, so old caches are completed.
SETUP_VERSION=1

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

papt_opts() {
	printf '%s\n' -o "Dir::Etc::SourceList=$APTDIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$APTDIR/lists" \
		-o "Dir::Cache=$APTDIR/cache" -o APT::Sandbox::User=root
}
papt-get() { local o; mapfile -t o < <(papt_opts); apt-get "${o[@]}" "$@"; }
papt-cache() { local o; mapfile -t o < <(papt_opts); apt-cache "${o[@]}" "$@"; }

# The headers folder of a cached kernel (6.1 or 6.12).
kdir_of() {
	local d
	d=$(compgen -G "$CACHE/k/$1/usr/src/linux-headers-*-amd64" | head -n1) ||
		die "no headers for kernel $1 in $CACHE (run tests/setup.sh)"
	echo "$d"
}
vmlinuz_of() { compgen -G "$CACHE/k/$1/boot/vmlinuz-*" | head -n1; }
