#!/usr/bin/python3
"""Errors and rescue against ansible-playbook 2.14 (two local hosts, and a
third whose SSH port is closed): any_errors_fatal with rescue and always
(recap and exit code), ansible_failed_task / ansible_failed_result in
rescue, ignore_unreachable, meta: clear_host_errors, and
ansible_play_hosts without the failed hosts."""
import sys

import semantics_lib

HOSTS3 = semantics_lib.HOSTS + ("h3 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh"
                                " ansible_python_interpreter=/usr/bin/python3\n")

CASES = [
    ("any_errors_fatal with rescue and always", {"site.yml": """
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - fail: {msg: boom}
          when: inventory_hostname == 'h2'
        - debug: {msg: in block}
      rescue:
        - debug: {msg: rescued}
      always:
        - debug: {msg: always}
    - debug: {msg: after the rescued block}
    - block:
        - fail: {msg: again}
          when: inventory_hostname == 'h2'
      always:
        - debug: {msg: always without rescue}
    - debug: {msg: never}
"""}, [], {}),
    ("ansible_failed_task and ansible_failed_result", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: the failing one
          command: /bin/false
      rescue:
        - debug: {msg: "{{ ansible_failed_task.name }} {{ ansible_failed_result.rc }}"}
        - debug: {msg: "{{ ansible_failed_result.failed }} {{ ansible_failed_task.action }}"}
"""}, [], {}),
    ("ignore_unreachable", {"hosts": HOSTS3, "site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: echo one
      ignore_unreachable: true
    - debug: {msg: "still here"}
    - command: echo two
    - debug: {msg: "not h3"}
"""}, [], {}),
    ("meta: clear_host_errors", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: down}
      when: inventory_hostname == 'h2'
    - debug: {msg: "{{ ansible_play_hosts }} {{ ansible_play_hosts_all }} {{ ansible_play_batch }}"}
    - meta: clear_host_errors
    - debug: {msg: "after clear {{ ansible_play_hosts }}"}
"""}, [], {}),
    ("ansible_play_hosts drops failed hosts", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: down}
      when: inventory_hostname == 'h1'
    - debug: {msg: "{{ ansible_play_hosts }} {{ ansible_play_hosts_all }} {{ play_hosts }}"}
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "next play {{ ansible_play_hosts }} {{ ansible_play_hosts_all }}"}
"""}, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("errors and rescue", CASES))
