#!/usr/bin/env bash
# The network modules (get_url, uri, wait_for, unarchive) against a private
# sshd on 127.0.0.1 (the "host") and a test HTTP server on 127.0.0.1
# (net/http_server.py). For each: (a) create, (b) again: changed=0 and the
# file's inode and mtime unchanged, (c) --check against a host that
# differs: reported changed, nothing changed; failure cases (checksum
# mismatch leaves dest untouched, 404, closed port); and registered results
# compared key by key with ansible-playbook's for the same tasks on the same
# host.
source "$(dirname "$0")/sshd_lib.sh"
source "$(dirname "$0")/module_test_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
sshd_setup
sshd_start h1
P=$T/project
W="$T/work dir 'q'"
WWW=$T/www
mkdir -p "$P" "$W" "$WWW"
HP=$(free_port)
/usr/bin/python3 "$HERE/net/http_server.py" "$HP" "$WWW" "$T/http.log" 2>"$T/http.err" &
EXTRA_PIDS+=($!)
for _ in $(seq 100); do
  (echo >/dev/tcp/127.0.0.1/"$HP") 2>/dev/null && break
  sleep 0.05
done
U="http://127.0.0.1:$HP"
module_inventory
printf 'payload line 1\npayload $HOME `q`\n' >"$WWW/data.txt"
touch -d '2020-01-01 00:00:00' "$WWW/data.txt"
SHA256=$(sha256sum <"$WWW/data.txt" | cut -d' ' -f1)
SHA1=$(sha1sum <"$WWW/data.txt" | cut -d' ' -f1)
/usr/bin/python3 - "$P/vars.yml" "$W" "$U" "$SHA256" <<'PY'
import sys, yaml
yaml.safe_dump({"w": sys.argv[2], "u": sys.argv[3], "sha256": sys.argv[4]}, open(sys.argv[1], "w"))
PY

# Stricter than the shared changed_is: the run must also have no failure.
changed_is() { grep -qE "^h1 +: ok=[0-9]+ +changed=$1 +unreachable=0 +failed=0 " "$T/out"; }
requests() { grep -c "^$1 $2\$" "$T/http.log" || true; }
show() { cat "$T/out" "$T/err" >&2; }

# --- get_url with a checksum: create, no download at all when it matches,
# check mode against a file that differs, mode applied.
cat >"$P/get_url.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/dl file" checksum="sha256:{{ sha256 }}" mode=0640
EOF2
F="$W/dl file"
play get_url.yml
check "get_url: (a) creates (rc=$rc)" changed_is 1 || show
check "get_url: (a) content" cmp -s "$F" "$WWW/data.txt"
check "get_url: (a) mode 0640" test "$(mode_of "$F")" = 640
check "get_url: (a) no temp file left" test "$(ls -A "$W" | wc -l)" = 1
before=$(ident "$F")
n=$(requests GET /data.txt)
sleep 1.1
play get_url.yml
check "get_url: (b) changed=0" changed_is 0
check "get_url: (b) inode and mtime unchanged" test "$(ident "$F")" = "$before"
check "get_url: (b) matching checksum: no download" test "$(requests GET /data.txt)" = "$n"
printf 'other\n' >"$F"
before=$(ident "$F")
play get_url.yml --check
check "get_url: (c) check reports changed" changed_is 1
check "get_url: (c) check changed nothing" test "$(cat "$F")|$(ident "$F")" = "other|$before"
check "get_url: (c) no temp file left" test "$(ls -A "$W" | wc -l)" = 1
play get_url.yml
check "get_url: differing file replaced" cmp -s "$F" "$WWW/data.txt"

# --- without a checksum: If-Modified-Since, a 304 leaves the file alone.
cat >"$P/get_url_ims.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/ims"
      register: r
    - copy: content="{{ r | to_json }}" dest="{{ w }}/ims.json"
