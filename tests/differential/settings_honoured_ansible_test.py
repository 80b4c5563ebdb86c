#!/usr/bin/python3
"""ansible.cfg settings drover now honours (once warned as ignored), against
ansible-playbook 2.14 on local hosts (semantics_lib: exit code, recap,
banners, status lines and debug messages, ERROR! line):

  hash_behaviour = merge (ANSIBLE_HASH_BEHAVIOUR): dicts of the same name
  merged recursively across inventory vars, group_vars/host_vars files,
  play vars, vars_files, role defaults/vars, task vars, include_vars,
  set_fact and -e, as combine_vars folds them; a list or string between
  replaces what is below it; hostvars show the merged value; an invalid
  value is Ansible's error (rc 5); ansible-inventory --list/--host show
  the merged values.

  ansible_managed: the `ansible_managed` variable of the template module
  and the template lookup, with {file}, {host}, {uid} and strftime codes
  (the source's mtime); outside a template it is undefined.

  display_ok_hosts / display_skipped_hosts = False (the default callback's
  options): those results are not shown, nor the banner of a task none of
  whose results is shown (tasks, loops, handlers, include_tasks);
  display_failed_stderr: failures on stderr, the rest on stdout.

  become_flags ([privilege_escalation] become_flags, ANSIBLE_BECOME_FLAGS,
  ANSIBLE_SU_FLAGS): su to daemon (whose shell is nologin) works only with
  `-s /bin/sh`; ansible_become_flags wins over the setting.

  retry_files_enabled = True (and retry_files_save_path): the .retry file's
  content and place, and the "to retry" line before the recap.
"""
import json
import os
import subprocess
import sys
import tempfile

import semantics_lib

INVENTORY = """all:
  vars:
    cfg: {inv_all: 1, nested: {a: inv_all, b: inv_all}}
  children:
    web:
      vars:
        cfg: {inv_web: 1, nested: {b: inv_web}}
      hosts:
        h1: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3,
             cfg: {inv_h1: 1, nested: {c: inv_h1}}}
    db:
      hosts:
        h2: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
"""

LAYERS = {
    "hosts": INVENTORY,
    "group_vars/all.yml": "cfg: {gv_all: 1, nested: {d: gv_all}}\nlst: [1]\nhv: {all: 1, n: {a: 1}}\n",
    "group_vars/web.yml": "cfg: {gv_web: 1}\nlst: {web: 1}\n",
    "host_vars/h1.yml": "cfg: {hv_h1: 1, nested: {e: hv_h1}}\nhv: {h1: 1, n: {b: 1}}\n",
    "vf.yml": "cfg: {vars_file: 1}\n",
    "site.yml": """
- hosts: all
  gather_facts: false
  vars:
    cfg: {play: 1, nested: {f: play}}
    lst: {play: 1}
  vars_files: [vf.yml]
  tasks:
    - debug: {msg: "{{ cfg }}"}
    - debug: {msg: "{{ lst }}"}
    - debug: {msg: "{{ cfg }}"}
      vars:
        cfg: {task: 1, nested: {a: task}}
    - debug: {msg: "{{ hostvars['h1'].hv }}"}
""",
}

ROLES = {
    "roles/r/defaults/main.yml": "rc: {defaults: 1, n: {a: defaults, b: defaults}}\n",
    "roles/r/vars/main.yml": "rc: {vars: 1, n: {b: vars}}\n",
    "roles/r/tasks/main.yml": """
- debug: {msg: "{{ rc }}"}
- include_vars: {file: more.yml}
- debug: {msg: "{{ rc }}"}
- set_fact:
    rc: {set_fact: 1, n: {c: set_fact}}
- set_fact:
    rc: {set_fact2: 1}
- debug: {msg: "{{ rc }}"}
- debug: {msg: "{{ rc2 }}"}
""",
    "roles/r/vars/more.yml": "rc: {include_vars: 1, n: {d: include_vars}}\n",
    "site.yml": """
- hosts: all
  gather_facts: false
  vars:
    rc: {play: 1}
    rc2: {play: 1, n: {a: play}}
  roles:
    - r
""",
}


