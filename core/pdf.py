"""PDF documents printed by the portal (the notification letters, the LPC's report): A4, in a
Unicode TrueType font embedded in the file, so that French accents print everywhere.

DejaVu (Debian's fonts-dejavu-core, which ``make`` installs) is used, else Liberation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
# (family, style) -> file names tried in order, DejaVu first.
FONT_FILES = {
    ("sans", ""): ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    ("sans", "B"): ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    ("mono", ""): ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf"),
    ("mono", "B"): ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf"),
}


class FontMissing(RuntimeError):
    pass


@cache
def font_paths() -> dict[tuple[str, str], Path]:
    found = {}
    for key, names in FONT_FILES.items():
        path = next((d / n for n in names for d in FONT_DIRS if (d / n).is_file()), None)
        if path is None:
            raise FontMissing(
                "Police introuvable pour les documents PDF : installez le paquet Debian fonts-dejavu-core "
                f"(cherché : {', '.join(names)} dans {', '.join(map(str, FONT_DIRS))})."
            )
        found[key] = path
    return found


NBSP = "\u00a0"


def typo(text: str) -> str:
    """French spacing: no line starts with ":", ";", "?" or "»", none ends with "«"."""
    for before, after in ((" :", NBSP + ":"), (" ;", NBSP + ";"), (" ?", NBSP + "?"), (" »", NBSP + "»"),
                          ("« ", "«" + NBSP)):
        text = text.replace(before, after)
    return text


class PdfDocument(FPDF):
    """An A4 document with the portal's fonts: « sans » (regular and « B »), « mono »."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for (family, style), path in font_paths().items():
            self.add_font(family, style, str(path))
        self.set_creator("Téléservices")

    def line_text(self, text: str, size: float = 10, style: str = "", h: float = 5, align: str = "L") -> None:
        self.set_font("sans", style, size)
        self.multi_cell(0, h, typo(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