EOF2
rm -f "$W/ims"
play get_url_ims.yml
check "get_url ims: (a) creates (rc=$rc)" cmp -s "$W/ims" "$WWW/data.txt"
before=$(ident "$W/ims")
sleep 1.1
play get_url_ims.yml
check "get_url ims: (b) 304 unchanged" test "$(ident "$W/ims")" = "$before"
check "get_url ims: (b) status_code 304" grep -q '"status_code": 304' "$W/ims.json"
# force=yes with the same content: downloaded, compared, not replaced.
cat >"$P/get_url_force.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/ims" force=yes
EOF2
play get_url_force.yml
check "get_url force: same content changed=0" changed_is 0
check "get_url force: file untouched" test "$(ident "$W/ims")" = "$before"

# --- checksum mismatch: fails, an existing dest is untouched, a new one is
# not created, no temp file is left.
cat >"$P/get_url_bad.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/{{ f }}" checksum="sha1:0000000000000000000000000000000000000000"
EOF2
printf 'keep me\n' >"$W/kept"
before=$(ident "$W/kept")
play get_url_bad.yml -e f=kept
check "get_url mismatch: fails (rc=$rc)" test "$rc" -ne 0
check "get_url mismatch: Ansible's message" has "did not match 0000000000000000000000000000000000000000; it was $SHA1"
check "get_url mismatch: dest untouched" test "$(cat "$W/kept")|$(ident "$W/kept")" = "keep me|$before"
play get_url_bad.yml -e f=new
check "get_url mismatch: new dest not created" test ! -e "$W/new"
check "get_url mismatch: no temp file left" test -z "$(ls -A "$W" | grep drover || true)"

# --- a directory dest: the name from Content-Disposition, else the URL.
mkdir -p "$W/dir"
cat >"$P/get_url_dir.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/disp" dest="{{ w }}/dir"
    - get_url: url="{{ u }}/data.txt?x=1" dest="{{ w }}/dir/"
EOF2
play get_url_dir.yml
check "get_url dir: (rc=$rc) Content-Disposition name" test "$(cat "$W/dir/named.txt")" = "disposition body"
check "get_url dir: URL name" cmp -s "$W/dir/data.txt" "$WWW/data.txt"
play get_url_dir.yml
check "get_url dir: again changed=0" changed_is 0

# --- 404 and a closed port fail clearly.
CLOSED=$(free_port)
cat >"$P/get_url_404.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/missing" dest="{{ w }}/missing"
      ignore_errors: true
    - get_url: url="http://127.0.0.1:$CLOSED/x" dest="{{ w }}/missing"
EOF2
play get_url_404.yml
check "get_url 404: Request failed" has "HTTP Error 404"
check "get_url closed port: fails (rc=$rc)" test "$rc" -ne 0
check "get_url closed port: the reason" grep -qiE "Request failed: .*(connect|refused)" "$T/out"

# --- wget when the host has no curl.
mkdir -p "$T/nocurl"
for f in /usr/bin/* /bin/*; do
  b=${f##*/}
  [[ $b == curl || -e $T/nocurl/$b ]] || ln -s "$f" "$T/nocurl/$b"
done
cat >"$P/get_url_wget.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/wget file" checksum="sha256:{{ sha256 }}"
      environment:
        PATH: "$T/nocurl"
EOF2
play get_url_wget.yml
check "get_url wget: (a) (rc=$rc)" cmp -s "$W/wget file" "$WWW/data.txt"
printf 'other\n' >"$W/wget file"
play get_url_wget.yml
check "get_url wget: replaces a differing file" cmp -s "$W/wget file" "$WWW/data.txt"

