#!/usr/bin/python3
"""The approach CacheScope's users come from: a cachetools.LRUCache shared by a
ThreadPoolExecutor(max_workers=10), psycopg2 with one connection per thread, reading the demo
`customers` table by primary key with zipf-distributed keys. Prints one JSON object.

Debian packages: python3-cachetools python3-psycopg2 (no pip needed).
Run by bench/run-live-bench beside `cachescope-cli run` on the same PostgreSQL and workload.
"""
import argparse
import bisect
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import cachetools
import psycopg2


def zipf_keys(n_keys, alpha, count, seed, perm):
    weights = [1.0 / (r ** alpha) for r in range(1, n_keys + 1)]
    cdf, total = [], 0.0
    for w in weights:
        total += w
        cdf.append(total)
    rnd = random.Random(seed)
    return [perm[bisect.bisect_left(cdf, rnd.random() * total)] for _ in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capacity", type=int, default=100)
    ap.add_argument("--workers", type=int, default=10)
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--alpha", type=float, default=0.99)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()

    dsn = dict(host=os.environ.get("CACHESCOPE_PG_HOST", "127.0.0.1"),
               port=int(os.environ["CACHESCOPE_PG_PORT"]),
               dbname=os.environ.get("CACHESCOPE_PG_DB", "cachescope"),
               user=os.environ.get("CACHESCOPE_PG_USER", "cachescope"),
               password=os.environ.get("CACHESCOPE_PG_PASSWORD", "cachescope"))
    cache = cachetools.LRUCache(maxsize=args.capacity)
    lock = threading.Lock()  # cachetools caches are not thread-safe: the documented pattern
    local = threading.local()
    counts = {"requests": 0, "hits": 0}
    counts_lock = threading.Lock()
    # Rank -> key: one fixed permutation shared by every worker (one hot set, as in
    # CacheScope's engine), so hot keys are spread over the table.
    perm = list(range(1, args.keys + 1))
    random.Random(7).shuffle(perm)
    streams = [zipf_keys(args.keys, args.alpha, 200000, 42 + w, perm) for w in range(args.workers)]

    def connection():
        if not hasattr(local, "conn"):
            local.conn = psycopg2.connect(**dsn)
            local.conn.autocommit = True
        return local.conn

    def get_customer(key):
        with lock:
            row = cache.get(key)
        if row is not None:
            return row, True
        with connection().cursor() as cur:
            cur.execute("SELECT id, name, email, country, discount, version FROM customers WHERE id = %s",
                        (key,))
            row = cur.fetchone()
        with lock:
            cache[key] = row
        return row, False

    def worker(w, deadline):
        n = hits = 0
        stream = streams[w]
        i = 0
        while time.monotonic() < deadline:
            _, hit = get_customer(stream[i % len(stream)])
            i += 1
            n += 1
            hits += hit
        with counts_lock:
            counts["requests"] += n
            counts["hits"] += hits

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        start = time.monotonic()
        deadline = start + args.seconds
        for f in [pool.submit(worker, w, deadline) for w in range(args.workers)]:
            f.result()
        elapsed = time.monotonic() - start
    print(json.dumps({
        "tool": "cachetools+psycopg2", "capacity": args.capacity, "workers": args.workers,
        "seconds": round(elapsed, 3), "requests": counts["requests"],
        "requests_per_second": counts["requests"] / elapsed,
        "hit_ratio": counts["hits"] / max(1, counts["requests"]),
    }))


if __name__ == "__main__":
    main()
