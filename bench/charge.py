"""The load generator of issue 12: families visiting the portal served by `teleservices serve`
on 127.0.0.1, next to a bare Litestar hello world served the same way (the same server: uvicorn,
or granian with --serveur granian; the same number of workers), with the same concurrency.
Bounded: it stops after --requests requests or --duration seconds, whichever comes first. A script that prints figures, not a test.

    .venv/bin/python bench/charge.py --scenario famille                       # bench_academie
    .venv/bin/python bench/charge.py --scenario famille --base bench_petite --workers 2 --concurrence 16
    .venv/bin/python bench/charge.py --route '/eleves/{eleve}/notes/?periode=toutes' --htmx notes-resultats
    .venv/bin/python bench/charge.py --route '/eleves/{eleve}/absences/' --compte bench.fratrie

Load the database first (bench/academie.py). `--scenario famille`: each virtual user (one per
unit of --concurrence, each with its own cookies) takes the next of --familles accounts drawn at
random among the loaded parents (same password) and runs: the login form, its POST, the home
page (a redirect) and the child's home screen, the notes page, the notes of a period through the
filter's htmx fragment, the absences, the LPC (when the child's establishment opened it), then
logs out; and again with the next family. `--route`: one logged-in family (bench.parent, the
pupil with 150 grades, unless --compte) asks for one path again and again; ``{eleve}`` is its
first child's id; --htmx sends the headers of an htmx request targeting that region.

Prints per step and overall: requests, requests per second, p50/p95/p99 latency and errors
(a status of 400 or more, a network error, or a page without what it must show), the hello
world's requests per second at the same concurrency and the ratio to it, and the peak memory
of the server processes (VmHWM of uvicorn and its workers, and the largest sum of their RSS).
A step's « req/s seule » is what it would give alone at this concurrency (concurrency divided
by its mean latency), to compare with the hello world's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

from commun import LOGIN, PASSWORD, csrf_token, login, serving

LOCAL = "postgres://postgres@127.0.0.1:5432/"
Check = Callable[[httpx.Response], bool]


# --- Measuring --------------------------------------------------------------------------------

@dataclass
class Step:
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


class Budget:
    """The run's bounds: a number of requests and a deadline."""

    def __init__(self, requests: int, seconds: float) -> None:
        self.left, self.deadline = requests, time.perf_counter() + seconds
        self.started = time.perf_counter()

    def restart(self, seconds: float) -> None:
        """The clock starts now (after a warm-up)."""
        self.started = time.perf_counter()
        self.deadline = self.started + seconds

    def take(self) -> bool:
        if self.left <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.left -= 1
        return True


class Recorder:
    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.steps: dict[str, Step] = {}

    async def request(self, client: httpx.AsyncClient, label: str, method: str, url: str, check: Check,
                      **kwargs: object) -> httpx.Response | None:
        """One request, timed and checked; None when the budget is spent or the request failed."""
        if not self.budget.take():
            raise Spent
        step = self.steps.setdefault(label, Step(label))
        begin = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            step.latencies.append(time.perf_counter() - begin)
            self.fail(step, f"{type(error).__name__} {url}")
            return None
        step.latencies.append(time.perf_counter() - begin)
        if response.status_code >= 400 or not check(response):
            self.fail(step, f"{response.status_code} {url}")
            return None
        return response

    @staticmethod
    def fail(step: Step, example: str) -> None:
        step.errors += 1
        if len(step.examples) < 3:
            step.examples.append(example)


class Spent(Exception):
    """The budget (requests or time) is spent: the virtual user stops."""


# --- The family scenario ----------------------------------------------------------------------

def contains(*markers: str, absent: str = "") -> Check:
    return lambda r: all(m in r.text for m in markers) and not (absent and absent in r.text)


def redirects_to(prefix: str) -> Check:
    return lambda r: r.status_code in (302, 303) and r.headers.get("location", "").startswith(prefix)