# --- uri: methods, bodies, headers, status codes, redirects, dest, creates.
cat >"$P/uri.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - uri:
        url: "{{ u }}/echo/get"
        return_content: yes
        headers: {X-Token: "t $1 'q"}
      register: get
    - uri:
        url: "{{ u }}/echo/post"
        method: POST
        body_format: json
        body: {a: 1, b: [x, "y z"]}
        url_username: alice
        url_password: "s3cret pw"
        force_basic_auth: true
      register: post
    - uri:
        url: "{{ u }}/echo/form"
        method: PUT
        body_format: form-urlencoded
        body: {name: "a b&c", list: [1, 2]}
      register: form
    - uri: url="{{ u }}/echo/x?status=404"
      register: notfound
      ignore_errors: true
    - uri: url="{{ u }}/echo/x?status=404" status_code=200,404
      register: accepted
    - uri: url="{{ u }}/redirect"
      register: redirected
    - uri: url="{{ u }}/redirect" follow_redirects=none status_code=302
      register: notfollowed
    - uri: url="{{ u }}/echo" creates="{{ w }}"
      register: created
    - uri: url="{{ u }}/data.txt" dest="{{ w }}/uri dest" status_code=200,304
      register: dl
    - copy:
        content: "{{ results | to_json }}"
        dest: "{{ w }}/uri.json"
      vars:
        results: {get: "{{ get }}", post: "{{ post }}", form: "{{ form }}", notfound: "{{ notfound }}",
                  accepted: "{{ accepted }}", redirected: "{{ redirected }}", notfollowed: "{{ notfollowed }}",
                  created: "{{ created }}", dl: "{{ dl }}"}
EOF2
rm -f "$W/uri dest"
play uri.yml
[[ $rc -eq 0 ]] || show
check "uri: playbook runs (rc=$rc)" test "$rc" -eq 0
uri_is() {  # PYTHON-EXPRESSION over r (the registered results)
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$W/uri.json" "$1" || {
    echo "  not true: $1" >&2
    return 1
  }
}
check "uri: GET json and header" uri_is 'r["get"]["json"]["method"] == "GET" and r["get"]["json"]["headers"]["x-token"] == "t $1 '"'"'q"'
check "uri: content, status, msg" uri_is 'r["get"]["status"] == 200 and r["get"]["content"].startswith("{") and r["get"]["msg"] == "OK (%s bytes)" % len(r["get"]["content"])'
check "uri: headers as Ansible names them" uri_is 'r["get"]["content_type"] == "application/json" and r["get"]["x_drover_test"] == "yes"'
check "uri: POST json body" uri_is 'json.loads(r["post"]["json"]["body"]) == {"a": 1, "b": ["x", "y z"]} and r["post"]["json"]["headers"]["content-type"] == "application/json"'
check "uri: basic auth sent" uri_is 'r["post"]["json"]["headers"]["authorization"] == "Basic YWxpY2U6czNjcmV0IHB3"'
check "uri: form-urlencoded PUT" uri_is 'r["form"]["json"]["method"] == "PUT" and r["form"]["json"]["body"] == "name=a+b%26c&list=1&list=2"'
check "uri: 404 fails with Ansible's message" uri_is 'r["notfound"]["failed"] and r["notfound"]["msg"] == "Status code was 404 and not [200]: HTTP Error 404: Not Found" and r["notfound"]["status"] == 404'
check "uri: status_code list accepts 404" uri_is 'not r["accepted"].get("failed") and r["accepted"]["status"] == 404'
check "uri: redirect followed" uri_is 'r["redirected"]["redirected"] and r["redirected"]["url"].endswith("/echo/redirected") and r["redirected"]["json"]["path"] == "/echo/redirected"'
check "uri: redirect not followed" uri_is 'r["notfollowed"]["status"] == 302 and not r["notfollowed"]["redirected"] and r["notfollowed"]["location"].endswith("/echo/redirected")'
check "uri: creates skips" uri_is 'r["created"]["stdout"].startswith("skipped, since") and not r["created"]["changed"]'
check "uri: dest written" cmp -s "$W/uri dest" "$WWW/data.txt"
check "uri: dest changed" uri_is 'r["dl"]["changed"] and r["dl"]["path"].endswith("/uri dest")'
check "uri: password not in output" bash -c '! grep -q "s3cret" "$1" "$2"' _ "$T/out" "$T/err"
before=$(ident "$W/uri dest")
sleep 1.1
play uri.yml
check "uri: (b) dest unchanged (304)" test "$(ident "$W/uri dest")" = "$before"
check "uri: (b) dest reports changed=false" uri_is 'not r["dl"]["changed"] and r["dl"]["status"] == 304'
play uri.yml --check
check "uri: (c) check mode skips, as Ansible" has "skipping: [h1]"
check "uri: (c) check changed nothing" test "$(ident "$W/uri dest")" = "$before"

