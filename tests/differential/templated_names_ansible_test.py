#!/usr/bin/python3
"""Templated names against ansible-playbook 2.14 (two local hosts): tags
that are templates (`tags: "{{ my_tags }}"`) with --tags/--skip-tags, a role
name in include_role, and import_playbook paths rendered with -e and the
import's own vars."""
import sys

import semantics_lib

SITE = """
- hosts: all
  gather_facts: false
  vars: {my_tags: [a, b], rname: r}
  tasks:
    - debug: {msg: tagged}
      tags: "{{ my_tags }}"
    - include_role: {name: "{{ rname }}"}
    - debug: {msg: untagged}
- import_playbook: "{{ pb | default('other.yml') }}"
- import_playbook: "{{ sub }}/third.yml"
  vars: {sub: more}
"""
FILES = {"site.yml": SITE,
         "roles/r/tasks/main.yml": "- debug: {msg: role r}\n",
         "other.yml": "- hosts: h1\n  gather_facts: false\n  tasks:\n    - debug: {msg: other}\n",
         "alt.yml": "- hosts: h2\n  gather_facts: false\n  tasks:\n    - debug: {msg: alt}\n",
         "more/third.yml": "- hosts: h1\n  gather_facts: false\n  tasks:\n    - debug: {msg: third}\n"}

CASES = [
    ("templated names, no options", FILES, [], {}),
    ("templated tags selected", FILES, ["-t", "a"], {}),
    ("templated tags skipped", FILES, ["--skip-tags", "b"], {}),
    ("import_playbook path from -e", FILES, ["-e", "pb=alt.yml"], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("templated names", CASES))
