#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkblobs.py KIND SRC DST: test variants of real vendor files.

  intel-rev REV   an Intel file (one update, no extended table) with its
                  revision set to REV and its checksum fixed, so that Xen
                  takes it as a valid update of that revision
  amd-id FROM TO  an AMD container with patch id FROM renamed TO: a patch
                  that Xen's list of known digests does not have
  revisions       print the revisions (Intel) or patch ids (AMD) in SRC
"""
import os
import struct
import sys


def intel_revisions(d):
    return [struct.unpack_from('<I', d, 4)[0]]


def amd_patches(d):
    """(offset of the patch id, patch id) of each patch in a container."""
    assert d[:4] == b'DMA\x00', 'not an AMD microcode container'
    off = 4
    _, size = struct.unpack_from('<II', d, off)      # equivalence table
    off += 8 + size
    out = []
    while off + 8 <= len(d):
        kind, size = struct.unpack_from('<II', d, off)
        if kind == 1:
            out.append((off + 12, struct.unpack_from('<I', d, off + 12)[0]))
        off += 8 + size
    return out


def main():
    kind, src = sys.argv[1], sys.argv[2]
    d = bytearray(open(src, 'rb').read())
    if kind == 'revisions':
        revs = ([r for _, r in amd_patches(d)] if d[:4] == b'DMA\x00'
                else intel_revisions(d))
        print(' '.join('%x' % r for r in revs))
        return
    dst = sys.argv[3]
    if kind == 'intel-rev':
        total = struct.unpack_from('<I', d, 32)[0] or 2048
        assert total == len(d), 'more than one update in the file'
        struct.pack_into('<I', d, 4, int(sys.argv[4], 0))
        struct.pack_into('<I', d, 16, 0)
        s = sum(struct.unpack_from('<%dI' % (len(d) // 4), d)) & 0xffffffff
        struct.pack_into('<I', d, 16, (-s) & 0xffffffff)
    elif kind == 'amd-id':
        want, new = int(sys.argv[4], 0), int(sys.argv[5], 0)
        offs = [o for o, pid in amd_patches(d) if pid == want]
        assert offs, 'no patch %x in %s' % (want, src)
        struct.pack_into('<I', d, offs[0], new)
    else:
        sys.exit(__doc__)
    # Renamed into place: a VM being set up beside may be reading dst.
    with open(dst + '.tmp', 'wb') as f:
        f.write(d)
    os.replace(dst + '.tmp', dst)


main()
