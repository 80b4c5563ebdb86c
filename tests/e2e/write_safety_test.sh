#!/usr/bin/env bash
# e2e (issue 13): writes that fail install nothing, on a booted Debian host.
#   - disk full: a 64 KiB tmpfs mounted on the host (mount inside the nspawn
#     host over ssh; unmounted on exit, and gone with the host anyway) holds
#     the old files; template, copy content= and src=, lineinfile,
#     blockinfile, replace, file state=touch, unarchive, get_url (from an
#     http server on this machine's loopback, which the host shares),
#     ini_file, cron cron_file and htpasswd each try to write 100 KB there:
#     every writing task fails (state=touch writes no content and succeeds,
#     as Ansible's), every old file keeps its sha256, no temp file is left;
#   - the sshd session process on the host killed (by its PID, found from
#     the temp file it writes) and a SIGINT to drover during a 300 MB copy
#     leave the old file intact, and the next run copies it and leaves no
#     temp file;
#   - a 1 GB copy (a sparse file on this machine) peaks under 64 MB RSS on
#     the controller (/usr/bin/time -v).
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
DROVER=${DROVER:-$PWD/build/drover}
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh

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

hosts_start w1
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P/templates" "$P/files"
# cron (the cron module needs crontab, as Ansible's), in the background.
hosts_ssh w1 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends cron' >"$S/apt.log" 2>&1 &
apt_pid=$!
cp "$HOSTS_INVENTORY" "$P/hosts"
on_host() { hosts_ssh w1 "$@"; }
# play PLAYBOOK [ARGS...]: drover in $P; status in $rc, output in $S/out.
play() {
  local file=$1
  shift
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts -e @vars.yml "$file" "$@") >"$S/out" 2>&1
  rc=$?
  set -e
}
# temps_left DIR: temp files of drover's installs (or get_url's) left in DIR.
temps_left() { on_host "find $1 -name '.*.drover-*.tmp' -o -name '.drover-get_url.*' | wc -l"; }

# --- disk full
W=/srv/full
FILES="template copy_content copy_src lineinfile blockinfile replace touch get_url ini cron htpasswd unarchive/payload"
hosts_on_exit "hosts_ssh w1 'umount $W' 2>/dev/null"
# shellcheck disable=SC2016 # expanded on the host
on_host 'set -e; W='"$W"'
  mkdir -p $W && mount -t tmpfs -o size=64k,mode=0755 drover-e2e-full $W
  old() { i=0; while [ $i -lt 80 ]; do i=$((i+1)); printf "old line %05d of the file\n" $i; done; }
  for f in template copy_content copy_src lineinfile blockinfile replace touch get_url; do old >$W/$f; done
  { printf "[s]\nk = old\n"; old | sed "s/^/# /"; } >$W/ini
  { printf "#Ansible: other\n* * * * * root true\n"; old | sed "s/^/# /"; } >$W/cron
  i=0; while [ $i -lt 80 ]; do i=$((i+1)); printf "user%03d:pw%03d\n" $i $i; done >$W/htpasswd
  mkdir $W/unarchive && old >$W/unarchive/payload && touch -d 2020-01-01 $W/unarchive/payload
  df -k $W | tail -1'
sums() { on_host "cd $W && sha256sum $FILES"; }
before=$(sums)
python3 -c 'import sys; sys.stdout.write("".join("new line %05d: more than the disk holds\n" % i for i in range(2600)))' >"$S/big.txt"
cp "$S/big.txt" "$P/templates/big.j2"
cp "$S/big.txt" "$P/files/big.txt"
(mkdir -p "$S/arc" && cp "$S/big.txt" "$S/arc/payload" && echo new >"$S/arc/added" &&
  tar -C "$S/arc" -czf "$P/files/payload.tar.gz" payload added)
mkdir -p "$S/www" && cp "$S/big.txt" "$S/www/served.txt"
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$S/www" "$HTTP_PORT" >/dev/null 2>&1 &
HTTP_PID=$!
hosts_on_exit "kill $HTTP_PID"
python3 -c 'import sys, yaml
big = open(sys.argv[2]).read()
yaml.safe_dump({"w": sys.argv[1], "big": big, "big_line": big.replace("\n", " ")}, open(sys.argv[3], "w"))' \
  "$W" "$S/big.txt" "$P/vars.yml"
