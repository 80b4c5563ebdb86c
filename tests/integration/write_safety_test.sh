#!/usr/bin/env bash
# Writes that fail must not install anything (issue 13), against a private
# sshd on 127.0.0.1 whose target directory is a small tmpfs this test mounts
# under its own temp dir (unmounted in the EXIT trap):
#   - disk full: template, copy content=, copy src=, lineinfile, blockinfile,
#     replace, file state=touch, unarchive and get_url each leave the old
#     file byte-identical, each writing task fails with Ansible's
#     "Failed to replace file: ..." shape (unarchive: "failed to unpack ...",
#     and a member it added is removed again), and no temp file is left;
#   - a connection killed (SIGKILL of drover) and a SIGINT during a large
#     copy leave the old file intact, and no temp file after the next run;
#   - a 1 GB copy (a sparse local file) peaks under 64 MB RSS on the
#     controller (measured with /usr/bin/time -v), and so does its fetch.
source "$(dirname "$0")/sshd_lib.sh"
source "$(dirname "$0")/module_test_lib.sh"
FULL=$T/full
mounted=false
unmount_full() {
  if $mounted; then umount "$FULL" 2>/dev/null || umount -l "$FULL"; fi
  mounted=false
}
trap 'unmount_full; cleanup' EXIT
sshd_setup
sshd_start h1
P=$T/project
mkdir -p "$P/templates" "$P/files"
module_inventory
printf 'w: %s\n' "$FULL" >"$P/vars.yml"
sum() { sha1sum <"$1" | cut -d' ' -f1; }
temps_left() { find "$1" -name '.*.drover-*.tmp' | wc -l; }

# --- disk full: 1 MiB tmpfs, old files of 36 KB, then filled up to 16 KiB free
mkdir -p "$FULL"
mount -t tmpfs -o size=1m,mode=0755 drover-itest-full "$FULL"
mounted=true
old_text() { for i in $(seq 1200); do printf 'old line %05d of the file\n' "$i"; done; }
for f in template copy_content copy_src lineinfile blockinfile replace touch get_url; do
  old_text >"$FULL/$f"
done
mkdir -p "$FULL/unarchive"
old_text >"$FULL/unarchive/payload"
# an older mtime: tar --diff (as Ansible's module reads it) sees the change
touch -d 2020-01-01 "$FULL/unarchive/payload"
for i in $(seq 6000); do printf 'new line %05d: enough text to fill the disk\n' "$i"; done >"$T/big.txt"
cp "$T/big.txt" "$P/templates/big.j2"
cp "$T/big.txt" "$P/files/big.txt"
(cd "$T" && mkdir -p arc && cp big.txt arc/payload && echo new >arc/added &&
  tar -C arc -czf "$P/files/payload.tar.gz" payload added)
cp "$T/big.txt" "$T/served.txt"
HTTP_PORT=$(free_port)
(cd "$T" && exec python3 -m http.server --bind 127.0.0.1 "$HTTP_PORT" >/dev/null 2>&1) &
EXTRA_PIDS+=($!)
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null || true
truncate -s -16K "$FULL/filler"
declare -A BEFORE
for f in template copy_content copy_src lineinfile blockinfile replace touch get_url unarchive/payload; do
  BEFORE[$f]=$(sum "$FULL/$f")
done
python3 -c 'import sys, yaml; yaml.safe_dump({"w": sys.argv[1], "big": open(sys.argv[2]).read()}, open(sys.argv[3], "w"))' \
  "$FULL" "$T/big.txt" "$P/vars.yml"
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/"$HTTP_PORT") 2>/dev/null && break; sleep 0.1; done
cat >"$P/full.yml" <<EOF2
- hosts: h1
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
EOF2
for m in template copy_content copy_src lineinfile blockinfile replace unarchive get_url; do
  printf '    - debug: {msg: "RESULT %s failed={{ r_%s.failed | default(false) }} msg={{ r_%s.msg | default(\x27\x27) }}"}\n' "$m" "$m" "$m" >>"$P/full.yml"
