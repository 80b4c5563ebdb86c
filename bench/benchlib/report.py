"""From measured runs to the table, the JSON and the plot (no host needed).

A run is a dict: scenario, hosts, tasks, pair, tool ("drover",
"ansible-playbook"), phase ("first", "rerun"), rc, wall, cpu, rss_kib,
host_procs, host_cpu, load1, round_trips, recap {host: {ok, changed,
unreachable, failed}}. A floor is a dict: scenario, pair, wall, host_procs.
Speed figures are given only where both tools exited 0 and ended with the
same counts on every host in every pair: otherwise they did different work.
"""
import statistics

TOOLS = ("drover", "ansible-playbook")
COUNTS = ("ok", "changed", "unreachable", "failed")


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pair_ratios(a_runs, b_runs, key="wall"):
    """a/b for every pair both have (runs keyed by their pair)."""
    a = {r["pair"]: r[key] for r in a_runs}
    b = {r["pair"]: r[key] for r in b_runs}
    return [a[p] / b[p] for p in sorted(a) if p in b and b[p]]


def recap_differences(a, b, names=TOOLS):
    """Hosts whose ok/changed/unreachable/failed counts differ, as text."""
    out = []
    for host in sorted(set(a) | set(b)):
        ca, cb = a.get(host), b.get(host)
        pick = lambda c: None if c is None else tuple(c[k] for k in COUNTS)
        if pick(ca) != pick(cb):
            show = lambda c: "no recap" if c is None else " ".join(f"{k}={c[k]}" for k in COUNTS)
            out.append(f"{host}: {names[0]} {show(ca)}, {names[1]} {show(cb)}")
    if not a and not b:
        out.append("no recap from either tool")
    return out


def summarize(runs, floors):
    """One row per scenario and phase, in the order the runs came."""
    keys = []
    for r in runs:
        k = (r["scenario"], r["phase"])
        if k not in keys:
            keys.append(k)
    return [summarize_one(k, [r for r in runs if (r["scenario"], r["phase"]) == k],
                          [f for f in floors if f["scenario"] == k[0]]) for k in keys]


def summarize_one(key, runs, floors):
    scenario, phase = key
    by = {t: sorted((r for r in runs if r["tool"] == t), key=lambda r: r["pair"]) for t in TOOLS}
    d, a = by["drover"], by["ansible-playbook"]
    hosts, tasks = runs[0]["hosts"], runs[0]["tasks"]
    ht = hosts * tasks if tasks else None  # the main job has no fixed task count
    row = {"scenario": scenario, "phase": phase, "hosts": hosts, "tasks": tasks,
           "pairs": len(pair_ratios(a, d)) if a else 0, "drover_runs": len(d), "problems": []}
    for r in runs:
        if r["rc"] != 0:
            row["problems"].append(f"{r['tool']} exited {r['rc']} (pair {r['pair']})")
    apairs = {r["pair"]: r for r in a}
    for r in d:
        if r["pair"] in apairs:
            for diff in recap_differences(r["recap"], apairs[r["pair"]]["recap"]):
                row["problems"].append(f"pair {r['pair']}: {diff}")
    ok = not row["problems"]
    per = lambda rs, k: None if not ht or median(x[k] for x in rs) is None else median(x[k] for x in rs) / ht
    row.update({
        "drover_s": median(r["wall"] for r in d) if ok else None,
        "ansible_s": median(r["wall"] for r in a) if ok and a else None,
        "ratio": median(pair_ratios(a, d)) if ok and a else None,
        "floor_s": median(f["wall"] for f in floors),
        "drover_floor": median(pair_ratios(d, floors)) if ok and floors else None,
        "rt_per_host_task": per(d, "round_trips"),
        "procs_per_host_task": {"drover": per(d, "host_procs"), "ansible-playbook": per(a, "host_procs"),
                                "floor": per(floors, "host_procs")},
        "host_cpu_s": {"drover": median(r["host_cpu"] for r in d),
                       "ansible-playbook": median(r["host_cpu"] for r in a)},
        "cpu_s": {"drover": median(r["cpu"] for r in d), "ansible-playbook": median(r["cpu"] for r in a)},
        "rss_mib": {"drover": max((r["rss_kib"] for r in d), default=0) / 1024 or None,
                    "ansible-playbook": max((r["rss_kib"] for r in a), default=0) / 1024 or None},
        "load1": median(r["load1"] for r in runs),
    })
    return row


COLUMNS = [  # header, width, row -> text
    ("scenario", 12, lambda r: r["scenario"]),
    ("run", 5, lambda r: r["phase"]),
    ("hosts x tasks", 13, lambda r: f"{r['hosts']} x {r['tasks'] or '-'}"),
    ("pairs", 5, lambda r: str(r["pairs"]) if r["pairs"] == r["drover_runs"] else f"{r['pairs']}/{r['drover_runs']}"),
    ("drover s", 8, lambda r: num(r["drover_s"], 2)),
    ("ansible s", 9, lambda r: num(r["ansible_s"], 1)),
    ("ansible/drover", 14, lambda r: num(r["ratio"], 1, "x")),
    ("floor s", 7, lambda r: num(r["floor_s"], 2)),
    ("drover/floor", 12, lambda r: num(r["drover_floor"], 2)),
    ("RT/host-task", 12, lambda r: num(r["rt_per_host_task"], 2)),
    ("procs/host-task d/a/floor", 25, lambda r: trio(r["procs_per_host_task"], ("drover", "ansible-playbook", "floor"), 1)),
    ("host CPU s d/a", 14, lambda r: trio(r["host_cpu_s"], TOOLS, 1)),
    ("ctl CPU s d/a", 13, lambda r: trio(r["cpu_s"], TOOLS, 1)),
    ("RSS MiB d/a", 11, lambda r: trio(r["rss_mib"], TOOLS, 0)),
    ("load", 4, lambda r: num(r["load1"], 1)),
]


