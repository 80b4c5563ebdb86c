#!/usr/bin/env bash
# Settings drover ignores are said, once, never silently dropped
# (cli/ansible_settings.h), against ansible-playbook/ansible 2.14 where the
# behaviour is Ansible's:
# - honoured settings (ansible.cfg and ANSIBLE_* variables) give no warning:
#   drover's stdout and stderr are ansible-playbook's;
# - an ignored setting in ansible.cfg, in the environment, or in both, gives
#   exactly one warning naming it and where it came from (file:line or the
#   variable), in every command, once per run; stdout unchanged;
# - settings without effect are named together in one line;
# - a key Ansible does not know, and a setting at its default, give none
#   (ansible-playbook 2.14 says nothing about unknown keys either);
# - an integer setting that is not one: Ansible's rc 5, nothing run;
# - callbacks_enabled: other callbacks than profile_tasks/timer are named.
set -uo pipefail
: "${DROVER:?}"
lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# No ANSIBLE_LOCAL_TEMP for drover (drover_env.sh); Ansible gets its own below.
export HOME=$tmp ANSIBLE_NOCOLOR=1
for v in $(env | sed -n 's/^\(ANSIBLE_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
source "$lib/check.sh"
ansible_playbook() { ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp ansible-playbook "$@"; }

printf 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >hosts
cat >site.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - debug: {msg: hi}
EOF
# ansible.cfg: honoured settings, then $1 in [defaults], then $2 (sections).
write_cfg() {
  printf '[defaults]\ninventory = hosts\nforks = 3\ngathering = explicit\nforce_handlers = True\n'
  printf 'any_errors_fatal = no\ntimeout = 20\nretry_files_enabled = False\n%s' "${1:-}"
  printf '[privilege_escalation]\nbecome = false\n%s' "${2:-}"
} >ansible.cfg
write_cfg

run_drover() {  # name args...: stdout in $1.out, stderr in $1.err, rc in $1.rc
  local name=$1
  shift
  "$DROVER" "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
  # Warnings are wrapped as Ansible wraps them: $1.warn has one per line.
  awk '/^\[WARNING\]/ { if (w != "") print w; w = $0; next }
       /^$/ { if (w != "") print w; w = ""; next }
       { if (w != "") w = w " " $0 }
       END { if (w != "") print w }' "$name.err" >"$name.warn"
}
warnings() { grep -c '^\[WARNING\]' "$1.err"; }

# Honoured settings, ansible.cfg and environment: no warning, Ansible's output.
ANSIBLE_FORCE_HANDLERS=1 ANSIBLE_GATHERING=explicit ANSIBLE_TIMEOUT=15 \
  run_drover base playbook --no-progress site.yml
ANSIBLE_FORCE_HANDLERS=1 ANSIBLE_GATHERING=explicit ANSIBLE_TIMEOUT=15 \
  ansible_playbook site.yml >a.out 2>a.err
check "honoured settings: drover's stdout is ansible-playbook's" diff base.out a.out
check "honoured settings: no warning (stderr as ansible-playbook's)" diff base.err a.err

# An ignored setting in ansible.cfg.
write_cfg $'jinja2_native = True\n'
run_drover cfg playbook --no-progress site.yml
check "ignored in ansible.cfg: one warning" test "$(warnings cfg)" = 1
check "ignored in ansible.cfg: names the key, file:line and 'ignored by drover'" \
  grep -q "^\[WARNING\]: \[defaults\] jinja2_native ($tmp/ansible.cfg:9) is ignored by drover" cfg.warn
check "ignored in ansible.cfg: stdout unchanged" diff base.out cfg.out
check "ignored in ansible.cfg: same rc" diff base.rc cfg.rc

# The same setting in the environment too: one warning, the variable's.
ANSIBLE_JINJA2_NATIVE=True run_drover both playbook --no-progress site.yml
check "ignored in both: one warning, naming the variable (it wins)" bash -c \
  '[[ $(grep -c "^\[WARNING\]" both.err) = 1 ]] && grep -q "^\[WARNING\]: ANSIBLE_JINJA2_NATIVE (setting jinja2_native) is ignored by drover" both.warn'
write_cfg
ANSIBLE_JINJA2_NATIVE=True run_drover env playbook --no-progress site.yml
check "ignored in the environment: exactly one warning" test "$(warnings env)" = 1
check "ignored in the environment: names ANSIBLE_JINJA2_NATIVE" \
  grep -q "^\[WARNING\]: ANSIBLE_JINJA2_NATIVE (setting jinja2_native) is ignored" env.warn
check "ignored in the environment: stdout unchanged" diff base.out env.out
ANSIBLE_JINJA2_NATIVE=True run_drover twice playbook --no-progress site.yml site.yml
check "two playbooks: still one warning" test "$(warnings twice)" = 1

# Every command: once each.
ANSIBLE_JINJA2_NATIVE=True run_drover adhoc adhoc all -m ping
check "adhoc: one warning" test "$(warnings adhoc)" = 1
check "adhoc: the result as without the setting" grep -q '^h1 | SUCCESS' adhoc.out
ANSIBLE_JINJA2_NATIVE=True run_drover inv inventory --list
check "inventory: one warning" test "$(warnings inv)" = 1
check "inventory: ansible-inventory's JSON on stdout" python3 -c \
  'import json; json.load(open("inv.out"))'
printf 'pw\n' >pw
ANSIBLE_JINJA2_NATIVE=True run_drover vault vault encrypt_string --vault-password-file pw x
check "vault: one warning" test "$(warnings vault)" = 1

# No effect on a drover run: named together, in one line.
write_cfg $'interpreter_python = /usr/bin/python3\n' $'[ssh_connection]\npipelining = True\n'
ANSIBLE_LOCAL_TEMP=$tmp/t run_drover noeffect playbook --no-progress site.yml
check "no effect: one line" test "$(warnings noeffect)" = 1
check "no effect: names each entry" bash -c 'grep "no effect in drover" noeffect.warn |
  grep "ANSIBLE_LOCAL_TEMP" | grep "\[defaults\] interpreter_python" | grep -q "\[ssh_connection\] pipelining"'
check "no effect: stdout unchanged" diff base.out noeffect.out

# Unknown keys: nothing, as ansible-playbook 2.14; a setting at its default: nothing.
write_cfg $'no_such_setting = 1\ndeprecation_warnings = yes\n' $'[no_such_section]\nx = 1\n'
ANSIBLE_NO_SUCH_SETTING=1 ANSIBLE_DEPRECATION_WARNINGS=True run_drover unknown playbook --no-progress site.yml
ANSIBLE_NO_SUCH_SETTING=1 ANSIBLE_DEPRECATION_WARNINGS=True ansible_playbook site.yml >a.out 2>a.err
check "unknown keys and defaults: stderr as ansible-playbook's (nothing)" diff unknown.err a.err
check "unknown keys and defaults: stdout as ansible-playbook's" diff unknown.out a.out

# An integer setting that is not one: Ansible's rc 5, nothing run.
write_cfg
ANSIBLE_FORKS=abc run_drover badint playbook --no-progress site.yml
ANSIBLE_FORKS=abc ansible_playbook site.yml >a.out 2>a.err
echo $? >a.rc
check "ANSIBLE_FORKS=abc: ansible-playbook's rc ($(cat a.rc))" diff badint.rc a.rc
check "ANSIBLE_FORKS=abc: nothing run" bash -c '! grep -q PLAY badint.out'
check "ANSIBLE_FORKS=abc: the error names DEFAULT_FORKS" grep -q "DEFAULT_FORKS" badint.err

# callbacks_enabled: profile_tasks/timer honoured, any other named once.
write_cfg $'callbacks_enabled = timer, community.general.mail\n'
run_drover cb playbook --no-progress site.yml
check "callbacks_enabled: one warning naming community.general.mail" bash -c \
  '[[ $(grep -c "^\[WARNING\]" cb.err) = 1 ]] && grep -q "community.general.mail" cb.err'
check "callbacks_enabled = timer: the TASK TIMING block" grep -q "TASK TIMING" cb.out
write_cfg $'callback_whitelist = ansible.posix.profile_tasks\n'
run_drover cb2 playbook --no-progress site.yml
check "callback_whitelist = profile_tasks: no warning" test "$(warnings cb2)" = 0

finish "settings warnings"
