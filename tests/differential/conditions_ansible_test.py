#!/usr/bin/python3
"""Conditions and facts against ansible-playbook 2.14 (two local hosts):
`when` as a list on include_tasks and include_role, set_fact turning
"false"/"yes"/... into booleans, a loop over an undefined variable under a
false `when`, and run_once on an include."""
import sys

import semantics_lib

CASES = [
    ("when as a list on include_tasks and include_role", {"site.yml": """
- hosts: all
  gather_facts: false
  vars: {yes_var: true, no_var: false}
  tasks:
    - include_tasks: inc.yml
      when: [yes_var, no_var]
    - include_tasks: inc.yml
      when: [yes_var, "inventory_hostname == 'h1'"]
    - include_role: {name: r}
      when: [yes_var, no_var]
    - include_role: {name: r}
      when: [yes_var, "inventory_hostname == 'h2'"]
""", "inc.yml": "- debug: {msg: included}\n",
        "roles/r/tasks/main.yml": "- debug: {msg: role ran}\n"}, [], {}),
    ("set_fact strings that are booleans", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - set_fact: flag=false other=yes word=maybe
    - set_fact:
        quoted: "no"
        templated: "{{ 'true' }}"
    - debug: {msg: "{{ flag is sameas false }} {{ other is sameas true }} {{ word }}"}
    - debug: {msg: "{{ quoted | type_debug }} {{ templated | type_debug }}"}
    - debug: {msg: not flag}
      when: not flag
"""}, [], {}),
    ("loop over an undefined variable under a false when", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "{{ item }}"}
      loop: "{{ nowhere_defined }}"
      when: false
    - debug: {msg: "{{ item }}"}
      with_items: "{{ also_undefined }}"
      when: inventory_hostname == 'nobody'
    - debug: {msg: after}
"""}, [], {}),
    ("run_once on an include", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: once.yml
      run_once: true
    - debug: {msg: "{{ marker | default('unset') }}"}
""", "once.yml": """
- set_fact: {marker: "set on {{ inventory_hostname }}"}
- debug: {msg: "inside {{ inventory_hostname }}"}
"""}, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("conditions and facts", CASES))
