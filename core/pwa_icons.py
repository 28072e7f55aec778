"""The icons of the installable app, drawn without any dependency: letters in blocks, white on the
theme's colour, written as PNG (zlib and struct) and SVG.

    python -m teleservices.core.pwa_icons themes/default/static/icons
    python -m teleservices.core.pwa_icons themes/mon-theme/static/icons --couleur "#6a1b4d" --lettres AC

writes ``icon-192.png``, ``icon-512.png`` and ``icon.svg`` (the manifest's icons). They are
« maskable »: the colour fills the whole square and the letters stay well inside the middle
circle (40 % of the size around the centre) that every platform's mask keeps.
"""

from __future__ import annotations

import argparse
import re
import struct
import zlib
from pathlib import Path

# A 5 × 7 block font, enough for an establishment's or an academy's initials.
FONT = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"],
    "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "G": ["01111", "10000", "10000", "10011", "10001", "10001", "01111"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "I": ["11111", "00100", "00100", "00100", "00100", "00100", "11111"],
    "J": ["00111", "00010", "00010", "00010", "00010", "10010", "01100"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
    "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "Q": ["01110", "10001", "10001", "10001", "10101", "10010", "01101"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
    "V": ["10001", "10001", "10001", "10001", "10001", "01010", "00100"],
    "W": ["10001", "10001", "10001", "10101", "10101", "10101", "01010"],
    "X": ["10001", "10001", "01010", "00100", "01010", "10001", "10001"],
    "Y": ["10001", "10001", "01010", "00100", "00100", "00100", "00100"],
    "Z": ["11111", "00001", "00010", "00100", "01000", "10000", "11111"],
}
GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7
TEXT_SHARE = 0.5  # the letters' width, as a share of the icon's: inside the maskable safe zone
SIZES = (192, 512)


def blocks(letters: str) -> list[tuple[int, int]]:
    """The (column, row) of every filled block of the letters, one blank column between two."""
    cells = []
    for index, letter in enumerate(letters):
        for row, line in enumerate(FONT[letter]):
            cells.extend((index * (GLYPH_WIDTH + 1) + col, row) for col, bit in enumerate(line) if bit == "1")
    return cells


def layout(letters: str, size: float) -> tuple[float, float, float]:
    """(unit, left, top): the side of a block and where the letters start, centred."""
    columns = len(letters) * (GLYPH_WIDTH + 1) - 1
    unit = size * TEXT_SHARE / columns
    return unit, (size - columns * unit) / 2, (size - GLYPH_HEIGHT * unit) / 2


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def png(size: int, letters: str, colour: str) -> bytes:
    unit, left, top = layout(letters, size)
    filled = set(blocks(letters))
    background, ink = bytes(rgb(colour)), b"\xff\xff\xff"
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter: none
        block_row = int((y + 0.5 - top) // unit)
        for x in range(size):
            block_col = int((x + 0.5 - left) // unit)
            row += ink if (block_col, block_row) in filled and x + 0.5 >= left and y + 0.5 >= top else background
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8 bits, truecolour
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def svg(letters: str, colour: str) -> str:
    size = 512
    unit, left, top = layout(letters, size)
    path = "".join(
        f"M{left + col * unit:.2f} {top + row * unit:.2f}h{unit:.2f}v{unit:.2f}h-{unit:.2f}z"
        for col, row in blocks(letters)
    )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
            f'<rect width="{size}" height="{size}" fill="{colour}"/><path fill="#fff" d="{path}"/></svg>\n')


def write_icons(folder: Path, colour: str = "#0a4f8a", letters: str = "TS") -> list[Path]:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"Couleur attendue sous la forme #rrvvbb : {colour!r}")
    letters = letters.upper()
    if not letters or len(letters) > 3 or any(letter not in FONT for letter in letters):
        raise ValueError(f"Une à trois lettres de A à Z : {letters!r}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        path = folder / f"icon-{size}.png"
        path.write_bytes(png(size, letters, colour))
        written.append(path)
    path = folder / "icon.svg"
    path.write_text(svg(letters, colour), encoding="utf-8")
    return [*written, path]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Dessine les icônes de l'application installable (PWA).")
    parser.add_argument("dossier", type=Path, help="le dossier des icônes du thème (themes/<thème>/static/icons)")
    parser.add_argument("--couleur", default="#0a4f8a", help="la couleur du fond (#rrvvbb)")
    parser.add_argument("--lettres", default="TS", help="une à trois lettres, en blanc au milieu")
    args = parser.parse_args(argv)
    for path in write_icons(args.dossier, args.couleur, args.lettres):
        print(path)


if __name__ == "__main__":
    main()
