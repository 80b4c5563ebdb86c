#!/usr/bin/env python3
"""Differential test: `drover inventory` against `ansible-inventory` (Debian
ansible-core 2.14) on inventories written here: INI and YAML, ranges,
children, vars at every level, group_vars/host_vars files and directories,
directories of sources, host lists, several -i, extra vars, inline vault
values (shown as ciphertext by both, so no password is needed), and the
group_vars/host_vars of the current directory (Ansible's default playbook
directory) or of --playbook-dir.

For every case both tools run with the same arguments: --list (JSON, compared
as data with `children` lists sorted, since their order is not meaningful),
--list --yaml, --list --export, --graph, --graph --vars and --host for every
host (compared as text). Exit codes must agree too."""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

DROVER = os.environ.get("DROVER", "build/drover")
VAULT_VECTOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                            "shared", "testdata", "vault", "format_1_1_AES256.yml")

# An inline-vaulted value (ciphertext of "foobar\n"; the tools only print it).
VAULT_TEXT = """$ANSIBLE_VAULT;1.1;AES256
33613463343938323434396164663236376438313435633837336438366530666431643031333734
6463646538393331333239393363333830613039376562360a396635393636636539346332336364
35303039353164386461326439346165656463383137663932323930666632326263636266656461
3232663537653637640a643166666232633936636664376435316664656631633166323237356163
6138
"""


def indent(text, n):
    return "".join(" " * n + line + "\n" for line in text.splitlines())


