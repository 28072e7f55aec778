"""How many bytes a family's first visit transfers, gzip against uncompressed (issue 12: the
first page at most 60 KB, gzip, fonts aside; an htmx fragment at most 8 KB). A script that prints
figures, not a test (tests/integration/test_static_cache.py asserts the budgets).

Starts `teleservices serve` on a free port of 127.0.0.1 with its own database (a temporary
SQLite file with the demo data, or BENCH_DATABASE_URL), then, as a browser with an empty cache:

1. the login page and every static file it loads (stylesheets, scripts, icons);
2. logs in as demo.parent (BENCH_LOGIN) and opens the child's home: its HTML and the static
   files the login page did not load already (they are versioned and immutable: a browser
   keeps them), and the same home with an empty cache;
3. the notes htmx fragment (all periods), as the page's filter asks for it.

Each answer is fetched twice, with `Accept-Encoding: gzip` and `identity`; the bytes are the
bodies on the wire (the headers, about 0.7 KB an answer over HTTP/1.1, much less over HTTP/2,
are printed apart). Last, the time gzip (levels 1, 6, 9) and brotli (if installed) take on the
largest answers.

    .venv/bin/python bench/page_weight.py
    BENCH_LOGIN=demo.parent3e .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Callable

import httpx

from commun import free_port, prepare_demo

BIN = Path(sys.executable).parent
LOGIN = os.environ.get("BENCH_LOGIN", "demo.parent")
PASSWORD = os.environ.get("BENCH_PASSWORD", "Bienvenue-2026")
ASSET = re.compile(r'(?:href|src)="(/static/[^"#]+)"')
FONT = re.compile(r"\.(?:woff2?|ttf|otf|eot)(?:\?|$)")
FIRST_PAGE_BUDGET, FRAGMENT_BUDGET = 60 * 1024, 8 * 1024


def header_bytes(response: httpx.Response) -> int:
    return len(b"HTTP/1.1 200 OK\r\n\r\n") + sum(len(name) + len(value) + 4 for name, value in response.headers.raw)


class Row:
    def __init__(self, label: str, zipped: httpx.Response, plain: httpx.Response) -> None:
        self.label = label
        self.wire = zipped.num_bytes_downloaded
        self.raw = plain.num_bytes_downloaded
        self.headers = header_bytes(zipped)
        self.encoding = zipped.headers.get("content-encoding", "-")
        self.body = zipped.content
        self.plain = plain.content


def fetch(client: httpx.Client, label: str, url: str, **headers: str) -> Row:
    zipped = client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
    plain = client.get(url, headers={**headers, "Accept-Encoding": "identity"})
    zipped.raise_for_status()
    return Row(label, zipped, plain)


def page(client: httpx.Client, url: str, seen: set[str]) -> list[Row]:
    """The page and the static files it loads that ``seen`` (the browser's cache) does not hold."""
    rows = [fetch(client, url, url)]
    for asset in sorted({a.replace("&amp;", "&") for a in ASSET.findall(rows[0].body.decode())}):
        if asset in seen or FONT.search(asset):
            continue
        seen.add(asset)
        rows.append(fetch(client, "  " + asset, asset))
    return rows


def show(title: str, rows: list[Row], budget: int) -> None:
    print(f"\n{title}")
    print(f"  {'':58} {'gzip':>8} {'raw':>8}  encoding")
    for row in rows:
        print(f"  {row.label[:58]:58} {row.wire:8} {row.raw:8}  {row.encoding}")
    wire, raw, headers = sum(r.wire for r in rows), sum(r.raw for r in rows), sum(r.headers for r in rows)
    verdict = "ok" if wire <= budget else "OVER BUDGET"
    print(f"  {'total (bodies)':58} {wire:8} {raw:8}  {wire / 1024:.1f} KB gzip / {raw / 1024:.1f} KB raw "
          f"(÷{raw / max(wire, 1):.1f}); budget {budget // 1024} KB: {verdict}")
    print(f"  {'headers (HTTP/1.1, of the gzip answers)':58} {headers:8}")


def best_time(work: Callable[[], object]) -> float:
    """Milliseconds per call, the best of 5 rounds of 10 (the least disturbed by other work)."""
    return min(timeit.repeat(work, number=10, repeat=5)) / 10 * 1000


def timings(samples: dict[str, bytes]) -> None:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        brotli = None
    print("\ncompression cost (ms per answer, bytes)")
    for name, body in samples.items():
        cells = []
        for level in (1, 6, 9):
            cost = best_time(lambda: gzip.compress(body, compresslevel=level))
            cells.append(f"gzip-{level} {cost:.2f} ms {len(gzip.compress(body, compresslevel=level))} B")
        if brotli is not None:
            for quality in (5, 11):
                cost = best_time(lambda: brotli.compress(body, quality=quality))
                cells.append(f"br-{quality} {cost:.2f} ms {len(brotli.compress(body, quality=quality))} B")
        print(f"  {name[:40]:40} {len(body):7} B raw | " + " | ".join(cells))
    if brotli is None:
        print("  (brotli not installed: the portal uses gzip)")


def measure(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        seen: set[str] = set()
        login_rows = page(client, "/connexion", seen)
        show("1. login page, empty cache", login_rows, FIRST_PAGE_BUDGET)
        token = re.search(r'name="_csrf" value="([^"]+)"', login_rows[0].body.decode()).group(1)
        answer = client.post("/connexion", data={
            "_csrf": token, "identifiant": LOGIN, "mot_de_passe": PASSWORD, "suivant": "/",
        }, follow_redirects=True)
        answer.raise_for_status()
        home = answer.url.path
        if not re.fullmatch(r"/eleves/\d+/", home):
            sys.exit(f"{LOGIN} lands on {home}, not a child's home")
        home_rows = page(client, home, seen)
        show(f"2. {LOGIN}'s child's home {home}, after the login page (its files cached)", home_rows, FIRST_PAGE_BUDGET)
        cold_rows = page(client, home, set())
        show(f"2b. the same home, empty cache", cold_rows, FIRST_PAGE_BUDGET)
        notes = f"{home}notes/?periode=toutes"
        fragment = fetch(client, notes + " (HX-Request)", notes, **{"HX-Request": "true", "HX-Target": "notes-resultats"})
        show("3. notes htmx fragment", [fragment], FRAGMENT_BUDGET)
        first_visit = login_rows + home_rows
        print(f"\nfirst visit (login + home): {sum(r.wire for r in first_visit) / 1024:.1f} KB gzip, "
              f"{sum(r.raw for r in first_visit) / 1024:.1f} KB raw, {len(first_visit)} answers")
        largest = sorted((*cold_rows, fragment), key=lambda row: -len(row.plain))[:4]
        timings({row.label.strip(): row.plain for row in largest})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELESERVICES_VAR_DIR": tmp,
               "TELESERVICES_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")}
        print(f"database        {env['TELESERVICES_DATABASE_URL'].split('://')[0]} (demo data)")
        prepare_demo(env)
        port = free_port()
        server = subprocess.Popen(
            [BIN / "teleservices", "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    httpx.get(f"{base}/aide", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            measure(base)
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