TEMPLATES = {
    "templates/t.j2": "# {{ ansible_managed }}\nx={{ inventory_hostname }}\n",
    "site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "{{ lookup('template', 't.j2') }}"}
    - file: {path: "{{ playbook_dir }}/out-{{ inventory_hostname }}", state: absent}
      changed_when: false
    - template: {src: t.j2, dest: "{{ playbook_dir }}/out-{{ inventory_hostname }}"}
    - debug: {msg: "{{ lookup('file', playbook_dir + '/out-' + inventory_hostname) }}"}
    - debug: {msg: "{{ ansible_managed | default('undefined here') }}"}
""",
}

DISPLAY = {
    "inc.yml": "- debug: {msg: included}\n",
    "site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: shown}
    - command: "true"
      notify: h
      when: inventory_hostname == 'h1'
    - debug: {msg: only h2}
      when: inventory_hostname == 'h2'
    - debug: {msg: never}
      when: false
    - debug: {msg: "{{ item }}"}
      loop: [1, 2]
      when: item == 2
    - command: "true"
      loop: [1, 2]
    - include_tasks: inc.yml
    - fail: {msg: boom}
      when: inventory_hostname == 'h2'
      ignore_errors: true
  handlers:
    - {name: h, debug: {msg: handler}}
""",
}


ONE_HOST = "h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"

SU = {
    "hosts": ONE_HOST,
    "site.yml": """
- hosts: all
  gather_facts: false
  become: true
  become_method: su
  become_user: daemon
  tasks:
    - command: id -un
      register: r
    - debug: {msg: "{{ r.stdout }}"}
""",
}
PRIV_FLAGS = {"ansible.cfg": "[privilege_escalation]\nbecome_flags = -s /bin/sh\n"}


def cfg(text):
    return {"ansible.cfg": "[defaults]\n" + text}


MERGE = cfg("hash_behaviour = merge\n")
EXTRA = ["-e", '{"cfg": {"extra": 1, "nested": {"g": "extra"}}, "rc2": {"extra": 1}}',
         "-e", '{"hv": {"n": {"c": 1}}, "cfg": {"extra2": 1}}']

