#!/usr/bin/python3
"""Magic variables against ansible-playbook 2.14 (two local hosts): the
run's tags, check and diff modes, version and config file, the role names
(role_names, ansible_role_names, ansible_dependent_role_names,
ansible_parent_role_names, role_path), playbook_dir, inventory_dir and
inventory_file, groups and group_names, ansible_loop in an include_tasks
loop with extended, and omit in tasks_from."""
import sys

import semantics_lib

HOSTS = semantics_lib.HOSTS + "[web]\nh1\n[db]\nh2\n[all_of:children]\nweb\ndb\n"

SHOW_ROLE = """
- debug:
    msg: "{{ role_name }} {{ role_path | basename }} {{ role_path | dirname | basename }} parents={{ ansible_parent_role_names | default('undef') }} names={{ role_names }} all={{ ansible_role_names | sort }} deps={{ ansible_dependent_role_names | sort }} play_role_names={{ ansible_play_role_names | default('undef') }}"
"""

PLAY_MAGIC = """
- hosts: all
  gather_facts: false
  roles: [outer]
  tasks:
    - debug: {msg: "tags={{ ansible_run_tags | sort }} skip={{ ansible_skip_tags | sort }}"}
      tags: [always]
    - debug: {msg: "check={{ ansible_check_mode }} diff={{ ansible_diff_mode }}"}
      tags: [always]
    - debug: {msg: "names={{ role_names }} all={{ ansible_role_names | sort }} deps={{ ansible_dependent_role_names | sort }}"}
      tags: [always]
    - debug: {msg: "{{ playbook_dir | basename }} {{ inventory_dir | basename }} {{ inventory_file | basename }} {{ playbook_dir == inventory_dir }}"}
      tags: [always]
    - debug: {msg: "{{ groups }} {{ group_names }}"}
      tags: [always]
    - debug: {msg: "{{ ansible_version.major }} {{ ansible_version.minor }} {{ ansible_version.full is string }}"}
      tags: [always]
    - debug: {msg: "{{ ansible_config_file }} {{ ansible_playbook_python }}"}
      tags: [always]
    - debug: {msg: "{{ role_name | default('no role') }} {{ role_path | default('no role path') }}"}
      tags: [always]
"""

ROLES = {"roles/outer/meta/main.yml": "dependencies: [inner]\n",
         "roles/outer/tasks/main.yml": SHOW_ROLE + "- include_role: {name: leaf}\n",
         "roles/inner/tasks/main.yml": SHOW_ROLE,
         "roles/leaf/tasks/main.yml": SHOW_ROLE}

CASES = [
    ("magic variables of a plain run", dict({"hosts": HOSTS, "site.yml": PLAY_MAGIC}, **ROLES),
     [], {}),
    ("tags, skip-tags, check and diff", dict({"hosts": HOSTS, "site.yml": PLAY_MAGIC}, **ROLES),
     ["-t", "x,y", "--skip-tags", "z", "-C", "-D"], {}),
    ("ansible_config_file with an ansible.cfg", {"hosts": HOSTS, "ansible.cfg": "[defaults]\nforks = 3\n",
                                                 "site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ ansible_config_file | basename }} {{ ansible_forks }}"}
"""}, [], {}),
    ("ansible_loop in an include_tasks loop with extended", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - include_tasks: item.yml
      loop: [a, b, c]
      loop_control: {extended: true, label: "{{ item }}"}
    - include_tasks: item.yml
      loop: [x]
""", "item.yml": """
- debug: {msg: "{{ item }} {{ ansible_loop.index | default('none') }} {{ ansible_loop.first | default('none') }} {{ ansible_loop.last | default('none') }} {{ ansible_loop.length | default('none') }} {{ ansible_loop.revindex | default('none') }} {{ ansible_loop.previtem | default('none') }} {{ ansible_loop.nextitem | default('none') }}"}
"""}, [], {}),
    # hostvars[h] is get_vars without a play: no play vars, vars_files, role
    # defaults/vars or task vars; the inventory's, facts, include_vars,
    # set_fact, extra vars and the run's magic variables. h2 is outside the
    # play. omit is left out of the key list (its token is per run).
    ("hostvars holds no play-level variables", {
        "hosts": HOSTS, "group_vars/all.yml": "pgv: 1\n", "vf.yml": "vf: 1\n",
        "roles/r/defaults/main.yml": "rd: 1\n", "roles/r/vars/main.yml": "rv: 1\n",
        "site.yml": """
- hosts: h1
  gather_facts: false
  vars: {pv: 1}
  vars_files: [vf.yml]
  roles: [r]
  tasks:
    - set_fact: {sf: 1}
    - include_vars: {file: vf.yml, name: iv}
    - debug:
        msg: "{{ hostvars[item].keys() | reject('eq', 'omit') | sort }}"
      loop: [h1, h2]
      vars: {tv: 1}
    - debug:
        msg: "{{ hostvars.h1.pv | default('u') }} {{ hostvars.h1.vf | default('u') }} {{ hostvars.h1.rd | default('u') }} {{ hostvars.h1.rv | default('u') }} {{ hostvars.h1.tv | default('u') }} {{ hostvars.h1.sf }} {{ hostvars.h1.iv }} {{ hostvars.h1.ex }}"
      vars: {tv: 1}
    - debug:
        msg: "{{ hostvars.h2.playbook_dir == playbook_dir }} {{ hostvars.h2.groups == groups }} {{ hostvars.h2.ansible_inventory_sources | map('basename') }} {{ hostvars.h2.ansible_facts }}"
"""}, ["-e", "ex=1"], {}),
    ("ansible_limit with and without --limit", {"site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "{{ ansible_limit | default('no limit') }} {{ hostvars.h2.ansible_limit | default('none in hostvars') }}"}
"""}, ["-l", "h1,h2"], {}),
    ("ansible_limit unset without --limit", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ ansible_limit | default('no limit') }}"}
"""}, [], {}),
    ("ansible_host defaults to the inventory hostname", {"hosts": semantics_lib.HOSTS + (
        "h3 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 "
        "ansible_host=127.0.0.1\n"), "site.yml": """
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: "{{ ansible_host }} {{ ansible_ssh_host }} {{ inventory_hostname }}"}
    - debug: {msg: "{{ hostvars[inventory_hostname].ansible_host | default('not in hostvars') }}"}
    - debug: {msg: "own name"}
      when: ansible_host == inventory_hostname
"""}, [], {}),
    ("omit in tasks_from", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - include_role: {name: r, tasks_from: "{{ which | default(omit) }}"}
    - include_role: {name: r, tasks_from: "{{ which | default(omit) }}"}
      vars: {which: other}
""", "roles/r/tasks/main.yml": "- debug: {msg: main}\n",
        "roles/r/tasks/other.yml": "- debug: {msg: other}\n"}, [], {}),
    ("omit in import_role's tasks_from is not omitted (2.14)", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - import_role: {name: r, tasks_from: "{{ omit }}"}
""", "roles/r/tasks/main.yml": "- debug: {msg: main}\n"}, [], {}),
    ("a missing tasks_from or vars_from", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - import_role: {name: r, vars_from: nosuch}
""", "roles/r/tasks/main.yml": "- debug: {msg: main}\n"}, [], {}),
    ("a missing vars_from where the role has a vars directory", {"site.yml": """
- hosts: h1
  gather_facts: false
  tasks:
    - import_role: {name: r, vars_from: nosuch}
""", "roles/r/tasks/main.yml": "- debug: {msg: main}\n", "roles/r/vars/main.yml": "a: 1\n"},
     [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("magic variables", CASES))
