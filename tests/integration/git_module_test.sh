#!/usr/bin/env bash
# The git module against a private sshd on 127.0.0.1, on a bare repository
# the test makes (commits on main, a branch, an annotated tag): clone,
# unchanged (HEAD and a file's inode and mtime untouched, nothing fetched),
# --check against a remote that moved (changes nothing), update (before/after
# SHAs), version as tag / full SHA / short SHA / branch, a local modification
# (fails without force, reset with force), --diff, and a clone over ssh with
# key_file, ssh_opts and accept_newhostkey. Every registered result is
# compared key by key with ansible-playbook's for the same step on its own
# checkout of the same remote.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start h1
P=$T/project
W=$T/work
mkdir -p "$P" "$W/drover" "$W/ansible"
cat >"$P/hosts" <<EOF2
h1 ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h1]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts' ansible_python_interpreter=/usr/bin/python3
EOF2
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$T  # no user or system git config
SRC=$T/src
git init -q -b main "$SRC"
commit() { echo "$1" >>"$SRC/f.txt" && git -C "$SRC" add f.txt && git -C "$SRC" commit -qm "$1"; }
commit one
git -C "$SRC" tag -a v1 -m v1
git -C "$SRC" checkout -qb feature
echo feat >"$SRC/g.txt" && git -C "$SRC" add g.txt && git -C "$SRC" commit -qm feat
git -C "$SRC" checkout -q main
commit two
git clone -q --bare "$SRC" "$T/repo.git"
sha() { git -C "$SRC" rev-parse "$1"; }
C1=$(sha v1^{commit})
C2=$(sha main)
F1=$(sha feature)

# playbook FILE STEP...: one git task per STEP, its registered result
# written to $W/<who>.<name>.json. STEP is name[:version[:force[:command]]],
# the command (a shell task) run before the git task.
playbook() {
  local file=$P/$1 name version force pre
  shift
  printf -- '- hosts: h1\n  gather_facts: false\n  tasks:\n' >"$file"
  for s in "$@"; do
    IFS=: read -r name version force pre <<<"$s"
    [[ -n $pre ]] && printf '    - shell: %s\n' "$pre" >>"$file"
    cat >>"$file" <<EOF2
    - git: repo="{{ repo }}" dest="{{ dest }}" version=${version:-HEAD} force=${force:-no}
      register: r
      ignore_errors: true
    - copy:
        content: "{{ r | to_json }}"
        dest: "{{ outdir }}/{{ who }}.$name.json"
      check_mode: false
EOF2
  done
}

# run WHO PLAYBOOK ARGS...: runs it as WHO (drover or ansible) on WHO's own
# checkout; output in $T/out and $T/WHO.PLAYBOOK.out.
run() {
  local who=$1 file=$2
  shift 2
  local cmd=("$DROVER" playbook)
  [[ $who == ansible ]] && cmd=(ansible-playbook)
  set +e
  (cd "$P" && "${cmd[@]}" -i hosts "$file" -e "repo=$T/repo.git" -e "dest=$W/$who/co" \
    -e "outdir=$W" -e "who=$who" "$@") >"$T/out" 2>"$T/err"
  rc=$?
  set -e
  cp "$T/out" "$T/$who.$file.out"
}
# step NAME[:...] ARGS...: one step under drover (steps run one by one, so
# the checkout can be looked at in between).
step() {
  local name=${1%%:*}
  playbook "step.$name.yml" "$1"
  run drover "step.$name.yml" "${@:2}"
}
# ansible_steps FLAGS -- STEP...: the same steps under ansible-playbook, in
# one playbook run (ansible-playbook is slow to start).
ansible_steps() {
  local flags=()
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  shift
  [[ $has_ansible == 1 ]] || return 0
  local first=${1%%:*}
  playbook "batch.$first.yml" "$@"
  run ansible "batch.$first.yml" "${flags[@]}"
}
field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("null" if v is None else v)' "$W/drover.$1.json" "$2"; }
ident() { stat -c '%i %Y' "$1" 2>/dev/null || echo none; }
D=$W/drover/co
has_ansible=0
command -v ansible-playbook >/dev/null && has_ansible=1
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False

# --- check mode with no checkout: reported, nothing created
step check_fresh --check
check "check, no checkout: changed" test "$(field check_fresh changed)" = True
check "check, no checkout: after is the remote's HEAD" test "$(field check_fresh after)" = "$C2"
check "check, no checkout: nothing created" test ! -e "$D"
ansible_steps --check -- check_fresh

# --- (a) clone, (b) unchanged: HEAD and the files untouched, nothing fetched
step clone
check "clone: changed, before null, after main" test "$(field clone changed)|$(field clone before)|$(field clone after)" = "True|null|$C2"
check "clone: checked out" test "$(git -C "$D" rev-parse HEAD)|$(cat "$D/f.txt")" = "$C2|$(printf 'one\ntwo')"
before_f=$(ident "$D/f.txt")
before_head=$(ident "$D/.git/HEAD")
sleep 1.1
step unchanged
check "unchanged: changed false, before = after" test "$(field unchanged changed)|$(field unchanged before)|$(field unchanged after)" = "False|$C2|$C2"
check "unchanged: f.txt inode and mtime" test "$(ident "$D/f.txt")" = "$before_f"
check "unchanged: .git/HEAD inode and mtime" test "$(ident "$D/.git/HEAD")" = "$before_head"
check "unchanged: nothing fetched" test ! -e "$D/.git/FETCH_HEAD"
ansible_steps -- clone unchanged

