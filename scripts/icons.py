#!/usr/bin/env python3
"""Draws the app icons (public/icons/*.png) with the standard library only: the brand red
square with a white tick, which reads at 48 px on a tablet's home screen. Rerun after
changing the shape; the PNGs are committed."""
import math
import struct
import zlib
from pathlib import Path

RED = (179, 38, 30)
WHITE = (255, 255, 255)


def tick_distance(x: float, y: float) -> float:
    """Distance from (x, y), in units of the icon's side, to the tick's two strokes."""
    def segment(ax, ay, bx, by):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        return math.hypot(x - (ax + t * dx), y - (ay + t * dy))
    return min(segment(0.27, 0.52, 0.43, 0.68), segment(0.43, 0.68, 0.74, 0.33))


def pixels(size: int, safe_zone: float) -> bytes:
    """Rows of RGB; `safe_zone` shrinks the tick for maskable icons, whose edges are cut."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # PNG filter: none
        for px in range(size):
            x = 0.5 + ((px + 0.5) / size - 0.5) / safe_zone
            y = 0.5 + ((py + 0.5) / size - 0.5) / safe_zone
            rows.extend(WHITE if tick_distance(x, y) < 0.065 else RED)
    return bytes(rows)


def png(size: int, safe_zone: float) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(size, safe_zone), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size, 1.0))
        (out / f"maskable-{size}.png").write_bytes(png(size, 0.8))
    (out / "apple-touch-icon.png").write_bytes(png(180, 1.0))
