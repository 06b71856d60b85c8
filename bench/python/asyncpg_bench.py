#!/usr/bin/python3
"""The asyncio variant of the approach CacheScope's users come from (cachetools_bench.py is the
threaded one): a cachetools.LRUCache (one event loop, so no lock), an asyncpg pool of
--connections connections, and --concurrency logical clients run with asyncio.gather, each
looping lookup -> on a miss `await pool.fetchrow(...)` -> store. No single-flight: two clients
missing the same key both query it, as in the plain approach. Reads the demo `customers` table by
primary key with zipf-distributed keys (the same fixed rank -> key permutation and per-client seeds
as cachetools_bench.py). Prints one JSON object ("workers" is the number of logical clients).

Debian packages: python3-asyncpg python3-cachetools (no pip needed).
Run by bench/run-async-bench beside `cachescope-cli run` (threads and --io pipeline) on the same
PostgreSQL and workload.
"""
import argparse
import asyncio
import bisect
import json
import os
import random
import time

import asyncpg
import cachetools


def zipf_cdf(n_keys, alpha):
    cdf, total = [], 0.0
    for r in range(1, n_keys + 1):
        total += 1.0 / (r ** alpha)
        cdf.append(total)
    return cdf


def zipf_keys(cdf, count, seed, perm):
    # The same draws as cachetools_bench.zipf_keys (the CDF is computed once, not per client).
    total = cdf[-1]
    rnd = random.Random(seed)
    return [perm[bisect.bisect_left(cdf, rnd.random() * total)] for _ in range(count)]


async def run(args):
    # Rank -> key: one fixed permutation shared by every client (one hot set, as in CacheScope's
    # engine), so hot keys are spread over the table.
    perm = list(range(1, args.keys + 1))
    random.Random(7).shuffle(perm)
    cdf = zipf_cdf(args.keys, args.alpha)
    # 200,000 keys per client as cachetools_bench.py for up to 10 clients; with more clients the
    # streams are shorter (4 M draws in all) so that building them stays a few seconds. A client
    # wraps around its stream if it gets to the end.
    per_client = max(20000, min(200000, 4000000 // args.concurrency))
    streams = [zipf_keys(cdf, per_client, 42 + w, perm) for w in range(args.concurrency)]

    pool = await asyncpg.create_pool(
        host=os.environ.get("CACHESCOPE_PG_HOST", "127.0.0.1"),
        port=int(os.environ["CACHESCOPE_PG_PORT"]),
        database=os.environ.get("CACHESCOPE_PG_DB", "cachescope"),
        user=os.environ.get("CACHESCOPE_PG_USER", "cachescope"),
        password=os.environ.get("CACHESCOPE_PG_PASSWORD", "cachescope"),
        min_size=args.connections, max_size=args.connections)
    cache = cachetools.LRUCache(maxsize=args.capacity)
    counts = {"requests": 0, "hits": 0}

    async def get_customer(key):
        row = cache.get(key)
        if row is not None:
            return row, True
        row = await pool.fetchrow(
            "SELECT id, name, email, country, discount, version FROM customers WHERE id = $1", key)
        cache[key] = row
        return row, False

    async def client(w, deadline):
        n = hits = 0
        stream = streams[w]
        i = 0
        while time.monotonic() < deadline:
            _, hit = await get_customer(stream[i % len(stream)])
            i += 1
            n += 1
            hits += hit
        counts["requests"] += n
        counts["hits"] += hits

    try:
        start = time.monotonic()
        deadline = start + args.seconds
        await asyncio.gather(*(client(w, deadline) for w in range(args.concurrency)))
        elapsed = time.monotonic() - start
    finally:
        await pool.close()
    return counts, elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capacity", type=int, default=100)
    ap.add_argument("--concurrency", type=int, default=64, help="logical clients (coroutines)")
    ap.add_argument("--connections", type=int, default=10, help="asyncpg pool size (min = max)")
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--alpha", type=float, default=0.99)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()

    counts, elapsed = asyncio.run(run(args))
    print(json.dumps({
        "tool": "cachetools+asyncpg", "capacity": args.capacity, "workers": args.concurrency,
        "seconds": round(elapsed, 3), "requests": counts["requests"],
        "requests_per_second": counts["requests"] / elapsed,
        "hit_ratio": counts["hits"] / max(1, counts["requests"]),
    }))


if __name__ == "__main__":
    main()
