#!/usr/bin/env python3
"""Mark one version requirement (e.g. GLIBCXX_3.4.32) as weak in an ELF64 file's verneed table.

A weak requirement that the loaded library lacks is no longer fatal for the dynamic loader.
Usage: elf_weaken_verneed.py FILE VERSION
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not a little-endian ELF64 file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = False
        for sh in sections:
            if sh[1] != SHT_GNU_VERNEED:
                continue
            strtab_off = sections[sh[6]][4]
            name_at = lambda o: data[strtab_off + o:data.index(b"\0", strtab_off + o)].decode()
            need = sh[4]
            for _ in range(sh[7]):  # sh_info = number of Verneed entries
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, need)
                a = need + aux
                for _ in range(cnt):
                    _, flags, _, name, anext = struct.unpack_from("<IHHII", data, a)
                    if name_at(name) == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                        changed = True
                    a += anext
                need += nxt
        if changed:
            f.seek(0)
            f.write(data)
    print(f"{path}: {version} {'marked weak' if changed else 'already weak or absent'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