async def visit(recorder: Recorder, client: httpx.AsyncClient, identifiant: str, rng: random.Random) -> bool:
    """One family's visit; False when a step went wrong (the visit stops there)."""
    client.cookies.clear()
    page = await recorder.request(client, "connexion (formulaire)", "GET", "/connexion", contains('name="_csrf"'))
    if page is None:
        return False
    data = {"_csrf": csrf_token(page.text), "identifiant": identifiant, "mot_de_passe": PASSWORD, "suivant": "/"}
    if await recorder.request(client, "connexion (POST)", "POST", "/connexion", redirects_to("/"), data=data) is None:
        return False
    home = await recorder.request(client, "accueil /", "GET", "/", redirects_to("/eleves/"))
    if home is None:
        return False
    base = home.headers["location"].rstrip("/")
    child = await recorder.request(client, "accueil de l'enfant", "GET", base + "/", contains(f"{base}/notes/"))
    if child is None:
        return False
    steps = [
        ("notes (page)", base + "/notes/", {}, contains('id="notes-periode"', 'id="notes-resultats"')),
        ("notes (filtre htmx)", f"{base}/notes/?periode={rng.choice(('T1', 'T2', 'T3'))}",
         {"HX-Request": "true", "HX-Target": "notes-resultats"}, contains('id="notes-resultats"', absent="<html")),
        ("absences", base + "/absences/", {}, contains('id="absences-periode"')),
    ]
    if f"{base}/lpc/" in child.text:
        steps.append(("LPC", base + "/lpc/", {}, contains("lpc-competence")))
    last = child
    for label, url, headers, check in steps:
        response = await recorder.request(client, label, "GET", url, check, headers=headers)
        if response is None:
            return False
        last = response if "<html" in response.text else last
    data = {"_csrf": csrf_token(last.text)}
    return await recorder.request(client, "déconnexion", "POST", "/deconnexion", redirects_to("/connexion"), data=data) is not None


