#!/usr/bin/python3
"""Templated names against ansible-playbook 2.14 (two local hosts): tags
that are templates (`tags: "{{ my_tags }}"`) with --tags/--skip-tags, a role
name in include_role, and import_playbook paths rendered with -e and the
import's own vars; module names (`action: "{{ mod }}"`), role names in
roles:/import_role, play strategy (also ANSIBLE_STRATEGY and ansible.cfg),
task banners and handler names."""
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

# Module names that are templates: play vars, host vars (a different module
# per host), -e, a name that resolves to nothing (the host fails), an FQCN,
# local_action, loops, an include rendered at run time (fails the host).
HOSTS_MOD = ("h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 hostmod=debug\n"
             "h2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 hostmod=set_fact\n")
ACTIONS = """
- hosts: all
  gather_facts: false
  vars: {mod: debug}
  tasks:
    - action: "{{ mod }}"
      args: {msg: play var}
    - name: "per host {{ inventory_hostname }}"
      action: "{{ hostmod }}"
      args: {msg: hi}
    - action: "{{ 'nosuchmod' }}"
      args: {msg: hi}
      ignore_errors: true
    - action: "{{ 'ansible.builtin.debug' }} msg=fq"
    - local_action: "{{ mod }} msg=local"
    - action: {module: "{{ mod }}", msg: "{{ item }}"}
      loop: [1, 2]
      when: item == 2
    - action: "{{ 'include_tasks' }} file=inc.yml"
      ignore_errors: true
    - action: "{{ emod | default('debug') }} msg=extra"
    - action: "{{ 'command' }}"
      args: {_raw_params: "true"}
"""
# Role names, strategy, handler names rendered with the play's vars; listen
# topics are not rendered (a templated notify does not reach them).
PLAY_NAMES = """
- hosts: all
  gather_facts: false
  strategy: "{{ strat }}"
  vars: {r: ra, strat: linear, hname: "hello {{ suffix }}", suffix: world}
  roles:
    - "{{ r }}"
    - role: "{{ rb_name | default('rb') }}"
  tasks:
    - import_role: {name: "{{ r }}"}
    - name: "named {{ suffix }} {{ nosuch }}"
      command: "true"
      notify: [hello world]
    - name: "item {{ item }} stays"
      debug: {msg: "{{ item }}"}
      loop: [1]
    - command: "true"
      notify: "{{ hname }}"
  handlers:
    - name: "{{ hname }}"
      debug: {msg: handler1}
    - name: other
      listen: "{{ hname }}"
      debug: {msg: handler2}
"""
NAMES_FILES = {"site.yml": PLAY_NAMES,
               "roles/ra/tasks/main.yml": "- debug: {msg: ra}\n",
               "roles/rb/tasks/main.yml": "- debug: {msg: rb}\n"}
UNDEFINED_ROLE = "- hosts: all\n  gather_facts: false\n  roles: ['{{ nosuch }}']\n"
BAD_STRATEGY = ("- hosts: all\n  gather_facts: false\n  strategy: '{{ s }}'\n  vars: {s: bogus}\n"
                "  tasks:\n    - debug: {msg: x}\n")
UNDEFINED_ACTION = ("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: before}\n"
                    "    - action: '{{ nosuch }}'\n      args: {msg: x}\n")
FREE_FORM = ("- hosts: all\n  gather_facts: false\n  vars: {m: command}\n  tasks:\n"
             "    - action: '{{ m }} echo hi'\n")
# Under free, h2 runs its second task while h1 still sleeps in its first.
STRATEGY_ENV = ("- hosts: all\n  gather_facts: false\n  tasks:\n"
                "    - {command: sleep 2, when: inventory_hostname == 'h1'}\n"
                "    - debug: {msg: two}\n")

# `vars` as a list of mappings (later ones win) on the play, a task and a
# block; a handler name templated from such play vars.
LIST_VARS = """
- hosts: h1
  gather_facts: false
  vars:
    - svc: web
    - svc: app
      other: x
  tasks:
    - debug: msg="{{ svc }} {{ a }} {{ b }} {{ other }}"
      vars:
        - a: 1
        - b: 2
      changed_when: true
      notify: restart app
    - block:
        - debug: msg="{{ c }}"
      vars:
        - c: 3
        - c: 4
    - include_tasks: inc.yml
      vars:
        - d: 5
  handlers:
    - name: "restart {{ svc }}"
      debug: msg="handler for {{ svc }}"
"""

CASES = [
    ("vars as a list of mappings (handler names too)",
     {"site.yml": LIST_VARS, "inc.yml": "- debug: msg=\"{{ d }}\"\n"}, [], {}),
    ("templated module names", {"site.yml": ACTIONS, "hosts": HOSTS_MOD,
                                "inc.yml": "- debug: {msg: included}\n"}, [], {}),
    ("templated module name from -e", {"site.yml": ACTIONS, "hosts": HOSTS_MOD,
                                       "inc.yml": "- debug: {msg: included}\n"},
     ["-e", "emod=ansible.builtin.debug"], {}),
    ("templated module name undefined stops the run", {"site.yml": UNDEFINED_ACTION}, [], {}),
    ("templated module name with free-form words", {"site.yml": FREE_FORM}, [], {}),
    ("templated role, strategy and handler names", NAMES_FILES, [], {}),
    ("templated role from -e, deduplicated", NAMES_FILES, ["-e", "r=rb"], {}),
    ("templated role name undefined", {"site.yml": UNDEFINED_ROLE}, [], {}),
    ("templated strategy invalid", {"site.yml": BAD_STRATEGY}, [], {}),
    ("ANSIBLE_STRATEGY=free", {"site.yml": STRATEGY_ENV}, [], {"ANSIBLE_STRATEGY": "free"}),
    ("ANSIBLE_STRATEGY=linear", {"site.yml": STRATEGY_ENV}, [], {"ANSIBLE_STRATEGY": "linear"}),
    ("ANSIBLE_STRATEGY invalid", {"site.yml": STRATEGY_ENV}, [], {"ANSIBLE_STRATEGY": "bogus"}),
    ("ansible.cfg strategy", {"site.yml": STRATEGY_ENV,
                              "ansible.cfg": "[defaults]\nstrategy = bogus\n"}, [], {}),

    ("templated names, no options", FILES, [], {}),
    ("templated tags selected", FILES, ["-t", "a"], {}),
    ("templated tags skipped", FILES, ["--skip-tags", "b"], {}),
    ("import_playbook path from -e", FILES, ["-e", "pb=alt.yml"], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("templated names", CASES))
