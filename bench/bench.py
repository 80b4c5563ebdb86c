#!/usr/bin/python3
"""`make bench`: drover against ansible-playbook and the SSH floor, in one run.

Scenarios (BENCH_SCENARIOS="mix-50 scale-10" picks some; BENCH_QUICK=1 is
mix-50 and scale-10 with one pair, for development):
  mix-50, mix-200   4 hosts; 50 or 200 tasks, a fifth each of file, copy,
                    lineinfile, template and command (bench/playbooks/)
  scale-N           20 tasks on N hosts, N = 10, 50, 100, 200, 500
  file-modules      (only when named) 3 hosts x 70 tasks: stat, file, copy,
                    template, lineinfile, blockinfile, replace in turn
  main-job          the root deployment's provision + deploy, no-change rerun,
                    on the local VM (make vm env=vagrant); only with
                    BENCH_MAIN_JOB=1: it boots a VM and takes minutes per pair
The hosts are private sshds on 127.0.0.1 (benchlib/hosts.py). Each pair is
drover then ansible-playbook (pipelining on, forks = hosts, the same
inventory, key and known_hosts), each a first run on empty working
directories then a no-change rerun; then the floor (benchlib/measure.py).
Both tools keep their SSH connections from the first run to the rerun
(bench/ansible.cfg: ControlPersist=600s; OpenSSH ControlMasters for
ansible-playbook, connection holders for drover) and close them before each
first run and after each rerun (their CPU counts in the rerun).
BENCH_PAIRS=N overrides the pairs. ansible-playbook runs in every pair up
to 10 hosts, in one at 50 and none above (SCENARIOS: the 25-minute budget
on 2 cores); BENCH_ANSIBLE_PAIRS=N makes it run in N pairs everywhere. Pair 1
of every scenario runs first, then pair 2 of each, ...; ansible-playbook is
left out of a pair when it would overrun BENCH_BUDGET (Budget).
Writes bench/results/<date>-<machine>.json and .svg (-partial.json for a
selection, git-ignored) and prints the table;
`bench/bench.py --report FILE.json` prints it again from such a file.
"""
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import hosts as hostslib  # noqa: E402
from benchlib import measure, playbooks, report  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)

# name -> (hosts, playbook, pairs, pairs in which ansible-playbook runs too).
# ansible-playbook costs about 0.5 CPU seconds per host-task (0.15 on the
# controller, 0.35 on the hosts: a Python per task), 0.25 s on a quiet
# 2-core machine: 3 pairs of scale-50 alone would take 25 minutes, so it
# runs in one pair at 50 hosts and in none above (the table says so), and
# Budget trims its pairs further on a busy machine.
SCENARIOS = {
    "mix-50": (4, "mix-50", 3, 3),
    "mix-200": (4, "mix-200", 3, 3),
    "scale-10": (10, "scale-20", 3, 3),
    "scale-50": (50, "scale-20", 3, 1),
    "scale-100": (100, "scale-20", 3, 0),
    "scale-200": (200, "scale-20", 1, 0),
    "scale-500": (500, "scale-20", 1, 0),
    "file-modules": (3, "file-modules", 3, 3),
}
DEFAULT = [n for n in SCENARIOS if n != "file-modules"]


STARTED = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - STARTED:5.0f} s] {msg}", file=sys.stderr, flush=True)


def selected():
    if os.environ.get("BENCH_QUICK") == "1":
        names, pairs = ["mix-50", "scale-10"], 1
    else:
        names, pairs = DEFAULT, None
    names = os.environ.get("BENCH_SCENARIOS", " ".join(names)).split()
    for n in names:
        if n not in SCENARIOS and n != "main-job":
            sys.exit(f"bench: unknown scenario {n} (known: {' '.join(SCENARIOS)} main-job)")
    if os.environ.get("BENCH_MAIN_JOB") == "1" and "main-job" not in names:
        names.append("main-job")
    pairs = int(os.environ.get("BENCH_PAIRS", pairs or 0)) or None
    return names, pairs


def tool_env(home, tool):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DROVER_"))}
    env.update(HOME=home, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=os.path.join(home, "tmp"))
    env.pop("SSH_AUTH_SOCK", None)
    if tool == "drover":
        env["DROVER_STATS"] = "1"
    return env


class Budget:
    """ansible-playbook runs in a pair only while the estimate (its slowest
    seconds per host-task so far) keeps the run within BENCH_BUDGET seconds
    (default 1380: 23 minutes, room for the build from a fresh clone). On a
    busy machine it thus runs in fewer pairs, and the table says so."""

    def __init__(self, started):
        self.started = started
        self.limit = float(os.environ.get("BENCH_BUDGET", "1380"))
        self.per_host_task = 0.25

    def learn(self, run):
        if run["tool"] == "ansible-playbook":
            self.per_host_task = max(self.per_host_task, run["wall"] / (run["hosts"] * run["tasks"]))

    def allows(self, host_tasks):
        spent = time.monotonic() - self.started
        return spent + 2 * host_tasks * self.per_host_task <= self.limit


