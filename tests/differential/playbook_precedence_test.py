#!/usr/bin/python3
"""Precedence matrix at the play levels, against ansible-playbook 2.14:
one variable `v` is defined at every level a playbook can set (and one
inventory level), then the levels are removed from the highest down. At each
step drover and ansible-playbook must print the same `v` from `debug:
var=v`, and it must be the level the documented order says wins.
(inventory_precedence_test.py covers the inventory-side levels.)

Levels, lowest first: role defaults < inventory host var < play vars <
vars_files < role vars < block vars < task vars < include_vars < set_fact <
role params < include params < extra vars.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

DROVER = os.environ.get("DROVER", "build/drover")
LEVELS = ["role_defaults", "inv_host", "play_vars", "vars_files", "role_vars", "block_vars",
          "task_vars", "include_vars", "set_fact", "role_params", "include_params", "extra"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def build(root, on):
    if os.path.exists(root):
        shutil.rmtree(root)
    r = os.path.join(root, "roles", "r")
    write(os.path.join(root, "hosts"),
          "h1 ansible_connection=local%s\n" % (" v=inv_host" if "inv_host" in on else ""))
    write(os.path.join(r, "defaults", "main.yml"),
          "v: role_defaults\n" if "role_defaults" in on else "other: 1\n")
    write(os.path.join(r, "vars", "main.yml"), "v: role_vars\n" if "role_vars" in on else "other: 1\n")
    write(os.path.join(r, "vars", "iv.yml"), "v: include_vars\n")
    write(os.path.join(root, "vf.yml"), "v: vars_files\n" if "vars_files" in on else "other: 1\n")
    tasks = []
    if "include_vars" in on:
        tasks.append("- include_vars: iv.yml\n")
    if "set_fact" in on:
        tasks.append("- set_fact: {v: set_fact}\n")
    tasks.append("- block:\n    - include_tasks: inner.yml\n")
    if "include_params" in on:
        tasks.append("      vars: {v: include_params}\n")
    if "block_vars" in on:
        tasks.append("  vars: {v: block_vars}\n")
    write(os.path.join(r, "tasks", "main.yml"), "".join(tasks))
    write(os.path.join(r, "tasks", "inner.yml"),
          "- debug: var=v\n" + ("  vars: {v: task_vars}\n" if "task_vars" in on else ""))
    role = "{role: r, v: role_params}" if "role_params" in on else "r"
    play = "- hosts: h1\n  gather_facts: false\n  vars_files: [vf.yml]\n"
    if "play_vars" in on:
        play += "  vars: {v: play_vars}\n"
    play += "  roles: [%s]\n" % role
    write(os.path.join(root, "site.yml"), play)


def shown(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    m = re.search(r'"v": "([^"]*)"', p.stdout)
    return (m.group(1) if m else "<none: rc=%d %s>" % (p.returncode, (p.stdout + p.stderr)[-300:]))


def main():
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, HOME=tmp, ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "t"),
               ANSIBLE_NOCOLOR="1")
    root = os.path.join(tmp, "p")
    passed = failed = 0
    for top in range(len(LEVELS), 0, -1):
        on = set(LEVELS[:top])
        build(root, on)
        extra = ["-e", "v=extra"] if "extra" in on else []
        want = LEVELS[top - 1]
        a = shown(["ansible-playbook", "-i", "hosts", "site.yml"] + extra, root, env)
        d = shown([DROVER, "playbook", "-i", "hosts", "site.yml"] + extra, root, env)
        if a == d == want:
            passed += 1
        else:
            failed += 1
            print("MISMATCH with levels up to %s: ansible=%s drover=%s" % (want, a, d))
    shutil.rmtree(tmp)
    print("play-level precedence: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