def num(x, digits, suffix=""):
    return "-" if x is None else f"{x:.{digits}f}{suffix}"


def trio(d, keys, digits):
    return "/".join(num(d.get(k), digits) for k in keys)


def format_table(rows):
    lines = ["  ".join(h.rjust(w) if i > 1 else h.ljust(w) for i, (h, w, _) in enumerate(COLUMNS))]
    notes = []
    for r in rows:
        cells = [f(r) for _, _, f in COLUMNS]
        lines.append("  ".join(c.rjust(w) if i > 1 else c.ljust(w)
                               for i, (c, (_, w, _)) in enumerate(zip(cells, COLUMNS))))
        for p in r["problems"]:
            notes.append(f"{r['scenario']} {r['phase']}: NO SPEED FIGURE: {p}")
    if any(r["pairs"] != r["drover_runs"] for r in rows):
        notes.insert(0, "pairs a/b: ansible-playbook ran in a of the b pairs (time budget); "
                        "drover's figures are medians of all b runs")
    return "\n".join(lines + notes) + "\n"


def svg_plot(rows, phase="rerun", width=760, height=350):
    """Wall time and controller CPU against host count (scale scenario, log-log),
    both tools, hand-written SVG."""
    pts = [r for r in rows if r["scenario"].startswith("scale") and r["phase"] == phase]
    series = {  # (panel, tool) -> [(hosts, value)]
        ("wall time, s", "drover"): [(r["hosts"], r["drover_s"]) for r in pts],
        ("wall time, s", "ansible-playbook"): [(r["hosts"], r["ansible_s"]) for r in pts],
        ("controller CPU, s", "drover"): [(r["hosts"], r["cpu_s"]["drover"]) for r in pts],
        ("controller CPU, s", "ansible-playbook"): [(r["hosts"], r["cpu_s"]["ansible-playbook"]) for r in pts],
    }
    colors = {"drover": "#1f77b4", "ansible-playbook": "#d62728"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">'
           f'scale-N, {"no-change rerun" if phase == "rerun" else "first run"}, 20 tasks per host: '
           'seconds against hosts (log-log)</text>']
    panel_w = (width - 40) / 2
    for n, panel in enumerate(("wall time, s", "controller CPU, s")):
        x0, y0, w, h = 60 + n * (panel_w + 20), 40, panel_w - 60, height - 100
        values = [v for (p, _), s in series.items() if p == panel for _, v in s if v]
        hosts = [x for (p, _), s in series.items() if p == panel for x, v in s if v]
        out.append(f'<text x="{x0 + w / 2}" y="{y0 - 6}" text-anchor="middle">{panel}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>')
        if not values:
            continue
        lx = log_axis(min(hosts), max(hosts))
        ly = log_axis(min(values), max(values))
        sx = lambda v: x0 + w * lx.pos(v)
        sy = lambda v: y0 + h * (1 - ly.pos(v))
        for t in lx.ticks():
            out.append(f'<line x1="{sx(t):.1f}" y1="{y0 + h}" x2="{sx(t):.1f}" y2="{y0 + h + 4}" stroke="#888"/>'
                       f'<text x="{sx(t):.1f}" y="{y0 + h + 16}" text-anchor="middle">{t:g}</text>')
        for t in ly.ticks():
            out.append(f'<line x1="{x0}" y1="{sy(t):.1f}" x2="{x0 + w}" y2="{sy(t):.1f}" stroke="#eee"/>'
                       f'<text x="{x0 - 4}" y="{sy(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
        out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 30}" text-anchor="middle">hosts</text>')
        for (p, tool), s in series.items():
            s = [(x, v) for x, v in s if v]
            if p != panel or not s:
                continue
            path = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in s)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colors[tool]}" stroke-width="2"/>')
            out += [f'<circle cx="{sx(x):.1f}" cy="{sy(v):.1f}" r="3" fill="{colors[tool]}"/>' for x, v in s]
    for i, tool in enumerate(TOOLS):
        x = 60 + i * 170
        out.append(f'<rect x="{x}" y="{height - 20}" width="12" height="12" fill="{colors[tool]}"/>'
                   f'<text x="{x + 16}" y="{height - 10}">{tool}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


class log_axis:
    """Maps [lo, hi] (widened to powers of ten) to [0, 1] logarithmically."""

    def __init__(self, lo, hi):
        import math
        self.math = math
        self.lo = 10 ** math.floor(math.log10(lo))
        self.hi = 10 ** math.ceil(math.log10(hi))
        if self.hi <= self.lo:
            self.hi = self.lo * 10

    def pos(self, v):
        m = self.math
        return (m.log10(v) - m.log10(self.lo)) / (m.log10(self.hi) - m.log10(self.lo))

    def ticks(self):
        t, out = self.lo, []
        while t <= self.hi * 1.0001:
            out.append(t)
            t *= 10
        return out