# --- (c) the remote moves; --check reports it and changes nothing
commit three
git -C "$SRC" push -q "$T/repo.git" main
C3=$(sha main)
step moved_check --check
check "check, remote moved: changed, after the new commit" test "$(field moved_check changed)|$(field moved_check before)|$(field moved_check after)" = "True|$C2|$C3"
check "check, remote moved: nothing changed" test "$(git -C "$D" rev-parse HEAD)|$(ident "$D/f.txt")|$(git -C "$D" rev-parse origin/main)" = "$C2|$before_f|$C2"
step moved_check_diff --check --diff
check "check --diff: the commit's diff shown" grep -qx '+three' "$T/out"
check "check --diff: nothing changed" test "$(git -C "$D" rev-parse HEAD)|$(git -C "$D" rev-parse origin/main)|$(ident "$D/f.txt")" = "$C2|$C2|$before_f"
ansible_steps --check -- moved_check

# --- (d) update, with --diff: the same diff text as ansible-playbook prints
step update --diff
check "update: changed, before/after" test "$(field update changed)|$(field update before)|$(field update after)" = "True|$C2|$C3"
check "update: working tree" test "$(tail -n1 "$D/f.txt")" = three
check "update --diff: a diff is shown" grep -qx '+three' "$T/out"
ansible_steps --diff -- update
if [[ $has_ansible == 1 ]]; then
  diff_text() { sed -n '/^TASK \[git\]/,/^\(changed\|ok\|fatal\)/p' "$1" | sed '1d;$d'; }
  same_diff() { diff <(diff_text "$T/ansible.batch.update.yml.out") <(diff_text "$T/drover.step.update.yml.out") >&2; }
  check "update --diff: same text as ansible-playbook" same_diff
fi

# --- versions: annotated tag, full SHA, short SHA, branch, and again;
# local modifications: fail without force, reset with force
steps=(tag:v1 "full_sha:$F1" "short_sha:${C2:0:7}" branch:feature branch_again:feature
  back_to_main:main 'mods:HEAD:no:echo local >> "{{ dest }}/f.txt"' forced:HEAD:yes)
step "${steps[0]}"
check "version=tag: after is the tagged commit" test "$(field tag after)|$(git -C "$D" rev-parse HEAD)" = "$C1|$C1"
step "${steps[1]}"
check "version=sha: after" test "$(field full_sha after)|$(field full_sha before)" = "$F1|$C1"
step "${steps[2]}"
check "version=short sha: after is the full sha" test "$(field short_sha after)" = "$C2"
step "${steps[3]}"
check "version=branch: on the branch" test "$(field branch after)|$(git -C "$D" symbolic-ref --short HEAD)" = "$F1|feature"
step "${steps[4]}"
check "version=branch again: unchanged" test "$(field branch_again changed)" = False
step "${steps[5]}"
step "${steps[6]}"
check "local mods: fails" test "$(field mods failed)" = True
check "local mods: Ansible's message" test "$(field mods msg)" = "Local modifications exist in the destination: $D (force=no)."
check "local mods: file kept" test "$(tail -n1 "$D/f.txt")" = local
step "${steps[7]}"
check "force: changed, file reset" test "$(field forced changed)|$(tail -n1 "$D/f.txt")" = "True|three"
check "force: message" test "$(field forced msg)" = "Local modifications exist in the destination: $D"
ansible_steps -- "${steps[@]}"

# --- clone over ssh: key_file, ssh_opts, accept_newhostkey
cat >"$P/ssh.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - git:
        repo: ssh://root@127.0.0.1:${SSHD_PORT[h1]}$T/repo.git
        dest: $W/over ssh
        key_file: $T/id_ed25519
        ssh_opts: -o UserKnownHostsFile=$T/git_known_hosts
        accept_newhostkey: true
      register: r
    - assert:
        that: [r.changed, "r.after == '$C3'", r.before is none]
EOF2
set +e
(cd "$P" && "$DROVER" playbook -i hosts ssh.yml) >"$T/out" 2>&1
rc=$?
set -e
[[ $rc -eq 0 ]] || cat "$T/out" >&2
check "clone over ssh (rc=$rc)" test "$rc" -eq 0
check "over ssh: checked out" test "$(git -C "$W/over ssh" rev-parse HEAD 2>/dev/null)" = "$C3"
check "over ssh: host key accepted into ssh_opts' known_hosts" test -s "$T/git_known_hosts"

# --- every registered result, key by key against ansible-playbook's
if [[ $has_ansible == 1 ]]; then
  compare() {
    python3 - "$W" "$W/drover/co" "$W/ansible/co" <<'PY'
import glob, json, os, sys
w, dd, ad = sys.argv[1:4]
bad = 0
names = sorted(os.path.basename(p)[len("ansible."):-len(".json")] for p in glob.glob(w + "/ansible.*.json"))
for name in names:
    a = json.load(open(f"{w}/ansible.{name}.json"))
    d = json.load(open(f"{w}/drover.{name}.json"))
    for k in ("before", "after", "changed", "failed", "msg", "remote_url_changed"):
        av, dv = a.get(k, "<absent>"), d.get(k, "<absent>")
        if isinstance(av, str): av = av.replace(ad, "DEST")
        if isinstance(dv, str): dv = dv.replace(dd, "DEST")
        if av != dv:
            print(f"{name}.{k}: ansible {av!r} drover {dv!r}", file=sys.stderr); bad += 1
print(f"compared {len(names)} results", file=sys.stderr)
sys.exit(1 if bad or len(names) < 13 else 0)
PY
  }
  check "registered results match ansible-playbook's" compare
fi
finish
