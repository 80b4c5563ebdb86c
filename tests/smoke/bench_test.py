#!/usr/bin/python3
"""`make bench`'s logic that needs no host (bench/benchlib/report.py and
playbooks.py): medians and per-pair ratios, the recap comparison that
withholds speed figures when the tools did different work, the table from
canned runs, the plot, and bench/playbooks/ in step with their generator."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from benchlib import measure, playbooks, report  # noqa: E402

failures = []


def check(what, cond):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def recap(changed, failed=0, hosts=("h1", "h2")):
    return {h: {"ok": 10, "changed": changed, "unreachable": 0, "failed": failed} for h in hosts}


def run(tool, pair, wall, changed=0, **kw):
    r = {"scenario": "mix-50", "hosts": 2, "tasks": 10, "pair": pair, "tool": tool, "phase": "rerun",
         "rc": 0, "wall": wall, "cpu": wall / 10, "rss_kib": 20480, "host_procs": 40, "host_cpu": 0.5,
         "load1": 1.0, "round_trips": 20 if tool == "drover" else None, "recap": recap(changed)}
    r.update(kw)
    return r


floors = [{"scenario": "mix-50", "pair": p, "wall": 0.5, "host_procs": 40} for p in (1, 2, 3)]

# Medians and the ratios of pairs, not of medians.
check("median of odd count", report.median([3, 1, 2]) == 2)
check("median of even count", report.median([4, 1, 2, 3]) == 2.5)
check("median ignores missing", report.median([None, 5]) == 5)
d = [run("drover", 1, 1.0), run("drover", 2, 2.0), run("drover", 3, 4.0)]
a = [run("ansible-playbook", 1, 50.0), run("ansible-playbook", 2, 60.0), run("ansible-playbook", 3, 80.0)]
check("per-pair ratios", report.pair_ratios(a, d) == [50.0, 30.0, 20.0])
row = report.summarize(d + a, floors)[0]
check("ratio is the median of the pairs' ratios", row["ratio"] == 30.0)
check("median seconds per tool", row["drover_s"] == 2.0 and row["ansible_s"] == 60.0)
check("drover / floor", row["drover_floor"] == 4.0)
check("round trips per host-task", row["rt_per_host_task"] == 1.0)
check("host processes per host-task", row["procs_per_host_task"]["floor"] == 2.0)
check("no problem when the recaps agree", row["problems"] == [])

# Differing counts on one host in one pair: no speed figure, and the table says why.
a_bad = a[:2] + [run("ansible-playbook", 3, 80.0, recap={"h1": recap(0)["h1"], "h2": recap(1)["h2"]})]
bad = report.summarize(d + a_bad, floors)[0]
check("differing recaps withhold the speed figures",
      bad["drover_s"] is None and bad["ansible_s"] is None and bad["ratio"] is None)
check("the difference is named", any("h2" in p and "changed=1" in p for p in bad["problems"]))
check("a missing host is a difference",
      report.recap_differences(recap(0), recap(0, hosts=("h1",))) != [])
failed_run = report.summarize(d[:2] + [run("drover", 3, 4.0, rc=2)] + a, floors)[0]
check("a failed run withholds the speed figures", failed_run["ratio"] is None and failed_run["problems"])
table = report.format_table([row, bad])
lines = table.splitlines()
check("table header", lines[0].startswith("scenario") and "ansible/drover" in lines[0])
check("table row", "2 x 10" in lines[1] and "30.0x" in lines[1] and "4.00" in lines[1])
check("table withholds", lines[2].split()[6:9] == ["-", "-", "-"])  # after "2 x 10" and the pairs
check("table note", "NO SPEED FIGURE" in table and "h2" in table)
check("columns line up", len({len(l) for l in lines[:3]}) == 1)

# Recap parsing, as both tools print it.
text = """PLAY RECAP *****
h1                         : ok=50   changed=0    unreachable=0    failed=0    skipped=0
h10 : ok=3 changed=2 unreachable=1 failed=1 skipped=0 rescued=0 ignored=0
drover stats: 2 connections, 53 round trips
"""
parsed = measure.parse_recap(text)
check("recap parse", parsed == {"h1": {"ok": 50, "changed": 0, "unreachable": 0, "failed": 0},
                                "h10": {"ok": 3, "changed": 2, "unreachable": 1, "failed": 1}})
check("stats parse", measure.STATS.search(text).groups() == ("2", "53"))

# The plot: both tools' lines, from the scale rows.
scale = [dict(row, scenario=f"scale-{n}", hosts=n, drover_s=n / 10, ansible_s=n,
              cpu_s={"drover": n / 100, "ansible-playbook": n / 5}) for n in (10, 50)]
svg = report.svg_plot(scale)
check("plot is SVG with both tools", svg.startswith("<svg") and svg.count("<polyline") == 4)

# `bench.py --report` from a canned results file: the table and the plot again.
import json, subprocess, tempfile  # noqa: E401,E402
with tempfile.TemporaryDirectory() as tmp:
    canned = os.path.join(tmp, "2026-01-01-box.json")
    with open(canned, "w") as f:
        json.dump({"date": "2026-01-01T00:00:00+00:00", "machine": "box", "cpus": 2, "drover": "drover 0",
                   "ansible": "ansible-playbook [core 2.14]", "seconds": 1, "runs": d + a_bad, "floors": floors}, f)
    out = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                       "bench", "bench.py"), "--report", canned],
                         capture_output=True, text=True)
    check("--report prints the table from JSON", out.returncode == 0 and "`make bench` on box (2 cores)" in out.stdout
          and "NO SPEED FIGURE: pair 3: h2" in out.stdout)
    check("--report writes the plot", os.path.exists(canned[:-5] + ".svg"))

# The main job's two plays (provision, deploy) are one run: their recaps add up.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import bench  # noqa: E402
two = "PLAY RECAP ***\nweb1 : ok=5 changed=1 unreachable=0 failed=0\n\nPLAY RECAP ***\nweb1 : ok=7 changed=0 unreachable=0 failed=0\n"
check("main job recaps add up", bench.merged_recap(two) == {"web1": {"ok": 12, "changed": 1, "unreachable": 0, "failed": 0}})

# bench/playbooks/ are the generator's output; the mix is a fifth of each kind.
bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
check("bench/playbooks/ in step with benchlib/playbooks.py",
      playbooks.stale(os.path.join(bench, "playbooks")) == [])
mix = playbooks.playbook(50, playbooks.MIX)
for module in ("file:", "copy:", "lineinfile:", "template:", "command:"):
    check(f"mix-50 has 10 {module} tasks", mix.count(f"      {module}") == 10)

print(f"bench logic: {'ok' if not failures else str(len(failures)) + ' failed'}")
sys.exit(1 if failures else 0)
