#!/usr/bin/python3
"""Reads bench-cache / CaffeineGetPut JSON lines on stdin and prints ops/s with ratios to
Caffeine and to the std::mutex LRU baseline measured in the same run."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip()]
rate = {r["policy"]: r["ops_per_second"] for r in rows}
print(f'{"policy":16} {"ops/s":>12} {"hit_ratio":>9} {"vs caffeine":>12} {"vs std-lru":>11}')
for r in rows:
    print(f'{r["policy"]:16} {r["ops_per_second"]:12.0f} {r["hit_ratio"]:9.4f} '
          f'x{r["ops_per_second"] / rate["caffeine"]:11.2f} x{r["ops_per_second"] / rate["std-lru"]:10.2f}')
if "qcache+metrics" in rate:
    print(f'metrics cost on the hit path: {100 * (1 - rate["qcache+metrics"] / rate["qcache"]):.1f}%')
