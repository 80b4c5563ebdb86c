#!/usr/bin/env bash
# e2e: drover's schedule and package modules (cron, package, apt,
# apt_repository, apt_key, debconf, dpkg_selections, package_facts,
# service_facts) on a Debian host booted WITHOUT python3
# (tests/hosts/hosts.sh ":no-python"):
#   run 1 changes every task; run 2 changes nothing (changed=0); after the
#   host is changed by hand, --check reports the changes and makes none;
#   run 3 (--diff) restores the state and prints Ansible's diffs; the host's
#   state is checked with its own tools (crontab -l, cat /etc/cron.d/...,
#   apt-cache policy, gpg --list-keys, debconf-show, dpkg --get-selections).
#   Differential: the same playbook run by ansible-playbook on a twin host
#   WITH python3 gives the same recap counts and the same registered results,
#   key by key where keys are deterministic. Bad input fails before any host
#   is touched, naming the task's file:line and the argument.
# No internet: the apt repository is a local file: one (built here with
# dpkg-deb and dpkg-scanpackages), keys are made here with gpg, the key and
# deb URLs are served by an HTTP server on 127.0.0.1; only `cron`, `gnupg`
# and `hello` come from the machine's configured Debian mirror.
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh
# shellcheck source=../lib/batch_twin.sh
source tests/lib/batch_twin.sh

