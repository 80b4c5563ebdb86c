#!/usr/bin/env bash
# The modules that read from or run on the host for the controller (slurp,
# fetch, find, tempfile, script) against a private sshd on 127.0.0.1, in a
# directory whose name has a space, a quote and a `$`. Where a module
# changes something: (a) create, (b) run again: changed=0 and the file's
# inode and mtime unchanged, (c) --check changes nothing. Registered
# results are compared key by key with ansible-playbook's for the same
# tasks on the same host.
source "$(dirname "$0")/sshd_lib.sh"
source "$(dirname "$0")/module_test_lib.sh"
sshd_setup
sshd_start h1
P=$T/project
W="$T/work dir 'q' \$x"
mkdir -p "$P/files" "$W"
module_inventory
/usr/bin/python3 - "$P/vars.yml" "$W" <<'PY'
import sys, yaml
yaml.safe_dump({"w": sys.argv[2]}, open(sys.argv[1], "w"))
PY
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False
HAVE_ANSIBLE=0
command -v ansible-playbook >/dev/null && HAVE_ANSIBLE=1

aplay() {
  local file=$1
  shift
  set +e
  (cd "$P" && ansible-playbook -i hosts -e @vars.yml "$file" "$@") >"$T/aout" 2>&1
  arc=$?
  set -e
  [[ $arc -eq 0 ]] || cat "$T/aout" >&2
}

# compare_json ANSIBLE DROVER [SKIP_KEYS...]: every key of ansible's
# results (recursively, lists element by element) is in drover's with the
# same value.
compare_json() {
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "ansible_facts", "_ansible_no_log", "failed", "deprecations", "warnings"} | set(sys.argv[3:])
bad = 0
def cmp(label, x, y):
    global bad
    if isinstance(x, dict) and isinstance(y, dict):
        for k in x:
            if k in skip:
                continue
            if k not in y:
                print(f"{label}.{k}: missing in drover (ansible {x[k]!r:.200})", file=sys.stderr); bad += 1
            else:
                cmp(label + "." + k, x[k], y[k])
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (p, q) in enumerate(zip(x, y)):
            cmp(f"{label}[{i}]", p, q)
    elif label.endswith(".stdout") and isinstance(x, str) and x.replace("\r\n", "\n") == y:
        pass  # ansible-playbook's ssh runs script on a pty: "\r\n" line ends
    elif x != y:
        print(f"{label}: ansible {x!r:.200} drover {y!r:.200}", file=sys.stderr); bad += 1
cmp("", a, d)
sys.exit(1 if bad else 0)
PY
}

# --- slurp: text, non-UTF-8 bytes, a 20 MB file, the failure messages
printf 'hello\nworld\n' >"$W/text.txt"
/usr/bin/python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes(range(256)) * 3 + b"\xff\xfe\n")' "$W/bin.dat"
head -c 20000000 /dev/urandom >"$W/big.dat"
mkdir -p "$W/a dir"
cat >"$P/slurp.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - slurp: src="{{ w }}/text.txt"
      register: text
    - slurp: path="{{ w }}/bin.dat"
      register: bin
    - slurp: src="{{ w }}/missing"
      register: missing
      ignore_errors: true
    - slurp: src="{{ w }}/a dir"
      register: adir
      ignore_errors: true
    - slurp: src="{{ w }}/big.dat"
      register: big
      when: who == "drover"
    - copy: content="{{ big.content }}" dest="{{ w }}/big.b64"
      when: who == "drover"
    - copy:
        content: "{{ {'text': text, 'bin': bin, 'missing': missing, 'adir': adir} | to_json }}"
        dest: "{{ w }}/{{ who }}-slurp.json"
