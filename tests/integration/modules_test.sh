#!/usr/bin/env bash
# The file modules (stat, file, copy, template, lineinfile) against a private
# sshd on 127.0.0.1, in a directory whose name has a space and a quote. For
# each module: (a) create, (b) run again: changed=0 and the file's inode and
# mtime unchanged, (c) --check against a host that differs: reported
# changed, nothing changed, (d) --diff: a unified diff in the output. Plus a
# missing parent directory (clear error), content with newlines and `$`,
# file's access_time/modification_time (preserve, now, a time string),
# and registered stat/copy results compared key by key with ansible-playbook
# for the same task on the same host.
source "$(dirname "$0")/sshd_lib.sh"
source "$(dirname "$0")/module_test_lib.sh"
sshd_setup
sshd_start h1
P=$T/project
mkdir -p "$P/roles/web/tasks" "$P/roles/web/templates" "$P/files"
W="$T/work dir 'q'"
mkdir -p "$W"
module_inventory
python3 - "$P/vars.yml" "$W" <<'PY'
import sys, yaml
yaml.safe_dump({"w": sys.argv[2], "body": "line1\n$HOME and ${x} `q`\nline3\n"}, open(sys.argv[1], "w"))
PY


# --- copy (content with newlines, $ and backquotes; mode)
cat >"$P/copy.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: content="{{ body }}" dest="{{ w }}/copied file" mode=0640
EOF2
cycle copy copy.yml "$W/copied file" - other "$(printf 'line1\n$HOME and ${x} `q`\nline3')" "-other" '+$HOME and ${x} `q`'
check "copy: mode 0640" test "$(mode_of "$W/copied file")" = 640

# --- copy src= from the playbook's files/
printf 'from files dir\n' >"$P/files/src.txt"
cat >"$P/copy_src.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: src=src.txt dest="{{ w }}/"
EOF2
cycle copy_src copy_src.yml "$W/src.txt" - other "from files dir" "-other" "+from files dir"

# --- template from a role's templates/
cat >"$P/roles/web/templates/site.conf.j2" <<'EOF2'
host={{ inventory_hostname }}
{% for i in range(3) %}
n{{ i }}
{% endfor %}
EOF2
cat >"$P/roles/web/tasks/main.yml" <<'EOF2'
- template: src=site.conf.j2 dest="{{ w }}/site.conf"
EOF2
cat >"$P/template.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  roles: [web]
EOF2
cycle template template.yml "$W/site.conf" - other "$(printf 'host=h1\nn0\nn1\nn2')" "-other" "+host=h1"

# --- lineinfile (regexp replace, create)
cat >"$P/lineinfile.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - lineinfile: path="{{ w }}/conf" line="port=22" regexp="^port=" create=true
    - lineinfile: path="{{ w }}/conf" line="name=$x" insertbefore=BOF
EOF2
rm -f "$W/conf"
play lineinfile.yml
check "lineinfile: (a) creates (rc=$rc)" changed_is 2
check "lineinfile: (a) content" test "$(cat "$W/conf")" = "$(printf 'name=$x\nport=22')"
before=$(ident "$W/conf")
sleep 1.1
play lineinfile.yml
check "lineinfile: (b) changed=0" changed_is 0
check "lineinfile: (b) untouched" test "$(ident "$W/conf")" = "$before"
printf 'name=$x\nport=80\n' >"$W/conf"
before=$(ident "$W/conf")
play lineinfile.yml --check --diff
check "lineinfile: (c) check reports changed" changed_is 1
check "lineinfile: (c) nothing changed" test "$(ident "$W/conf")" = "$before"
check "lineinfile: (d) diff header" has "--- before: $W/conf (content)"
check "lineinfile: (d) diff lines" has "-port=80"
check "lineinfile: (d) diff lines" has "+port=22"

# --- file (directory with mode, symbolic mode on a file, link, absent)
cat >"$P/file.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - file: path="{{ w }}/a dir/sub" state=directory mode=0750
    - file: path="{{ w }}/conf" mode=u=rw,g=r,o=
    - file: path="{{ w }}/link" src="{{ w }}/conf" state=link
    - file: path="{{ w }}/gone" state=absent
EOF2
touch "$W/gone"
play file.yml
check "file: (a) changes (rc=$rc)" changed_is 4
check "file: (a) dir mode" test "$(mode_of "$W/a dir/sub")" = 750
check "file: (a) symbolic mode" test "$(mode_of "$W/conf")" = 640
check "file: (a) link" test "$(readlink "$W/link")" = "$W/conf"
check "file: (a) absent" test ! -e "$W/gone"
before=$(ident "$W/a dir/sub")
play file.yml
check "file: (b) changed=0" changed_is 0
check "file: (b) dir untouched" test "$(ident "$W/a dir/sub")" = "$before"
chmod 700 "$W/a dir/sub"
touch "$W/gone"
play file.yml --check --diff
check "file: (c) check reports changed" changed_is 2
check "file: (c) nothing changed" test "$(mode_of "$W/a dir/sub")" = 700 -a -e "$W/gone"
check "file: (d) diff mode" has '-    "mode": "0700",'
check "file: (d) diff state" has '+    "state": "absent"'

# --- file times: access_time/modification_time and their formats
# (preserve, now, a time string); state=touch with both preserved is
# unchanged on a rerun, an explicit time is set once.
cat >"$P/times.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - file: path="{{ w }}/kept" state=touch modification_time=preserve access_time=preserve
    - file: path="{{ w }}/stamped" state=touch modification_time=202001011200.00 access_time=202001021300.30
    - file: path="{{ w }}/formatted" state=touch modification_time="2021-03-04 05:06:07" modification_time_format="%Y-%m-%d %H:%M:%S" access_time=preserve
