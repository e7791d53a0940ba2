#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the microcode revisions (hex, no 0x) in Intel or AMD vendor files."""
import lzma
import struct
import sys


def read(path):
    data = open(path, "rb").read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def amd(data):
    # Container: magic, equivalence table (type 0), then patches (type 1);
    # a patch starts with data_code and patch_id (the revision).
    off = 12 + struct.unpack_from("<I", data, 8)[0]
    while off + 8 <= len(data):
        kind, size = struct.unpack_from("<II", data, off)
        if kind == 1:
            yield struct.unpack_from("<I", data, off + 12)[0]
        off += 8 + size


def intel(data):
    off = 0
    while off + 48 <= len(data):
        rev = struct.unpack_from("<I", data, off + 4)[0]
        total = struct.unpack_from("<I", data, off + 32)[0] or 2048
        yield rev
        off += total


for path in sys.argv[1:]:
    data = read(path)
    for rev in (amd if data[:4] == b"DMA\0" else intel)(data):
        print("%x" % rev)