async def scenario(portal: str, families: list[str], concurrency: int, budget: Budget) -> tuple[Recorder, int, float]:
    recorder = Recorder(budget)
    queue = iter(families * (1 + budget.left // max(1, len(families))))
    done = 0

    async def user(number: int) -> None:
        nonlocal done
        rng = random.Random(number)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=portal, timeout=60, limits=limits) as client:
            try:
                for identifiant in queue:
                    complete = await visit(recorder, client, identifiant, rng)
                    done += complete  # after the await: the other users add theirs meanwhile
            except Spent:
                pass

    await asyncio.gather(*(user(n) for n in range(concurrency)))
    return recorder, done, time.perf_counter() - budget.started


# --- Single route and hello world -------------------------------------------------------------

async def hammer(base_url: str, path: str, label: str, concurrency: int, budget: Budget, check: Check,
                 headers: dict[str, str] | None = None, identifiant: str | None = None) -> tuple[Recorder, float]:
    """The same GET from ``concurrency`` connections of one client (one logged-in family)."""
    recorder = Recorder(budget)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        if identifiant:
            await login(client, identifiant)
            home = await client.get("/")
            path = path.replace("{eleve}", home.headers["location"].rstrip("/").rsplit("/", 1)[-1])
            await client.get(path)  # the page's first visit, then the same answer every time
        for _ in range(20):  # warm-up: templates compiled, connections opened
            await client.get(path, headers=headers)
        budget.restart(budget.deadline - budget.started)

        async def worker() -> None:
            try:
                while True:
                    await recorder.request(client, label, "GET", path, check, headers=headers)
            except Spent:
                pass

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return recorder, time.perf_counter() - budget.started


# --- The servers' memory ----------------------------------------------------------------------

def tree(pid: int) -> list[int]:
    """A process and its descendants (uvicorn's workers), from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children[found[-1]]
    return found


def status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Memory:
    """Samples the RSS of a server's processes while the load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_sum, self.hwm = pid, 0, {}

    def sample(self) -> None:
        pids = tree(self.pid)
        self.peak_sum = max(self.peak_sum, sum(status_kib(p, "VmRSS") for p in pids))
        for p in pids:
            self.hwm[p] = max(self.hwm.get(p, 0), status_kib(p, "VmHWM"))

    async def follow(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sample)
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        self.sample()

    def line(self) -> str:
        per_process = ", ".join(f"{kib / 1024:.0f}" for kib in self.hwm.values())
        return f"mémoire serveur  pic RSS cumulé {self.peak_sum / 1024:.0f} Mo ; VmHWM par processus (Mo) : {per_process}"


# --- Report -----------------------------------------------------------------------------------

def report(recorder: Recorder, seconds: float, hello_rate: float, concurrency: int) -> None:
    print(f"{'étape':<24} {'requêtes':>8} {'req/s':>7} {'req/s seule':>11} {'/hello':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'erreurs':>7}")
    everything = Step("total")
    for step in recorder.steps.values():
        everything.latencies += step.latencies
        everything.errors += step.errors
    for step in [*recorder.steps.values(), everything]:
        count = len(step.latencies)
        if not count:
            continue
        alone = concurrency * count / sum(step.latencies)
        rate = count / seconds
        print(f"{step.label:<24} {count:>8} {rate:7.1f} {alone:11.1f} {(rate if step is everything else alone) / hello_rate:7.3f} "
              f"{step.percentile(.5):7.1f} {step.percentile(.95):7.1f} {step.percentile(.99):7.1f} {step.errors:>7}")
        for example in step.examples:
            print(f"    erreur : {example}")


async def families(url: str, count: int) -> list[str]:
    """``count`` parent accounts drawn at random (the same draw every run)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute("SELECT setseed(0.12)")
        rows = await connection.fetch(
            "SELECT identifiant FROM compte WHERE type = 'parent' AND etat = 'actif' ORDER BY random() LIMIT $1", count)
    finally:
        await connection.close()
    if not rows:
        raise SystemExit(f"aucun compte de parent dans {url} : lancez d'abord bench/academie.py")
    return [r["identifiant"] for r in rows]


async def run(options: argparse.Namespace, portal: str, hello: str, pid: int) -> None:
    memory, stop = Memory(pid), asyncio.Event()
    follower = asyncio.create_task(memory.follow(stop))
    if options.route:
        headers = {"HX-Request": "true", "HX-Target": options.htmx} if options.htmx else None
        check = contains(f'id="{options.htmx}"', absent="<html") if options.htmx else (lambda r: r.status_code == 200)
        recorder, seconds = await hammer(portal, options.route, options.route[:24], options.concurrence,
                                         Budget(options.requests, options.duration), check, headers, options.compte)
        visits = 0
    else:
        accounts = await families(options.url, options.familles)
        recorder, visits, seconds = await scenario(portal, accounts, options.concurrence,
                                                   Budget(options.requests, options.duration))
    stop.set()
    await follower
    bare, bare_seconds = await hammer(hello, "/", "hello world", options.concurrence,
                                      Budget(options.requests, options.duration), lambda r: r.text == "Hello, world!")
    hello_rate = len(bare.steps["hello world"].latencies) / bare_seconds
    print(f"charge           {options.concurrence} clients simultanés, {options.workers} worker(s) {options.serveur}, "
          f"bornes {options.requests} requêtes / {options.duration:.0f} s ; mesuré {seconds:.1f} s"
          + (f", {visits} visites complètes ({visits / seconds:.2f}/s) de {options.familles} familles" if not options.route else ""))
    report(recorder, seconds, hello_rate, options.concurrence)
    step = bare.steps["hello world"]
    print(f"{'hello world':<24} {len(step.latencies):>8} {hello_rate:7.1f} {'':>11} {1:7.3f} "
          f"{step.percentile(.5):7.1f} {step.percentile(.95):7.1f} {step.percentile(.99):7.1f} {step.errors:>7}")
    print(memory.line())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--scenario", choices=["famille"], help="des familles : connexion → … → déconnexion")
    mode.add_argument("--route", help="un seul chemin, « {eleve} » remplacé par l'enfant du compte")
    parser.add_argument("--htmx", metavar="CIBLE", help="avec --route : en-têtes htmx (HX-Request, HX-Target)")
    parser.add_argument("--compte", default=LOGIN, help="avec --route : le compte connecté (défaut bench.parent)")
    parser.add_argument("--base", default="bench_academie", help="base PostgreSQL locale chargée par academie.py")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--serveur", choices=("uvicorn", "granian"), default="uvicorn",
                        help="le serveur ASGI du portail et du hello world")
    parser.add_argument("--concurrence", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000, help="au plus ce nombre de requêtes (défaut 3000)")
    parser.add_argument("--duration", type=float, default=60, help="au plus ce nombre de secondes (défaut 60)")
    parser.add_argument("--familles", type=int, default=500, help="avec --scenario : comptes tirés au hasard")
    options = parser.parse_args()
    if not re.fullmatch(r"bench_[a-z0-9_]+", options.base):
        raise SystemExit("la base d'un banc d'essai s'appelle bench_… (bench_academie, bench_petite)")
    options.url = LOCAL + options.base
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELESERVICES_VAR_DIR": tmp, "TELESERVICES_DATABASE_URL": options.url}
        with serving(env, options.workers, options.serveur) as servers:
            asyncio.run(run(options, servers.portal, servers.hello, servers.portal_pid))


if __name__ == "__main__":
    main()
