#!/usr/bin/env python3
"""An Agentic worker in Python, standard library only.

It serves one of your tenant's work queues: executions of graph nodes of type `queue` whose config names it.

    AGENTIC_URL=http://127.0.0.1:8080 AGENTIC_API_KEY=agk_... python3 worker.py --queue text

It long-polls for a lease, runs `handle` on the execution's input while a thread heartbeats the lease, and reports the
result (or the error `handle` raised). A lease it cannot finish in time is offered again to a worker with the same
idempotency key: use it to make side effects happen once.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request


def handle(item):
    """The work: here, text in, text statistics out. Replace with yours; raise to fail the execution."""
    text = str(item["input"].get("text", ""))
    if item["config"].get("fail"):
        raise ValueError("config.fail is set")
    return {"upper": text.upper(), "words": len(text.split()), "worker": "python", "key": item["idempotency_key"]}


class Api:
    def __init__(self, url, key):
        self.url = url.rstrip("/")
        self.key = key

    def post(self, path, body=None, timeout=40):
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST", headers={
            "Authorization": "Bearer " + self.key, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            return response.status, (json.loads(payload) if payload else None)


def heartbeat(api, queue, lease, stop):
    # Half the lease's length between beats; a refused beat means the lease was lost (the item is offered again).
    interval = max(0.5, float(lease["config"].get("lease_seconds", 30)) / 2)
    while not stop.wait(interval):
        try:
            api.post(f"/v1/queues/{queue}/leases/{lease['lease_id']}/heartbeat")
        except urllib.error.HTTPError as e:
            if e.code != 503:  # 503: the cluster is changing, beat again; anything else: the lease is gone
                return
        except urllib.error.URLError:
            pass


def serve(api, queue, once, worker):
    served = 0
    while once is None or served < once:
        try:
            status, lease = api.post(f"/v1/queues/{queue}/poll?wait=20&worker={worker}")
        except (urllib.error.URLError, socket.timeout) as e:
            print(f"poll failed ({e}); retrying", file=sys.stderr, flush=True)
            time.sleep(1)
            continue
        if status == 204:
            continue
        stop = threading.Event()
        beats = threading.Thread(target=heartbeat, args=(api, queue, lease, stop), daemon=True)
        beats.start()
        try:
            result = handle(lease)
            outcome = ("complete", {"result": result})
        except Exception as e:  # the execution fails with this text; its node's retry policy applies
            outcome = ("fail", {"error": f"{type(e).__name__}: {e}"})
        finally:
            stop.set()
        for attempt in range(10):
            try:
                api.post(f"/v1/queues/{queue}/leases/{lease['lease_id']}/{outcome[0]}", outcome[1])
                print(f"{outcome[0]} {lease['execution_id']} (offer {lease['offer']})", flush=True)
                break
            except urllib.error.HTTPError as e:
                if e.code == 503:  # the cluster is changing: the lease is still held, report again
                    time.sleep(0.5 * (attempt + 1))
                    continue
                print(f"report refused for {lease['execution_id']}: {e.code} {e.read().decode(errors='replace')}", file=sys.stderr, flush=True)
                break
            except urllib.error.URLError as e:
                print(f"report failed ({e}); retrying", file=sys.stderr, flush=True)
                time.sleep(0.5 * (attempt + 1))
        served += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", required=True)
    parser.add_argument("--once", type=int, default=None, help="exit after serving this many items")
    parser.add_argument("--worker", default=f"python-{socket.gethostname()}-{os.getpid()}")
    args = parser.parse_args()
    url, key = os.environ.get("AGENTIC_URL"), os.environ.get("AGENTIC_API_KEY")
    if not url or not key:
        sys.exit("set AGENTIC_URL and AGENTIC_API_KEY")
    serve(Api(url, key), args.queue, args.once, args.worker)


if __name__ == "__main__":
    main()
