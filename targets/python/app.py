"""The API every Python target serves: the same contract as targets/lib/api.ts.

GET /health answers at once; every other path draws a service time (10-100 ms) from the
Node targets' seeded sequence, spends it as LOADLAB_WORK says and answers
{"workMs", "work", "pid"}. Work models in a synchronous server:
  block  time.sleep: the thread waits without CPU (the GIL is released);
  sleep  the same as block: a synchronous server has no event loop to await on;
  cpu    a busy loop (holds the GIL: threads in one process do not add cores).
Several worker processes (gunicorn) get seed + worker number, as node:cluster workers do.
"""
import os
import threading
import time

from flask import Flask, jsonify

from loadlab_prng import mulberry32, service_time_ms

WORK = os.environ.get("LOADLAB_WORK", "block")
if WORK not in ("block", "sleep", "cpu"):
    raise SystemExit(f"LOADLAB_WORK must be block, sleep or cpu, got {WORK!r}")
SEED = int(os.environ.get("LOADLAB_SEED", "1")) + int(os.environ.get("LOADLAB_WORKER_ID", "0"))
ELD_PATH = "__loadlab/eld"

_rand = mulberry32(SEED)
_draw_lock = threading.Lock()

app = Flask(__name__)
app.json.sort_keys = False


def do_work(ms):
    if WORK == "cpu":
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            pass
    else:
        time.sleep(ms / 1000)


@app.route("/health")
def health():
    return jsonify(ok=True)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def work(path):
    if path == ELD_PATH:
        # Event-loop delay is a Node reading; a Python server has none to report.
        return jsonify(error="no event loop"), 404
    with _draw_lock:
        ms = service_time_ms(_rand)
    do_work(ms)
    # Math.round(ms * 1000) / 1000, as the Node targets round (Python's round() would round half to even).
    return jsonify(workMs=int(ms * 1000 + 0.5) / 1000, work=WORK, pid=os.getpid())