CASES = [
    ("hash_behaviour = merge: inventory, group/host vars, play vars, vars_files, task vars",
     dict(LAYERS, **MERGE), [], {}),
    ("hash_behaviour = merge with -e", dict(LAYERS, **MERGE), EXTRA, {}),
    ("hash_behaviour = merge: role defaults/vars, include_vars, set_fact",
     dict(ROLES, **MERGE), EXTRA, {}),
    ("ANSIBLE_HASH_BEHAVIOUR=merge", LAYERS, EXTRA, {"ANSIBLE_HASH_BEHAVIOUR": "merge"}),
    ("ANSIBLE_HASH_BEHAVIOUR=replace over hash_behaviour = merge",
     dict(ROLES, **MERGE), EXTRA, {"ANSIBLE_HASH_BEHAVIOUR": "replace"}),
    ("hash_behaviour = bogus: Ansible's error", dict(LAYERS, **cfg("hash_behaviour = bogus\n")),
     [], {}),
    ("ansible_managed default", TEMPLATES, [], {}),
    ("ansible_managed = {file} on {host} by {uid}, %Y-%m-%d %H:%M",
     dict(TEMPLATES, **cfg("ansible_managed = {file} on {host} by {uid}, %Y-%m-%d %H:%M {{x}}\n")),
     [], {}),
    ("display_skipped_hosts = False", dict(DISPLAY, **cfg("display_skipped_hosts = False\n")), [], {}),
    ("display_ok_hosts = no", dict(DISPLAY, **cfg("display_ok_hosts = no\n")), [], {}),
    ("ANSIBLE_DISPLAY_OK_HOSTS=0 ANSIBLE_DISPLAY_SKIPPED_HOSTS=0", DISPLAY, [],
     {"ANSIBLE_DISPLAY_OK_HOSTS": "0", "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "0"}),
    ("ANSIBLE_DISPLAY_SKIPPED_HOSTS=1 over display_skipped_hosts = False",
     dict(DISPLAY, **cfg("display_skipped_hosts = False\n")), [],
     {"ANSIBLE_DISPLAY_SKIPPED_HOSTS": "1"}),
    ("[privilege_escalation] become_flags = -s /bin/sh (su)", dict(SU, **PRIV_FLAGS), [], {}),
    ("ANSIBLE_BECOME_FLAGS=-s /bin/sh (su)", SU, [], {"ANSIBLE_BECOME_FLAGS": "-s /bin/sh"}),
    ("ANSIBLE_SU_FLAGS=-s /bin/sh (su)", SU, [], {"ANSIBLE_SU_FLAGS": "-s /bin/sh"}),
    ("su without flags: nologin", SU, [], {}),
    ("ansible_become_flags over [privilege_escalation] become_flags", dict(SU, **PRIV_FLAGS),
     ["-e", "ansible_become_flags=-l"], {}),
]

def streams(cmd, root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(HOME=root, ANSIBLE_LOCAL_TEMP=os.path.join(root, "t"), ANSIBLE_NOCOLOR="1")
    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=120)
    shape = lambda text: sorted(l.split(" => ")[0] for l in text.splitlines()
                                if l.startswith(("fatal:", "failed:", "ok:", "...ignoring")))
    return p.returncode, shape(p.stdout), shape(p.stderr)


def failed_stderr_case():
    """display_failed_stderr: which stream each result line is on."""
    with tempfile.TemporaryDirectory() as root:
        semantics_lib.write_tree(root, {
            "hosts": semantics_lib.HOSTS,
            "ansible.cfg": "[defaults]\ndisplay_failed_stderr = True\n",
            "site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname == 'h1'
      ignore_errors: true
    - command: "false"
      loop: [1]
      when: inventory_hostname == 'h2'
"""})
        a = streams(["ansible-playbook", "-i", "hosts", "site.yml"], root)
        d = streams([semantics_lib.DROVER, "playbook", "-i", "hosts", "site.yml"], root)
    if a != d:
        print("MISMATCH display_failed_stderr (rc, stdout, stderr):\n  ansible %s\n  drover  %s"
              % (a, d))
        return 1
    print("display_failed_stderr: passed")
    return 0


def inventory_merge_case():
    """hash_behaviour = merge in ansible-inventory --list and --host."""
    with tempfile.TemporaryDirectory() as root:
        semantics_lib.write_tree(root, dict(LAYERS, **MERGE))
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
        env.update(HOME=root, ANSIBLE_LOCAL_TEMP=os.path.join(root, "t"))
        out = {}
        for tool, cmd in [("ansible", ["ansible-inventory"]),
                          ("drover", [semantics_lib.DROVER, "inventory"])]:
            lst = subprocess.run(cmd + ["-i", "hosts", "--list"], cwd=root, env=env,
                                 capture_output=True, text=True, timeout=120)
            host = subprocess.run(cmd + ["-i", "hosts", "--host", "h1"], cwd=root, env=env,
                                  capture_output=True, text=True, timeout=120)
            out[tool] = (lst.returncode, json.loads(lst.stdout or "null"),
                         json.loads(host.stdout or "null"))
    if out["ansible"] != out["drover"]:
        print("MISMATCH hash_behaviour = merge in ansible-inventory:\n  ansible %s\n  drover  %s"
              % (out["ansible"], out["drover"]))
        return 1
    print("hash_behaviour = merge, ansible-inventory: passed")
    return 0


def retry_outcome(cmd, root, retry):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(HOME=root, ANSIBLE_LOCAL_TEMP=os.path.join(root, "t"), ANSIBLE_NOCOLOR="1")
    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=120)
    text = None
    if os.path.exists(retry):
        with open(retry) as f:
            text = f.read()
        os.remove(retry)
    lines = p.stdout.splitlines()
    hint = [(l, lines[i + 1] if i + 1 < len(lines) else None, lines[i + 2] if i + 2 < len(lines) else None)
            for i, l in enumerate(lines) if "to retry" in l]
    return p.returncode, text, hint


def retry_files_case():
    """retry_files_enabled: the .retry file and the line shown."""
    rc = 0
    playbook = """
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname != 'h2'
"""
    hosts = semantics_lib.HOSTS + "h0 ansible_host=192.0.2.1 ansible_connection=ssh ansible_timeout=1\n"
    for name, conf, retry in [
            ("retry_files_enabled = True", "retry_files_enabled = True\n", "site.retry"),
            ("retry_files_save_path", "retry_files_enabled = yes\nretry_files_save_path = r/d\n",
             "r/d/site.retry"),
            ("retry files off (the default)", "", "site.retry")]:
        with tempfile.TemporaryDirectory() as root:
            semantics_lib.write_tree(root, {"hosts": hosts, "site.yml": playbook,
                                            "ansible.cfg": "[defaults]\n" + conf})
            path = os.path.join(root, retry)
            a = retry_outcome(["ansible-playbook", "-i", "hosts", "site.yml"], root, path)
            d = retry_outcome([semantics_lib.DROVER, "playbook", "-i", "hosts", "site.yml"], root,
                              path)
        if a != d:
            print("MISMATCH %s (rc, file, hint):\n  ansible %s\n  drover  %s" % (name, a, d))
            rc = 1
        else:
            print("%s: passed" % name)
    return rc


if __name__ == "__main__":
    rc = semantics_lib.main("ansible.cfg settings honoured", CASES)
    if not os.environ.get("CASE"):
        rc |= failed_stderr_case()
        rc |= retry_files_case()
        rc |= inventory_merge_case()
    sys.exit(rc)
