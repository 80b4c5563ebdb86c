#!/usr/bin/python3
"""Differential test: `drover playbook --list-tasks/--list-tags/--list-hosts` against
ansible-playbook 2.14 on playbooks with roles, dependencies, imports, blocks
and tags, under several --tags/--skip-tags selections. Ansible prints a
play's tags from a Python set (unordered), so tag lists are compared sorted."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "listing")
DROVER = os.environ.get("DROVER", "build/drover")

SELECTIONS = [
    [],
    ["--tags", "m2,blk"],
    ["--tags", "never"],
    ["--tags", "debug"],
    ["--tags", "tagged"],
    ["--tags", "untagged"],
    ["--skip-tags", "always"],
    ["--skip-tags", "webrole,imp"],
    ["--tags", "all", "--skip-tags", "deep"],
    ["--skip-tags", "all"],
    ["--tags", "inner,solo"],
]


def sort_host_blocks(text):
    """Ansible prints a play's hosts from a set: compare them sorted."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].startswith("    hosts ("):
            j = i + 1
            while j < len(lines) and lines[j].startswith("      "):
                j += 1
            out.extend(sorted(lines[i + 1:j]))
            i = j
            continue
        i += 1
    return "\n".join(out)


def normalize(text):
    def sort_tags(m):
        tags = [t.strip() for t in re.split(r"[ ,]+", m.group(1)) if t.strip()]
        return "TAGS: [" + ", ".join(sorted(tags)) + "]"
    return sort_host_blocks(re.sub(r"TAGS: \[([^\]]*)\]", sort_tags, text))


def run(cmd, env):
    p = subprocess.run(cmd, cwd=FIXTURES, capture_output=True, text=True, env=env)
    return p.returncode, normalize(p.stdout), p.stderr


def main():
    home = tempfile.mkdtemp()
    env = dict(os.environ, HOME=home, ANSIBLE_LOCAL_TEMP=os.path.join(home, "tmp"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
    passed = failed = 0
    for playbook in ["site.yml", "tagged.yml", "dynamic.yml"]:
        for listing in ["--list-tasks", "--list-tags"]:
            for sel in SELECTIONS:
                args = [playbook, listing] + sel
                arc, aout, aerr = run(["ansible-playbook", "-i", "localhost,"] + args, env)
                drc, dout, derr = run([DROVER, "playbook", "-i", "localhost,"] + args, env)
                if arc == 0 and drc == 0 and aout == dout:
                    passed += 1
                else:
                    failed += 1
                    print("MISMATCH: %s\n--- ansible (rc=%d)\n%s%s\n--- drover (rc=%d)\n%s%s"
                          % (" ".join(args), arc, aout, aerr, drc, dout, derr))
    # --list-hosts with a real inventory, patterns and --limit.
    for playbook in ["site.yml", "tagged.yml"]:
        for extra in [[], ["--limit", "w*"], ["--limit", "prod:!db"]]:
            args = [playbook, "--list-hosts"] + extra
            arc, aout, aerr = run(["ansible-playbook", "-i", "hosts"] + args, env)
            drc, dout, derr = run([DROVER, "playbook", "-i", "hosts"] + args, env)
            if arc == 0 and drc == 0 and aout == dout:
                passed += 1
            else:
                failed += 1
                print("MISMATCH: %s\n--- ansible (rc=%d)\n%s%s\n--- drover (rc=%d)\n%s%s"
                      % (" ".join(args), arc, aout, aerr, drc, dout, derr))
    print("listing vs ansible-playbook: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
