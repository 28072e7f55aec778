"""How close the notes fragment is to its irreducible cost, measured in one process (issue 12:
« at most 1.5 × the sum of its irreducible parts »).

Three figures per request of the notes fragment (htmx, all periods: the target pupil's 150
grades), each the median of BENCH_REQUESTS runs, no network in between:

- the whole request through the application (ASGI, in process): session, guard, queries,
  the page's Python, the template, compression off;
- the same SQL statements run directly with asyncpg (captured from one request, with their
  parameters), one after the other on one connection: what the database and the driver cost;
- the same template rendered from the same values (captured from one request), without the
  application around it.

The ratio whole / (SQL + template) is what the framework, the session, Piccolo and the page's
own Python add. Needs the database of bench/academie.py (the small one is enough: the SQL's cost
does not grow with the academy, see bench/README.md).

    .venv/bin/python bench/notes_irreductible.py                      # bench_petite
    .venv/bin/python bench/notes_irreductible.py postgres://postgres@127.0.0.1:5432/bench_academie
    .venv/bin/python bench/notes_irreductible.py --profil    # and where the time goes (pyinstrument)
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from typing import Any

URL = next((a for a in sys.argv[1:] if not a.startswith("--")), "postgres://postgres@127.0.0.1:5432/bench_petite")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
LOGIN, PASSWORD = "bench.parent", "Bienvenue-2026"
FRAGMENT = {"HX-Request": "true", "HX-Target": "notes-resultats", "Accept-Encoding": "identity"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed(action: Any, runs: int = REQUESTS) -> float:
    for _ in range(10):  # warm-up: compiled templates, prepared statements, pool
        await action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


async def main() -> None:
    os.environ.update(TELESERVICES_DATABASE_URL=URL, TELESERVICES_VAR_DIR=tempfile.mkdtemp())
    import asyncpg
    import httpx
    from piccolo.engine.postgres import PostgresEngine

    from teleservices.core import rendering
    from teleservices.core.app import app_from_env

    app = app_from_env()
    captured_sql: list[tuple[str, list[Any]]] = []
    captured_render: list[tuple[str, dict[str, Any]]] = []
    original_run, original_block = PostgresEngine.run_querystring, rendering.render_block

    async def recording_run(engine: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        captured_sql.append(querystring.compile_string(engine_type="postgres"))
        return await original_run(engine, querystring, *args, **kwargs)

    def recording_block(env: Any, name: str, block: str, context: dict[str, Any]) -> str:
        captured_render.append((name, block, dict(context)))
        return original_block(env, name, block, context)

    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            login = await client.get("/connexion")
            token = re.search(r'name="_csrf" value="([^"]+)"', login.text).group(1)
            await client.post("/connexion", data={"_csrf": token, "identifiant": LOGIN, "mot_de_passe": PASSWORD,
                                                  "suivant": "/"})
            home = await client.get("/", follow_redirects=True)
            pupil = re.search(r"/eleves/(\d+)/", str(home.url)).group(1)
            url = f"/eleves/{pupil}/notes/?periode=toutes"
            first = await client.get(url, headers=FRAGMENT)
            assert first.status_code == 200 and first.text.count("<tr") > 150, "pas le fragment des 150 notes"

            PostgresEngine.run_querystring, rendering.render_block = recording_run, recording_block
            await client.get(url, headers=FRAGMENT)
            PostgresEngine.run_querystring, rendering.render_block = original_run, original_block

            whole = await timed(lambda: client.get(url, headers=FRAGMENT))
            if "--profil" in sys.argv:  # where the rest goes (pyinstrument, if installed)
                from pyinstrument import Profiler

                with Profiler(interval=0.0002, async_mode="disabled") as profiler:
                    for _ in range(50):
                        await client.get(url, headers=FRAGMENT)
                print(profiler.output_text(unicode=False, color=False, show_all=False))

        connection = await asyncpg.connect(URL)
        try:
            async def run_sql() -> None:
                for sql, args in captured_sql:
                    await connection.fetch(sql, *args)

            sql = await timed(run_sql)
        finally:
            await connection.close()

        env = app.state.jinja

        async def render() -> None:
            for name, block, context in captured_render:
                original_block(env, name, block, context)

        template = await timed(render)

    print(f"fragment des notes, 150 notes, {len(captured_sql)} requêtes SQL, {len(first.content) / 1024:.0f} Ko, "
          f"médiane sur {REQUESTS} requêtes, dans un seul processus")
    print(f"requête entière (ASGI)   {whole:6.2f} ms")
    print(f"SQL seul (asyncpg)       {sql:6.2f} ms")
    print(f"gabarit seul (Jinja)     {template:6.2f} ms")
    print(f"rapport                  {whole / (sql + template):.2f} × la somme des parties irréductibles"
          f" (objectif ≤ 1,5)")


if __name__ == "__main__":
    asyncio.run(main())