WRITERS="template copy_content copy_src lineinfile blockinfile replace unarchive get_url ini_file cron htpasswd"
cat >"$P/full.yml" <<EOF
- hosts: w1
  gather_facts: false
  tasks:
    - {name: template, template: {src: big.j2, dest: "{{ w }}/template"}, register: r_template, ignore_errors: true}
    - {name: copy_content, copy: {content: "{{ big }}", dest: "{{ w }}/copy_content"}, register: r_copy_content, ignore_errors: true}
    - {name: copy_src, copy: {src: big.txt, dest: "{{ w }}/copy_src"}, register: r_copy_src, ignore_errors: true}
    - {name: lineinfile, lineinfile: {path: "{{ w }}/lineinfile", line: "{{ big }}"}, register: r_lineinfile, ignore_errors: true}
    - {name: blockinfile, blockinfile: {path: "{{ w }}/blockinfile", block: "{{ big }}"}, register: r_blockinfile, ignore_errors: true}
    - {name: replace, replace: {path: "{{ w }}/replace", regexp: 'old line 00001 of the file', replace: "{{ big }}"}, register: r_replace, ignore_errors: true}
    - {name: touch, file: {path: "{{ w }}/touch", state: touch}, register: r_touch, ignore_errors: true}
    - {name: unarchive, unarchive: {src: payload.tar.gz, dest: "{{ w }}/unarchive"}, register: r_unarchive, ignore_errors: true}
    - {name: get_url, get_url: {url: "http://127.0.0.1:$HTTP_PORT/served.txt", dest: "{{ w }}/get_url", force: true}, register: r_get_url, ignore_errors: true}
    - {name: ini_file, ini_file: {path: "{{ w }}/ini", section: s, option: k, value: "{{ big_line }}"}, register: r_ini_file, ignore_errors: true}
    - {name: cron, cron: {name: drover-e2e, job: "true {{ big_line }}", cron_file: "{{ w }}/cron", user: root}, register: r_cron, ignore_errors: true}
    - {name: htpasswd, htpasswd: {path: "{{ w }}/htpasswd", name: newuser, password: "{{ big_line }}", crypt_scheme: plaintext}, register: r_htpasswd, ignore_errors: true}
EOF
for m in $WRITERS touch; do
  printf '    - debug: {msg: "RESULT %s failed={{ r_%s.failed | default(false) }} msg={{ (r_%s.msg | default(\x27\x27))[:300] }}"}\n' "$m" "$m" "$m" >>"$P/full.yml"
done
wait "$apt_pid" || check "installing cron: $(tail -5 "$S/apt.log")" false
start=$SECONDS
play full.yml
echo "disk full: $((SECONDS - start)) s" >&2
after=$(sums)
for f in $FILES; do
  check "disk full: $f left byte-identical" test "$(grep " $f\$" <<<"$after")" = "$(grep " $f\$" <<<"$before")"
done
for m in $WRITERS; do
  check "disk full: $m failed" grep -q "RESULT $m failed=True" "$S/out"
done
for m in template copy_content copy_src lineinfile blockinfile replace ini_file cron; do
  check "disk full: $m says Failed to replace file" \
    grep -qE "RESULT $m failed=True msg=(writing [^ ]* failed: )?Failed to replace file: .*(No space left|bytes arrived|write failed)" "$S/out"
done
check "disk full: unarchive says failed to unpack" grep -q "RESULT unarchive failed=True msg=failed to unpack payload.tar.gz to $W/unarchive" "$S/out"
check "disk full: unarchive removed the member it added" test "$(on_host "ls $W/unarchive")" = payload
check "disk full: touch succeeds (no content to write)" grep -q "RESULT touch failed=False" "$S/out"
check "disk full: no temp file left" test "$(temps_left $W)" = 0
check "disk full: the run failed nothing else (rc=$rc)" grep -qE "^w1 +: ok=[0-9]+ +changed=1 .*failed=0 .*ignored=11" "$S/out"
[[ $failed -eq 0 ]] || grep -E 'RESULT|^w1 ' "$S/out" >&2
on_host "umount $W"

