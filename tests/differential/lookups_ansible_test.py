#!/usr/bin/python3
"""Differential test: lookup plugins (lookup()/query()/q() and with_<name>)
run by drover and by ansible-playbook 2.14 on the same playbook (local
connection, no facts). Every debug result must be the same, key by key; the
error cases (missing file, unknown plugin, errors=ignore/warn) must fail or
pass alike, with the same message."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

DROVER = os.path.abspath(os.environ.get("DROVER", "build/drover"))

FILES = {
    "hosts": "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
             "[web]\nweb1\nweb2\n[db]\ndb1\nweb1\n",
    "files/hello.txt": "  hello world  \n\n",
    "files/a.conf": "a\n",
    "files/b.conf": "b\n",
    "files/lines.txt": "one\ntwo\nthree\n",
    "files/app.ini": "[global]\nuser = alice\nPort: 8080\n\n# comment\n[db]\nhost = db1\n"
                     "  continued\nname_a = x\nname_b = y\n",
    "files/app.properties": "user.name = bob\nuser.home=/home/bob\n",
    "files/people.csv": "alice,30,\"Paris, FR\"\nbob,40,Rome\n",
    "files/tabs.tsv": "k1\tv1\nk2\tv2\n",
    "templates/greet.j2": "Hello {{ who }}{% if extra is defined %} {{ extra }}{% endif %}\n",
    "templates/data.j2": "[1, 2, {{ n }}]",
    "roles/r/files/role.txt": "from the role\n",
    "roles/r/templates/rt.j2": "role template {{ who }}\n",
    "roles/r/tasks/main.yml": """
- name: role file
  debug: msg="{{ lookup('file', 'role.txt') }}"
- name: role file falls back to the playbook dir
  debug: msg="{{ lookup('file', 'hello.txt') }}"
- name: role template
  debug: msg="{{ lookup('template', 'rt.j2') }}"
- name: role first_found
  debug: msg="{{ lookup('first_found', ['nope.txt', 'role.txt']) | basename }}"
