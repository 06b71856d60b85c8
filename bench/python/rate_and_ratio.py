#!/usr/bin/python3
"""Prints "<requests/s> <hit ratio>" from a JSON object, or from the "final": true line of
`cachescope-cli run --output json`."""
import json
import sys

objs = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
final = next((o for o in objs if o.get("final")), objs[-1])
print(f'{final["requests_per_second"]:.0f} {final.get("hit_ratio") or 0:.4f}')