EOF2
play slurp.yml -e who=drover
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "slurp: playbook runs (rc=$rc)" test "$rc" -eq 0
check "slurp: read-only (only the two copies change)" changed_is 2
slurp_bytes_ok() {
  /usr/bin/python3 - "$W/drover-slurp.json" "$W/bin.dat" "$W/text.txt" <<'PY'
import base64, json, sys
r = json.load(open(sys.argv[1]))
assert base64.b64decode(r["bin"]["content"]) == open(sys.argv[2], "rb").read()
assert base64.b64decode(r["text"]["content"]) == open(sys.argv[3], "rb").read()
assert r["text"]["encoding"] == "base64" and r["text"]["source"].endswith("/text.txt")
PY
}
check "slurp: non-UTF-8 and text bytes round-trip" slurp_bytes_ok
check "slurp: 20 MB file round-trips" test "$(base64 -w0 "$W/big.dat")" = "$(cat "$W/big.b64")"
check "slurp: missing file message" grep -qF "file not found: $W/missing" "$W/drover-slurp.json"
if [[ $HAVE_ANSIBLE -eq 1 ]]; then
  aplay slurp.yml -e who=ansible
  check "slurp: playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  check "slurp: results match ansible-playbook's" compare_json "$W/ansible-slurp.json" "$W/drover-slurp.json"
fi

# --- fetch: layout (dest/<host>/<path>, flat), unchanged leaves the local
# file alone, check mode writes nothing, a 20 MB binary file
L="$T/local 'dir' \$y"
mkdir -p "$L"
cat >"$P/fetch.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - fetch: src="{{ w }}/text.txt" dest=fetched
    - fetch: src="{{ w }}/bin.dat" dest="{{ l }}/" flat=true
    - fetch: src="{{ w }}/big.dat" dest="{{ l }}/big copy" flat=yes
EOF2
play fetch.yml -e "l='$L'"
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "fetch: (a) fetches three files (rc=$rc)" changed_is 3
check "fetch: (a) layout dest/<host>/<abs path>" cmp -s "$W/text.txt" "$P/fetched/h1$W/text.txt"
check "fetch: (a) flat dest/ gets the basename (non-UTF-8 bytes)" cmp -s "$W/bin.dat" "$L/bin.dat"
check "fetch: (a) 20 MB file" cmp -s "$W/big.dat" "$L/big copy"
before="$(ident "$P/fetched/h1$W/text.txt") $(ident "$L/bin.dat") $(ident "$L/big copy")"
sleep 1.1
play fetch.yml -e "l='$L'"
check "fetch: (b) second run changed=0" changed_is 0
check "fetch: (b) local files' inode and mtime unchanged" \
  test "$(ident "$P/fetched/h1$W/text.txt") $(ident "$L/bin.dat") $(ident "$L/big copy")" = "$before"
printf 'changed on the host\n' >>"$W/text.txt"
before=$(ident "$P/fetched/h1$W/text.txt")
play fetch.yml -e "l='$L'" --check
check "fetch: (c) check reports changed" changed_is 1
check "fetch: (c) check wrote nothing" test "$(ident "$P/fetched/h1$W/text.txt")" = "$before"
play fetch.yml -e "l='$L'"
check "fetch: new host content fetched" cmp -s "$W/text.txt" "$P/fetched/h1$W/text.txt"
check "fetch: no temp files left" test -z "$(find "$P/fetched" "$L" -name '*.tmp')"

# ansible-playbook's own fetch fails on paths with spaces (its sftp, scp and dd
# fallbacks), so the comparison uses a plain directory.
FW=$T/plain
mkdir -p "$FW/a_dir"
cp "$W/text.txt" "$W/bin.dat" "$FW/"
cat >"$P/fetch_results.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - fetch: src="{{ fw }}/text.txt" dest=out
      register: created
    - fetch: src="{{ fw }}/text.txt" dest=out
      register: unchanged
    - fetch: src="{{ fw }}/bin.dat" dest=out/flat/ flat=true
      register: flat
    - fetch: src="{{ fw }}/nothing" dest=out fail_on_missing=false
      register: missing_ok
    - fetch: src="{{ fw }}/nothing" dest=out
      register: missing
      ignore_errors: true
    - fetch: src="{{ fw }}/a_dir" dest=out
      register: adir
      ignore_errors: true
    - fetch: src="{{ fw }}/a_dir" dest=out fail_on_missing=no
      register: adir_ok
    - copy:
        content: "{{ {'created': created, 'unchanged': unchanged, 'flat': flat, 'missing_ok': missing_ok, 'missing': missing, 'adir': adir, 'adir_ok': adir_ok} | to_json }}"
        dest: "{{ w }}/{{ who }}-fetch.json"