# --- wait_for: an open and a closed port, a file appearing, a banner.
CLOSED2=$(free_port)
cat >"$P/wait_for.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - wait_for: port=$HP timeout=5
      register: open
    - wait_for: port=$CLOSED2 state=stopped timeout=5
      register: stopped
    - wait_for: path="{{ w }}/appears" search_regex='port=(?P<p>\d+)' timeout=20
      register: appeared
    - wait_for: port=${SSHD_PORT[h1]} search_regex='OpenSSH_([0-9.]+)' timeout=10
      register: banner
    - wait_for: path="{{ w }}/never" state=absent timeout=5
      register: absent
    - copy:
        content: "{{ results | to_json }}"
        dest: "{{ w }}/wait.json"
      vars:
        results: {open: "{{ open }}", stopped: "{{ stopped }}", appeared: "{{ appeared }}",
                  banner: "{{ banner }}", absent: "{{ absent }}"}
EOF2
rm -f "$W/appears"
(sleep 4; printf 'starting\nready port=8080\n' >"$W/appears") &
EXTRA_PIDS+=($!)
t0=$(date +%s)
play wait_for.yml
t1=$(date +%s)
[[ $rc -eq 0 ]] || show
check "wait_for: playbook runs (rc=$rc)" test "$rc" -eq 0
wait_is() {
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$W/wait.json" "$1" || {
    echo "  not true: $1" >&2
    cat "$W/wait.json" >&2
    return 1
  }
}
check "wait_for: open port" wait_is 'r["open"]["state"] == "started" and r["open"]["port"] == '"$HP"' and r["open"]["elapsed"] <= 2'
check "wait_for: closed port stopped" wait_is 'r["stopped"]["state"] == "stopped" and not r["stopped"].get("failed")'
check "wait_for: file appeared, groups" wait_is 'r["appeared"]["match_groups"] == ["8080"] and r["appeared"]["match_groupdict"] == {"p": "8080"} and r["appeared"]["elapsed"] >= 1'
check "wait_for: banner on a port" wait_is 'len(r["banner"]["match_groups"]) == 1 and r["banner"]["match_groups"][0][0].isdigit()'
check "wait_for: absent" wait_is 'r["absent"]["state"] == "absent" and r["absent"]["path"].endswith("/never")'
check "wait_for: waited for the file, not for the timeouts" test $((t1 - t0)) -lt 15
cat >"$P/wait_closed.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - wait_for: port=$CLOSED2 timeout=2 connect_timeout=1
EOF2
t0=$(date +%s)
play wait_closed.yml
t1=$(date +%s)
check "wait_for closed: fails (rc=$rc)" test "$rc" -ne 0
check "wait_for closed: Ansible's message" has "Timeout when waiting for 127.0.0.1:$CLOSED2"
check "wait_for closed: waited the timeout" test $((t1 - t0)) -ge 2
# Without bash on the host: local ports from /proc/net/tcp.
mkdir -p "$T/nobash"
for f in /usr/bin/* /bin/*; do
  b=${f##*/}
  [[ $b == bash || -e $T/nobash/$b ]] || ln -s "$f" "$T/nobash/$b"
