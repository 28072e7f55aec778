"""Builds ``codes_postaux.json`` (French postcode → its communes) from the npm package
``codes-postaux`` (see SOURCES.md). Not run by the portal: run by hand when the package is
updated, from an unpacked copy of it::

    npm pack codes-postaux@4.1.2 && tar xzf codes-postaux-4.1.2.tgz
    .venv/bin/python plugins/fiche/data/build_codes_postaux.py package/

Output: ``{"06160": ["Antibes", "JUAN LES PINS"], "59800": ["Lille"], "75001": [["PARIS",
"Paris 1er Arrondissement"]], ...}``: for each postcode, the names of its communes, each stored as
its upper case (« Saint-Denis » is « SAINT-DENIS »); a list is a name followed by aliases that are
stored as it. The names are the communes' official names (``nomCommune``) and the postal labels
(``libelleAcheminement``, e.g. « JUAN LES PINS » for Antibes) that do not compare equal to them
(``reference.norme_commune``); an arrondissement of Paris, Lyon or Marseille is stored as its city's
postal label (« PARIS »).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from teleservices.plugins.fiche.reference import norme_commune

OUT = Path(__file__).resolve().parent / "codes_postaux.json"
# Not in the package: the collectivities of Saint-Barthélemy and Saint-Martin (académie de la
# Guadeloupe), each one commune with one postcode.
EXTRA = {"97133": "Saint-Barthélemy", "97150": "Saint-Martin"}


def build(package: Path) -> dict[str, list]:
    names: dict[str, list] = defaultdict(list)  # cp → names (str) and [stored name, aliases...]
    known: dict[str, set[str]] = defaultdict(set)  # cp → every name already there, compared

    def add(cp: str, name: str, *aliases: str) -> None:
        if norme_commune(name) not in known[cp]:
            names[cp].append([name, *aliases] if aliases else name)
            known[cp].update(norme_commune(n) for n in (name, *aliases))

    rows = json.loads((package / "codes-postaux.json").read_text(encoding="utf-8"))
    for row in rows:  # official names first: they win when a postal label compares equal
        if row["nomCommune"].endswith(" Arrondissement"):
            add(row["codePostal"], row["libelleAcheminement"], row["nomCommune"])
        else:
            add(row["codePostal"], row["nomCommune"])
    for row in rows:
        add(row["codePostal"], row["libelleAcheminement"])
    # The full file names a few more postal labels (« MARSEILLE 7EME », « ST GEORGES D ESPERANCHE »).
    full = package / "codes-postaux-full.json"
    if full.exists():
        for row in json.loads(full.read_text(encoding="utf-8")):
            add(row["codePostal"], row["libelleAcheminement"])
    for cp, name in EXTRA.items():
        add(cp, name)
    return dict(sorted(names.items()))


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(data)} postcodes, {sum(len(v) for v in data.values())} names")