def run_pair(name, pair, with_ansible, hosts, root, drover, runs, floors, budget):
    """One pair of SCENARIO: drover, then ansible-playbook, each a first run on
    emptied working directories and a no-change rerun; then the floor."""
    n, book = SCENARIOS[name][:2]
    inv = hosts.inventory(n, os.path.join(root, f"inventory-{n}"))
    tasks, kinds = playbooks.PLAYBOOKS[book]
    argv = {"drover": [drover, "playbook"], "ansible-playbook": ["ansible-playbook"]}
    for tool in report.TOOLS if with_ansible else ("drover",):
        home = os.path.join(root, "home-" + tool)
        os.makedirs(home, exist_ok=True)
        hosts.reset()
        # Persistent connections (ansible.cfg: ControlPersist=600s for both)
        # live from the first run to the rerun; none is left from before.
        stop_holders = lambda: subprocess.run([drover, "persist", "--stop"], env=tool_env(home, tool),
                                              stdout=subprocess.DEVNULL)
        measure.close_masters(hosts.control_paths(n))
        stop_holders()
        measure.reap_orphans([hosts.ns.pid])
        for phase in ("first", "rerun"):
            out = os.path.join(root, f"{name}-{pair}-{tool}-{phase}.log")
            r = measure.run_tool(argv[tool] + ["-i", inv, "-f", str(n), f"playbooks/{book}.yml"],
                                 tool_env(home, tool), BENCH, out, hosts,
                                 lambda: hosts.control_paths(n), keep=[hosts.ns.pid],
                                 close=phase == "rerun", close_more=stop_holders)
            r.update(scenario=name, hosts=n, tasks=tasks, pair=pair, tool=tool, phase=phase)
            runs.append(r)
            budget.learn(r)
            log(f"  {name} pair {pair} {tool:16} {phase:5} {r['wall']:8.2f} s  cpu {r['cpu']:.2f} s"
                f"  host procs {r['host_procs']}  rc {r['rc']}" + (f"  (log {out})" if r["rc"] else ""))
    f = measure.floor(hosts, n, [playbooks.target(i, kinds) for i in range(tasks)])
    f.update(scenario=name, pair=pair)
    floors.append(f)
    log(f"  {name} pair {pair} floor            {f['wall']:8.2f} s  host procs {f['host_procs']}")


def plan(names, pairs_override):
    """(scenario, pair, with ansible-playbook) in order: every pair of mix-50
    (the headline figure) first, then pair 1 of every other scenario, then
    pair 2 of each, ..., so that a short budget trims the last pairs, not the
    last scenarios."""
    out = []
    for pair in range(1, 10):
        for name in names:
            if name == "main-job":
                continue
            _, _, pairs, ansible_pairs = SCENARIOS[name]
            if pairs_override:
                pairs, ansible_pairs = pairs_override, min(pairs_override, ansible_pairs)
            if os.environ.get("BENCH_ANSIBLE_PAIRS"):
                ansible_pairs = min(pairs, int(os.environ["BENCH_ANSIBLE_PAIRS"]))
            if pair <= pairs:
                out.append((name, pair, pair <= ansible_pairs))
    return sorted(out, key=lambda p: p[0] != "mix-50")  # stable: the rest keeps its order


def run_main_job(pairs, root, runs, keep):
    """The root deployment's unchanged provision + deploy on the local VM
    (booted for the run and stopped after, unless it was running before)."""
    status = subprocess.run(["tools/vm/env.sh", "status", "vagrant"], cwd=REPO,
                            capture_output=True, text=True).stdout
    was_running = "running" in status
    subprocess.run(["make", "--no-print-directory", "vm", "env=vagrant"], cwd=REPO, check=True)
    try:
        main_job_pairs(pairs, root, runs, keep)
    finally:
        if not was_running:
            subprocess.run(["make", "--no-print-directory", "vm-down", "env=vagrant"], cwd=REPO)