""",
}

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    who: world
    n: 3
    nums: [1, 2, 3]
    letters: [a, b]
    users:
      - name: alice
        keys: [k1, k2]
      - name: bob
        keys: [k3]
    conf: {x: 1, y: two}
    ref: "{{ who }}!"
    qz_1: one
    qz_2: two
  tasks:
    - name: file
      debug: msg="{{ lookup('file', 'hello.txt') }}"
    - name: file lstrip
      debug: msg="{{ lookup('file', 'hello.txt', lstrip=True) }}"
    - name: file no rstrip
      debug: msg="{{ lookup('file', 'hello.txt', rstrip=False) }}"
    - name: file two terms
      debug: msg="{{ lookup('ansible.builtin.file', 'a.conf', 'b.conf') }}"
    - name: file query
      debug: msg="{{ query('file', 'a.conf', 'b.conf') }}"
    - name: env
      debug: msg="{{ lookup('env', 'LOOKUP_TEST_VAR') }}"
    - name: env default
      debug: msg="{{ lookup('env', 'LOOKUP_TEST_UNSET', default='dflt') }}"
    - name: env unset
      debug: msg="[{{ lookup('env', 'LOOKUP_TEST_UNSET') }}]"
    - name: vars
      debug: msg="{{ lookup('vars', 'ref') }}"
    - name: vars default
      debug: msg="{{ lookup('vars', 'nope', default='d') }}"
    - name: vars several
      debug: msg="{{ query('vars', 'who', 'n') }}"
    - name: items
      debug: msg="{{ query('items', nums, letters) }}"
    - name: list
      debug: msg="{{ query('list', nums, letters) }}"
    - name: lookup list joins
      debug: msg="{{ lookup('list', 'a', 'b') }}"
    - name: lookup wantlist
      debug: msg="{{ lookup('items', nums, wantlist=True) }}"
    - name: dict
      debug: msg="{{ query('dict', conf) }}"
    - name: indexed_items
      debug: msg="{{ query('indexed_items', letters) }}"
    - name: together
      debug: msg="{{ query('together', nums, letters) }}"
    - name: nested
      debug: msg="{{ query('nested', letters, nums) }}"
    - name: password seeded (random.Random(seed))
      debug: msg="{{ lookup('password', '/dev/null seed=web1 length=20') }} {{ lookup('password', '/dev/null', seed='x', chars=['digits']) }} {{ lookup('password', '/dev/null', seed=42, length=5) }}"
    - name: sequence
      debug: msg="{{ query('sequence', 'start=1 end=5 stride=2') }}"
    - name: sequence shortcut
      debug: msg="{{ query('sequence', '4-8/2', 'count=3 format=host%02d') }}"
    - name: subelements
      debug: msg="{{ query('subelements', users, 'keys') }}"
    - name: fileglob
      debug: msg="{{ query('fileglob', '*.conf') | map('basename') | sort }}"
    - name: first_found list
      debug: msg="{{ lookup('first_found', ['missing.txt', 'a.conf']) | basename }}"
    - name: first_found dict
      debug: msg="{{ lookup('first_found', dict(files=['x.conf', 'b.conf'], paths=['files'])) | basename }}"
    - name: first_found skip
      debug: msg="{{ query('first_found', dict(files=['x.conf'], skip=true)) }}"
    - name: template
      debug: msg="{{ lookup('template', 'greet.j2') }}"
    - name: template vars
      debug: msg="{{ lookup('template', 'greet.j2', template_vars=dict(extra='more')) }}"
    - name: template convert
      debug: msg="{{ lookup('template', 'data.j2') }}"
    - name: lines
      debug: msg="{{ query('lines', 'printf \\"x\\\\ny\\\\n\\"') }}"
    - name: pipe
      debug: msg="{{ lookup('pipe', 'echo piped; echo out') }}"
    - name: random_choice one term
      debug: msg="{{ lookup('random_choice', 'only') }}"
    - name: errors ignore
      debug: msg="[{{ lookup('file', 'missing.txt', errors='ignore') }}]"
    - name: errors ignore query
      debug: msg="{{ query('file', 'missing.txt', errors='ignore') }}"
    - name: errors warn first_found
      debug: msg="{{ query('first_found', ['missing.txt'], errors='warn') }}"
    - name: ini
      debug: msg="{{ lookup('ini', 'user', file='app.ini') }}"
    - name: ini inline options
      debug: msg="{{ lookup('ini', 'port section=global file=app.ini') }}"
    - name: ini continuation
      debug: msg="{{ lookup('ini', 'host', section='db', file='app.ini') }}"
    - name: ini regexp
      debug: msg="{{ query('ini', 'name_.*', section='db', file='app.ini', re=True) }}"
    - name: ini default
      debug: msg="{{ lookup('ini', 'nope', section='db', file='app.ini', default='dflt') }}"
    - name: ini properties
      debug: msg="{{ lookup('ini', 'user.home', type='properties', file='app.properties') }}"
    - name: csvfile
      debug: msg="{{ lookup('csvfile', 'alice file=people.csv delimiter=,') }}"
    - name: csvfile col
      debug: msg="{{ lookup('csvfile', 'alice', file='people.csv', delimiter=',', col=2) }}"
    - name: csvfile tab
      debug: msg="{{ lookup('csvfile', 'k2', file='tabs.tsv') }}"
    - name: csvfile default
      debug: msg="{{ lookup('csvfile', 'zed', file='tabs.tsv', default='none') }}"
    - name: inventory_hostnames group
      debug: msg="{{ lookup('inventory_hostnames', 'web') }}"
    - name: inventory_hostnames patterns
      debug: msg="{{ query('inventory_hostnames', 'all:!db') }}"
    - name: inventory_hostnames intersection
      debug: msg="{{ query('inventory_hostnames', 'web:&db', 'local*') }}"
    - name: varnames
      debug: msg="{{ query('varnames', '^qz_.+') | sort }}"
    - name: varnames lookup
      debug: msg="{{ lookup('varnames', '^qz_1$', '^who$') }}"
    - name: config
      debug: msg="{{ query('config', 'DEFAULT_BECOME_USER', 'DEFAULT_FORKS', 'DEFAULT_REMOTE_USER', 'DEFAULT_TIMEOUT') }}"
    - name: config env
      debug: msg="{{ lookup('config', 'DEFAULT_TIMEOUT') }} {{ lookup('config', 'DEFAULT_MANAGED_STR') }}"
    - name: with_items
      debug: var=item
      with_items: "{{ nums }}"
    - name: with_dict
      debug: var=item
      with_dict: "{{ conf }}"
    - name: with_sequence
      debug: var=item
      with_sequence: start=1 end=3
    - name: with_subelements
      debug: msg="{{ item.0.name }} {{ item.1 }}"
      with_subelements:
        - "{{ users }}"
        - keys
    - name: with_file
      debug: var=item
      with_file: [a.conf, b.conf]
    - name: with_lines
      debug: var=item
      with_lines: cat files/lines.txt
    - name: with_fileglob
      debug: msg="{{ item | basename }}"
      with_fileglob: "a.*"
    - name: with_first_found
      debug: msg="{{ item | basename }}"
      with_first_found: [nope, b.conf]
    - name: with_together
      debug: var=item
      with_together: ["{{ nums }}", "{{ letters }}"]
    - name: with_nested
      debug: var=item
      with_nested: [[x, y], [1, 2]]
    - name: with_env
      debug: var=item
      with_env: LOOKUP_TEST_VAR
- hosts: localhost
  gather_facts: false
  vars:
    who: role
  roles:
    - r
"""