EOF2
rm -rf "$P/out"
play fetch_results.yml -e who=drover -e fw="$FW"
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "fetch: results playbook runs (rc=$rc)" test "$rc" -eq 0
if [[ $HAVE_ANSIBLE -eq 1 ]]; then
  rm -rf "$P/out"
  aplay fetch_results.yml -e who=ansible -e fw="$FW"
  check "fetch: results playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  check "fetch: results match ansible-playbook's" compare_json "$W/ansible-fetch.json" "$W/drover-fetch.json"
fi

# --- find: a fixed tree; every option's registered result, key by key
FT="$W/tree"
mkdir -p "$FT/sub/deep" "$FT/.hdir" "$FT/sp ace"
printf 'alpha\nport=22\n' >"$FT/a.txt"
printf 'beta\n' >"$FT/b.log"
printf 'hidden\n' >"$FT/.hidden.txt"
printf 'gamma port=80\n' >"$FT/sub/c.txt"
printf 'delta\n' >"$FT/sub/deep/d.txt"
printf 'eps\n' >"$FT/.hdir/e.txt"
printf 'q\n' >"$FT/sp ace/it's \$1.txt"
head -c 3000 /dev/zero >"$FT/big.bin"
printf 'old\n' >"$FT/old.txt"
touch -d '10 days ago' "$FT/old.txt"
ln -s a.txt "$FT/link"
ln -s sub "$FT/dirlink"
cat >"$P/find.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  vars:
    t: "{{ w }}/tree"
  tasks:
    - find: paths="{{ t }}"
      register: plain
    - find: paths="{{ t }}" patterns="*.txt" recurse=true
      register: globbed
    - find: paths="{{ t }}" patterns='^[ab]\..*$' use_regex=true excludes='.*log' recurse=true
      register: regex
    - find: paths="{{ t }}" file_type=any hidden=true recurse=true depth=2
      register: anydepth
    - find: paths="{{ t }}" file_type=directory recurse=true
      register: dirs
    - find: paths="{{ t }}" file_type=link
      register: links
    - find: paths="{{ t }}" age=1d recurse=true
      register: older
    - find: paths="{{ t }}" age=-1d recurse=true
      register: newer
    - find: paths="{{ t }}" size=1k recurse=true
      register: bigger
    - find: paths="{{ t }}" contains='port=\d+' recurse=true
      register: containing
    - find: paths="{{ t }}" get_checksum=true patterns="*.txt,*.log" excludes=b*
      register: sums
    - find:
        paths: ["{{ t }}/a.txt", "{{ t }}/sub"]
      register: notdir
    - copy:
        content: "{{ {'plain': plain, 'globbed': globbed, 'regex': regex, 'anydepth': anydepth, 'dirs': dirs, 'links': links, 'older': older, 'newer': newer, 'bigger': bigger, 'containing': containing, 'sums': sums, 'notdir': notdir} | to_json }}"
        dest: "{{ w }}/{{ who }}-find.json"
EOF2
play find.yml -e who=drover
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "find: playbook runs (rc=$rc)" test "$rc" -eq 0
find_sane() {
  /usr/bin/python3 - "$W/drover-find.json" "$FT" <<'PY2'
import json, sys
r, t = json.load(open(sys.argv[1])), sys.argv[2]
paths = lambda k: sorted(f["path"] for f in r[k]["files"])
assert paths("plain") == sorted(t + "/" + n for n in ["a.txt", "b.log", "big.bin", "old.txt"]), paths("plain")
assert t + "/sp ace/it's $1.txt" in paths("globbed")
assert paths("older") == [t + "/old.txt"]
assert paths("bigger") == [t + "/big.bin"]
assert paths("containing") == sorted([t + "/a.txt"]), paths("containing")
assert all(f["checksum"] for f in r["sums"]["files"])
assert r["plain"]["matched"] == 4 and r["plain"]["changed"] is False
PY2
}
check "find: matches what the tree holds" find_sane
if [[ $HAVE_ANSIBLE -eq 1 ]]; then
  aplay find.yml -e who=ansible
  check "find: playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  check "find: results match ansible-playbook's" compare_json "$W/ansible-find.json" "$W/drover-find.json" atime
