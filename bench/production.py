"""The README's « Production » section, tried as written: two `teleservices serve --workers 2`
standing for two machines (two ports of 127.0.0.1), the same environment (PostgreSQL, Redis, one
secret key, a trusted proxy), and a family whose requests alternate between them as a
round-robin load balancer would send them. Prints what each step gave.

    .venv/bin/python bench/production.py     # PostgreSQL database prod_essai, Redis db 12
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

import httpx

from commun import BIN, csrf_token, free_port, start

DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prod_essai")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def main() -> None:
    subprocess.run(["psql", DATABASE.rsplit("/", 1)[0] + "/postgres", "-qc",
                    f"DROP DATABASE IF EXISTS {DATABASE.rsplit('/', 1)[1]}"], check=True, capture_output=True)
    subprocess.run(["psql", DATABASE.rsplit("/", 1)[0] + "/postgres", "-qc",
                    f"CREATE DATABASE {DATABASE.rsplit('/', 1)[1]}"], check=True, capture_output=True)
    env = {**os.environ, "TELESERVICES_DATABASE_URL": DATABASE, "TELESERVICES_REDIS_URL": REDIS,
           "TELESERVICES_SECRET_KEY": "la-meme-cle-sur-chaque-machine", "TELESERVICES_TRUSTED_PROXIES": "127.0.0.1",
           "TELESERVICES_DB_POOL_MAX": "5"}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        subprocess.run([BIN / "teleservices", "migrate"], env={**env, "TELESERVICES_VAR_DIR": a}, check=True,
                       capture_output=True)
        subprocess.run([BIN / "teleservices", "demo"], env={**env, "TELESERVICES_VAR_DIR": a}, check=True,
                       capture_output=True)
        machines = []
        for var in (a, b):  # each machine its own var/ folder: nothing shared but the environment
            port = free_port()
            machines.append((start([BIN / "teleservices", "serve", "--port", str(port), "--workers", "2"],
                                   {**env, "TELESERVICES_VAR_DIR": var}, f"http://127.0.0.1:{port}/connexion"),
                             f"http://127.0.0.1:{port}"))
        try:
            run([url for _, url in machines])
        finally:
            for server, _ in machines:
                server.terminate()
                server.wait(timeout=20)


def run(machines: list[str]) -> None:
    one, two = machines
    cookies = httpx.Cookies()
    with httpx.Client(cookies=cookies, timeout=30) as client:
        form = client.get(f"{one}/connexion")
        answer = client.post(f"{two}/connexion", data={
            "_csrf": csrf_token(form.text), "identifiant": "demo.parent", "mot_de_passe": "Bienvenue-2026",
        }, headers={"X-Forwarded-For": "198.51.100.7"})
        report("formulaire de connexion de la machine 1 envoyé à la machine 2", answer.status_code == 303, answer)
        home = client.get(f"{one}/", follow_redirects=True)
        report("session ouverte sur la machine 2, reconnue par la machine 1",
               "la scolarité de" in home.text, home)
        child = re.search(r"/eleves/(\d+)/", str(home.url)).group(1)
        notes = client.get(f"{two}/eleves/{child}/notes/")
        report("page des notes servie par la machine 2", notes.status_code == 200, notes)
        account = client.get(f"{two}/compte")
        token = csrf_token(account.text)
        logout = client.post(f"{one}/deconnexion", data={"_csrf": token})
        report("déconnexion demandée à la machine 1 avec le jeton d'une page de la machine 2",
               logout.status_code in (200, 303), logout)
        after = client.get(f"{two}/compte")
        report("session fermée pour les deux machines", after.status_code in (302, 303)
               and "/connexion" in after.headers.get("location", ""), after)


def report(step: str, ok: bool, response: httpx.Response) -> None:
    print(f"{'ok   ' if ok else 'ÉCHEC'} {step} ({response.status_code} {response.request.url})")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
