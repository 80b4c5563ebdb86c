"""Shared runner of the playbook-semantics differential tests
(handlers_ansible_test.py, rescue_ansible_test.py, conditions_ansible_test.py,
connection_ansible_test.py): each case is a small project that drover and
ansible-playbook 2.14 run on the same local hosts; they must agree on

  - the exit code,
  - the PLAY RECAP line of every host,
  - the banners in order (TASK / RUNNING HANDLER), and under each banner the
    per-host status lines (sorted: hosts run in parallel) with the `msg` of
    ok results (debug shows registered values and magic variables this way),
  - the ERROR! line when the run stops on an error.

A case: (name, {path: text}, [extra ansible-playbook arguments], {env}).
"site.yml" is the playbook; "hosts" defaults to two local hosts h1, h2.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DROVER = os.path.abspath(os.environ.get("DROVER", "build/drover"))
HOSTS = ("h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
         "h2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")

BANNER = re.compile(r"^(TASK|RUNNING HANDLER|PLAY) \[(.*)\] \*+$")
STATUS = re.compile(r"^(ok|changed|skipping|fatal|failed|unreachable|included|rescued|ignored)"
                    r": \[([^\]]+)\]( => \(item=[^)]*\))?(: [A-Z!]+)?( => \{)?")
RECAP = re.compile(r"^(\S+)\s+: (ok=.*?)\s*$")


def write_tree(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def digest(out):
    """The comparable shape of a run's output."""
    sections, recap, errors = [], {}, []
    lines = out.splitlines()
    i = 0
    in_recap = False
    while i < len(lines):
        line = lines[i]
        i += 1
        m = BANNER.match(line)
        if m:
            in_recap = False
            sections.append([m.group(1) + " [" + m.group(2) + "]", []])
            continue
        if line.startswith("PLAY RECAP"):
            in_recap = True
            continue
        if in_recap:
            r = RECAP.match(line)
            if r:
                recap[r.group(1)] = " ".join(r.group(2).split())
            continue
        if line.startswith("ERROR!"):
            errors.append(line)
            continue
        s = STATUS.match(line)
        if not s or not sections:
            continue
        entry = "%s: [%s]%s" % (s.group(1), s.group(2), s.group(3) or "")
        if s.group(5):  # a JSON result: on this line, or up to a brace at column 0
            result = None
            try:
                result = json.loads(line[line.index(" => {") + 4:])
            except ValueError:
                body = ["{"]
                while i < len(lines):
                    body.append(lines[i])
                    i += 1
                    if lines[i - 1] == "}":
                        break
                try:
                    result = json.loads("\n".join(body))
                except ValueError:
                    result = {}
            if s.group(1) in ("ok", "changed") and "msg" in result:
                entry += " msg=" + json.dumps(result["msg"], sort_keys=True)
        sections[-1][1].append(entry)
    return {"sections": [(b, sorted(e)) for b, e in sections], "recap": recap, "errors": errors}


def run(cmd, root, env):
    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout + p.stderr


def compare(name, a, d):
    """Differences between ansible's (rc, out) and drover's, as text lines."""
    (arc, aout), (drc, dout) = a, d
    da, dd = digest(aout), digest(dout)
    diffs = []
    if arc != drc:
        diffs.append("exit code: ansible %d, drover %d" % (arc, drc))
    if da["recap"] != dd["recap"]:
        diffs.append("recap: ansible %s\n          drover  %s" % (da["recap"], dd["recap"]))
    if da["sections"] != dd["sections"]:
        for k in range(max(len(da["sections"]), len(dd["sections"]))):
            sa = da["sections"][k] if k < len(da["sections"]) else None
            sd = dd["sections"][k] if k < len(dd["sections"]) else None
            if sa != sd:
                diffs.append("section %d: ansible %s\n          drover  %s" % (k, sa, sd))
                break
    if bool(da["errors"]) != bool(dd["errors"]):
        diffs.append("error: ansible %s, drover %s" % (da["errors"], dd["errors"]))
    return diffs


def main(title, cases):
    tmp = tempfile.mkdtemp()
    base_env = dict(os.environ, HOME=tmp, ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "t"),
                    ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0")
    for k in list(base_env):
        if k.startswith("ANSIBLE_") and k not in ("ANSIBLE_LOCAL_TEMP", "ANSIBLE_NOCOLOR",
                                                  "ANSIBLE_RETRY_FILES_ENABLED"):
            del base_env[k]
    only = os.environ.get("CASE")
    passed = failed = 0
    for name, files, args, env in cases:
        if only and only not in name:
            continue
        root = os.path.join(tmp, "p")
        if os.path.exists(root):
            shutil.rmtree(root)
        os.makedirs(root)
        write_tree(root, dict({"hosts": HOSTS}, **files))
        e = dict(base_env, **env)
        a = run(["ansible-playbook", "-i", "hosts", "site.yml"] + args, root, e)
        d = run([DROVER, "playbook", "-i", "hosts", "site.yml"] + args, root, e)
        diffs = compare(name, a, d)
        if diffs:
            failed += 1
            print("MISMATCH %s:\n  %s" % (name, "\n  ".join(diffs)))
            if os.environ.get("VERBOSE"):
                print("--- ansible\n%s\n--- drover\n%s" % (a[1], d[1]))
        else:
            passed += 1
    shutil.rmtree(tmp)
    print("%s: %d passed, %d failed" % (title, passed, failed))
    return 1 if failed else 0