done
cat >"$P/wait_nobash.yml" <<EOF2
- hosts: h1
  gather_facts: false
  environment:
    PATH: "$T/nobash"
  tasks:
    - wait_for: port=$HP timeout=3
    - wait_for: port=$CLOSED2 state=stopped timeout=3
    - wait_for: port=$CLOSED2 timeout=2
      register: r
      ignore_errors: true
    - assert: {that: [r.failed]}
EOF2
play wait_nobash.yml
check "wait_for without bash: /proc/net/tcp (rc=$rc)" test "$rc" -eq 0
play wait_for.yml --check
check "wait_for: check mode skips, as Ansible" grep -qE "^h1 +: .* +failed=0 +skipped=5 " "$T/out"

# --- unarchive: tar.gz from the controller, tar.xz/tar.bz2/tar/zip on the host.
A=$T/archives
mkdir -p "$A/tree/pkg/sub dir" "$P/files"
printf 'one\n' >"$A/tree/pkg/one.txt"
printf 'two $x\n' >"$A/tree/pkg/sub dir/two file.txt"
(cd "$A/tree" && tar -czf "$P/files/pkg.tgz" pkg && tar -cJf "$A/pkg.tar.xz" pkg &&
  tar -cjf "$A/pkg.tar.bz2" pkg && tar -cf "$A/pkg.tar" pkg && zip -qr "$A/pkg.zip" pkg)
cat >"$P/unarchive.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: src=pkg.tgz dest="{{ w }}/ua" list_files=true
      register: r
    - copy: content="{{ r | to_json }}" dest="{{ w }}/ua.json"
      check_mode: false
EOF2
mkdir -p "$W/ua"
UF="$W/ua/pkg/sub dir/two file.txt"
play unarchive.yml
[[ $rc -eq 0 ]] || show
check "unarchive: (a) extracts (rc=$rc)" cmp -s "$UF" "$A/tree/pkg/sub dir/two file.txt"
check "unarchive: (a) changed" grep -q '"changed": true' "$W/ua.json"
check "unarchive: (a) handler and files" /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["handler"] == "TgzArchive" and "pkg/sub dir/two file.txt" in r["files"] else 1)' "$W/ua.json"
before=$(ident "$UF")
sleep 1.1
play unarchive.yml
check "unarchive: (b) unchanged" grep -q '"changed": false' "$W/ua.json"
check "unarchive: (b) inode and mtime unchanged" test "$(ident "$UF")" = "$before"
printf 'local edit\n' >"$UF"
before=$(ident "$UF")
play unarchive.yml --check
check "unarchive: (c) check reports changed" grep -q '"changed": true' "$W/ua.json"
check "unarchive: (c) check changed nothing" test "$(cat "$UF")|$(ident "$UF")" = "local edit|$before"
play unarchive.yml
check "unarchive: a differing file restored" cmp -s "$UF" "$A/tree/pkg/sub dir/two file.txt"

for fmt in tar.xz tar.bz2 tar zip; do
  cat >"$P/unarchive_remote.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: src="$A/pkg.$fmt" dest="{{ w }}/r $fmt" remote_src=true mode=u=rwX,g=rX,o=
EOF2
  mkdir -p "$W/r $fmt"
  play unarchive_remote.yml
  [[ $rc -eq 0 ]] || show
  check "unarchive $fmt: (a) extracts (rc=$rc)" cmp -s "$W/r $fmt/pkg/sub dir/two file.txt" "$A/tree/pkg/sub dir/two file.txt"
  check "unarchive $fmt: (a) changed" changed_is 1
  check "unarchive $fmt: (a) mode" test "$(mode_of "$W/r $fmt/pkg/one.txt")|$(mode_of "$W/r $fmt/pkg/sub dir")" = "640|750"
  before=$(ident "$W/r $fmt/pkg/one.txt")
  play unarchive_remote.yml
  check "unarchive $fmt: (b) changed=0" changed_is 0
  check "unarchive $fmt: (b) untouched" test "$(ident "$W/r $fmt/pkg/one.txt")" = "$before"
  printf 'x\n' >"$W/r $fmt/pkg/one.txt"
  play unarchive_remote.yml --check
  check "unarchive $fmt: (c) check reports changed" changed_is 1
  check "unarchive $fmt: (c) nothing changed" test "$(cat "$W/r $fmt/pkg/one.txt")" = x
