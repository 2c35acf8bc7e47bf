#!/usr/bin/env python3
"""checkpoint_sections.py: lists a Myriad checkpoint's sections (name, bytes, md5), or compares the
sections two checkpoints share (a refactor's bit-identity check: every network, Adam moment and counter).

  scripts/checkpoint_sections.py CKPT            # one line per section
  scripts/checkpoint_sections.py A B             # sections of both: equal or not; exit 1 on a difference
"""
import hashlib
import struct
import sys


def sections(path):
    with open(path, "rb") as f:
        b = f.read()
    if b[:8] != b"MYRIADCK":
        sys.exit(f"{path}: not a Myriad checkpoint")
    header_len = struct.unpack_from("<Q", b, 20)[0]
    off = 28 + header_len
    (count,) = struct.unpack_from("<I", b, off)
    off += 4
    out = {}
    for _ in range(count):
        (n,) = struct.unpack_from("<I", b, off)
        name = b[off + 4:off + 4 + n].decode("utf-8", "replace")
        off += 4 + n
        (size,) = struct.unpack_from("<Q", b, off)
        off += 8
        out[name] = b[off:off + size]
        off += size
    return out


def main():
    if len(sys.argv) == 2:
        for name, data in sections(sys.argv[1]).items():
            print(f"{name:32s} {len(data):10d} {hashlib.md5(data).hexdigest()}")
        return 0
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = sections(sys.argv[1]), sections(sys.argv[2])
    differ = 0
    for name in a:
        if name not in b:
            print(f"only in {sys.argv[1]}: {name}")
            continue
        same = a[name] == b[name]
        differ += not same
        print(f"{'equal ' if same else 'DIFFER'} {name}")
    for name in b:
        if name not in a:
            print(f"only in {sys.argv[2]}: {name}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
