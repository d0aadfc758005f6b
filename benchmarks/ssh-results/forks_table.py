# Prints the SshPacketBenchmark (one fork per path) table of a JMH -rf json file: python3 forks_table.py run2.json
import json, sys, statistics
runs = json.load(open(sys.argv[1]))
rows = {}
for r in runs:
    if "path" not in r["params"]: continue
    a = r["params"]["algorithm"]; p = r["params"]["path"]
    it = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    rows.setdefault(a, {})[p] = (statistics.median(it), max(it), r["primaryMetric"]["score"])
mib = lambda ops: ops * 32768 / 1048576
print("| algorithm | raw MiB/s | cipher MiB/s | cipher/raw | codec MiB/s | codec/raw | best-iteration cipher/raw | best codec/raw |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for a, d in rows.items():
    if not all(k in d for k in ("raw", "cipher", "codec")): continue
    r, c, k = d["raw"], d["cipher"], d["codec"]
    print(f"| {a} | {mib(r[0]):.0f} | {mib(c[0]):.0f} | {c[0]/r[0]:.2f} | {mib(k[0]):.0f} | {k[0]/r[0]:.2f} | {c[1]/r[1]:.2f} | {k[1]/r[1]:.2f} |")