# --- a killed connection and a SIGINT during a large copy
head -c $((300 * 1024 * 1024)) /dev/urandom >"$P/files/large.bin"
on_host 'seq 1000 >/root/large'
old_large=$(on_host 'sha256sum </root/large')
cat >"$P/large.yml" <<'EOF'
- hosts: w1
  gather_facts: false
  tasks:
    - copy: {src: large.bin, dest: /root/large}
EOF
# start_copy: drover copies large.bin in the background ($copy_pid; SIGINT
# restored, as a background job of a script ignores it) and returns once
# the temp file on the host has passed 10 MB.
start_copy() {
  (cd "$P" && exec python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$DROVER" playbook -i hosts -e @vars.yml large.yml) >"$S/int.out" 2>&1 &
  copy_pid=$!
  for _ in $(seq 300); do
    [[ -n $(on_host "find /root -maxdepth 1 -name '.large.drover-*.tmp' -size +10M") ]] && return 0
    sleep 0.1
  done
  echo "the copy did not start: $(cat "$S/int.out")" >&2
}
# The sshd session process (sshd: root@notty) above the process writing
# the temp file, killed by its PID.
# shellcheck disable=SC2016 # expanded on the host
kill_session='t=$(ls /root/.large.drover-*.tmp)
  for d in /proc/[0-9]*; do
    ls -l $d/fd 2>/dev/null | grep -qF "$t" || continue
    p=${d#/proc/}
    while [ "$p" -gt 1 ]; do
      case $(tr "\0" " " </proc/$p/cmdline) in "sshd: root@notty"*) kill -KILL $p; echo "killed $p"; exit 0;; esac
      p=$(awk "/^PPid:/ {print \$2}" /proc/$p/status)
    done
  done
  exit 1'
start_copy
check "killed connection: the session was found and killed" on_host "$kill_session"
wait "$copy_pid" || true
sleep 1
check "killed connection: drover reports the host UNREACHABLE" grep -qE "^w1 +: .*unreachable=1" "$S/int.out"
check "killed connection: the old file is intact" test "$(on_host 'sha256sum </root/large')" = "$old_large"
start_copy
kill -INT "$copy_pid"
wait "$copy_pid" || true
sleep 1
check "SIGINT: the old file is intact" test "$(on_host 'sha256sum </root/large')" = "$old_large"
play large.yml
check "after interruptions: the next run copies (rc=$rc)" test "$rc" = 0
check "after interruptions: the copy is complete" \
  test "$(on_host 'sha256sum </root/large')" = "$(sha256sum <"$P/files/large.bin")"
check "after interruptions: no temp file left" test "$(temps_left /root)" = 0
rm -f "$P/files/large.bin"
on_host 'rm -f /root/large'

# --- peak RSS of a 1 GB copy (sparse on this machine: honest for memory)
truncate -s 1G "$P/files/huge.bin"
cat >"$P/huge.yml" <<'EOF'
- hosts: w1
  gather_facts: false
  tasks:
    - copy: {src: huge.bin, dest: /root/huge}
EOF
start=$SECONDS
# shellcheck disable=SC2016 # expanded by bash -c
/usr/bin/time -v -o "$S/time.txt" bash -c 'cd "$1" && exec "$2" playbook -i hosts -e @vars.yml huge.yml' \
  _ "$P" "$DROVER" >"$S/out" 2>&1 || true
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$S/time.txt")
echo "1 GB copy: $((SECONDS - start)) s, peak RSS ${rss_kb} kB" >&2
check "1 GB copy: completed" test "$(on_host 'stat -c %s /root/huge')" = 1073741824
check "1 GB copy: peak RSS ${rss_kb} kB < 64 MB" test "${rss_kb:-999999}" -lt 65536
on_host 'rm -f /root/huge'
rm -f "$P/files/huge.bin"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
