"""One timed run of a tool, and the floor (round trips over open SSH sessions).

A run's controller CPU and peak RSS come from wait4() of the tool's process:
its own and its reaped descendants'. ansible-playbook's ssh ControlMasters
detach from it; the runner is a child subreaper (PR_SET_CHILD_SUBREAPER), so
they become its children, and after the run they are closed (`ssh -O exit`)
and reaped, their CPU added to the run. With ControlPersist (bench/ansible.cfg)
the masters and drover's connection holders stay open from a first run to its
rerun: each run then adds the CPU they used while it ran (their own times read
before and after it, plus what reaping them adds), so neither run is charged
for the other's work. A first run starts with no session left on the hosts,
from connect, as a user's run does.
"""
import ctypes
import os
import re
import subprocess
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
STATS = re.compile(r"drover stats: (\d+) connections, (\d+) round trips")


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def parse_recap(text):
    """host -> {ok, changed, unreachable, failed} from a PLAY RECAP."""
    return {m[1]: {"ok": int(m[2]), "changed": int(m[3]), "unreachable": int(m[4]),
                   "failed": int(m[5])} for m in RECAP.finditer(text)}


def cpu_of(ru):
    return ru.ru_utime + ru.ru_stime


def orphan_cpu(keep):
    """CPU seconds of the runner's living children other than KEEP (pids):
    the persisting masters and holders, own times and their reaped children's."""
    me = os.getpid()
    total = 0.0
    with open(f"/proc/{me}/task/{me}/children") as f:
        pids = [int(p) for p in f.read().split()]
    for pid in set(pids) - set(keep):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if fields[0] != "Z":  # a zombie's times come with wait4
            total += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def reap_orphans(keep, timeout=5.0):
    """Reaps the runner's children other than KEEP (pids) as they exit:
    (CPU seconds, peak RSS in KiB) of those reaped."""
    cpu, rss = 0.0, 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _, ru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            cpu += cpu_of(ru)
            rss = max(rss, ru.ru_maxrss)
            continue
        me = os.getpid()
        with open(f"/proc/{me}/task/{me}/children") as f:
            if not set(int(p) for p in f.read().split()) - set(keep):
                break
        time.sleep(0.02)
    return cpu, rss


def close_masters(paths):
    """`ssh -O exit` for every ControlPath that has a master."""
    procs = [subprocess.Popen(["ssh", "-o", f"ControlPath={p}", "-O", "exit", "x"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for p in paths if os.path.exists(p)]
    for p in procs:
        p.wait()


def run_tool(argv, env, cwd, log, hosts, control_paths=lambda: (), keep=(), close=True,
             close_more=lambda: None):
    """Runs ARGV once; the measures of the run (the output goes to LOG).
    CONTROL_PATHS() names the ssh ControlPaths the run may have left open.
    CLOSE: end them (and CLOSE_MORE(): drover's connection holders) after the
    run and reap them, their CPU counted in this run; otherwise they stay
    open for the next run (ControlPersist), which counts them when it closes
    them."""
    forks0, host_cpu0 = hosts.counters()
    persisting0 = orphan_cpu(keep)  # masters/holders left open by the run before
    with open(log, "w") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu, rss = cpu_of(ru), ru.ru_maxrss
    if close:
        close_masters(control_paths())
        close_more()
        more_cpu, more_rss = reap_orphans(keep)
    else:  # only what already exited; persisting masters and holders stay
        more_cpu, more_rss = reap_orphans(keep, timeout=0)
    # Reaped ones were counted whole: take off what they had used before.
    more_cpu += orphan_cpu(keep) - persisting0
    if close:
        hosts.settle()
    forks1, host_cpu1 = hosts.counters()
    text = open(log, errors="replace").read()
    stats = STATS.search(text)
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    return {"rc": proc.returncode, "wall": round(wall, 3), "cpu": round(cpu + more_cpu, 3),
            "rss_kib": max(rss, more_rss), "host_procs": forks1 - forks0,
            "host_cpu": round(host_cpu1 - host_cpu0, 3), "load1": load,
            "connections": int(stats[1]) if stats else None,
            "round_trips": int(stats[2]) if stats else None,
            "recap": parse_recap(text)}


def floor(hosts, n, paths):
    """The floor: len(PATHS) round trips (`stat` + `sha1sum` + echo of one path,
    waiting for the answer) over one already-open ssh session per host, all
    hosts in parallel. PATHS are relative to each host's bench_dir."""
    sessions = [subprocess.Popen(hosts.ssh_argv(i) + ["sh"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                for i in range(1, n + 1)]
    for s in sessions:  # open: each answers once before the clock starts
        s.stdin.write(b"echo ready\n")
        s.stdin.flush()
    for s in sessions:
        if s.stdout.readline() != b"ready\n":
            raise RuntimeError("a floor session did not open")
    forks0, host_cpu0 = hosts.counters()
    start = threading.Barrier(n + 1)
    errors = []

    def host(i, s):
        start.wait()
        base = hosts.workdir(i)
        for k, rel in enumerate(paths):
            p = f"{base}/{rel}"
            s.stdin.write(f"stat -c '%s %a %U %G %F %Y' {p}; sha1sum {p} 2>/dev/null; echo @@{k}\n".encode())
            s.stdin.flush()
            end = f"@@{k}\n".encode()
            while True:
                line = s.stdout.readline()
                if line == end:
                    break
                if not line:
                    errors.append(f"h{i}: session closed")
                    return

    threads = [threading.Thread(target=host, args=(i, s)) for i, s in enumerate(sessions, 1)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    forks1, _ = hosts.counters()
    for s in sessions:
        s.stdin.close()
        s.wait()
    hosts.settle()
    _, host_cpu1 = hosts.counters()
    if errors:
        raise RuntimeError("floor: " + "; ".join(errors))
    return {"wall": round(wall, 3), "host_procs": forks1 - forks0,
            "host_cpu": round(host_cpu1 - host_cpu0, 3), "round_trips": n * len(paths)}