done

# creates, a missing dest, and zip without unzip on the host.
mkdir -p "$T/nounzip"
for f in /usr/bin/* /bin/*; do
  b=${f##*/}
  [[ $b == unzip || -e $T/nounzip/$b ]] || ln -s "$f" "$T/nounzip/$b"
done
cat >"$P/unarchive_odd.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: src=pkg.tgz dest="{{ w }}/ua" creates="{{ w }}/ua/pkg"
      register: skipped
    - assert: {that: [skipped is skipped]}
    - unarchive: src=pkg.tgz dest="{{ w }}/no such dir"
      register: nodest
      ignore_errors: true
    - assert: {that: ["nodest.msg == 'Destination ' ~ q ~ w ~ '/no such dir' ~ q ~ ' is not a directory'"]}
      vars: {q: "'"}
    - unarchive: src="$A/pkg.zip" dest="{{ w }}/ua" remote_src=true
      environment:
        PATH: "$T/nounzip"
EOF2
play unarchive_odd.yml
check "unarchive: creates and a missing dest as Ansible" has "ok: [h1]"
check "unarchive: zip without unzip fails (rc=$rc)" test "$rc" -ne 0
check "unarchive: zip without unzip: clear message" has "Unable to find required 'unzip' binary"

# --- registered results, key by key against ansible-playbook.
if command -v ansible-playbook >/dev/null; then
  export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False
  cat >"$P/results.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - file: path="{{ w }}/{{ who }}" state=absent
    - file: path="{{ w }}/{{ who }}" state=directory
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/g" mode=0600
      register: g1
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/g" checksum="sha256:{{ sha256 }}"
      register: g2
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/g"
      register: g3
    - get_url: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/"
      register: g4
    - get_url: url="{{ u }}/missing" dest="{{ w }}/{{ who }}/m"
      register: g5
      ignore_errors: true
    - uri: url="{{ u }}/echo/nohdr" return_content=true
      register: u1
    - uri:
        url: "{{ u }}/echo/nohdr"
        method: POST
        body_format: json
        body: '{"k": [1, 2]}'
      register: u2
    - uri: url="{{ u }}/echo/nohdr?status=500"
      register: u3
      ignore_errors: true
    - uri: url="{{ u }}/redirect" follow_redirects=none status_code=302
      register: u4
    - uri: url="{{ u }}/text" return_content=true
      register: u5
    - uri: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/ud" mode=0600
      register: u6
    - uri: url="{{ u }}/data.txt" dest="{{ w }}/{{ who }}/ud" status_code=200,304
      register: u7
    - uri: url="{{ u }}/data.txt" creates="{{ w }}"
      register: u8
    - uri: url="http://127.0.0.1:1/" status_code=-1
      register: u9
    - wait_for: port={{ hp }} timeout=5
      register: w1
    - wait_for: port={{ closed }} state=stopped timeout=5
      register: w2
    - wait_for: path="{{ w }}/appears" search_regex='(?P<word>\w+) port=(\d+)' timeout=5
      register: w3
    - wait_for: path="{{ w }}/never" state=absent
      register: w4
    - wait_for: port={{ closed }} timeout=1
      register: w5
      ignore_errors: true
    - wait_for: path="{{ w }}/never" timeout=1 msg="custom message"
      register: w6
      ignore_errors: true
    - file: path="{{ w }}/{{ who }}/ua" state=directory
    - unarchive: src=pkg.tgz dest="{{ w }}/{{ who }}/ua" list_files=true
      register: a1
    - unarchive: src=pkg.tgz dest="{{ w }}/{{ who }}/ua" list_files=true
      register: a2
    - unarchive: src="{{ arch }}/pkg.zip" dest="{{ w }}/{{ who }}/ua" remote_src=true list_files=true
      register: a3
    - unarchive: src="{{ arch }}/pkg.tar.xz" dest="{{ w }}/{{ who }}/ua" remote_src=true mode=0600
      register: a4
    - unarchive: src="{{ arch }}/pkg.tar.xz" dest="{{ w }}/{{ who }}/ua" remote_src=true creates="{{ w }}"
      register: a5
    - copy:
        content: "{{ results | to_json }}"
        dest: "{{ w }}/{{ who }}.json"
      vars:
        results: {a1: "{{ a1 }}", a2: "{{ a2 }}", a3: "{{ a3 }}", a4: "{{ a4 }}", a5: "{{ a5 }}", w1: "{{ w1 }}", w2: "{{ w2 }}", w3: "{{ w3 }}", w4: "{{ w4 }}", w5: "{{ w5 }}", w6: "{{ w6 }}",
                  g1: "{{ g1 }}", g2: "{{ g2 }}", g3: "{{ g3 }}", g4: "{{ g4 }}", g5: "{{ g5 }}",
                  u1: "{{ u1 }}", u2: "{{ u2 }}", u3: "{{ u3 }}", u4: "{{ u4 }}", u5: "{{ u5 }}",
                  u6: "{{ u6 }}", u7: "{{ u7 }}", u8: "{{ u8 }}", u9: "{{ u9 }}"}