CASES = [
    {
        "name": "ini basics, ranges, children, literal values",
        "files": {
            "hosts": """
# a comment
; another comment
top1 ansible_host=10.0.0.1
top2:2201

[web]
web[01:03].example.com x=1 y="hello world" z='[1,2]' q="{'a': 1}" t=True n=None
web-[a:c].example.com f=1.5 h=0x1F u=1_000 s='"quoted"' neg=-3
localhost
[web:vars]
http_port=8080
name = web tier
list = [1, 'two', 3.0]
trailing = 42 # a comment Python ignores
hashy = a # b
empty =
[db]
db-[a:c] ansible_port=2222
db[1:6:2]-node
[all:vars]
a=1 # c
b = "x"
[prod:children]
web
db
[prod:vars]
ansible_group_priority=5
env = prod
[staging]
[staging:vars]
env=staging
""",
        },
    },
    {
        "name": "ini children declared before the group, group name with dashes",
        "files": {
            "inv.ini": """
[dc:children]
east-coast
west
[east-coast:children]
nyc
[nyc]
n1 dc=nyc
[west]
w1
w2 ansible_host=192.0.2.2 ansible_user=deploy
[nyc:vars]
tz=EST
[dc:vars]
tz=UTC
level=dc
[west:vars]
level=west
""",
        },
    },
    {
        "name": "yaml nested groups, vars at every level, priority",
        "files": {
            "inventory.yml": """
all:
  vars:
    level: all
    only_all: yes
    nested: {a: 1, b: [1, 2]}
  hosts:
    direct1:
      level: host
  children:
    web:
      vars: {level: web, web_only: 1}
      hosts:
        web[1:3]:
          role: frontend
        web9.example.com:
      children:
        web_canary:
          vars:
            level: canary
            ansible_group_priority: 10
          hosts:
            web1:
    db:
      hosts: db1
      vars:
        level: db
    empty_group:
other:
  hosts:
    o1: {x: 0644, y: "0644", z: 1.10, w: null, when: 2024-01-01}
    o2: {tpl: !unsafe "{{ not_templated }}", l: [!unsafe "{%", 1]}
""",
        },
    },
    {
        "name": "group_vars and host_vars files and directories",
        "files": {
            "hosts": """
[web]
web1 from_inventory=1 layer=inventory_host
web2
[db]
db1
[app:children]
web
db
[app:vars]
layer=inventory_group_app
[all:vars]
layer=inventory_all
""",
            "group_vars/all.yml": "layer: group_vars_all\nall_file: 1\n",
            "group_vars/app.yaml": "layer: group_vars_app\napp_file: yes\n",
            "group_vars/web/01-main.yml": "layer: group_vars_web_dir\nweb_a: 1\n",
            "group_vars/web/02-more.json": '{"web_b": [1, 2], "web_a": 2}\n',
            "group_vars/web/sub/03.yml": "web_c: deep\n",
            "group_vars/web/ignored.txt": "web_ignored: 1\n",
            "group_vars/web/.hidden.yml": "web_hidden: 1\n",
            "group_vars/db": "db_noext: true\n",
            "group_vars/db.yml": "db_yml_is_shadowed: true\n",
            "host_vars/web1.yml": "layer: host_vars_web1\nsecret: !vault |\n" + indent(VAULT_TEXT, 2),
            "host_vars/db1/a.yml": "db1_a: 1\n",
            "host_vars/db1/b.yml": "db1_a: 2\ndb1_b: {k: v}\n",
            "host_vars/nosuchhost.yml": "never: used\n",
        },
    },
    {
        "name": "a directory of sources merged in order",
        "files": {
            "envs/prod/01-hosts": "[web]\nweb1\n[web:vars]\norder=first\n",
            "envs/prod/02-more.yml": "web:\n  hosts:\n    web2:\n  vars:\n    order: second\n",
            "envs/prod/03-ignored.ini": "[ignored]\nnope\n",
            "envs/prod/04-notes.txt": "not an inventory\n",
            "envs/prod/05-backup~": "[backup]\nnope2\n",
            "envs/prod/sub/06-nested": "[nested]\nn1\n",
            "envs/prod/group_vars/web.yml": "from_dir_group_vars: 1\n",
        },
        "args": ["-i", "envs/prod"],
    },
    {
        "name": "host list, multiple -i and extra vars",
        "files": {
            "a.ini": "[a]\nh1 v=1\n",
            "b.yml": "b:\n  hosts:\n    h2: {v: 2}\n    h1: {w: 3}\n",
            "group_vars/all.yml": "shared: 1\n",
            "extra.yml": "from_file: [1, 2]\nv: from_extra_file\n",
        },
        "args": ["-i", "a.ini", "-i", "b.yml", "-i", "x1,x2:2222,10.0.0.5,", "-e",
                 "ek=1 other='two words'", "-e", '{"ej": {"n": 1}}', "-e", "@extra.yml"],
    },
    {
        "name": "ini edge cases: repeated hosts, unicode, dict literals, IPv6, ports",
        "files": {
            "hosts": """
dup x=1
solo
[g1]
dup x=2 y=1
10.0.0.1:2200
[2001:db8::1]:22 v6=yes
[g1:vars]
d = {'k': [1, {'n': None}], 'u': 'caf\u00e9'}
s = 'single' "double"
[g2]
dup x=3
localhost ansible_host=192.0.2.9
café.example.com name=über
[g2:vars]
t = [1, [2]]
f = -1.5e3
b = False
""",
        },
    },
    {
        "name": "yaml content in a file without extension, ini content in a .yaml file",
        "files": {
            "yaml_noext": "web:\n  hosts:\n    a1:\n    a2: {p: 1}\n  children: sub\n",
            "sub.yaml": "[sub]\ns1 q=2\n",
        },
        "args": ["-i", "yaml_noext", "-i", "sub.yaml"],
    },
    {
        "name": "playbook-dir group_vars and host_vars over the inventory's",
        "files": {
            "inv/hosts": "[web]\nw1 a=inv\nw2\n[web:vars]\ng=inv\n",
            "inv/group_vars/web.yml": "g: inv_file\nonly_inv: 1\n",
            "pb/group_vars/web.yml": "g: pb_file\n",
            "pb/group_vars/all/main.yml": "pall: yes\n",
            "pb/host_vars/w1.yml": "a: pb_host\n",
        },
        "args": ["-i", "inv/hosts", "--playbook-dir", "pb"],
    },
    {
        "name": "group_vars and host_vars of the current directory (the default playbook dir)",
        "files": {
            "inv/hosts": "[web]\nw1 a=inv\nw2\n",
            "group_vars/web.yml": "g: cwd_file\n",
            "group_vars/all.yml": "everywhere: 1\n",
            "host_vars/w2.yml": "a: cwd_host\n",
        },
        "args": ["-i", "inv/hosts"],
    },
    {
        "name": "--playbook-dir replaces the current directory",
        "files": {
            "inv/hosts": "[web]\nw1 a=inv\nw2\n",
            "group_vars/web.yml": "g: cwd_file\n",
            "pb/group_vars/all.yml": "pball: 2\n",
        },
        "args": ["-i", "inv/hosts", "--playbook-dir", "pb"],
    },
    {
        "name": "json inventory and explicit localhost",
        "files": {
            "inv.json": json.dumps({
                "all": {"hosts": {"localhost": {"ansible_connection": "local"}},
                        "vars": {"j": [1, 2.5, True, None]}},
                "g": {"hosts": {"h.example.com": {}}, "children": {"h": {}}},
            }),
        },
    },
]


