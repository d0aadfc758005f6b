# Prints the median-based SshPacketPairedBenchmark table of a JMH -rf json file (runs 16 on):
# python3 median_table.py run16.json. Per iteration, ours/raw = rawMedianNanos / cipherMedianNanos (median
# packet time of each path over the iteration's last 2048 packets); the table gives the median over iterations.
import json, math, statistics, sys
runs = json.load(open(sys.argv[1]))
mib = lambda ns: 32768 / (ns / 1e9) / 1048576
print("| algorithm | raw MiB/s | ours (PacketCipher) MiB/s | ours/raw | per-iteration ours/raw | codec MiB/s | codec/raw | per-iteration codec/raw |")
print("|---|---:|---:|---:|---|---:|---:|---|")
ours, codec = [], []
for r in runs:
    if not r["benchmark"].endswith("interleaved"): continue
    s = r["secondaryMetrics"]
    it = lambda k: [x for f in s[k]["rawData"] for x in f]
    rm, cm, km = it("rawMedianNanos"), it("cipherMedianNanos"), it("codecMedianNanos")
    o = [a / b for a, b in zip(rm, cm)]
    c = [a / b for a, b in zip(rm, km)]
    mo, mc = statistics.median(o), statistics.median(c)
    ours.append(mo); codec.append(mc)
    print(f"| {r['params']['algorithm']} | {mib(statistics.median(rm)):.0f} | {mib(statistics.median(cm)):.0f} | {mo:.2f} | {min(o):.2f}–{max(o):.2f} | {mib(statistics.median(km)):.0f} | {mc:.2f} | {min(c):.2f}–{max(c):.2f} |")
gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
if ours:
    print(f"| geometric mean | | | {gm(ours):.2f} | | | {gm(codec):.2f} | |")
