#!/usr/bin/python3
"""Delegation against ansible-playbook 2.14: setup and gather_facts with
delegate_to run on the delegate (the play's host h3 has a closed SSH port,
so a run on it would be unreachable), delegate_facts; hostvars holds every
inventory host, not only the play's, and the implicit localhost only as
Ansible has it."""
import sys

import semantics_lib

HOSTS3 = semantics_lib.HOSTS + ("h3 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh"
                                " ansible_python_interpreter=/usr/bin/python3\n"
                                "[web]\nh1\n[db]\nh2 dbport=5432\n")

CASES = [
    ("setup and gather_facts delegated", {"hosts": HOSTS3, "site.yml": """
- hosts: h3
  gather_facts: false
  tasks:
    - setup: {gather_subset: [min]}
      delegate_to: h1
    - debug: {msg: "{{ ansible_facts.system | default('none') }}"}
    - gather_facts:
      delegate_to: h2
    - debug: {msg: "{{ ansible_facts.os_family | default('none') }}"}
    - setup: {filter: ansible_system}
      delegate_to: h1
      delegate_facts: true
    - debug: {msg: "{{ hostvars.h1.ansible_facts.system | default('none') }} {{ hostvars.h1.ansible_system | default('none') }}"}
    - setup:
      delegate_to: localhost
      register: r
    - debug: {msg: "{{ r.ansible_facts.ansible_system }}"}
"""}, [], {}),
    ("hostvars holds every inventory host", {"hosts": HOSTS3, "site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ hostvars.keys() | list | sort }}"}
    - debug: {msg: "{{ hostvars.h2.dbport }} {{ hostvars['h3'].ansible_port }} {{ hostvars.h2.group_names }}"}
    - debug: {msg: "{{ 'localhost' in hostvars }} {{ hostvars.localhost is defined }}"}
    - debug: {msg: "{{ hostvars.h2.inventory_hostname }} {{ groups.db }}"}
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: {msg: "{{ hostvars.keys() | list | sort }} {{ 'localhost' in hostvars }}"}
    - debug: {msg: "{{ hostvars.h1.group_names }} {{ hostvars.localhost.inventory_hostname }}"}
- hosts: h2
  gather_facts: false
  tasks:
    - debug: {msg: "{{ hostvars.keys() | list | sort }} {{ hostvars.localhost.inventory_hostname | default('gone') }}"}
"""}, [], {}),
    ("hostvars of a host with set_fact in another play", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - set_fact: {only_h1: set}
- hosts: h2
  gather_facts: false
  tasks:
    - debug: {msg: "{{ hostvars.h1.only_h1 }} {{ hostvars.h1.ansible_connection }}"}
"""}, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("delegation", CASES))