EOF2
  play results.yml -e who=drover -e hp=$HP -e closed=$CLOSED2 -e arch=$A
  [[ $rc -eq 0 ]] || show
  check "results playbook runs under drover (rc=$rc)" test "$rc" -eq 0
  set +e
  (cd "$P" && ansible-playbook -i hosts -e @vars.yml -e who=ansible -e hp=$HP -e closed=$CLOSED2 -e arch=$A results.yml) >"$T/aout" 2>&1
  arc=$?
  set -e
  [[ $arc -eq 0 ]] || cat "$T/aout" >&2
  check "results playbook runs under ansible (rc=$arc)" test "$arc" -eq 0
  compare_results() {
    /usr/bin/python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
a = json.load(open(w + "/ansible.json"))
d = json.load(open(w + "/drover.json"))
# elapsed: wall time; src: each tool's temp file; invocation: Ansible's echo.
# date: the server's clock; msg of u9: urllib's and curl's words for
# "connection refused" differ (both say "Request failed: ").
# extract_results: each tool's command line.
skip = {"elapsed", "src", "invocation", "_ansible_no_log", "failed", "date", "extract_results"}
def norm(v):
    return v.replace(w + "/ansible", w + "/drover") if isinstance(v, str) else v
bad = 0
def cmp(label, x, y):
    global bad
    for k in x:
        if k in skip:
            continue
        if k not in y:
            print(f"{label}.{k}: missing in drover (ansible {x[k]!r})", file=sys.stderr); bad += 1
        elif isinstance(x[k], dict) and isinstance(y[k], dict):
            cmp(label + "." + k, x[k], y[k])
        elif label == "u9" and k == "msg":
            if not y[k].startswith("Request failed: "):
                print(f"{label}.{k}: drover {y[k]!r}", file=sys.stderr); bad += 1
        elif norm(x[k]) != y[k]:
            print(f"{label}.{k}: ansible {x[k]!r} drover {y[k]!r}", file=sys.stderr); bad += 1
    for k in y:
        if k not in x and k not in skip:
            print(f"{label}.{k}: only in drover ({y[k]!r})", file=sys.stderr); bad += 1
for key in a:
    cmp(key, a[key], d[key])
sys.exit(1 if bad else 0)
PY
  }
  check "get_url, uri, wait_for and unarchive results match ansible-playbook's" compare_results
fi

finish
