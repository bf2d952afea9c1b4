"""The card verification API under load: POST /api/v1/cards/verify against a bare Django hello view, both served by
the same gunicorn in the same run and measured with wrk.

Usage: [REDIS_URL=redis://127.0.0.1:6379/0] .venv/bin/python -m bench.verify.run [--seconds 10] [--connections 8]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/baiyun_verify_bench) and Debian's
wrk. The database gets one issued gold card (made once, through the real review flow) and a new signing key each run.
The rate limit stays on, counted in the cache as in production, with a limit the benchmark never reaches.
Prints requests/s and p50/p95/p99 latency of each, and the API's share of the hello-world rate (target: 60%).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.dashboards.run import RESULT, database_create

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/baiyun_verify_bench"
REPORT = (ROOT / "bench" / "dashboards" / "report.lua").read_text()


def wrk(url: str, *, seconds: int, connections: int, body: str = "") -> dict:
    """wrk's requests/s and latency percentiles; with a body, every request POSTs it as JSON."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body:
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
            script.write(f"wrk.body = {json.dumps(body)}\n")
        script.write(REPORT)
    command = ["/usr/bin/wrk", f"-d{seconds}s", f"-c{connections}", "-t2", "-s", script.name, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script.name)
    match = RESULT.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    _requests, rps, p50, p95, p99, failed = match.groups()
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "p99": float(p99), "failed": int(failed)}


def card_token() -> str:
    """The QR text of an issued gold card, signed by a key made for this run."""
    from cards.keys import signing_key_generate
    from cards.models import Card, CardState
    from cards.tokens import card_qr_text, card_token_issue

    signing_key_generate(activate=True)
    card = Card.objects.filter(state=CardState.ACTIVE).first()
    if card is None:
        from tests.factories import issued_card

        card = issued_card(route="gold")
    return card_qr_text(card_token_issue(card=card))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--rate-limit", type=int, default=10**9, help="CARD_VERIFY_RATE_LIMIT (0: off, for comparison)")
    arguments = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="baiyun-bench-verify-"))
    environment = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        "DJANGO_SETTINGS_MODULE": "bench.dashboards.settings",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "CARD_VERIFY_RATE_LIMIT": str(arguments.rate_limit),
        # The card made once goes through 发卡, whose notices are mailed: kept in memory here.
        "EMAIL_BACKEND": "locmem",
    }
    if not environment.get("REDIS_URL"):
        environment.pop("REDIS_URL", None)
    os.environ.update(environment)
    database_create(environment["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    body = json.dumps({"token": card_token()})
    targets = {
        "hello world (bare Django view)": ("/bench/hello/", ""),
        "POST /api/v1/cards/verify": (
            "/api/v1/cards/verify",
            body,
        ),
    }
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn with fixed arguments
        [
            str(BIN / "gunicorn"),
            "baiyun_talent.wsgi:application",
            "--bind",
            f"127.0.0.1:{arguments.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        time.sleep(3)
        results = {}
        for label, (path, payload) in targets.items():
            url = f"http://127.0.0.1:{arguments.port}{path}"
            request = urllib.request.Request(
                url, data=payload.encode() or None, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request) as response:  # noqa: S310
                answer = response.read().decode()
            if payload and json.loads(answer)["status"] != "valid":
                raise RuntimeError(f"{url} answered {answer}")
            wrk(url, seconds=2, connections=arguments.connections, body=payload)
            results[label] = wrk(url, seconds=arguments.seconds, connections=arguments.connections, body=payload)
    finally:
        server.terminate()
        server.wait(timeout=30)
    hello = results["hello world (bare Django view)"]["rps"]
    cache = "Redis" if environment.get("REDIS_URL") else "per-process cache"
    print(f"\ngunicorn 2 sync workers, {cache}, wrk {arguments.connections} connections × {arguments.seconds}s each\n")
    print("| endpoint | requests/s | p50 ms | p95 ms | p99 ms | share of hello world | failed |")
    print("|---|---|---|---|---|---|---|")
    for label, result in results.items():
        print(
            f"| {label} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} "
            f"| {result['rps'] / hello:.0%} | {result['failed']} |"
        )


if __name__ == "__main__":
    main()
