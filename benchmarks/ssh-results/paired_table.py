# Prints the SshPacketPairedBenchmark table of a JMH -rf json file: python3 paired_table.py run4.json
import json, math, sys
runs = json.load(open(sys.argv[1]))
mib = lambda packets, ns: packets * 32768 / (ns / 1e9) / 1048576
print("| algorithm | raw MiB/s | ours (PacketCipher) MiB/s | ours/raw | per-iteration ours/raw | codec MiB/s | codec/raw |")
print("|---|---:|---:|---:|---|---:|---:|")
ours, codec = [], []
for r in runs:
    if not r["benchmark"].endswith("interleaved"): continue
    s = r["secondaryMetrics"]
    it = lambda k: [x for f in s[k]["rawData"] for x in f]
    p, rn, cn, kn = it("packets"), it("rawNanos"), it("cipherNanos"), it("codecNanos")
    P, R, C, K = sum(p), sum(rn), sum(cn), sum(kn)
    ours.append(R / C); codec.append(R / K)
    per = [a / b for a, b in zip(rn, cn)]
    print(f"| {r['params']['algorithm']} | {mib(P,R):.0f} | {mib(P,C):.0f} | {R/C:.2f} | {min(per):.2f}–{max(per):.2f} | {mib(P,K):.0f} | {R/K:.2f} |")
gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
if ours:
    print(f"| geometric mean | | | {gm(ours):.2f} | | | {gm(codec):.2f} |")
