#!/usr/bin/env python3
"""Draws the extension's icon (icon.png, 256x256): an orange rounded square holding a white
cube, the "object" of Durable Objects, with a check mark on its front. Plain Python (zlib and
struct), 4x4 supersampled. Usage: python3 make-icon.py [OUT]"""
import struct
import sys
import zlib

SIZE, SS = 256, 4
ORANGE = (243, 128, 32)
DARK = (31, 31, 46)


def inside(poly, x, y):
    """Even-odd point-in-polygon test."""
    hit = False
    for i in range(len(poly)):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def rounded_square(x, y, margin=8, radius=48):
    lo, hi = margin, SIZE - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def thick_line(points, width):
    """A polyline as quads (one per segment) plus round joints, for the check mark."""
    shapes = []
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        nx, ny = -dy / length * width / 2, dx / length * width / 2
        shapes.append([(x1 + nx, y1 + ny), (x2 + nx, y2 + ny), (x2 - nx, y2 - ny), (x1 - nx, y1 - ny)])
    return shapes, [(x, y, width / 2) for x, y in points]


# The cube: top, left and right faces of an isometric box.
c, top_y, mid_y, bottom_y, half = 128, 52, 96, 210, 70
TOP = [(c, top_y), (c + half, top_y + 40), (c, mid_y + 40), (c - half, top_y + 40)]
LEFT = [(c - half, top_y + 40), (c, mid_y + 40), (c, bottom_y), (c - half, bottom_y - 40)]
RIGHT = [(c, mid_y + 40), (c + half, top_y + 40), (c + half, bottom_y - 40), (c, bottom_y)]
FACES = [(TOP, (255, 255, 255)), (LEFT, (255, 236, 220)), (RIGHT, (255, 214, 182))]
CHECK_QUADS, CHECK_DOTS = thick_line([(c + 16, 160), (c + 30, 174), (c + 56, 132)], 11)


def color_at(x, y):
    if not rounded_square(x, y):
        return None
    for quad in CHECK_QUADS:
        if inside(quad, x, y):
            return DARK
    for dx, dy, r in CHECK_DOTS:
        if (x - dx) ** 2 + (y - dy) ** 2 <= r * r:
            return DARK
    for face, color in FACES:
        if inside(face, x, y):
            return color
    return ORANGE


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter: none
        for px in range(SIZE):
            r = g = b = a = 0
            for sy in range(SS):
                for sx in range(SS):
                    col = color_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if col:
                        r, g, b, a = r + col[0], g + col[1], b + col[2], a + 1
            n = SS * SS
            row += bytes((r // a, g // a, b // a, 255 * a // n) if a else (0, 0, 0, 0))
        rows.append(bytes(row))
    return b"".join(rows)


def png(pixels):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "icon.png"
    with open(out, "wb") as f:
        f.write(png(render()))
