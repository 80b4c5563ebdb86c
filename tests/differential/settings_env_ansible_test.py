#!/usr/bin/python3
"""ansible.cfg settings given only through their ANSIBLE_* environment
variables, against ansible-playbook 2.14 (two local hosts; same exit code,
recap, banners and status lines, ERROR! line): force_handlers,
gathering (explicit, smart, implicit), any_errors_fatal (and the play
keyword over it), become/become_user, strategy (free, an unknown one), run/skip tags; and the
environment over ansible.cfg as Ansible's config manager resolves it
(cli/ansible_settings.h)."""
import sys

import semantics_lib

NOTIFY_THEN_FAIL = {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: h
    - fail: {msg: boom}
      when: inventory_hostname == 'h1'
    - debug: {msg: after}
  handlers:
    - {name: h, debug: {msg: handler ran}}
"""}

TWO_PLAYS = {"site.yml": """
- hosts: all
  tasks:
    - debug: {msg: "one {{ ansible_hostname is defined }}"}
- hosts: all
  tasks:
    - debug: {msg: "two {{ ansible_hostname is defined }}"}
- hosts: h1
  gather_facts: true
  tasks:
    - debug: {msg: three}
"""}

FAIL_ONE = {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname == 'h1'
    - debug: {msg: after}
"""}

FAIL_ONE_KEYWORD_OFF = {"site.yml": """
- hosts: all
  gather_facts: false
  any_errors_fatal: false
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname == 'h1'
    - debug: {msg: after}
"""}

ONE_HOST = "h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"

TAGGED = {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - {debug: {msg: a}, tags: [a]}
    - {debug: {msg: b}, tags: [b]}
    - {debug: {msg: c}, tags: [c]}
"""}


WHO = {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      register: r
      changed_when: false
    - debug: {msg: "{{ r.stdout }}"}
"""}


def cfg(text):
    return {"ansible.cfg": "[defaults]\n" + text}


CASES = [
    ("ANSIBLE_FORCE_HANDLERS=1: the failed host's handler runs", NOTIFY_THEN_FAIL, [],
     {"ANSIBLE_FORCE_HANDLERS": "1"}),
    ("ANSIBLE_FORCE_HANDLERS=yes", NOTIFY_THEN_FAIL, [], {"ANSIBLE_FORCE_HANDLERS": "yes"}),
    ("ANSIBLE_FORCE_HANDLERS=Off over force_handlers = True in ansible.cfg",
     dict(NOTIFY_THEN_FAIL, **cfg("force_handlers = True\n")), [],
     {"ANSIBLE_FORCE_HANDLERS": "Off"}),
    ("force_handlers = on in ansible.cfg", dict(NOTIFY_THEN_FAIL, **cfg("force_handlers = on\n")),
     [], {}),
    ("ANSIBLE_GATHERING=explicit: only plays asking gather", TWO_PLAYS, [],
     {"ANSIBLE_GATHERING": "explicit"}),
    ("ANSIBLE_GATHERING=smart: once per host and run", TWO_PLAYS, [],
     {"ANSIBLE_GATHERING": "smart"}),
    ("ANSIBLE_GATHERING=implicit over gathering = explicit in ansible.cfg",
     dict(TWO_PLAYS, **cfg("gathering = explicit\n")), [], {"ANSIBLE_GATHERING": "implicit"}),
    ("ANSIBLE_ANY_ERRORS_FATAL=True: the play stops for every host", FAIL_ONE, [],
     {"ANSIBLE_ANY_ERRORS_FATAL": "True"}),
    ("ANSIBLE_ANY_ERRORS_FATAL=1 under a play's any_errors_fatal: false", FAIL_ONE_KEYWORD_OFF, [],
     {"ANSIBLE_ANY_ERRORS_FATAL": "1"}),
    ("ANSIBLE_STRATEGY=free", dict(FAIL_ONE, hosts=ONE_HOST), [], {"ANSIBLE_STRATEGY": "free"}),
    ("ANSIBLE_STRATEGY=linear over strategy = free in ansible.cfg",
     dict(FAIL_ONE, hosts=ONE_HOST, **cfg("strategy = free\n")), [],
     {"ANSIBLE_STRATEGY": "linear"}),
    ("ANSIBLE_RUN_TAGS / ANSIBLE_SKIP_TAGS", TAGGED, [],
     {"ANSIBLE_RUN_TAGS": "a,b", "ANSIBLE_SKIP_TAGS": "b"}),
    ("ANSIBLE_BECOME + ANSIBLE_BECOME_USER: the command runs as that user",
     dict(WHO, hosts=ONE_HOST), [], {"ANSIBLE_BECOME": "true", "ANSIBLE_BECOME_USER": "daemon"}),
    ("ANSIBLE_BECOME_USER without become: the login user",
     dict(WHO, hosts=ONE_HOST), [], {"ANSIBLE_BECOME_USER": "daemon"}),
    ("ANSIBLE_BECOME=false over become = true in ansible.cfg",
     dict(WHO, hosts=ONE_HOST, **{"ansible.cfg": "[privilege_escalation]\nbecome = true\nbecome_user = nobody\n"}),
     [], {"ANSIBLE_BECOME": "false"}),
    ("--tags adds to ANSIBLE_RUN_TAGS (argparse's append to its default)", TAGGED, ["--tags", "c"], {"ANSIBLE_RUN_TAGS": "a"}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("settings from the environment", CASES))