# Error cases: one playbook each; both tools must fail (or pass) alike and
# the failure message must contain the same text.
ERRORS = {
    "missing file": ("{{ lookup('file', 'missing.txt') }}",
                     "could not locate file in lookup: missing.txt"),
    "unknown plugin": ("{{ lookup('no_such_plugin', 'x') }}",
                       "lookup plugin (no_such_plugin) not found"),
    "first_found none": ("{{ lookup('first_found', ['m1', 'm2']) }}",
                         "No file was found when using first_found."),
    "vars undefined": ("{{ lookup('vars', 'nope') }}",
                       "No variable found with this name: nope"),
    "pipe fails": ("{{ lookup('pipe', 'exit 3') }}", "lookup_plugin.pipe(exit 3) returned 3"),
    "ini no section": ("{{ lookup('ini', 'a', section='nosuch', file='app.ini') }}",
                       "No section 'nosuch' in app.ini"),
    "password bad option": ("{{ lookup('password', '/dev/null foo=1') }}",
                            "Unrecognized parameter(s) given to password lookup: foo"),
    "ignore": ("[{{ lookup('first_found', ['m1'], errors='ignore') }}]", None),
}

TASK_RE = re.compile(r"^TASK \[(?:r : )?(.*?)\] \*+$")
RESULT_RE = re.compile(r"^ok: \[localhost\](?: => \(item=.*?\))? => (\{.*)$")


