# SPDX-License-Identifier: GPL-2.0
# AMD with Xen's digest check on: Xen loads only patches whose SHA-256 it
# knows.  Debian's real file passes; /test/fw.unknown, the same file with
# one patch id changed, holds nothing Xen will load for this CPU.
. ./lib.sh
FW=/lib/firmware/$FWFILE

step load
expect "insmod update_on_load=0 succeeds" OK mcxio insmod $MOD update_on_load=0

step known
expect_one "Debian's real file passes the digest check and reaches the apply" "$APPLY" \
	mcxio write $RELOAD 1

step unknown
cp /test/fw.unknown $FW
expect "a patch without a known digest gets ENODATA" ENODATA mcxio write $RELOAD 1
logged "the log says Xen found no update for these CPUs" \
	"$FWFILE: update failed: no update in it for these CPUs.*\(Xen: -2\)"
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
finish
