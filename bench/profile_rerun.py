#!/usr/bin/python3
"""Where a no-change rerun's time goes: drover on the bench's hosts, profiled.

    bench/profile_rerun.py [SCENARIO] [RERUNS]      (default: mix-50 15)

Starts the scenario's hosts as `make bench` does (benchlib/hosts.py: private
sshds in a PID namespace, one boot id per sshd), makes one first run, then
RERUNS no-change reruns with drover's connection holders kept, and prints
medians over the reruns of:
  - wall time from start to the first task line, per task kind (the first
    word of the bench's task names: file, copy, lineinfile, template,
    command) and from the last task to exit; the task lines are read from
    a pseudo-terminal, so drover writes each as it happens;
  - CPU seconds per rerun of drover (wait4), of the connection holders, of
    the sshd session processes and of the hosts' persistent shells with
    the processes they started (their own and reaped children's times);
  - round trips (DROVER_STATS=1) and host processes (the namespace's PIDs).
A profile, not a benchmark: no floor, no ansible-playbook, no ratios (those
are `make bench`'s). Needs root, like `make bench`.
"""
import os
import pty
import re
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
from benchlib import hosts as hostslib  # noqa: E402
from benchlib import measure  # noqa: E402

SCENARIOS = {"mix-50": (4, "mix-50"), "mix-200": (4, "mix-200"), "scale-10": (10, "scale-20")}
TASK = re.compile(rb"^TASK \[(\S+)")
TICK = os.sysconf("SC_CLK_TCK")


def timed_run(argv, env, cwd):
    """(wall, drover CPU, [(seconds since start, task kind)], output) of one
    run whose stdout is a pseudo-terminal (line by line, as it happens)."""
    master, slave = pty.openpty()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=slave, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    marks, out, pending = [], b"", b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last writer exited
            break
        if not data:
            break
        now = time.monotonic() - start
        out += data
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            m = TASK.match(line.strip(b"\r"))
            if m:
                marks.append((now, m[1].decode()))
    proc.wait()
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.close(master)
    cpu = measure.cpu_of(after) - measure.cpu_of(before)
    return wall, cpu, marks, out.decode(errors="replace")


def class_cpu(home, host_ns):
    """CPU seconds so far of this profile's holders (HOME is HOME), sshd
    sessions and the hosts' shells (in the PID namespace HOST_NS), own and
    reaped children's times: other users' drover processes do not count."""
    total = {"holders": 0.0, "sshd": 0.0, "host shells": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            if "persist --holder" in cmd:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if f"HOME={home}".encode() not in f.read().split(b"\0"):
                        continue
                key = "holders"
            elif os.readlink(f"/proc/{pid}/ns/pid") != host_ns:
                continue
            elif cmd.startswith(f"sshd: {hostslib.USER}"):
                key = "sshd"
            elif "drover-shell" in cmd:
                key = "host shells"
            else:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total[key] += sum(int(x) for x in fields[11:15]) / TICK
    return total


def phases(wall, marks):
    """{phase: seconds} of one run: start, each task kind's total, the end."""
    out = {"start to first task": marks[0][0] if marks else wall}
    for (t, kind), nxt in zip(marks, [m[0] for m in marks[1:]] + [None]):
        out[kind] = out.get(kind, 0.0) + ((nxt if nxt is not None else t) - t)
    out["last task to exit"] = wall - marks[-1][0] if marks else 0.0
    return out


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "mix-50"
    reruns = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    if name not in SCENARIOS:
        sys.exit(f"profile_rerun: unknown scenario {name} (known: {' '.join(SCENARIOS)})")
    if os.getuid() != 0:
        sys.exit("profile_rerun: needs root (private sshds, a throwaway user, a PID namespace)")
    n, book = SCENARIOS[name]
    drover = os.path.join(REPO, "build", "drover")
    measure.become_subreaper()
    root = tempfile.mkdtemp(prefix="drover-profile-")
    hosts = hostslib.Hosts(root, n)
    home = os.path.join(root, "home-drover")
    os.makedirs(os.path.join(home, "tmp"))
    env = {"PATH": os.environ["PATH"], "HOME": home, "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": os.path.join(home, "tmp"), "DROVER_STATS": "1",
           "DROVER_PROGRESS": "0"}  # no live progress line on the terminal
    try:
        hosts.start()
        inv = hosts.inventory(n, os.path.join(root, f"inventory-{n}"))
        argv = [drover, "playbook", "-i", inv, "-f", str(n), f"playbooks/{book}.yml"]
        timed_run(argv, env, BENCH)  # the first run: makes the files, starts the holders
        # The hosts' processes live in the PID namespace of the namespace's PID 1.
        host_ns = os.readlink(f"/proc/{hostslib.children(hosts.ns.pid)[0]}/ns/pid")
        rows = []
        for _ in range(reruns):
            procs0, _ = hosts.counters()
            cpu0 = class_cpu(home, host_ns)
            wall, cpu, marks, out = timed_run(argv, env, BENCH)
            procs1, _ = hosts.counters()
            cpu1 = class_cpu(home, host_ns)
            m = measure.STATS.search(out)
            row = phases(wall, marks)
            row.update({"wall": wall, "drover CPU": cpu,
                        "round trips": int(m[2]) if m else -1, "host processes": procs1 - procs0})
            row.update({k + " CPU": cpu1[k] - cpu0[k] for k in cpu1})
            rows.append(row)
    finally:
        subprocess.run([drover, "persist", "--stop"], env=env, stdout=subprocess.DEVNULL)
        hosts.stop()
        shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"{name} no-change rerun, {n} hosts, median of {reruns} reruns, load {load:.1f}")
    for key in rows[0]:
        values = [r.get(key, 0.0) for r in rows]
        med = statistics.median(values)
        unit = "" if key in ("round trips", "host processes") else " s"
        print(f"  {key:22} {med:8.3f}{unit}" if unit else f"  {key:22} {med:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
