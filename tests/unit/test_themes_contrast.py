"""The themes' colours, read from their CSS variables: text contrast of at least 4.5:1 in the light
and dark looks, 7:1 in « Contraste élevé » (RGAA 3.2/3.3, WCAG 1.4.3 and 1.4.6), 3:1 for fields'
borders and the focus ring (WCAG 1.4.11), for the default theme and the academy's.

The looks are computed as a browser would: the blocks ``:root`` and ``:root.contraste-eleve``,
alone or inside ``@media (prefers-color-scheme: dark)``, applied by specificity then by order
(the default theme's portal.css first, then a derived theme's stylesheet)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

THEMES = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_CSS = THEMES / "default" / "static" / "portal.css"
THEME_CSS = {"default": [DEFAULT_CSS], "academie": [DEFAULT_CSS, THEMES / "academie" / "static" / "academie.css"]}
DARK = "(prefers-color-scheme: dark)"

# (text, background): every text colour of the theme on the backgrounds it is written on.
TEXT_PAIRS = [
    ("--texte", "--surface"), ("--texte", "--fond"), ("--texte", "--bleu-clair"),
    ("--texte", "--rouge-fond"), ("--texte", "--vert-fond"), ("--texte", "--attention-fond"),
    ("--gris", "--surface"), ("--gris", "--fond"), ("--gris", "--bleu-clair"),
    ("--bleu", "--surface"), ("--bleu", "--fond"), ("--bleu", "--bleu-clair"),
    ("--sur-bleu", "--bleu"), ("--sur-bleu", "--vert"),
    ("--sur-bandeau", "--bandeau"),
    ("--rouge", "--surface"), ("--rouge", "--rouge-fond"),
    ("--vert", "--surface"), ("--vert", "--vert-fond"),
    ("--attention", "--surface"), ("--attention", "--attention-fond"),
]
# Things to see but not to read: 3:1.
BORDERS = [("--bord-champ", "--surface")]
FOCUS_BACKGROUNDS = ["--surface", "--fond", "--bandeau", "--bleu"]


@dataclass(frozen=True)
class Block:
    media: str | None
    selector: str
    order: int
    declarations: dict[str, str]


def blocks_of(css: str, start: int = 0) -> list[Block]:
    """The rule blocks of a stylesheet with their custom properties, and the @media around them."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: list[Block] = []
    stack: list[str] = []
    header = ""
    body = ""
    for char in css:
        if char == "{":
            stack.append(header.strip())
            header, body = "", ""
        elif char == "}":
            selector = stack.pop()
            if not selector.startswith("@"):
                media = next((h[len("@media"):].strip() for h in reversed(stack) if h.startswith("@media")), None)
                declarations = dict(
                    (name.strip(), value.strip())
                    for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+)", body)
                )
                found.append(Block(media, selector, start + len(found), declarations))
            header, body = "", ""
        else:
            header += char
            body += char
    return found


def look(theme: str, dark: bool, contrast: bool) -> dict[str, str]:
    """The variables' values in one look, var() references resolved."""
    blocks: list[Block] = []
    for path in THEME_CSS[theme]:
        blocks.extend(blocks_of(path.read_text(encoding="utf-8"), start=len(blocks)))
    selectors = {":root": 1} | ({":root.contraste-eleve": 2} if contrast else {})
    applying = [
        b for b in blocks
        if b.selector in selectors and (b.media is None or (dark and b.media == DARK))
    ]
    values: dict[str, str] = {}
    for block in sorted(applying, key=lambda b: (selectors[b.selector], b.order)):
        values.update(block.declarations)

    def resolve(value: str) -> str:
        match = re.fullmatch(r"var\((--[\w-]+)\)", value)
        return resolve(values[match.group(1)]) if match else value

    return {name: resolve(value) for name, value in values.items()}


def luminance(colour: str) -> float:
    hexa = colour.lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", hexa), f"couleur non hexadécimale : {colour}"
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


LOOKS = [
    (theme, dark, contrast_)
    for theme in THEME_CSS for dark in (False, True) for contrast_ in (False, True)
]


def look_id(case: tuple[str, bool, bool]) -> str:
    theme, dark, contrast_ = case
    return f"{theme}-{'sombre' if dark else 'clair'}{'-contraste-eleve' if contrast_ else ''}"


@pytest.mark.parametrize("case", LOOKS, ids=look_id)
def test_text_contrast(case):
    theme, dark, high = case
    colours = look(theme, dark, high)
    minimum = 7 if high else 4.5
    weak = [
        f"{text} sur {background} : {contrast(colours[text], colours[background]):.2f}"
        for text, background in TEXT_PAIRS
        if contrast(colours[text], colours[background]) < minimum
    ]
    assert weak == [], f"contraste inférieur à {minimum}:1"


@pytest.mark.parametrize("case", LOOKS, ids=look_id)
def test_borders_and_focus_ring_are_visible(case):
    colours = look(*case)
    for line, background in BORDERS:
        assert contrast(colours[line], colours[background]) >= 3, (line, background)
    # The ring has two colours (yellow outside, dark inside): one of them stands out everywhere.
    for background in FOCUS_BACKGROUNDS:
        best = max(contrast(colours[ring], colours[background]) for ring in ("--focus", "--focus-interieur"))
        assert best >= 3, f"anneau de focus sur {background} : {best:.2f}"


@pytest.mark.parametrize("theme", THEME_CSS)
@pytest.mark.parametrize("dark", [False, True], ids=["clair", "sombre"])
def test_high_contrast_is_black_and_white(theme, dark):
    colours = look(theme, dark, True)
    ink, paper = ("#fff", "#000") if dark else ("#000", "#fff")
    for name in ("--texte", "--gris", "--bleu", "--bord"):
        assert colours[name] == ink, name
    for name in ("--surface", "--fond", "--bleu-clair"):
        assert colours[name] == paper, name
    assert {colours["--bandeau"], colours["--sur-bandeau"]} == {"#000", "#fff"}  # a black band, white text


def test_dark_mode_redefines_every_colour_it_needs():
    """A colour the dark block forgets stays light on a dark page: each one is given again."""
    light = look("default", False, False)
    dark = look("default", True, False)
    same = sorted(
        name for name, value in light.items()
        if value.startswith("#") and dark[name] == value and name != "--focus"
    )
    assert same == []


def test_the_academy_has_colours_of_its_own():
    default, academie = look("default", False, False), look("academie", False, False)
    assert academie["--bleu"] != default["--bleu"] and academie["--bandeau"] != default["--bandeau"]
    assert look("academie", True, False)["--bleu"] != look("default", True, False)["--bleu"]


def test_the_parser_reads_media_and_order():
    css = ":root { --a: #fff; } @media (prefers-color-scheme: dark) { :root { --a: #000; } } .x { color: red; }"
    blocks = blocks_of(css)
    assert [(b.media, b.selector, b.declarations) for b in blocks] == [
        (None, ":root", {"--a": "#fff"}), (DARK, ":root", {"--a": "#000"}), (None, ".x", {}),
    ]
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#767676", "#fff"), 2) == 4.54