passed=0 failed=0
check() { # description command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}

hosts_start bare:no-python py
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# --- What the package tasks need, made here: a local apt repository (two
# packages), a deb served over HTTP, and four gpg keys.
W=$S/www
mkdir -p "$W" "$S/repo" "$S/debs"
mkdeb() { # name version dir
  local d=$S/debs/$1
  mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: drover e2e <e2e@example.invalid>\nSection: misc\nPriority: optional\nDescription: drover e2e test package\n' \
    "$1" "$2" >"$d/DEBIAN/control"
  echo "$1" >"$d/usr/share/doc/$1/README"
  dpkg-deb --root-owner-group -Zgzip -b "$d" "$3/${1}_${2}_all.deb" >/dev/null
}
mkdeb drover-e2e-hello 1.0 "$S/repo"
mkdeb drover-e2e-extra 1.0 "$S/repo"
mkdeb drover-e2e-url 1.0 "$W"
(cd "$S/repo" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages) ||
  check "dpkg-scanpackages" false
{
  echo "Origin: drover-e2e"
  echo "Label: drover-e2e"
  echo "Date: $(LC_ALL=C date -u -R)"
  echo "MD5Sum:"
  echo " $(md5sum <"$S/repo/Packages" | cut -d' ' -f1) $(stat -c %s "$S/repo/Packages") Packages"
  echo "SHA256:"
  echo " $(sha256sum <"$S/repo/Packages" | cut -d' ' -f1) $(stat -c %s "$S/repo/Packages") Packages"
} >"$S/repo/Release"
export GNUPGHOME=$S/gnupg
mkdir -m 0700 "$GNUPGHOME"
hosts_on_exit "gpgconf --homedir '$GNUPGHOME' --kill all 2>/dev/null"
declare -A KEY
for n in 1 2 3 4; do
  gpg --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "drover e2e $n <e2e$n@example.invalid>" ed25519 sign never 2>/dev/null
  KEY[$n]=$(gpg --with-colons --list-keys "e2e$n@example.invalid" | awk -F: '/^pub/ {print $5; exit}')
  gpg --armor --export "e2e$n@example.invalid" >"$S/key$n.asc"
done
cp "$S/key1.asc" "$W/key1.asc"
{ echo "key2_data: |"; sed 's/^/  /' "$S/key2.asc"; } >"$P/keys.yml"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$W" "$PORT" >"$S/http.log" 2>&1 &
HTTP_PID=$!
hosts_on_exit "kill $HTTP_PID 2>/dev/null"
for h in bare py; do
  mkdir -p "$HOSTS_STATE/$h/root/srv"
  cp -r "$S/repo" "$HOSTS_STATE/$h/root/srv/drover-repo"
  cp "$S/key3.asc" "$S/key4.asc" "$HOSTS_STATE/$h/root/root/"
done

# Both hosts: cron (crontab), gnupg (apt-key's gpg), a cron_file, an apt
# source and a key for the tasks that remove them. The reference host gets
# python3-apt, which Ansible's apt modules need.
for h in bare py; do
  extra=""
  [[ $h == py ]] && extra=python3-apt
  hosts_ssh "$h" 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null &&
    apt-get install -y -q --no-install-recommends cron gnupg '"$extra"' >/dev/null 2>&1 &&
    printf "#Ansible: gone\n0 0 * * * root true\n" >/etc/cron.d/drover-gone &&
    echo "deb [trusted=yes] file:/srv/drover-old ./" >/etc/apt/sources.list.d/drover-old.list &&
    apt-key --keyring /etc/apt/trusted.gpg.d/drover-old.gpg add /root/key4.asc >/dev/null 2>&1' ||
    check "$h: preparing the host" false
done

cat >"$P/site.yml" <<'EOF'
- hosts: all
  gather_facts: false
  vars_files: [keys.yml]
  tasks:
    - name: a weekly job in root's crontab
      cron: {name: certs_renewal, special_time: weekly, job: "certbot renew -q"}
      register: r_cron_special
    - name: an environment variable in www-data's crontab
      cron: {name: PATH, env: true, job: "/usr/bin:/bin", user: www-data}
      register: r_cron_env
    - name: another, after the first
      cron: {name: MAILTO, env: true, job: "", insertafter: PATH, user: www-data}
      register: r_cron_env2
    - name: a timed job for www-data, with a backup
      ansible.builtin.cron:
        name: nightly
        minute: "30"
        hour: "2"
        weekday: "1-5"
        job: /usr/bin/true nightly
        user: www-data
        backup: true
      register: r_cron_timed
    - name: a disabled job in a cron_file
      cron:
        name: cleanup
        cron_file: drover-e2e
        user: root
        minute: "*/10"
        job: find /tmp -name drover-e2e -delete
        disabled: true
      register: r_cron_file
    - name: the last job of a cron_file removed, the file with it
      cron: {name: gone, cron_file: drover-gone, state: absent}
      register: r_cron_gone
    - name: an apt source removed (its file with it)
      apt_repository: {repo: "deb [trusted=yes] file:/srv/drover-old ./", state: absent, update_cache: false}
      register: r_repo_absent
    - name: the local repository, in the file Ansible names, the cache updated
      apt_repository: {repo: "deb [trusted=yes] file:/srv/drover-repo ./"}
      register: r_repo
    - name: the same repository again, in a file named here, private
      ansible.builtin.apt_repository:
        repo: "deb [trusted=yes arch=all] file:/srv/drover-repo ./"
        filename: drover-extra
        mode: "0600"
        update_cache: false
      register: r_repo_named
    - name: a key from a URL, in its own keyring
      apt_key: {url: "http://127.0.0.1:{{ http_port }}/key1.asc", keyring: /etc/apt/trusted.gpg.d/drover-e2e1.gpg}
      register: r_key_url
    - name: a key given as data
      apt_key: {data: "{{ key2_data }}", keyring: /etc/apt/trusted.gpg.d/drover-e2e2.gpg}
      register: r_key_data
    - name: a key from a file on the host
      apt_key: {file: /root/key3.asc, keyring: /etc/apt/trusted.gpg.d/drover-e2e3.gpg}
      register: r_key_file
    - name: a key removed by id
      apt_key: {id: "{{ key4 }}", keyring: /etc/apt/trusted.gpg.d/drover-old.gpg, state: absent}
      register: r_key_absent
    - name: a package from the local repository, through package
      package: {name: drover-e2e-hello, state: present}
      register: r_package
    - name: packages by name pattern
      apt: {name: "drover-e2e-ex*"}
      register: r_apt_pattern
    - name: a deb from a URL
      apt: {deb: "http://127.0.0.1:{{ http_port }}/drover-e2e-url_1.0_all.deb"}
      register: r_apt_deb_url
    - name: a package from the Debian mirror
      ansible.builtin.package: {name: hello, install_recommends: false}
      register: r_package_mirror
    - name: the downloaded package files cleaned
      apt: {clean: true, autoremove: true}
      changed_when: false
      register: r_apt_clean
    - name: the obsolete package files cleaned
      apt: {autoclean: true, autoremove: true}
      register: r_apt_autoclean
    - name: a debconf answer
      debconf: {name: drover-e2e, question: drover-e2e/greeting, vtype: string, value: hi there}
      register: r_debconf
    - name: a boolean debconf answer
      debconf: {name: drover-e2e, question: drover-e2e/enabled, vtype: boolean, value: true}
      register: r_debconf_bool
    - name: a package held
      dpkg_selections: {name: drover-e2e-hello, selection: hold}
      register: r_selection
    - name: the installed packages
      package_facts: {manager: apt}
      register: r_package_facts
    - name: the services
      service_facts:
      register: r_service_facts
    - name: the results, for the differential comparison
      copy:
        content: "{{ {'cron_special': r_cron_special, 'cron_env': r_cron_env, 'cron_env2': r_cron_env2,
                      'cron_timed': r_cron_timed, 'cron_file': r_cron_file,
                      'cron_gone': r_cron_gone, 'repo_absent': r_repo_absent, 'repo': r_repo,
                      'repo_named': r_repo_named, 'key_url': r_key_url, 'key_data': r_key_data,
                      'key_file': r_key_file, 'key_absent': r_key_absent, 'package': r_package,
                      'apt_pattern': r_apt_pattern, 'apt_deb_url': r_apt_deb_url,
                      'package_mirror': r_package_mirror, 'apt_clean': r_apt_clean,
                      'apt_autoclean': r_apt_autoclean, 'debconf': r_debconf,
                      'debconf_bool': r_debconf_bool, 'selection': r_selection,
                      'facts': {'pkg_hello': ansible_facts.packages['drover-e2e-hello'],
                                'pkg_cron': packages['cron'],
                                'svc_cron': ansible_facts.services['cron.service'],
                                'svc_cron_sysv': services['cron'] | default('none'),
                                'svc_ssh': services['ssh.service'],
                                'svc_journald': services['systemd-journald.service']}}
                   | to_json }}"
        dest: /root/results.json
      when: dump is defined
