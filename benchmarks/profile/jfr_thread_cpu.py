#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Splits a JFR recording's CPU time by thread, and tags each fumidai event loop with what it runs.

Issue 14 asks what a machine with more cores would add to two hops "from a profile, not a guess". This reads a
recording made with per-thread CPU sampled every second (see --make-settings) and prints, per thread, its CPU
seconds (from jdk.ThreadCPULoad: user + system, times the number of CPUs, since JFR normalises each thread's load
to the whole machine) and its share; for event-loop threads it counts the Java execution samples whose stack holds
the loop bridge's two sides (LoopBridge$InnerSide: the first hop's connection; LoopBridge$Outer: the second
hop's) and the core relay (the forward's local socket), so one can tell which loop carries which hop.

Usage:
  python3 benchmarks/profile/jfr_thread_cpu.py --make-settings /tmp/cpu.jfc      # profile.jfc, ThreadCPULoad 1 s
  java -XX:StartFlightRecording=filename=/tmp/run.jfr,settings=/tmp/cpu.jfc -cp ... SshForwardBenchmark ...
  python3 benchmarks/profile/jfr_thread_cpu.py /tmp/run.jfr [--threads fumidai-3,fumidai-4] [--cpus 2]

Needs the JDK's `jfr` tool on the PATH. Not run by the build.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys


def jfr(*args):
    return subprocess.run(["jfr", *args], capture_output=True, text=True, check=True).stdout


def make_settings(path):
    java = shutil.which("java")
    if java is None:
        sys.exit("no java on the PATH")
    home = os.path.dirname(os.path.dirname(os.path.realpath(java)))
    with open(os.path.join(home, "lib", "jfr", "profile.jfc")) as f:
        s = f.read()
    i = s.index('<event name="jdk.ThreadCPULoad">')
    j = s.index("<setting name=\"period\">", i)
    k = s.index("</setting>", j)
    s = s[:j] + '<setting name="period">1 s' + s[k:]
    with open(path, "w") as f:
        f.write(s)
    print("wrote", path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("recording", nargs="?")
    p.add_argument("--make-settings", metavar="JFC")
    p.add_argument("--threads", default="", help="comma-separated thread name prefixes to keep (default: all)")
    p.add_argument("--cpus", type=int, default=os.cpu_count())
    a = p.parse_args()
    if a.make_settings:
        make_settings(a.make_settings)
        return
    if not a.recording:
        p.error("a recording is needed")
    keep = [t for t in a.threads.split(",") if t]
    cpu = collections.defaultdict(float)
    for ev in jfr("print", "--events", "jdk.ThreadCPULoad", a.recording).split("jdk.ThreadCPULoad")[1:]:
        u = re.search(r"user = ([\d.]+)%", ev)
        s = re.search(r"system = ([\d.]+)%", ev)
        t = re.search(r'eventThread = "(.*?)"', ev)
        if u and s and t:
            # One event per thread per second: its load over that second, as a share of all CPUs.
            cpu[t.group(1)] += (float(u.group(1)) + float(s.group(1))) / 100.0 * a.cpus
    tags = collections.defaultdict(collections.Counter)
    samples = jfr("print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", a.recording)
    for ev in samples.split("jdk.ExecutionSample")[1:]:
        t = re.search(r'sampledThread = "(.*?)"', ev)
        if not t:
            continue
        name = t.group(1)
        tags[name]["samples"] += 1
        if "LoopBridge$InnerSide" in ev:
            tags[name]["hop-1 side of bridge"] += 1
        if "LoopBridge$Outer" in ev:
            tags[name]["hop-2 side of bridge"] += 1
        if "internal.relay.Relay" in ev:
            tags[name]["relay (local socket)"] += 1
    rows = [(t, v) for t, v in cpu.items() if not keep or any(t.startswith(k) for k in keep)]
    total = sum(v for _, v in rows) or 1.0
    print(f"{'thread':34s} {'CPU s':>7s} {'share':>6s}  execution samples")
    for t, v in sorted(rows, key=lambda r: -r[1]):
        if v < 0.01:
            continue
        print(f"{t:34s} {v:7.2f} {100 * v / total:5.1f}%  {dict(tags.get(t, {}))}")
    print(f"{'total':34s} {total:7.2f}")


if __name__ == "__main__":
    main()