EOF2
rm -f "$W/kept" "$W/stamped" "$W/formatted"
play times.yml
check "file times: (a) changes (rc=$rc)" changed_is 3
check "file times: (a) explicit mtime" test "$(stat -c %Y "$W/stamped")" = "$(date -d '2020-01-01 12:00:00' +%s)"
check "file times: (a) formatted mtime" test "$(stat -c %Y "$W/formatted")" = "$(date -d '2021-03-04 05:06:07' +%s)"
check "file times: (a) explicit atime" test "$(stat -c %X "$W/stamped")" = "$(date -d '2020-01-02 13:00:30' +%s)"
before="$(ident "$W/kept") $(stat -c %X "$W/kept")"
sleep 1
play times.yml
check "file times: (b) changed=0" changed_is 0
check "file times: (b) preserved times untouched" test "$(ident "$W/kept") $(stat -c %X "$W/kept")" = "$before"
touch -m -d '2022-01-01 00:00:00' "$W/stamped"
play times.yml --check
check "file times: (c) check reports the drifted mtime" changed_is 1
check "file times: (c) nothing changed" test "$(stat -c %Y "$W/stamped")" = "$(date -d '2022-01-01' +%s)"
cat >"$P/times_bad.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - file: path="{{ w }}/kept" modification_time=garbage
EOF2
play times_bad.yml
check "file times: a time that does not match its format fails as Ansible's" \
  has "Error while obtaining timestamp for time garbage using format %Y%m%d%H%M.%S: time data 'garbage' does not match format '%Y%m%d%H%M.%S'"

# --- copy force=no leaves an existing file alone
cat >"$P/noforce.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: content=new dest="{{ w }}/kept" force=no mode=0600
EOF2
printf 'old\n' >"$W/kept"
chmod 644 "$W/kept"
play noforce.yml
check "copy force=no: changed=0" changed_is 0
check "copy force=no: file kept" test "$(cat "$W/kept")|$(mode_of "$W/kept")" = "old|644"

# --- missing parent directory: a clear error
cat >"$P/noparent.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: content=x dest="{{ w }}/no/such/dir/f"
EOF2
play noparent.yml
check "missing parent: task fails" test "$rc" -ne 0
check "missing parent: clear message" has "Destination directory $W/no/such/dir does not exist"

# --- stat and copy results, key by key against ansible-playbook
if command -v ansible-playbook >/dev/null; then
  export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False
  cat >"$P/results.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - file: path="{{ w }}/cmp" state=absent
    - copy: content="{{ body }}" dest="{{ w }}/cmp" mode=0600
      register: c1
    - copy: content="{{ body }}" dest="{{ w }}/cmp" mode=0600
      register: c2
    - stat: path="{{ w }}/cmp"
      register: s1
    - stat: path="{{ w }}/nothing"
      register: s2
    - stat: path="{{ w }}/link"
      register: s3
    - copy:
        content: "{{ {'c1': c1, 'c2': c2, 's1': s1, 's2': s2, 's3': s3} | to_json }}"
        dest: "{{ w }}/{{ who }}.json"
EOF2
  play results.yml -e who=drover
  [[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
  check "results playbook runs under drover (rc=$rc)" test "$rc" -eq 0
  set +e
  (cd "$P" && ansible-playbook -i hosts -e @vars.yml -e who=ansible results.yml) >"$T/aout" 2>&1
  arc=$?
  set -e
  [[ $arc -eq 0 ]] || cat "$T/aout" >&2
  check "results playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  compare_results() {
    python3 - "$W/ansible.json" "$W/drover.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"atime", "ctime", "invocation", "src", "mimetype", "charset", "version", "attributes",
        "diff", "md5sum", "path", "failed", "_ansible_no_log", "attr_flags",
        "inode", "mtime"}  # inode/mtime: each run makes its own file
bad = 0
def cmp(label, x, y):
    global bad
    for k in x:
        if k in skip:
            continue
        if k not in y:
            print(f"{label}.{k}: missing in drover (ansible {x[k]!r})", file=sys.stderr); bad += 1
        elif isinstance(x[k], dict):
            cmp(label + "." + k, x[k], y[k])
        elif x[k] != y[k]:
            print(f"{label}.{k}: ansible {x[k]!r} drover {y[k]!r}", file=sys.stderr); bad += 1
for key in a:
    cmp(key, a[key], d[key])
sys.exit(1 if bad else 0)
PY
  }
  check "stat/copy results match ansible-playbook's" compare_results

  # The file times playbook under ansible-playbook: the same changes (3,
  # then none) and the same times as drover's run above.
  rm -f "$W/kept" "$W/stamped" "$W/formatted"
  (cd "$P" && ansible-playbook -i hosts -e @vars.yml times.yml) >"$T/aout" 2>&1
  check "file times: ansible-playbook changes 3 too" grep -qE "^h1 +: ok=[0-9]+ +changed=3 " "$T/aout"
  check "file times: ansible-playbook sets the same mtime" \
    test "$(stat -c %Y "$W/stamped") $(stat -c %X "$W/stamped") $(stat -c %Y "$W/formatted")" = \
    "$(date -d '2020-01-01 12:00:00' +%s) $(date -d '2020-01-02 13:00:30' +%s) $(date -d '2021-03-04 05:06:07' +%s)"
  (cd "$P" && ansible-playbook -i hosts -e @vars.yml times.yml) >"$T/aout" 2>&1
  check "file times: ansible-playbook's rerun changes nothing either" \
    grep -qE "^h1 +: ok=[0-9]+ +changed=0 " "$T/aout"
fi

finish
