#!/usr/bin/python3
"""The `connection` keyword (play, block, task) and `ansible_connection` in
play/task vars, against ansible-playbook 2.14. The hosts' inventory address
is a closed port on 127.0.0.1, so a task that goes over SSH is unreachable
and one that runs locally succeeds: a run that silently ignores
`connection: local` shows in the recap and the exit code. Variables win
over keywords, as in Ansible (an inventory `ansible_connection=ssh` beats
`connection: local`)."""
import sys

import semantics_lib

HOSTS = ("h1 ansible_host=127.0.0.1 ansible_port=1 ansible_python_interpreter=/usr/bin/python3\n"
         "h2 ansible_host=127.0.0.1 ansible_port=1 ansible_python_interpreter=/usr/bin/python3\n"
         "h3 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh"
         " ansible_python_interpreter=/usr/bin/python3\n")

TASKS = """
    - command: echo hi
      register: r
    - debug: msg="{{ r.stdout }}"
"""

CASES = [
    ("play connection: local", {"hosts": HOSTS, "site.yml": """
- hosts: h1,h2
  gather_facts: true
  connection: local
  tasks:""" + TASKS}, [], {}),
    ("block and task connection: local, the rest over ssh", {"hosts": HOSTS, "site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - block:""" + TASKS.replace("\n    ", "\n        ") + """
      connection: local
    - command: echo task
      connection: local
    - command: echo over ssh
"""}, [], {}),
    ("ansible_connection in play vars and task vars", {"hosts": HOSTS, "site.yml": """
- hosts: h1
  gather_facts: false
  vars: {ansible_connection: local}
  tasks:""" + TASKS + """
- hosts: h2
  gather_facts: false
  tasks:
    - command: echo task vars
      vars: {ansible_connection: local}
    - command: echo over ssh
"""}, [], {}),
    ("inventory ansible_connection beats the keyword", {"hosts": HOSTS, "site.yml": """
- hosts: h3
  gather_facts: false
  connection: local
  tasks:""" + TASKS}, [], {}),
    ("-c local on the command line", {"hosts": HOSTS, "site.yml": """
- hosts: h1
  gather_facts: false
  tasks:""" + TASKS}, ["-c", "local"], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("connection keyword", CASES))
