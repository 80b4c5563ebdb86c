#!/usr/bin/python3
"""Differential test: module names from the community collections (general,
posix, postgresql, crypto) by short name (through the builtin routing
table, ansible.legacy/ansible.builtin FQCNs, a play's, block's, task's or
role's `collections:`) and by FQCN. `drover playbook --list-tasks`,
`--list-tags`, `--list-hosts` and `--syntax-check` must print what ansible-playbook 2.14
prints, with the same exit code; names Ansible does not resolve (a short
name outside the routing table without `collections:`, a play's
`collections:` inside a role, a typo, a removed module) must fail in both."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "collections")
DROVER = os.environ.get("DROVER", "build/drover")

GOOD = ["short.yml"]
BAD = ["unrouted.yml", "playcoll_role.yml", "typo.yml", "removed.yml"]
MODES = [["--list-tasks"], ["--list-tags"], ["--list-hosts"], ["--syntax-check"],
         ["--list-tasks", "--tags", "pg,tz"]]


def run(cmd, env):
    p = subprocess.run(cmd, cwd=FIXTURES, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def main():
    home = tempfile.mkdtemp()
    env = dict(os.environ, HOME=home, ANSIBLE_LOCAL_TEMP=os.path.join(home, "tmp"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
    passed = failed = 0

    def report(ok, what, arc, aout, aerr, drc, dout, derr):
        nonlocal passed, failed
        if ok:
            passed += 1
            return
        failed += 1
        print("MISMATCH: %s\n--- ansible (rc=%d)\n%s%s\n--- drover (rc=%d)\n%s%s"
              % (what, arc, aout, aerr, drc, dout, derr))

    for playbook in GOOD + BAD:
        for mode in MODES:
            args = [playbook] + mode
            arc, aout, aerr = run(["ansible-playbook", "-i", "localhost,"] + args, env)
            drc, dout, derr = run([DROVER, "playbook", "-i", "localhost,"] + args, env)
            if playbook in GOOD:
                ok = arc == 0 and drc == 0 and aout == dout
            else:  # both refuse, with the same exit code, naming the module
                name = {"unrouted.yml": "cargo", "playcoll_role.yml": "cargo",
                        "typo.yml": "community.general.ufww",
                        "removed.yml": "community.general.ali_instance_facts"}[playbook]
                ok = arc != 0 and drc == arc and name in derr
            report(ok, " ".join(args), arc, aout, aerr, drc, dout, derr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
