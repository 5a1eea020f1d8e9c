#!/usr/bin/python3
"""Writes N small test PNGs (coloured shapes on a gradient) without any imaging library.

Usage: make-images.py OUT_DIR [N] [SIZE]
"""
import os
import struct
import sys
import zlib


def png(path, w, h, pixel):
    rows = bytearray()
    for y in range(h):
        rows.append(0)  # filter: none
        for x in range(w):
            rows.extend(pixel(x, y))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(rows), 6)))
        f.write(chunk(b"IEND", b""))


def image(i, size):
    cx, cy = (37 * i) % (size // 2) + size // 4, (53 * i) % (size // 2) + size // 4
    r = size // 6 + (i % 4) * size // 32
    colour = ((97 * i) % 256, (151 * i + 80) % 256, (211 * i + 160) % 256)
    square = i % 2 == 1

    def pixel(x, y):
        inside = (abs(x - cx) <= r and abs(y - cy) <= r) if square else (x - cx) ** 2 + (y - cy) ** 2 <= r * r
        if inside:
            return colour
        g = (x + y) * 255 // (2 * size)
        return (g, g // 2, 255 - g)

    return pixel


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 160
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        png(os.path.join(out, f"shape-{i:03d}.png"), size, size, image(i, size))


if __name__ == "__main__":
    main()