fi

# --- tempfile: a file in the host's temp dir, a directory under a path with
# odd characters; path shape, mode and result keys as ansible-playbook's
TD="$W/temps"
mkdir -p "$TD"
cat >"$P/tempfile.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - tempfile:
      register: tf
    - tempfile: state=directory path="{{ w }}/temps" prefix="p 'x'." suffix=".s$"
      register: td
    - file: path="{{ tf.path }}" state=absent
    - copy:
        content: "{{ {'tf': tf, 'td': td} | to_json }}"
        dest: "{{ w }}/{{ who }}-tempfile.json"
EOF2
play tempfile.yml -e who=drover
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "tempfile: playbook runs (rc=$rc)" test "$rc" -eq 0
tempfile_shape() {  # WHO: the paths have Ansible's shape, the directory exists (0700)
  /usr/bin/python3 - "$W/$1-tempfile.json" "$TD" <<'PY2'
import json, os, re, stat, sys
r, td = json.load(open(sys.argv[1])), sys.argv[2]
assert re.fullmatch(r"/tmp/ansible\.[A-Za-z0-9_]{8}", r["tf"]["path"]), r["tf"]["path"]
assert r["tf"]["changed"] is True and r["tf"]["state"] == "file" and r["tf"]["mode"] == "0600"
p = r["td"]["path"]
assert re.fullmatch(re.escape(td + "/p 'x'.") + r"[A-Za-z0-9_]{8}" + re.escape(".s$"), p), p
assert stat.S_IMODE(os.stat(p).st_mode) == 0o700 and r["td"]["state"] == "directory"
PY2
}
check "tempfile: path shape and modes" tempfile_shape drover
n_before=$(ls "$TD" | wc -l)
cat >"$P/tempfile_check.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - tempfile: state=directory path="{{ w }}/temps"
EOF2
play tempfile_check.yml --check
check "tempfile: check mode runs (rc=$rc)" test "$rc" -eq 0
check "tempfile: check mode skips" grep -qE "^h1 +: ok=0 +changed=0 .*skipped=1 " "$T/out"
check "tempfile: check mode creates nothing" test "$(ls "$TD" | wc -l)" = "$n_before"
if [[ $HAVE_ANSIBLE -eq 1 ]]; then
  aplay tempfile.yml -e who=ansible
  check "tempfile: playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  check "tempfile: ansible's paths have the same shape" tempfile_shape ansible
  check "tempfile: results match ansible-playbook's" compare_json "$W/ansible-tempfile.json" "$W/drover-tempfile.json" path
fi

# --- script: a local script (playbook files/, a role's files/) copied, run
# with shell arguments, removed; creates/removes; check mode; rc != 0
mkdir -p "$P/roles/r/files" "$P/roles/r/tasks"
cat >"$P/files/my script.sh" <<'EOF2'
#!/bin/sh
echo "args=$#"
for a in "$@"; do echo "[$a]"; done
echo "pwd=$(pwd)"
echo "to stderr" >&2
case "$0" in *"my"[_\ ]"script.sh") echo "own name kept" ;; esac
exit "${RC:-0}"
EOF2
# Over ssh, ansible-playbook runs scripts on a pty (stderr merged into
# stdout): the copy used for the comparison writes nothing to stderr.
grep -v stderr "$P/files/my script.sh" >"$P/files/my_script.sh"
printf '#!/bin/sh\necho from role\n' >"$P/roles/r/files/role.sh"
printf '#!/bin/sh\ntouch "$1"\n' >"$P/files/touch.sh"
printf '#!/bin/sh\necho failing\nexit 3\n' >"$P/files/fail.sh"
cat >"$P/roles/r/tasks/main.yml" <<'EOF2'
- script: role.sh
  register: role_run
