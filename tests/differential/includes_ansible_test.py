#!/usr/bin/python3
"""Include failures, include tags, import_playbook names and now() against
ansible-playbook 2.14 (two local hosts): a missing include_tasks file or
include_role role fails that host only (exit 2, the others go on); tags on include_tasks select the
include, not its tasks (`apply` passes them down); a named import_playbook
does not rename the imported plays (run banners and --list-tasks);
now().strftime with Python's %f; -vv META: lines."""
import os
import subprocess
import sys
import tempfile

import semantics_lib

INCLUDES = """
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: {file: "{{ 'missing.yml' if inventory_hostname == 'h1' else 'ok.yml' }}"}
    - debug: {msg: after}
    - include_tasks: ok.yml
      tags: [t1]
    - include_tasks:
        file: ok.yml
        apply: {tags: [t1]}
      tags: [t1]
"""
IMPORTS = """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "{{ now().strftime('%f') | length }} {{ now(utc=true).strftime('%Y-%m-%d%z%Z') | length }}"}
- name: imported
  import_playbook: other.yml
"""
OTHER = """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: two}
- hosts: h1
  name: named
  gather_facts: false
  tasks: [{debug: {msg: x}}]
"""
MISSING_ROLE = """
- hosts: all
  gather_facts: false
  tasks:
    - include_role: {name: "{{ 'nosuchrole' if inventory_hostname == 'h2' else 'r' }}"}
    - debug: {msg: after}
"""
FILES = {"site.yml": INCLUDES, "ok.yml": "- debug: {msg: ok}\n"}
IMPORT_FILES = {"site.yml": IMPORTS, "other.yml": OTHER}

CASES = [
    ("missing include_tasks file fails that host", FILES, [], {}),
    ("tags on include_tasks select the include only", FILES, ["-t", "t1"], {}),
    ("named import_playbook and now() %f", IMPORT_FILES, [], {}),
    ("missing include_role fails that host", {"site.yml": MISSING_ROLE,
                                              "roles/r/tasks/main.yml": "- debug: {msg: role}\n"},
     [], {}),
]


def listing_matches():
    """--list-tasks of the named import_playbook, byte for byte."""
    drover = os.path.abspath(os.environ.get("DROVER", "build/drover"))
    with tempfile.TemporaryDirectory() as root:
        semantics_lib.write_tree(root, dict({"hosts": semantics_lib.HOSTS}, **IMPORT_FILES))
        env = dict(os.environ, HOME=root, ANSIBLE_NOCOLOR="1")
        outs = [subprocess.run(cmd + ["-i", "hosts", "site.yml", "--list-tasks"], cwd=root, env=env,
                               capture_output=True, text=True, timeout=120).stdout
                for cmd in (["ansible-playbook"], [drover, "playbook"])]
    if outs[0] != outs[1] or "play #2 (all): all" not in outs[0]:
        print("MISMATCH --list-tasks:\n--- ansible\n%s--- drover\n%s" % tuple(outs))
        return False
    return True


METAS = """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: a}
      changed_when: true
      notify: h
    - meta: flush_handlers
    - meta: flush_handlers
      when: false
    - meta: noop
    - meta: noop
      when: false
    - meta: clear_facts
    - meta: clear_facts
      when: false
    - meta: end_play
      when: false
    - meta: refresh_inventory
    - meta: end_host
      when: inventory_hostname == 'h2'
    - meta: clear_host_errors
    - meta: end_play
  handlers:
    - name: h
      debug: {msg: handler}
"""


def meta_lines_match():
    """-vv: the banners, META: lines and skipping lines in order (a meta
    skipped by its `when`: META line with the skip reason, then skipping)."""
    drover = os.path.abspath(os.environ.get("DROVER", "build/drover"))
    with tempfile.TemporaryDirectory() as root:
        semantics_lib.write_tree(root, {"hosts": semantics_lib.HOSTS, "site.yml": METAS})
        env = dict(os.environ, HOME=root, ANSIBLE_NOCOLOR="1")
        outs = []
        for cmd in (["ansible-playbook"], [drover, "playbook"]):
            out = subprocess.run(cmd + ["-i", "hosts", "site.yml", "-vv"], cwd=root, env=env,
                                 capture_output=True, text=True, timeout=120).stdout
            outs.append([l for l in out.splitlines()
                         if l.startswith(("META:", "TASK [", "RUNNING HANDLER [", "skipping:"))])
    if outs[0] != outs[1] or not any(l.startswith("META: ") for l in outs[0]):
        print("MISMATCH -vv META lines:\n--- ansible\n%s\n--- drover\n%s" %
              ("\n".join(outs[0]), "\n".join(outs[1])))
        return False
    return True


if __name__ == "__main__":
    rc = semantics_lib.main("includes", CASES)
    ok = listing_matches()
    print("includes --list-tasks: %s" % ("passed" if ok else "failed"))
    meta_ok = meta_lines_match()
    print("includes -vv META lines: %s" % ("passed" if meta_ok else "failed"))
    sys.exit(rc or (0 if ok and meta_ok else 1))