done
play full.yml
cp "$T/out" "$T/full.out"
for f in template copy_content copy_src lineinfile blockinfile replace touch get_url unarchive/payload; do
  check "disk full: $f left byte-identical" test "$(sum "$FULL/$f")" = "${BEFORE[$f]}"
done
for m in template copy_content copy_src lineinfile blockinfile replace unarchive get_url; do
  check "disk full: $m failed" grep -q "RESULT $m failed=True" "$T/full.out"
done
for m in template copy_content copy_src lineinfile blockinfile replace; do
  check "disk full: $m says Failed to replace file" \
    grep -qE "RESULT $m failed=True msg=Failed to replace file: .*(No space left|bytes arrived|write failed)" "$T/full.out"
done
check "disk full: unarchive says failed to unpack" grep -q "RESULT unarchive failed=True msg=failed to unpack payload.tar.gz to $FULL/unarchive" "$T/full.out"
check "disk full: unarchive removed the member it added" test "$(ls "$FULL/unarchive")" = payload
check "disk full: no temp file left" test "$(temps_left "$FULL")" = 0
unmount_full
[[ $failed -eq 0 ]] || sed -n '/RESULT/p' "$T/full.out" >&2

# --- a killed connection and a SIGINT during a large copy
D=$T/dest
mkdir -p "$D"
old_text >"$D/large"
OLD=$(sum "$D/large")
head -c $((300 * 1024 * 1024)) /dev/urandom >"$P/files/large.bin"
cat >"$P/large.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: {src: large.bin, dest: "{{ d }}/large"}
EOF2
printf 'd: %s\n' "$D" >"$P/vars.yml"
# interrupt SIGNAL: start the copy, send SIGNAL to drover once the temp file
# on the host has grown past 10 MB, wait for drover to end.
interrupt() {
  local sig=$1 pid
  # A background job of a script ignores SIGINT: restore it for drover.
  (cd "$P" && exec python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$DROVER" playbook -i hosts -e @vars.yml large.yml) >"$T/int.out" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    [[ -n $(find "$D" -name '.large.drover-*.tmp' -size +10M) ]] && break
    sleep 0.05
  done
  kill "-$sig" "$pid"
  wait "$pid" 2>/dev/null || true
  sleep 1  # the host side notices the closed connection
}
interrupt KILL
check "killed connection: the old file is intact" test "$(sum "$D/large")" = "$OLD"
interrupt INT
check "SIGINT: the old file is intact" test "$(sum "$D/large")" = "$OLD"
# the next run completes the copy and leaves no temp file
play large.yml
check "after interruptions: the next run copies (rc=$rc)" test "$rc" = 0
check "after interruptions: the copy is complete" test "$(sum "$D/large")" = "$(sum "$P/files/large.bin")"
check "after interruptions: no temp file left" test "$(temps_left "$D")" = 0
rm -f "$P/files/large.bin" "$D/large"

# --- peak RSS of a 1 GB copy and of its fetch (sparse: honest for memory)
truncate -s 1G "$P/files/huge.bin"
cat >"$P/huge.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: {src: huge.bin, dest: "{{ d }}/huge"}
    - fetch: {src: "{{ d }}/huge", dest: "{{ d }}/fetched", flat: true}
EOF2
rm -f "$D/fetched"
/usr/bin/time -v -o "$T/time.txt" bash -c 'cd "$1" && exec "$2" playbook -i hosts -e @vars.yml huge.yml' _ "$P" "$DROVER" >"$T/out" 2>&1 || true
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time.txt")
echo "peak RSS of a 1 GB copy + fetch: ${rss_kb} kB"
check "1 GB copy: completed" test "$(stat -c %s "$D/huge" 2>/dev/null)" = 1073741824
check "1 GB fetch: completed" test "$(stat -c %s "$D/fetched" 2>/dev/null)" = 1073741824
check "1 GB copy + fetch: peak RSS ${rss_kb} kB < 64 MB" test "${rss_kb:-999999}" -lt 65536
rm -f "$P/files/huge.bin" "$D/huge" "$D/fetched"
finish
