# One benchmark scenario run by pyWATS (Virinco's Python client) in a fresh process, the same
# calls and the same JSON line as scenario.mjs, so fresh-process.bench.ts can put pyWATS beside
# tsWATS in one run. Only used when the bench is given a Python that imports pywats
# (PYWATS_PYTHON=...); nothing of pyWATS is part of this repository.
#
#   python pywats_scenario.py pywats <scenario> <baseUrl> <token> <calls> [warmup]
#
# pyWATS caches GET answers by default (300 s); the cache is turned off here so every call
# reaches the server, as tsWATS's calls and the raw clients' calls do. Its throttle (500 calls a
# minute, as WATS allows) is turned off, as tsWATS's is in scenario.mjs: the raw clients have none.
import asyncio
import json
import logging
import resource
import sys
import time
import uuid
from pathlib import Path

started = time.perf_counter()
_, scenario, base_url, token, calls_text, *rest = sys.argv[1:]
calls = int(calls_text)
warmup = int(rest[0]) if rest else 0
mode, kind = scenario.split("-", 1)
in_flight = 20 if mode == "async20" else 1

fixture = Path(__file__).resolve().parents[4] / "fixtures" / "wsjf" / "uut-server-export.json"
report = json.loads(fixture.read_text())
for key in ("origin", "reportTypeCode", "receiveCount", "receivedUTC", "fileName"):
    report.pop(key, None)

# pyWATS logs every submitted report at INFO; the other clients log nothing.
logging.disable(logging.CRITICAL)
latencies = []

from pywats import configure_throttling  # noqa: E402

configure_throttling(enabled=False)


def check(index, answer):
    if answer is None or (isinstance(answer, list) and kind != "headers"):
        raise SystemExit(f"pywats {scenario}: call {index} gave {answer!r}")


def run_sync():
    from pywats import pyWATS

    api = pyWATS(base_url=base_url, token=token, enable_cache=False)

    def one():
        if kind == "product":
            return api.product.get_product("CBL-7")
        if kind == "submit":
            return api.report.submit_report(dict(report, id=str(uuid.uuid4())))
        if kind == "headers":
            return api.report.query_headers(odata_filter="partNumber eq 'CBL-7'", top=20)
        raise SystemExit(f"unknown scenario {scenario}")

    for i in range(warmup):
        check(i, one())
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(calls):
        a = time.perf_counter()
        check(i, one())
        latencies.append(time.perf_counter() - a)
    return cpu0, t0, time.perf_counter(), time.process_time()


async def run_async():
    from pywats import AsyncWATS

    api = AsyncWATS(base_url=base_url, token=token, enable_cache=False)

    async def one():
        if kind == "product":
            return await api.product.get_product("CBL-7")
        if kind == "submit":
            return await api.report.submit_report(dict(report, id=str(uuid.uuid4())))
        if kind == "headers":
            return await api.report.query_headers(odata_filter="partNumber eq 'CBL-7'", top=20)
        raise SystemExit(f"unknown scenario {scenario}")

    for i in range(warmup):
        check(i, await one())
    next_index = 0

    async def lane():
        nonlocal next_index
        while next_index < calls:
            i = next_index
            next_index += 1
            a = time.perf_counter()
            check(i, await one())
            latencies.append(time.perf_counter() - a)

    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(in_flight)))
    return cpu0, t0, time.perf_counter(), time.process_time()


cpu0, t0, t1, cpu1 = run_sync() if mode == "sync" else asyncio.run(run_async())
latencies.sort()


def pct(p):
    return latencies[min(calls - 1, int(p / 100 * calls))] * 1000


print(
    json.dumps(
        {
            "client": "pywats",
            "scenario": scenario,
            "calls": calls,
            "callsMs": (t1 - t0) * 1000,
            "sinceStartMs": (t1 - started) * 1000,
            "cpuPerCallUs": (cpu1 - cpu0) * 1e6 / calls,
            "p50Ms": pct(50),
            "p99Ms": pct(99),
            # Linux reports ru_maxrss in KiB.
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
