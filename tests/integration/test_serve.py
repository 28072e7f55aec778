"""`teleservices serve` as production runs it: each server (uvicorn, granian) with two workers
answers the login page, gzip included."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_serve_with_workers(server: str, tmp_path: Path) -> None:
    env = {**os.environ, "TELESERVICES_VAR_DIR": str(tmp_path),
           "TELESERVICES_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3"}
    env.pop("TELESERVICES_REDIS_URL", None)
    subprocess.run([BIN / "teleservices", "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([BIN / "teleservices", "serve", "--port", str(port), "--workers", "2", "--server", server],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/connexion", headers={"Accept-Encoding": "gzip"})
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, f"{server} ne répond pas"
                time.sleep(0.2)
        assert response.status_code == 200 and "Se connecter" in response.text
        assert response.headers["content-encoding"] == "gzip"
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: do not leave it running
            process.kill()
            process.wait()
