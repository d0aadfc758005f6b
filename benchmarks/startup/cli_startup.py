#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Start-up of the fumidai command as a ProxyCommand: `fumidai -W` start-to-first-byte against `ssh -W`.

Not a test and never run by the build. Starts, on 127.0.0.1 and ephemeral ports only, an OpenSSH sshd of its own
(generated host and user keys, in a temporary directory) and a target that writes one line as soon as it accepts a
connection; then runs each variant N times, interleaved, and times from process start to the first byte the
command prints on standard output (the target's line, carried through the tunnel), then stops the command.

Variants: `ssh -W` (OpenSSH client), `fumidai -W` from the unpacked distribution, the same with the class-data
archive that `bin/fumidai --generate-cds` writes (AppCDS), and `fumidai -W` with C1 only
(-XX:TieredStopAtLevel=1) as a JVM-flag comparison.

Usage (after `mvn -B -q -DskipTests package`; needs sshd, ssh, ssh-keygen from openssh-server/openssh-client):
    python3 benchmarks/startup/cli_startup.py [--runs 15] [--dist examples/target/fumidai-VERSION.tar.gz]
"""
import argparse
import glob
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def banner_server():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            try:
                c.sendall(b"first byte\n")
            finally:
                c.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv


def start_sshd(work, user_pub):
    host_key = os.path.join(work, "host_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
    auth = os.path.join(work, "authorized_keys")
    shutil.copy(user_pub, auth)
    os.chmod(auth, 0o600)
    port = free_port()
    conf = os.path.join(work, "sshd_config")
    with open(conf, "w") as f:
        f.write(f"""ListenAddress 127.0.0.1:{port}
HostKey {host_key}
AuthorizedKeysFile {auth}
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile {work}/sshd.pid
AllowTcpForwarding yes
PermitOpen any
LogLevel ERROR
""")
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", conf], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    with open(host_key + ".pub") as f:
        kt, kb = f.read().split()[:2]
    known = os.path.join(work, "known_hosts")
    with open(known, "w") as f:
        f.write(f"[127.0.0.1]:{port} {kt} {kb}\n")
    return proc, port, known


def first_byte(cmd, env):
    """Returns the seconds from start to the first byte on standard output."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    b = p.stdout.read(1)
    t = time.perf_counter() - t0
    p.stdin.close()
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if not b:
        raise RuntimeError(f"no output from {cmd[0]}: {p.stderr.read().decode(errors='replace')}")
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--dist", default=None)
    a = ap.parse_args()
    dist = a.dist or (sorted(glob.glob("examples/target/fumidai-*.tar.gz")) or [None])[0]
    if not dist:
        sys.exit("no distribution: build it with mvn -B -q -DskipTests package")
    work = tempfile.mkdtemp(prefix="fumidai-startup-")
    try:
        with tarfile.open(dist) as t:
            t.extractall(work)
        home = glob.glob(os.path.join(work, "fumidai-*"))[0]
        fumidai = os.path.join(home, "bin", "fumidai")
        key = os.path.join(work, "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        sshd, port, known = start_sshd(work, key + ".pub")
        target = banner_server()
        tport = target.getsockname()[1]
        user = os.environ.get("USER") or "root"
        common_ssh = ["-F", "none", "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={known}",
                      "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                      "-i", key, "-p", str(port)]
        ssh_cmd = ["ssh"] + common_ssh + ["-W", f"127.0.0.1:{tport}", f"{user}@127.0.0.1"]
        fum_cmd = [fumidai, "-F", "none", "-o", "BatchMode=yes", "--known-hosts", known, "-o", "IdentitiesOnly=yes",
                   "-o", "IdentityAgent=none", "-i", key, "-p", str(port), "-W", f"127.0.0.1:{tport}",
                   f"{user}@127.0.0.1"]
        env = dict(os.environ)
        env.pop("FUMIDAI_JAVA_OPTS", None)
        jsa = os.path.join(work, "fumidai.jsa")
        nocds = dict(env, FUMIDAI_CDS=os.path.join(work, "absent.jsa"))
        cds = dict(env, FUMIDAI_CDS=jsa)
        c1 = dict(nocds, FUMIDAI_JAVA_OPTS="-XX:TieredStopAtLevel=1")
        # One training run writes the archive (the documented bin/fumidai --generate-cds step).
        subprocess.run([fumidai, "--generate-cds"] + fum_cmd[1:], env=cds, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        variants = [("ssh -W", ssh_cmd, env), ("fumidai -W", fum_cmd, nocds),
                    ("fumidai -W, AppCDS", fum_cmd, cds), ("fumidai -W, C1 only", fum_cmd, c1)]
        for name, cmd, e in variants:  # warm the page cache once
            first_byte(cmd, e)
        times = {name: [] for name, _, _ in variants}
        for _ in range(a.runs):
            for name, cmd, e in variants:
                times[name].append(first_byte(cmd, e))
        print(f"load average at the end: {os.getloadavg()}; runs per variant: {a.runs}")
        print("| variant | median ms | min ms | max ms |")
        print("|---|---|---|---|")
        for name, _, _ in variants:
            t = times[name]
            print(f"| {name} | {statistics.median(t) * 1000:.0f} | {min(t) * 1000:.0f} | {max(t) * 1000:.0f} |")
        target.close()
        sshd.terminate()
        sshd.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
