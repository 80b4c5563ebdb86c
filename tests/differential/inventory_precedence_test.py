#!/usr/bin/env python3
"""Precedence matrix at the inventory levels, against ansible-inventory
and ansible-playbook's `debug: var=v` (ansible-core 2.14): one variable `v` is defined at every inventory-side level,
then the levels are removed from the highest down. At each step all three
must print the same `v` for the host, and it must be the level the
documented order says wins (so the test also pins the order itself).

Levels, lowest first (docs: "Understanding variable precedence"):
  inventory [all:vars]
  inventory group vars, sorted by depth, then ansible_group_priority, then name
    parent (depth 1) < sib_b (depth 1) < sib_a (depth 1, priority 10) < child (depth 2)
  inventory group_vars/all < playbook group_vars/all
  inventory group_vars/<group> (same group order) < playbook group_vars/<group>
  inventory host vars < inventory host_vars/ < playbook host_vars/ < extra vars (-e)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

DROVER = os.environ.get("DROVER", "build/drover")

# (level name, kind, where) from lowest to highest precedence.
LEVELS = [
    ("inv_all", "ini_group", "all"),
    ("inv_parent", "ini_group", "parent"),
    ("inv_sib_b", "ini_group", "sib_b"),
    ("inv_sib_a", "ini_group", "sib_a"),
    ("inv_child", "ini_group", "child"),
    ("inv_gv_all", "file", "inv/group_vars/all.yml"),
    ("pb_gv_all", "file", "pb/group_vars/all.yml"),
    ("inv_gv_parent", "file", "inv/group_vars/parent.yml"),
    ("inv_gv_sib_b", "file", "inv/group_vars/sib_b"),
    ("inv_gv_sib_a", "file", "inv/group_vars/sib_a/main.yml"),
    ("inv_gv_child", "file", "inv/group_vars/child.json"),
    ("pb_gv_parent", "file", "pb/group_vars/parent.yml"),
    ("pb_gv_child", "file", "pb/group_vars/child.yaml"),
    ("inv_host", "ini_host", "h1"),
    ("inv_hv", "file", "inv/host_vars/h1.yml"),
    ("pb_hv", "file", "pb/host_vars/h1/vars.yml"),
    ("extra", "extra", None),
]


def build(root, enabled):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(os.path.join(root, "inv"))
    os.makedirs(os.path.join(root, "pb"))
    ini_groups = {name: where for name, kind, where in LEVELS
                  if kind == "ini_group" and name in enabled}
    host_var = " ansible_connection=local" + (" v=inv_host" if "inv_host" in enabled else "")
    lines = [
        "[parent:children]", "child",
        "[child]", "h1" + host_var,
        "[sib_a]", "h1",
        "[sib_b]", "h1",
        "[sib_a:vars]", "ansible_group_priority=10",
        "[other]", "h2",
    ]
    for name, group in ini_groups.items():
        lines += ["[%s:vars]" % group, "v=%s" % name]
    with open(os.path.join(root, "inv", "hosts"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(root, "pb", "site.yml"), "w") as f:
        f.write("- hosts: h1\n  gather_facts: false\n  tasks:\n    - debug: var=v\n")
    for name, kind, where in LEVELS:
        if kind != "file" or name not in enabled:
            continue
        path = os.path.join(root, where)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(json.dumps({"v": name}) if path.endswith(".json") else "v: %s\n" % name)


def value(tool, root, env, enabled):
    cmd = [tool] if tool != DROVER else [DROVER, "inventory"]
    cmd += ["-i", "inv/hosts", "--playbook-dir", "pb", "--host", "h1"]
    if "extra" in enabled:
        cmd += ["-e", "v=extra"]
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return "rc=%d %s" % (p.returncode, p.stderr.strip()[-300:])
    return json.loads(p.stdout).get("v", "<undefined>")


def playbook_value(root, env, enabled):
    """What ansible-playbook's `debug: var=v` prints, the issue's oracle."""
    cmd = ["ansible-playbook", "-i", "inv/hosts", "pb/site.yml"]
    if "extra" in enabled:
        cmd += ["-e", "v=extra"]
    env = dict(env, ANSIBLE_STDOUT_CALLBACK="json")
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return "rc=%d %s" % (p.returncode, (p.stdout + p.stderr).strip()[-300:])
    result = json.loads(p.stdout)["plays"][0]["tasks"][0]["hosts"]["h1"]
    v = result.get("v", "<undefined>")
    return "<undefined>" if v == "VARIABLE IS NOT DEFINED!" else v


def main():
    base = tempfile.mkdtemp(prefix="drover-prec-")
    env = dict(os.environ, HOME=os.path.join(base, "home"),
               ANSIBLE_LOCAL_TEMP=os.path.join(base, "tmp"))
    os.makedirs(env["HOME"])
    os.makedirs(env["ANSIBLE_LOCAL_TEMP"])
    passed = failed = 0
    try:
        names = [name for name, _, _ in LEVELS]
        root = os.path.join(base, "case")
        for top in range(len(names), -1, -1):
            enabled = set(names[:top])
            want = names[top - 1] if top else "<undefined>"
            build(root, enabled)
            ansible = value("ansible-inventory", root, env, enabled)
            drover = value(DROVER, root, env, enabled)
            playbook = playbook_value(root, env, enabled)
            if ansible == drover == playbook == want:
                passed += 1
            else:
                failed += 1
                print("FAIL with levels up to %r: want %r, ansible-playbook %r, "
                      "ansible-inventory %r, drover %r" % (want, want, playbook, ansible, drover))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("inventory precedence: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
