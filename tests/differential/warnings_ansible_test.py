#!/usr/bin/python3
"""Warnings, deprecations and the deprecated `include` against
ansible-playbook 2.14 (two local hosts), exact lines:

  - stderr: every [WARNING]/[DEPRECATION WARNING]/ERROR! record (a record is
    its first line and the wrapped lines after it; records sorted, as two
    hosts warn in either order) -- Ansible writes them to stderr, wrapped by
    textwrap to 79 columns;
  - stdout: every line, in order, except that the lines of each paragraph
    (between blank lines) are sorted (hosts answer in either order);
  - the exit code.

Cases: jinja2 delimiters in when/changed_when/failed_when/until/assert that
(once per host and task, per item loop too, long texts wrapped), the
deprecated `include` (its deprecation once; static when not templated,
without loop, not under a dynamic include: tags and when pass to its tasks,
--tags selects them, --list-tasks lists them; dynamic otherwise: the
`included:` line, run whatever --tags says, its other arguments its tasks'
variables; a looped include is left out (stdout_callbacks_ansible_test.sh
compares the per-item `included:` lines of a looped include_tasks),
deprecation_warnings off, a lookup's warning, a --limit
part matching nothing, an unknown become_method (each host fails with
Ansible's message), the empty-inventory warning.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

DROVER = os.path.abspath(os.environ.get("DROVER", "build/drover"))
HOSTS = ("h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
         "h2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")

WHEN = """
- hosts: all
  gather_facts: false
  vars: {v: 1}
  tasks:
    - debug: msg=a
      when: "{{ v == 1 }}"
    - debug: msg=b
      when: ["{{ v == 1 }}", "v == 1"]
    - debug: msg=c
      changed_when: "{{ false }}"
      failed_when: "{{ false }}"
    - command: "true"
      register: r
      until: "{{ r.rc == 0 }}"
      changed_when: false
    - debug: msg={{ item }}
      loop: [1, 2, 3]
      when: "{{ item > 1 }}"
    - assert:
        that: ["{{ v == 1 }}"]
    - block:
        - debug: msg=in-block
      when: "{% if v == 1 %}True{% endif %}"
    - debug: msg=long
      when: "{{ v == 1 }} and {{ 'very long text here to make it wrap around the eighty column limit' | length > 0 }}"
"""

INCLUDE = """
- hosts: all
  gather_facts: false
  vars: {fname: inc}
  tasks:
    - include: inc.yml
      vars: {x: 2}
      tags: [t1]
      when: inventory_hostname == 'h1'
    - include: inc.yml x=3
    - include: "{{ fname }}.yml"
    - include_tasks: outer.yml
    - debug: msg=untagged
"""
INC = """
- debug: msg="in inc {{ x | default('nox') }}"
- debug: msg="second {{ x | default('nox') }}"
"""
OUTER = """
- include: inc.yml x=9
"""


def cases():
    yield "when delimiters", {"site.yml": WHEN}, [], {}
    inc = {"site.yml": INCLUDE, "inc.yml": INC, "outer.yml": OUTER}
    yield "include", inc, [], {}
    yield "include --tags t1", inc, ["--tags", "t1"], {}
    yield "include --list-tasks", inc, ["--list-tasks"], {}
    yield "include, deprecations off", inc, [], {"ANSIBLE_DEPRECATION_WARNINGS": "0"}
    yield "lookup warning", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="{{ lookup('file', 'missing.txt', errors='warn') }}"
"""}, [], {}
    one = {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=one
"""}
    yield "limit part matches nothing", one, ["--limit", "nomatch,h1"], {}
    yield "limit matches nothing", one, ["--limit", "nomatch"], {}
    yield "unknown become_method", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      become: true
      become_method: nosuch
    - debug: msg=not-reached
"""}, [], {}
    yield "empty inventory", dict(one, hosts=""), [], {}


RECORD = re.compile(r"^(\[WARNING\]|\[DEPRECATION WARNING\]|ERROR!)")


def records(err):
    out = []
    for line in err.splitlines():
        if RECORD.match(line) or not out:
            out.append(line)
        else:
            out[-1] += "\n" + line
    return sorted(out)


def paragraphs(out):
    paras, cur = [], []
    for line in out.splitlines():
        if line == "":
            paras.append(sorted(cur))
            cur = []
        else:
            cur.append(line)
    paras.append(sorted(cur))
    return paras


def normalize(text, root):
    """The project's path masked; an `included:` line's hosts sorted
    (Ansible names them in the order their results came)."""
    text = text.replace(root, "ROOT")
    text = re.sub(r"^(included: \S+ for )(.*)$",
                  lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))), text,
                  flags=re.M)
    return text


def run(cmd, root, env):
    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, normalize(p.stdout, root), normalize(p.stderr, root)


def main():
    tmp = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(HOME=tmp, ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "t"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_RETRY_FILES_ENABLED="0")
    only = os.environ.get("CASE")
    passed = failed = 0
    for name, files, args, extra in cases():
        if only and only not in name:
            continue
        root = os.path.join(tmp, "p")
        shutil.rmtree(root, ignore_errors=True)
        for path, text in dict({"hosts": HOSTS}, **files).items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        e = dict(env, **extra)
        arc, aout, aerr = run(["ansible-playbook", "-i", "hosts", "site.yml"] + args, root, e)
        # drover without ANSIBLE_LOCAL_TEMP (Ansible's scratch directory), which it
        # would name in its "no effect in drover" warning.
        de = {k: v for k, v in e.items() if k != "ANSIBLE_LOCAL_TEMP"}
        drc, dout, derr = run([DROVER, "playbook", "--no-progress", "-i", "hosts", "site.yml"] + args,
                              root, de)
        diffs = []
        if arc != drc:
            diffs.append("exit code: ansible %d, drover %d" % (arc, drc))
        if records(aerr) != records(derr):
            diffs.append("stderr:\n--- ansible\n%s\n--- drover\n%s" % (aerr, derr))
        if paragraphs(aout) != paragraphs(dout):
            diffs.append("stdout:\n--- ansible\n%s\n--- drover\n%s" % (aout, dout))
        if diffs:
            failed += 1
            print("MISMATCH %s:\n  %s" % (name, "\n  ".join(diffs)))
        else:
            passed += 1
    shutil.rmtree(tmp)
    print("warnings: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
