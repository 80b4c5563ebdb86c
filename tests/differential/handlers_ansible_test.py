#!/usr/bin/python3
"""Handlers against ansible-playbook 2.14 (two local hosts): block-level
notify, every listener of a topic, handlers from import_tasks, handlers
notifying handlers (one pass in handler order per flush), templated notify
names, notifying a missing handler, force_handlers from the play, the
command line, ansible.cfg and the environment, include_tasks in a handler,
and flush_handlers in rescue/always."""
import sys

import semantics_lib

CHANGED = "command: 'true'"

CASES = [
    ("block notify, listen topics, templated names", {"site.yml": """
- hosts: all
  gather_facts: false
  vars: {which: hT}
  tasks:
    - block:
        - command: "true"
        - command: "true"
          notify: hOwn
      notify: hBlock
    - command: "true"
      notify: topic
    - command: "true"
      notify: "{{ which }}"
    - fail:
      when: inventory_hostname == 'h2'
  handlers:
    - {name: hBlock, debug: {msg: block}}
    - {name: hOwn, debug: {msg: own}}
    - {name: hB, debug: {msg: B}, listen: topic}
    - {name: hC, debug: {msg: C}, listen: [other, topic]}
    - {name: hT, debug: {msg: templated}}
"""}, [], {}),
    ("a loop notifies per changed item, names templated with the item", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      loop: [a, b, c]
      changed_when: item != 'b'
      notify: [common, "restart {{ item }}"]
  handlers:
    - {name: common, debug: {msg: common}}
    - {name: restart a, debug: {msg: a}}
    - {name: restart b, debug: {msg: b}}
    - {name: restart c, debug: {msg: c}}
"""}, [], {}),
    ("handlers from import_tasks and include_tasks in a handler", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: [imported one, includer]
  handlers:
    - import_tasks: h.yml
    - name: includer
      include_tasks: inc.yml
""", "h.yml": """
- {name: imported one, debug: {msg: imp1}}
- {name: imported two, debug: {msg: imp2}}
""", "inc.yml": """
- debug: {msg: "included {{ inventory_hostname }}"}
- command: "true"
"""}, [], {}),
    ("handlers notifying handlers", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: second
    - meta: flush_handlers
    - debug: {msg: between}
  post_tasks:
    - command: "true"
      notify: first
  handlers:
    - name: first
      command: "true"
      notify: third
    - name: second
      command: "true"
      notify: [first, third]
    - name: third
      debug: {msg: third}
"""}, [], {}),
    ("notifying a missing handler from a changed task", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      changed_when: false
      notify: nowhere
    - command: "true"
      notify: nowhere
    - debug: {msg: after}
  handlers:
    - {name: somewhere, debug: {msg: x}}
"""}, [], {}),
    ("force_handlers play keyword", {"site.yml": """
- hosts: all
  gather_facts: false
  force_handlers: true
  tasks:
    - command: "true"
      notify: h
    - fail:
      when: inventory_hostname == 'h2'
  handlers:
    - {name: h, debug: {msg: forced}}
"""}, [], {}),
]

NOT_FORCED = """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: h
    - fail:
      when: inventory_hostname == 'h2'
    - debug: {msg: next}
  handlers:
    - {name: h, debug: {msg: maybe forced}}
"""
CASES += [
    ("handlers of failed hosts do not run", {"site.yml": NOT_FORCED}, [], {}),
    ("--force-handlers", {"site.yml": NOT_FORCED}, ["--force-handlers"], {}),
    ("ANSIBLE_FORCE_HANDLERS", {"site.yml": NOT_FORCED}, [], {"ANSIBLE_FORCE_HANDLERS": "true"}),
    ("ansible.cfg force_handlers", {"site.yml": NOT_FORCED,
                                    "ansible.cfg": "[defaults]\nforce_handlers = True\n"}, [], {}),
    ("flush_handlers in rescue and always", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: "true"
          notify: h
        - fail:
          when: inventory_hostname == 'h2'
      rescue:
        - meta: flush_handlers
        - debug: {msg: rescued}
      always:
        - command: "true"
          notify: h2
        - meta: flush_handlers
    - debug: {msg: after}
  handlers:
    - {name: h, debug: {msg: h}}
    - {name: h2, debug: {msg: h2}}
"""}, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("handlers", CASES))