def run(tool, root, playbook, extra_env=None):
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", NO_COLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_DEPRECATION_WARNINGS="0", LOOKUP_TEST_VAR="from-env",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_TIMEOUT="17", ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
               ANSIBLE_LOCAL_TEMP=os.path.join(root, ".ansible-tmp"))
    for k, v in (extra_env or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    cmd = ["ansible-playbook"] if tool == "ansible" else [DROVER, "playbook"]
    p = subprocess.run(cmd + ["-i", "hosts", playbook], cwd=root, env=env, capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


def results(out):
    """Task name -> list of the JSON results printed for it."""
    found, task, lines = {}, None, out.splitlines()
    i = 0
    while i < len(lines):
        m = TASK_RE.match(lines[i])
        if m:
            task = m.group(1)
        r = RESULT_RE.match(lines[i])
        if r and task:
            body = [r.group(1)]
            while not body[-1].startswith("}") or body[-1] != "}":
                i += 1
                if i >= len(lines):
                    break
                body.append(lines[i])
            try:
                found.setdefault(task, []).append(json.loads("\n".join(body)))
            except ValueError:
                found.setdefault(task, []).append("\n".join(body))
        i += 1
    return found


def write(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


PASSWORD_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: pw
      debug: msg="{{ lookup('password', 'creds/pw length=12 chars=digits') }}"
    - name: pw default
      debug: msg="{{ lookup('password', 'creds/pw2') }}"
    - name: pw hashed
      debug: msg="{{ lookup('password', 'creds/pw3 encrypt=sha512_crypt') }}"
    - name: pw devnull
      debug: msg="{{ lookup('password', '/dev/null length=8 chars=ascii_lowercase') }}"
"""


def password_problems(root):
    """Ansible creates the files and drover reuses them; then drover creates
    them and Ansible reuses them."""
    problems = []
    write(root, {"pw.yml": PASSWORD_PLAY})
    for first, second in (("ansible", "drover"), ("drover", "ansible")):
        shutil.rmtree(os.path.join(root, "creds"), ignore_errors=True)
        rc1, out1 = run(first, root, "pw.yml")
        rc2, out2 = run(second, root, "pw.yml")
        r1, r2 = results(out1), results(out2)
        if rc1 or rc2:
            problems.append("password: %s rc %d, %s rc %d\n%s\n%s" % (first, rc1, second, rc2, out1, out2))
            continue
        for name in ("pw", "pw default", "pw hashed"):
            if r1.get(name) != r2.get(name):
                problems.append("password %r: %s printed %s, then %s %s" % (name, first, r1.get(name), second, r2.get(name)))
        pw = r1["pw"][0]["msg"]
        if not re.fullmatch(r"[0-9]{12}", pw):
            problems.append("password from %s: %r is not 12 digits" % (first, pw))
        if not re.fullmatch(r"[A-Za-z0-9.,:_-]{20}", r1["pw default"][0]["msg"]):
            problems.append("default password from %s: %r" % (first, r1["pw default"][0]["msg"]))
        if not r1["pw hashed"][0]["msg"].startswith("$6$"):
            problems.append("hashed password from %s: %r" % (first, r1["pw hashed"][0]["msg"]))
        dn1, dn2 = r1["pw devnull"][0]["msg"], r2["pw devnull"][0]["msg"]
        if dn1 == dn2 or not re.fullmatch("[a-z]{8}", dn1) or not re.fullmatch("[a-z]{8}", dn2):
            problems.append("/dev/null passwords: %r %r" % (dn1, dn2))
        mode = os.stat(os.path.join(root, "creds/pw")).st_mode & 0o777
        if mode != 0o600:
            problems.append("password file made by %s has mode %o" % (first, mode))
        with open(os.path.join(root, "creds/pw")) as f:
            if f.read() != pw + "\n":
                problems.append("password file made by %s does not hold the password" % first)
    return problems


VAULT_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: vaulted file
      debug: msg="{{ lookup('file', 'secret.txt') }}"
    - name: unvault
      debug: msg="{{ lookup('unvault', 'secret.txt') }}"
"""


def vault_problems(root):
    """file/unvault of a vaulted file: Ansible prints the plaintext, drover
    masks it; without a vault password both fail alike."""
    problems = []
    write(root, {"vault.yml": VAULT_PLAY, "vpw": "vaultpw\n",
                 "files/secret.txt": "top secret value\n"})
    subprocess.run(["ansible-vault", "encrypt", "--vault-password-file", "vpw",
                    "files/secret.txt"], cwd=root, check=True, capture_output=True)
    env = {"ANSIBLE_VAULT_PASSWORD_FILE": os.path.join(root, "vpw")}
    arc, aout = run("ansible", root, "vault.yml", env)
    drc, dout = run("drover", root, "vault.yml", env)
    if arc or drc or "top secret value" not in aout:
        problems.append("vault: ansible rc %d, drover rc %d\n%s\n%s" % (arc, drc, aout, dout))
    if "top secret" in dout or dout.count('"msg": "********') != 2:
        problems.append("vault: drover did not mask the decrypted file:\n" + dout)
    arc, aout = run("ansible", root, "vault.yml", {"ANSIBLE_VAULT_PASSWORD_FILE": None})
    drc, dout = run("drover", root, "vault.yml", {"ANSIBLE_VAULT_PASSWORD_FILE": None})
    want = "Attempting to decrypt but no vault secrets found"
    if arc != drc or want not in aout or want not in dout:
        problems.append("vault without password: ansible rc %d drover rc %d\n%s\n%s"
                        % (arc, drc, aout, dout))
    return problems


def main():
    problems = []
    root = tempfile.mkdtemp(prefix="drover-lookups-")
    try:
        write(root, FILES)
        write(root, {"site.yml": PLAY})
        t0 = time.time()
        arc, aout = run("ansible", root, "site.yml")
        drc, dout = run("drover", root, "site.yml")
        want, got = results(aout), results(dout)
        if arc != 0 or drc != 0:
            problems.append("exit codes: ansible %d drover %d\n--- ansible\n%s\n--- drover\n%s"
                            % (arc, drc, aout[-3000:], dout[-3000:]))
        for name, w in want.items():
            g = got.get(name)
            if g != w:
                problems.append("task %r:\n  ansible: %s\n  drover:  %s" % (name, w, g))
        for name in got:
            if name not in want:
                problems.append("task %r printed by drover only: %s" % (name, got[name]))
        if len(want) < 40:
            problems.append("only %d tasks compared:\n%s" % (len(want), aout[-3000:]))
        # errors= warn: both warn.
        for text, rc_out in (("ansible", aout), ("drover", dout)):
            if "Lookup failed but the error is being ignored: No file was found" not in rc_out:
                problems.append("%s printed no errors=warn warning" % text)
        for name, (expr, message) in ERRORS.items():
            play = ("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                    "    - name: case\n      debug:\n        msg: \"%s\"\n" % expr)
            write(root, {"err.yml": play})
            arc, aout = run("ansible", root, "err.yml")
            drc, dout = run("drover", root, "err.yml")
            if arc != drc:
                problems.append("%s: exit ansible %d drover %d\n%s\n%s" % (name, arc, drc, aout, dout))
            if message and (message not in aout or message not in dout):
                problems.append("%s: %r not in both outputs\n--- ansible\n%s\n--- drover\n%s"
                                % (name, message, aout, dout))
        # --check-support: every lookup of the playbook is implemented.
        p = subprocess.run([DROVER, "playbook", "--check-support", "-i", "hosts", "site.yml"],
                           cwd=root, capture_output=True, text=True)
        if not re.search(r"Lookups and with_\* loops \(\d+: \d+ implemented, 0 partial, "
                         r"0 not implemented\)", p.stdout):
            problems.append("--check-support:\n" + p.stdout + p.stderr)
        write(root, {"unknown.yml": "- hosts: localhost\n  tasks:\n"
                                    "    - debug: msg=\"{{ lookup('nope') }}\"\n"})
        p = subprocess.run([DROVER, "playbook", "--check-support", "-i", "hosts", "unknown.yml"],
                           cwd=root, capture_output=True, text=True)
        if not re.search(r"lookup\('nope'\)\s+NOT implemented", p.stdout):
            problems.append("--check-support of an unknown lookup:\n" + p.stdout + p.stderr)
        problems += password_problems(root)
        problems += vault_problems(root)
        print("lookups vs ansible-playbook: %d tasks compared in %.0fs"
              % (len(want), time.time() - t0))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for p in problems:
        print("MISMATCH " + p)
    print("lookups vs ansible-playbook: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
