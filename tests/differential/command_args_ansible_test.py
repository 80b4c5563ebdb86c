#!/usr/bin/python3
"""The command module's free-form arguments split as Ansible splits them
(Python's shlex.split, core/shlex.h): a backslash before $ or ` inside
double quotes is kept, quotes join words, `\\ ` escapes a space. The words
reach the program unchanged: printf shows each between brackets, through
stdout in a debug msg and the registered `cmd` list."""
import sys

import semantics_lib

PLAY = r"""
- hosts: h1
  gather_facts: false
  tasks:
    - command: printf '[%s]' "a\$b" "c\`d" 'e\f' g\ h "i\"j" "k\\l"
      register: r
    - debug: {msg: "{{ r.stdout }}"}
    - debug: {msg: "{{ r.cmd }}"}
"""

CASES = [("command arguments split as shlex.split", {"site.yml": PLAY}, [], {})]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("command arguments", CASES))
