#!/usr/bin/python3
"""Roles against ansible-playbook 2.14 (two local hosts): defaults/main/ and
vars/main/ directories, vault-encrypted role vars and defaults, role
de-duplication (roles:, dependencies, import_role, include_role,
allow_duplicates) and where vars_files are looked up."""
import os
import subprocess
import sys
import tempfile

import semantics_lib

PASSWORD = "s17-role-vault\n"


def vaulted(text):
    """`text` encrypted by ansible-vault with PASSWORD."""
    with tempfile.TemporaryDirectory() as d:
        pw, f = os.path.join(d, "pw"), os.path.join(d, "f.yml")
        for path, body in ((pw, PASSWORD), (f, text)):
            with open(path, "w") as out:
                out.write(body)
        subprocess.run(["ansible-vault", "encrypt", "--vault-password-file", pw, f], check=True,
                       capture_output=True, env=dict(os.environ, HOME=d))
        with open(f) as enc:
            return enc.read()


SHOW = "- debug: {msg: \"{{ inventory_hostname }} ran {{ role_name }} {{ p | default('-') }}\"}\n"

CASES = [
    ("defaults/main and vars/main directories", {"site.yml": """
- hosts: all
  gather_facts: false
  roles: [dirs, filewins]
  tasks:
    - include_role: {name: dirs, vars_from: extra, defaults_from: extra}
""", "roles/dirs/defaults/main/a.yml": "a: 1\nshared: from_a\nover: default\n",
        "roles/dirs/defaults/main/b.yaml": "b: 2\nshared: from_b\n",
        "roles/dirs/defaults/main/sub/c.yml": "c: 3\nshared: from_sub_c\n",
        "roles/dirs/defaults/main/skip.txt": "skipped: 1\n",
        "roles/dirs/defaults/main/noext": "noext: yes\n",
        "roles/dirs/vars/main/x.yml": "x: 1\nover: from_x\n",
        "roles/dirs/vars/main/y.json": "{\"y\": 2, \"over\": \"from_y\"}\n",
        "roles/dirs/vars/extra/e.yml": "from_extra_dir: yes\n",
        "roles/dirs/defaults/extra.yml": "extra_default: yes\n",
        "roles/dirs/tasks/main.yml": """
- debug:
    msg: "{{ a }} {{ b }} {{ c }} {{ shared }} {{ over }} {{ x }} {{ y }} {{ noext }} {{ skipped | default('none') }} {{ from_extra_dir | default('n') }} {{ extra_default | default('n') }}"
""",
        "roles/filewins/vars/main.yml": "which: file\n",
        "roles/filewins/vars/main/d.yml": "which: dir\n",
        "roles/filewins/tasks/main.yml": "- debug: {msg: \"{{ which }}\"}\n"}, [], {}),
    ("vault-encrypted role vars and defaults", {"site.yml": """
- hosts: h1
  gather_facts: false
  roles: [v]
""", "pw": PASSWORD,
        "roles/v/vars/main.yml": vaulted("enc_var: vault\n"),
        "roles/v/defaults/main.yml": vaulted("enc_default: yes\nenc_number: 7\n"),
        "roles/v/tasks/main.yml": "- debug: {msg: \"{{ enc_var == 'vault' }} {{ enc_default }} {{ enc_number + 1 }}\"}\n"},
     ["--vault-password-file", "pw"], {}),
    ("roles: and dependencies dedupe by name and parameters", {"site.yml": """
- hosts: all
  gather_facts: false
  roles:
    - r
    - r
    - {role: r, p: 1}
    - {role: r, p: 1}
    - {role: r, p: 2}
    - a
    - b
    - dup
    - dup
    - {role: r, tags: [t]}
    - {role: r, when: "inventory_hostname == 'h1'", p: 3}
    - {role: r, when: "inventory_hostname == 'h1'", p: 3}
""", "roles/r/tasks/main.yml": SHOW,
        "roles/a/meta/main.yml": "dependencies: [common]\n",
        "roles/a/tasks/main.yml": SHOW,
        "roles/b/meta/main.yml": "dependencies: [common, {role: common, p: 9}]\n",
        "roles/b/tasks/main.yml": SHOW,
        "roles/common/tasks/main.yml": SHOW,
        "roles/dup/meta/main.yml": "allow_duplicates: true\n",
        "roles/dup/tasks/main.yml": SHOW}, [], {}),
    ("import_role and include_role duplicates", {"site.yml": """
- hosts: all
  gather_facts: false
  roles: [r]
  tasks:
    - import_role: {name: r}
    - import_role: {name: r}
    - import_role: {name: r, allow_duplicates: false}
    - import_role: {name: r, allow_duplicates: false}
    - include_role: {name: r}
    - include_role: {name: r}
    - include_role: {name: r, allow_duplicates: false}
    - include_role: {name: r, allow_duplicates: false}
    - include_role: {name: r, tasks_from: other}
    - include_role: {name: r, tasks_from: other}
""", "roles/r/tasks/main.yml": SHOW,
        "roles/r/tasks/other.yml": "- debug: {msg: other}\n"}, [], {}),
    ("a role skipped on a host runs there again", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - import_role: {name: r, allow_duplicates: false}
      when: flag | default(inventory_hostname == 'h1')
    - set_fact: {flag: true}
    - import_role: {name: r, allow_duplicates: false}
      when: flag | default(inventory_hostname == 'h1')
""", "roles/r/tasks/main.yml": SHOW}, [], {}),
    ("vars_files relative to the playbook, templated, first found", {"site.yml": """
- hosts: all
  gather_facts: false
  vars: {which: b}
  vars_files:
    - vars/a.yml
    - "vars/{{ which }}.yml"
    - [missing.yml, "vars/{{ inventory_hostname }}.yml", vars/a.yml]
  tasks:
    - debug: {msg: "{{ va }} {{ vb }} {{ vh | default('none') }}"}
- import_playbook: sub/play.yml
""", "vars/a.yml": "va: A\n", "vars/b.yml": "vb: B\n", "vars/h1.yml": "vh: H1\n",
        "sub/play.yml": """
- hosts: h1
  gather_facts: false
  vars_files: [v.yml]
  tasks:
    - debug: {msg: "{{ vsub }}"}
""", "sub/v.yml": "vsub: from sub\n"}, [], {}),
    ("vars_files missing", {"site.yml": """
- hosts: all
  gather_facts: false
  vars_files: [nowhere.yml]
  tasks:
    - debug: {msg: hi}
"""}, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("roles", CASES))