def write_files(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text.lstrip("\n") if not rel.endswith(".json") else text)


def run(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def normalize_list(text):
    data = json.loads(text)
    for name, group in data.items():
        if name != "_meta" and "children" in group:
            group["children"] = sorted(group["children"])
    return data


def main():
    passed = failed = 0
    base = tempfile.mkdtemp(prefix="drover-inv-diff-")
    env = dict(os.environ)
    env["HOME"] = os.path.join(base, "home")
    env["ANSIBLE_LOCAL_TEMP"] = os.path.join(base, "tmp")
    env["ANSIBLE_NOCOLOR"] = "1"
    env.pop("ANSIBLE_CONFIG", None)
    os.makedirs(env["HOME"])
    os.makedirs(env["ANSIBLE_LOCAL_TEMP"])
    try:
        for i, case in enumerate(CASES):
            root = os.path.join(base, "case%d" % i)
            os.makedirs(root)
            write_files(root, case["files"])
            src = case.get("args") or ["-i", sorted(case["files"])[0] if "hosts" not in
                                       case["files"] else "hosts"]
            if "args" not in case:
                # The inventory is the one file not under group_vars/host_vars.
                invs = [f for f in case["files"] if "/" not in f]
                src = ["-i", invs[0]]
            rc, out, err = run(["ansible-inventory"] + src + ["--list"], root, env)
            hosts = sorted(json.loads(out)["_meta"]["hostvars"]) if rc == 0 else []
            # Hosts without variables are missing from _meta; take them from groups.
            if rc == 0:
                for name, group in json.loads(out).items():
                    if name != "_meta":
                        hosts = sorted(set(hosts) | set(group.get("hosts", [])))
            actions = [["--list"], ["--list", "--yaml"], ["--list", "--export"], ["--graph"],
                       ["--graph", "--vars"]]
            if case["name"].startswith("group_vars"):
                actions.remove(["--graph", "--vars"])  # would decrypt the vault value
            actions += [["--host", h] for h in hosts]
            actions += [["--host", "localhost"], ["--graph", "web"]]
            # The reference is slow (~1 s a call): run the calls concurrently.
            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
                wants = list(pool.map(
                    lambda a: run(["ansible-inventory"] + src + a, root, env), actions))
            for action, want in zip(actions, wants):
                cmd = src + action
                got = run([DROVER, "inventory"] + cmd, root, env)
                same = want[0] == got[0]
                if same and want[0] == 0:
                    if action == ["--list"] or action == ["--list", "--export"]:
                        same = normalize_list(want[1]) == normalize_list(got[1])
                    else:
                        same = want[1] == got[1]
                label = "%s: %s" % (case["name"], " ".join(cmd))
                if same:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s" % label)
                    print("  ansible-inventory rc=%d\n%s%s" % (want[0], want[1][-3000:],
                                                               want[2][-500:]))
                    print("  drover rc=%d\n%s%s" % (got[0], got[1][-3000:], got[2][-500:]))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("inventory vs ansible-inventory: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