def main_job_pairs(pairs, root, runs, keep):
    home = os.path.join(root, "home-main-job")
    os.makedirs(home, exist_ok=True)
    cmd = {"drover": "make -s provision env=vagrant && make -s deploy env=vagrant",
           "ansible-playbook": "make -s provision env=vagrant PLAYBOOK=ansible-playbook && "
                               "make -s deploy env=vagrant PLAYBOOK=ansible-playbook"}
    subprocess.run(["sh", "-c", cmd["drover"]], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    nohost = NoHosts()
    for pair in range(1, pairs + 1):
        for tool in report.TOOLS:
            out = os.path.join(root, f"main-job-{pair}-{tool}.log")
            cp = os.path.join(home, ".ansible", "cp")
            masters = lambda: [os.path.join(cp, p) for p in os.listdir(cp)] if os.path.isdir(cp) else []
            r = measure.run_tool(["sh", "-c", cmd[tool]], tool_env(home, tool), REPO, out, nohost,
                                 control_paths=masters, keep=keep)
            r["recap"] = merged_recap(open(out, errors="replace").read())
            r.update(scenario="main-job", hosts=len(r["recap"]) or 1, tasks=None, pair=pair, tool=tool,
                     phase="rerun", host_procs=None, host_cpu=None)
            runs.append(r)
            log(f"  main-job pair {pair} {tool:16} rerun {r['wall']:8.2f} s  rc {r['rc']}")


def merged_recap(text):
    """The recaps of the two plays (provision, deploy) summed per host."""
    total = {}
    for block in text.split("PLAY RECAP")[1:]:
        for host, c in measure.parse_recap("PLAY RECAP" + block).items():
            t = total.setdefault(host, dict.fromkeys(c, 0))
            for k, v in c.items():
                t[k] += v
    return total


class NoHosts:
    """Counters for hosts the runner cannot look into (the VM)."""

    def counters(self):
        return 0, 0.0

    def settle(self):
        return True


def machine():
    return socket.gethostname().split(".")[0]


def report_again(path):
    """bench.py --report RESULTS.json: the table and the plot again from a
    results file (bench/results/), without running anything."""
    with open(path) as f:
        doc = json.load(f)
    rows = report.summarize(doc["runs"], doc["floors"])
    with open(path[:-len(".json")] + ".svg", "w") as f:
        f.write(report.svg_plot(rows))
    print_table(doc, rows)
    return 0


# How both tools' SSH connections live (bench/ansible.cfg), printed with the table.
CONNECTIONS = ("connections: both tools keep them from a first run to its rerun "
               "(ssh_args ControlPersist=600s: ssh ControlMasters, drover's holders), "
               "closed before each first run; the floor's sessions open before its clock")


def print_table(doc, rows):
    print(f"\n`make bench` on {doc['machine']} ({doc['cpus']} cores), {doc['date']}, "
          f"{doc['drover']}, {doc['ansible']}; {doc['seconds']} s")
    if doc.get("connections"):  # files written before persistence have none
        print(doc["connections"])
    print(report.format_table(rows), end="")


def main():
    if sys.argv[1:2] == ["--report"]:
        return report_again(sys.argv[2])
    names, pairs_override = selected()
    drover = os.path.join(REPO, "build", "drover")
    if os.getuid() != 0:
        sys.exit("bench: needs root (private sshds, a throwaway user, a PID namespace)")
    stale = playbooks.stale(os.path.join(BENCH, "playbooks"))
    if stale:
        sys.exit(f"bench: bench/playbooks/ differ from benchlib/playbooks.py: {stale}")
    measure.become_subreaper()
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix="drover-bench-")
    scale = [SCENARIOS[n][0] for n in names if n in SCENARIOS]
    hosts = hostslib.Hosts(root, max(scale or [1]))
    runs, floors = [], []
    try:
        hosts.start()
        log(f"{hosts.count} hosts on {len(hosts.ports)} sshds ready")
        budget = Budget(started)
        for name, pair, with_ansible in plan(names, pairs_override):
            n, book = SCENARIOS[name][:2]
            if with_ansible and not budget.allows(n * playbooks.PLAYBOOKS[book][0]):
                log(f"  {name} pair {pair}: ansible-playbook skipped (BENCH_BUDGET)")
                with_ansible = False
            run_pair(name, pair, with_ansible, hosts, root, drover, runs, floors, budget)
        if "main-job" in names:
            run_main_job(pairs_override or 3, root, runs, keep=[hosts.ns.pid])
    finally:
        hosts.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept {root}")
    rows = report.summarize(runs, floors)
    now = datetime.datetime.now(datetime.timezone.utc)
    # Only the full default run writes the file the README quotes.
    partial = names != DEFAULT or pairs_override or "BENCH_ANSIBLE_PAIRS" in os.environ
    base = os.path.join(BENCH, "results", f"{now:%Y-%m-%d}-{machine()}" + ("-partial" if partial else ""))
    version = lambda argv: subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0]
    doc = {"date": now.isoformat(timespec="seconds"), "machine": machine(), "cpus": os.cpu_count(),
           "kernel": os.uname().release, "drover": version([drover, "--version"]),
           "ansible": version(["ansible-playbook", "--version"]),
           "seconds": round(time.monotonic() - started), "rows": rows, "runs": runs, "floors": floors,
           "connections": CONNECTIONS}
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    with open(base + ".svg", "w") as f:
        f.write(report.svg_plot(rows))
    print_table(doc, rows)
    print(f"results: {os.path.relpath(base, REPO)}.json, .svg")
    return 0 if all(not r["problems"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
