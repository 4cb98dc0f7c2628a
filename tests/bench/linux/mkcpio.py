"""Write a newc initramfs holding one executable as /init: mkcpio.py IN OUT."""
import os
import sys


def entry(name, mode, data, ino):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)


data = open(sys.argv[1], "rb").read()
blob = entry("init", 0o100755, data, 1) + entry("TRAILER!!!", 0, b"", 0)
open(sys.argv[2], "wb").write(blob + b"\0" * (-len(blob) % 512))