EOF
cp "$HOSTS_INVENTORY" "$P/hosts"
cat >>"$P/hosts" <<EOF
http_port=$PORT
key4=${KEY[4]}
EOF
# Run 1 changes every task but the clean (changed_when: false), the
# autoclean (nothing obsolete) and the two facts tasks; the results' copy
# changes too.
RUN1_CHANGED=21

# play TOOL LIMIT ARGS... : runs drover or ansible-playbook on one host;
# sets rc, output in $S/out.
play() {
  local tool=$1 limit=$2
  shift 2
  set +e
  if [[ $tool == drover ]]; then
    (cd "$P" && "$DROVER" playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  else
    (cd "$P" && ansible-playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  fi
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }
on_bare() { hosts_ssh bare "$@"; }
# shellcheck disable=SC2016 # expanded on the host
state_of_bare() {
  on_bare 'echo "== root"; crontab -l; echo "== www-data"; crontab -u www-data -l
    echo "== cron.d"; cat /etc/cron.d/drover-e2e; ls /etc/cron.d/drover-gone 2>&1
    echo "== sources"; cd /etc/apt/sources.list.d; for f in *.list; do echo "$f $(stat -c %a "$f"): $(cat "$f")"; done
    echo "== keys"; for k in drover-e2e1 drover-e2e2 drover-e2e3 drover-old; do
      printf "%s:" $k; gpg --no-default-keyring --keyring /etc/apt/trusted.gpg.d/$k.gpg --with-colons \
        --list-keys 2>/dev/null | awk -F: "/^pub/ {printf \" %s\", \$5}"; echo; done
    echo "== packages"; for p in drover-e2e-hello drover-e2e-extra drover-e2e-url hello; do
      echo "$p $(apt-cache policy $p 2>/dev/null | sed -n "s/^  Installed: //p")"; done
    ls /var/cache/apt/archives/*.deb 2>/dev/null | wc -l
    echo "== debconf"; debconf-show drover-e2e | sort
    echo "== selections"; dpkg --get-selections drover-e2e-hello | tr -s "\t" " "' 2>&1
}
WANT_STATE="== root
#Ansible: certs_renewal
@weekly certbot renew -q
== www-data
PATH=\"/usr/bin:/bin\"
MAILTO=\"\"
#Ansible: nightly
30 2 * * 1-5 /usr/bin/true nightly
== cron.d
#Ansible: cleanup
#*/10 * * * * root find /tmp -name drover-e2e -delete
ls: cannot access '/etc/cron.d/drover-gone': No such file or directory
== sources
drover-extra.list 600: deb [trusted=yes arch=all] file:/srv/drover-repo ./
file_srv_drover_repo.list 644: deb [trusted=yes] file:/srv/drover-repo ./
== keys
drover-e2e1: ${KEY[1]}
drover-e2e2: ${KEY[2]}
drover-e2e3: ${KEY[3]}
drover-old:
== packages
drover-e2e-hello 1.0
drover-e2e-extra 1.0
drover-e2e-url 1.0
hello $(on_bare "apt-cache policy hello | sed -n 's/^  Candidate: //p'" 2>/dev/null || true)
0
== debconf
* drover-e2e/enabled: true
* drover-e2e/greeting: hi there
== selections
drover-e2e-hello hold"
check_state() { # description
  local got
  got=$(state_of_bare || true)
  check "$1" test "$got" = "$WANT_STATE"
  [[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
}

# --- run 1: everything changes
start=$SECONDS
play drover bare -e dump=1
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task changed ($(recap bare))" changed_is bare $RUN1_CHANGED
check_state "host state after run 1"
on_bare cat /root/results.json >"$S/drover.json" || true
drover_recap1=$(recap bare)
echo "run 1: $((SECONDS - start)) s" >&2

# --- run 2: nothing changes
start=$SECONDS
play drover bare
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 2: changed=0 ($(recap bare))" changed_is bare 0
drover_recap2=$(recap bare)
echo "run 2: $((SECONDS - start)) s" >&2
same_without_batching play drover bare

# --- the host drifts; --check reports it and changes nothing
on_bare 'set -e; printf "#Ansible: certs_renewal\n@daily certbot renew -q\n" | crontab -
  sed -i "s/^#\*\/10/*\/10/" /etc/cron.d/drover-e2e
  printf "#Ansible: gone\n0 0 * * * root true\n" >/etc/cron.d/drover-gone
  echo "deb [trusted=yes] file:/srv/drover-old ./" >/etc/apt/sources.list.d/drover-old.list
  dpkg -r drover-e2e-extra >/dev/null 2>&1
  echo "drover-e2e drover-e2e/greeting string bye" | debconf-set-selections
  echo "drover-e2e-hello install" | dpkg --set-selections' ||
  check "drifting the host by hand" false
drifted=$(state_of_bare || true)
play drover bare --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: the seven drifted tasks would change ($(recap bare))" changed_is bare 7
after_check=$(state_of_bare || true)
check "drover --check changed nothing on the host" test "$after_check" = "$drifted"
[[ $after_check == "$drifted" ]] || diff <(echo "$drifted") <(echo "$after_check") >&2 || true

# --- run 3 (--diff) restores the described state, showing Ansible's diffs
play drover bare --diff
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap bare))" changed_is bare 7
check_state "host state after run 3"
check "the diff shows root's crontab restored" \
  grep -qzE -- '--- before: crontab
\+\+\+ after: crontab
@@ -1,2 \+1,2 @@
 #Ansible: certs_renewal
-@daily certbot renew -q
\+@weekly certbot renew -q' "$S/out"
check "the diff shows the cron_file's job disabled again" \
  grep -qzE -- '-\*/10 \* \* \* \* root find /tmp -name drover-e2e -delete
\+#\*/10 \* \* \* \* root find' "$S/out"
check "the diff shows the removed cron_file" grep -q -- '+++ after: /dev/null' "$S/out"
check "the diff shows the removed apt source" \
  grep -qzE -- '--- before: /etc/apt/sources.list.d/drover-old.list
\+\+\+ after: /dev/null
@@ -1 \+0,0 @@
-deb \[trusted=yes\] file:/srv/drover-old ./' "$S/out"

# --- no Python was needed, none was installed
set +e
on_bare 'command -v python3'
status=$?
set -e
check "python3 still absent ('command -v python3' exited $status)" test "$status" -eq 1

# --- bad input: refused before any host is touched, naming file:line and
# the argument.
bad() { # description expected-text task-yaml
  printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - %s\n' "$3" >"$P/bad.yml"
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts -l bare bad.yml) >"$S/out" 2>&1
  local brc=$?
  set -e
  check "bad input, $1: fails (rc=$brc)" test "$brc" -ne 0
  check "bad input, $1: names bad.yml:4 and '$2'" \
    bash -c "grep -q 'bad.yml:4' '$S/out' && grep -qF -- '$2' '$S/out'"
  grep -q 'bad.yml:4' "$S/out" && grep -qF -- "$2" "$S/out" || sed 's/^/    /' "$S/out" >&2
}
bad "cron, unknown argument" "jobb" 'cron: {name: x, jobb: "true"}'
bad "cron, wrong type" "disabled" 'cron: {name: x, job: "true", disabled: maybe}'
bad "cron, missing required" "name" 'cron: {job: "true"}'
bad "cron, unknown state" "state" 'cron: {name: x, job: "true", state: enabled}'
bad "cron, unknown special_time" "special_time" 'cron: {name: x, job: "true", special_time: fortnightly}'
bad "apt_repository, missing repo" "repo" 'apt_repository: {state: present}'
bad "apt_repository, unknown state" "state" 'apt_repository: {repo: "deb file:/x ./", state: enabled}'
bad "apt_key, unknown argument" "keyfile" 'apt_key: {keyfile: /x}'
bad "debconf, unknown vtype" "vtype" 'debconf: {name: x, question: x/y, vtype: number, value: "1"}'
bad "dpkg_selections, missing selection" "selection" 'dpkg_selections: {name: hello}'
bad "dpkg_selections, unknown selection" "selection" 'dpkg_selections: {name: hello, selection: keep}'
bad "package, wrong type" "update_cache" 'package: {name: hello, update_cache: sometimes}'
bad "package_facts, unknown strategy" "strategy" 'package_facts: {strategy: some}'

# --- differential: ansible-playbook on the host with python3
play ansible py -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
compare_results() {
  /usr/bin/python3 - "$S/ansible.json" "$S/drover.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
# Not deterministic across two hosts and runs, or not a module result.
# ansible_facts: the interpreter Ansible discovered (the facts tasks are
# compared through the excerpts in "facts").
skip = {"invocation", "failed", "diff", "stdout", "stdout_lines", "stderr", "stderr_lines",
        "cache_update_time", "ansible_facts"}
bad = 0
def report(msg):
    global bad
    print(msg, file=sys.stderr)
    bad += 1
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip:
            continue
        if k not in dr:
            report(f"{task}.{k}: missing in drover (ansible {v!r})")
        elif k == "backup_file":
            if not (dr[k].startswith("/tmp/crontab") and len(dr[k]) == len(v)):
                report(f"{task}.{k}: ansible {v!r} drover {dr[k]!r}")
        elif dr[k] != v:
            report(f"{task}.{k}: ansible {v!r} drover {dr[k]!r}")
    for k in dr:
        if k not in ar and k not in skip:
            report(f"{task}.{k}: only in drover ({dr[k]!r})")
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "registered results match ansible-playbook's key by key" compare_results

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