EOF2
cat >"$P/script.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  roles: [r]
  tasks:
    - script: '"my_script.sh" "a b" c\$d plain'
      register: args
    - script:
        cmd: '"my_script.sh" x'
        chdir: "{{ fw }}"
      register: chdir
    - script: '"my_script.sh"'
      args:
        creates: "{{ fw }}/text.txt"
      register: created
    - script: '"my_script.sh"'
      args:
        removes: "{{ fw }}/nothing"
      register: removed
    - script: fail.sh
      register: failing
      ignore_errors: true
    - script: '"my_script.sh" via bash'
      args:
        executable: /bin/bash
      register: bash
    - copy:
        content: "{{ {'role_run': role_run, 'args': args, 'chdir': chdir, 'created': created, 'removed': removed, 'failing': failing, 'bash': bash} | to_json }}"
        dest: "{{ w }}/{{ who }}-script.json"
EOF2
ls -d /tmp/drover-script.* 2>/dev/null | sort >"$T/tmp_before" || true
play script.yml -e who=drover -e fw="$FW"
[[ $rc -eq 0 ]] || cat "$T/out" "$T/err" >&2
check "script: playbook runs (rc=$rc)" test "$rc" -eq 0
ls -d /tmp/drover-script.* 2>/dev/null | sort >"$T/tmp_after" || true
check "script: temp copies removed from the host" cmp -s "$T/tmp_before" "$T/tmp_after"
script_sane() {
  /usr/bin/python3 - "$W/drover-script.json" "$FW" <<'PY2'
import json, sys
r, fw = json.load(open(sys.argv[1])), sys.argv[2]
assert r["args"]["stdout_lines"][:4] == ["args=3", "[a b]", "[c$d]", "[plain]"], r["args"]["stdout_lines"]
assert "own name kept" in r["args"]["stdout_lines"]
assert r["args"]["rc"] == 0 and r["args"]["changed"]
assert "pwd=" + fw in r["chdir"]["stdout_lines"]
assert r["created"]["skipped"] and r["removed"]["skipped"]
assert r["failing"]["rc"] == 3 and r["failing"]["failed"] and r["failing"]["stdout"] == "failing\n"
assert r["role_run"]["stdout"] == "from role\n"
PY2
}
check "script: arguments, chdir, skips, rc, role files/" script_sane
cat >"$P/script_check.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - script: touch.sh {{ (w ~ '/touched') | quote }}
      args:
        creates: "{{ w }}/touched"
EOF2
play script_check.yml --check
check "script: (c) check mode with creates reports changed" changed_is 1
check "script: (c) check mode ran nothing" test ! -e "$W/touched"
play script_check.yml
check "script: (a) runs the script" test -e "$W/touched"
check "script: (a) changed" changed_is 1
play script_check.yml
check "script: (b) creates exists: changed=0" changed_is 0
cat >"$P/script_chdir.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - script: '"my script.sh"'
      args:
        chdir: "{{ w }}"
      register: r
    - assert:
        that: ["('pwd=' ~ w) in r.stdout_lines", "'own name kept' in r.stdout_lines",
               "r.stderr == 'to stderr\\n'", "r.stderr_lines == ['to stderr']"]
EOF2
play script_chdir.yml
check "script: chdir with spaces, quotes and \$ (rc=$rc)" test "$rc" -eq 0
if [[ $HAVE_ANSIBLE -eq 1 ]]; then
  aplay script.yml -e who=ansible -e fw="$FW"
  check "script: playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  check "script: results match ansible-playbook's" compare_json "$W/ansible-script.json" \
    "$W/drover-script.json" stderr stderr_lines exception
fi

finish
