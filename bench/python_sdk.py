"""The Python SDK's time for 10000 events: python python_sdk.py URL KEY SECRET WARMUP RUNS

Times pce.events.get(params={"max_results": 10000}) (one GET, each event decoded into the
SDK's objects) and prints the times in ms as one JSON object.
"""
import json
import sys
import time
from urllib.parse import urlsplit

import illumio
from illumio._version import version

url, key, secret, warmup, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
parts = urlsplit(url)
pce = illumio.PolicyComputeEngine(f"{parts.scheme}://{parts.hostname}", port=str(parts.port), org_id="1")
pce.set_credentials(key, secret)
pce._session.trust_env = False  # loopback only: no proxy settings from the environment


def fetch():
    events = pce.events.get(params={"max_results": 10000})
    if len(events) != 10000:
        raise SystemExit(f"expected 10000 events, got {len(events)}")
    return events


for _ in range(warmup):
    fetch()
times = []
for _ in range(runs):
    start = time.perf_counter()
    fetch()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"times": times, "version": version, "python": sys.version.split()[0]}))
