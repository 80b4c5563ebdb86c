#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e: two deployment guides as example projects (issue 16), from a fresh
# clone of this repository, each on a FRESH local VM of its own (a network
# namespace of its own: 10.213.0.31 and 10.213.0.32, disks reset first),
# through the examples' own make targets:
#   examples/otterwiki  make provision, deploy: failed=0, again: changed=0;
#                       make stack (the compose steps, check mode on the
#                       VM): failed=0 and nothing started; on the host:
#                       the nat REDIRECTs with their comments on the
#                       primary interface (iptables/ip6tables -t nat -S),
#                       saved by netfilter-persistent (enabled), the
#                       renewal timer enabled and in `systemctl
#                       list-timers` with RandomizedDelaySec=3600,
#                       otterwiki.service as the guide lists it (enabled),
#                       `id otterwiki` in docker, the checkout and env
#                       files' owners and modes, the settings.cfg line
#   examples/specify    make provision, deploy: failed=0, again: changed=0;
#                       make stack: failed=0 (check mode); on the host:
#                       `ufw status` (OpenSSH, 80, 443; active), make and
#                       unzip, `crontab -l` (04:30, 04:45 as the guide
#                       writes them), the domain and LETSENCRYPT_EMAIL in
#                       the four files, .env 0600; make backup, a changed
#                       tree, make restore: the tree (contents and modes)
#                       is back; make restore again changes nothing
#   both                the VM is in its own network namespace (checked
#                       before anything runs); ansible-playbook runs the
#                       same deploy unchanged (changed=0); this machine's
#                       `iptables -S`, `iptables -t nat -S`, `ip6tables -S`
#                       and `ip6tables -t nat -S` are unchanged
# The VMs' packages come through the local proxy (warm after the first
# run). Needs root and the VM tooling (tools/vm/); fails (never skips)
# without them. The build is this worktree's ($BUILD, default build/).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export BUILD=${BUILD:-$repo/build}
[[ $BUILD == /* ]] || BUILD=$repo/$BUILD

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

machine_firewall() { iptables -S && iptables -t nat -S && ip6tables -S && ip6tables -t nat -S; }
machine_before=$(machine_firewall)

examples=(otterwiki specify)
declare -A address=([otterwiki]=10.213.0.31 [specify]=10.213.0.32)
for ex in "${examples[@]}"; do
  if DROVER_VM_PROJECT=examples/$ex tools/vm/env.sh status vagrant | grep -q running; then
    echo "FAIL: examples/$ex's VM is running (make vm-down env=vagrant there): it has the test VM's address" >&2
    exit 1
  fi
done

tmp=$(mktemp -d /tmp/drover-examples-ow-sp.XXXXXX)
clone=$tmp/clone
cleanup() {
  for ex in "${examples[@]}"; do
    (cd "$clone/examples/$ex" 2>/dev/null && make --no-print-directory vm-down env=vagrant >/dev/null 2>&1) || true
  done
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

start=$SECONDS
git clone -q "$repo" "$clone"
cd "$clone"
export HOME=$tmp/home ANSIBLE_NOCOLOR=1 # nothing from the user's ~ (ansible's, ssh's)
mkdir -p "$HOME"

# The stand-in repositories: published into this clone's .vm/git by make
# and served by its git daemon (tools/localenv/services.sh) on a port of
# this test's own; the runs get their URLs (-e NAME_repo=...).
source "$repo/tests/lib/git_port.sh"
pick_git_port 9430
repo_opts() {
  echo "-e ${1}_repo=git://10.213.0.1:$DROVER_GIT_PORT/$1.git"
}

on() { # EXAMPLE COMMAND...: runs COMMAND on the example's VM as root
  local ex=$1
  shift
  ssh -n -i .vm/id_ed25519 -o UserKnownHostsFile=".vm/$ex-vagrant/known_hosts" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@"${address[$ex]}" "$@"
}
mk() { # EXAMPLE TARGET [make args...]: output in $tmp/EXAMPLE-TARGET.txt, sets rc
  local ex=$1 target=$2
  shift 2
  set +e
  make --no-print-directory -C "examples/$ex" "$target" env=vagrant opts="$(repo_opts "$ex")" "$@" \
    </dev/null >"$tmp/$ex-$target.txt" 2>&1
  rc=$?
  set -e
}
recap_is() { # FILE FIELD VALUE: the one recap line has FIELD=VALUE
  [[ $(grep -cE ' : ok=' "$1") -eq 1 ]] && grep -E ' : ok=' "$1" | grep -qE " $2=$3 "
}
recap() { grep -E ' : ok=' "$1" | sed -E 's/ +/ /g' || echo "no recap"; }
check_run() { # EXAMPLE TARGET WANT_CHANGED (or "any")
  local ex=$1 target=$2 want=$3 out=$tmp/$1-$2.txt
  if [[ $rc -eq 0 ]] && recap_is "$out" failed 0; then pass; else
    tail -n 30 "$out" >&2
    fail "$ex: make $target failed (rc=$rc): $(recap "$out")"
    return
  fi
  [[ $want == any ]] || { recap_is "$out" changed "$want" && pass ||
    fail "$ex: make $target: want changed=$want: $(recap "$out")"; }
}

# --- fresh VMs, each in a network namespace of its own (checked first)
for ex in "${examples[@]}"; do
  (cd "examples/$ex" && make --no-print-directory vm-reset env=vagrant) >"$tmp/$ex-reset.txt" 2>&1 ||
    { cat "$tmp/$ex-reset.txt" >&2; exit 1; }
  (cd "examples/$ex" && make --no-print-directory vm env=vagrant) >"$tmp/$ex-vm.txt" 2>&1 ||
    { cat "$tmp/$ex-vm.txt" >&2; exit 1; }
  nspawn=$(cat "${DROVER_VM_STATE:-/var/lib/drover/vms}/$ex-vagrant/"*/pid)
  init=$(ps --ppid "$nspawn" -o pid= | head -n 1 | tr -d ' ')
  [[ $(ip netns identify "$init") == "drover-${address[$ex]}" ]] && pass ||
    { fail "$ex: the VM (PID $init) is not in namespace drover-${address[$ex]}"; exit 1; }
  got=$(on "$ex" "ip -o -4 addr show | awk '{print \$2, \$4}'" | sort | tr '\n' ' ')
  [[ $got == "eth0 ${address[$ex]}/16 lo 127.0.0.1/8 " ]] && pass ||
    { fail "$ex: the VM's own addresses are not just its link's: $got"; exit 1; }
done
echo "fresh VMs up: $((SECONDS - start))s"

# --- provision and deploy, then again: nothing changes; the compose steps
# (check mode on the VMs); then ansible-playbook runs the same deploy
# unchanged. Both examples at once: their VMs' package installs (dpkg)
# dominate and overlap.
converge() { # EXAMPLE: the runs in order; "RUN-TARGET RC" lines in $tmp/EXAMPLE.rc
  local ex=$1 t0=$SECONDS run=0 target args
  for target in provision deploy provision deploy stack ansible; do
    run=$((run + 1))
    args=("$target")
    [[ $target != ansible ]] || args=(deploy PLAYBOOK=ansible-playbook)
    set +e
    make --no-print-directory -C "examples/$ex" "${args[@]}" env=vagrant opts="$(repo_opts "$ex")" \
      </dev/null >"$tmp/$ex-$run-$target.txt" 2>&1
    echo "$run-$target $?" >>"$tmp/$ex.rc"
    set -e
  done
  echo "$ex: provision, deploy (twice), stack, deploy with ansible-playbook: $((SECONDS - t0))s"
}
pids=()
for ex in "${examples[@]}"; do
  converge "$ex" &
  pids+=($!)
done
wait "${pids[@]}"
for ex in "${examples[@]}"; do
  while read -r step rc; do
    cp "$tmp/$ex-$step.txt" "$tmp/$ex-${step#*-}.txt"
    case $step in
      3-provision | 4-deploy | 6-ansible) check_run "$ex" "${step#*-}" 0 ;;
      *) check_run "$ex" "${step#*-}" any ;;
    esac
  done <"$tmp/$ex.rc"
done

# --- otterwiki on its host
ex=otterwiki
iface=$(on $ex "ip -4 route show default | awk '{print \$5}'")
declare -A nat=([4]=$(on $ex 'iptables -t nat -S PREROUTING') [6]=$(on $ex 'ip6tables -t nat -S PREROUTING'))
for v in 4 6; do
  for rule in "80 8080 900 enable letsencrypt renewals" "443 8443 901 redirect HTTPS to container"; do
    read -r port to comment <<<"$rule"
    want="-A PREROUTING -i $iface -p tcp -m tcp --dport $port -m comment --comment \"$comment on ipv$v\" -j REDIRECT --to-ports $to"
    [[ $(grep -cxF -- "$want" <<<"${nat[$v]}") -eq 1 ]] && pass || fail "$ex: ip${v/4/}tables -t nat -S lacks: $want"
    on $ex "grep -qF -- '$comment on ipv$v' /etc/iptables/rules.v$v" && pass ||
      fail "$ex: /etc/iptables/rules.v$v (netfilter-persistent save) lacks '$comment on ipv$v'"
  done
done
[[ $iface == eth0 ]] && pass || fail "$ex: the primary interface (default route) is '$iface', want eth0"
units=$(on $ex 'systemctl is-enabled netfilter-persistent.service otterwiki.service otterwiki-letsencrypt-daily.timer
  systemctl is-active otterwiki-letsencrypt-daily.timer' | tr '\n' ' ')
[[ $units == "enabled enabled enabled active " ]] && pass ||
  fail "$ex: netfilter-persistent, otterwiki.service, the timer enabled and the timer active: $units"
on $ex 'systemctl list-timers --no-legend otterwiki-letsencrypt-daily.timer' | grep -q 'otterwiki-letsencrypt-daily.service' && pass ||
  fail "$ex: the renewal timer is not in systemctl list-timers"
[[ $(on $ex 'systemctl show -P RandomizedDelayUSec otterwiki-letsencrypt-daily.timer') == 1h ]] && pass ||
  fail "$ex: the timer's RandomizedDelaySec is not 3600"
want_service="[Unit]
Description=Run otterwiki in docker compose
Requires=docker.service
After=docker.service

[Service]
Restart=on-failure
User=otterwiki
Group=docker
TimeoutStopSec=15
WorkingDirectory=/home/otterwiki/otterwiki
ExecStartPre=docker compose -f docker-compose.prod.yml down
ExecStart=docker compose -f docker-compose.prod.yml up
ExecStop=docker compose -f docker-compose.prod.yml down

[Install]
WantedBy=multi-user.target"
[[ $(on $ex 'grep -v "^#" /etc/systemd/system/otterwiki.service') == "$want_service" ]] && pass ||
  fail "$ex: otterwiki.service is not the guide's: $(on $ex 'cat /etc/systemd/system/otterwiki.service')"
want_renewal="[Service]
Type=oneshot
User=otterwiki
ExecStart=/home/otterwiki/otterwiki/nginx/certbot-renew.sh
WorkingDirectory=/home/otterwiki/otterwiki/nginx"
on $ex 'cat /etc/systemd/system/otterwiki-letsencrypt-daily.service' | grep -qzF -- "$want_renewal" && pass ||
  fail "$ex: the renewal service is not the guide's oneshot"
on $ex 'id otterwiki' | grep -qE 'groups=.*\(docker\)' && pass || fail "$ex: otterwiki is not in the docker group: $(on $ex 'id otterwiki')"
modes=$(on $ex 'cd /home/otterwiki/otterwiki && stat -c "%U:%G %a %n" . .env.prod.db .env.prod.nginx nginx/certbot-renew.sh' | tr '\n' ' ')
[[ $modes == "otterwiki:otterwiki 755 . otterwiki:otterwiki 600 .env.prod.db otterwiki:otterwiki 600 .env.prod.nginx otterwiki:otterwiki 755 nginx/certbot-renew.sh " ]] && pass ||
  fail "$ex: owners and modes of the checkout and env files: $modes"
published=$(git --git-dir=.vm/git/otterwiki.git rev-parse main)
[[ $(on $ex 'su otterwiki -c "git -C /home/otterwiki/otterwiki rev-parse HEAD"') == "$published" ]] && pass ||
  fail "$ex: the checkout is not the stand-in repository's main ($published)"
password=$("$BUILD/drover" vault view --vault-password-file examples/otterwiki/vault/vagrant.password \
  examples/otterwiki/environments/vagrant/group_vars/all/secrets.yml | sed -n 's/^vault_otterwiki_db_password: //p')
[[ -n $password ]] && on $ex 'cat /home/otterwiki/otterwiki/.env.prod.db' | grep -qxF "POSTGRES_PASSWORD=$password" && pass ||
  fail "$ex: .env.prod.db has not the vault's password"
on $ex 'cat /home/otterwiki/otterwiki/.env.prod.nginx' | grep -qxF 'OTTERWIKI_DOMAIN=wiki.vagrant.test' && pass ||
  fail "$ex: .env.prod.nginx lacks the domain"
settings=$(on $ex 'cat /var/lib/docker/volumes/otterwiki_app-data/_data/settings.cfg')
[[ $(grep -c '^SQLALCHEMY_DATABASE_URI' <<<"$settings") -eq 1 ]] &&
  grep -qxF "SQLALCHEMY_DATABASE_URI = 'postgresql://otterwiki:$password@db/otterwiki'" <<<"$settings" &&
  grep -qxF "SITE_NAME = 'An Otter Wiki'" <<<"$settings" && pass ||
  fail "$ex: settings.cfg has not exactly one PostgreSQL line beside its other settings: $settings"
grep -qF "$password" "$tmp"/$ex-*.txt && fail "$ex: the database password is in make's output" || pass
[[ $(on $ex 'systemctl is-active otterwiki.service || true') == inactive ]] && pass ||
  fail "$ex: make stack (check mode) started otterwiki.service"
grep -qE '^changed: .*' <(sed -n '/otterwiki.service started/,/^$/p' "$tmp/$ex-stack.txt") && pass ||
  fail "$ex: make stack (check mode) does not report that it would start otterwiki.service"

# --- specify on its host
ex=specify
ufw=$(on $ex 'ufw status')
grep -qx 'Status: active' <<<"$ufw" && grep -qE "^OpenSSH +ALLOW +Anywhere" <<<"$ufw" &&
  grep -qE '^80/tcp +ALLOW +Anywhere' <<<"$ufw" && grep -qE '^443/tcp +ALLOW +Anywhere' <<<"$ufw" && pass ||
  fail "$ex: ufw status: $ufw"
[[ $(on $ex 'command -v make unzip' | tr '\n' ' ') == "/usr/bin/make /usr/bin/unzip " ]] && pass || fail "$ex: make and unzip are not installed"
cron=$(on $ex 'crontab -l')
grep -qxF "30 4 * * * bash -c 'cd /root/repos/specify-docker && /usr/local/bin/docker-compose up -d media'" <<<"$cron" &&
  grep -qxF "45 4 * * * bash -c 'cd /root/repos/specify-docker && make backup'" <<<"$cron" && pass ||
  fail "$ex: crontab -l: $cron"
on $ex 'test -x /usr/local/bin/docker-compose' && pass || fail "$ex: /usr/local/bin/docker-compose (the crontab's) is missing"
files='specify_settings.py user.properties web-asset-server/settings.py docker-compose.yml'
left=$(on $ex "cd /root/repos/specify-docker && grep -l 'recraft\\.me' $files || true")
[[ -z $left ]] && pass || fail "$ex: recraft.me is left in: $left"
got=$(on $ex "cd /root/repos/specify-docker && grep -c 'specify\\.vagrant\\.test' $files" | tr '\n' ' ')
[[ $got =~ ^(specify_settings.py:[1-9][0-9]* user.properties:[1-9] web-asset-server/settings.py:[1-9] docker-compose.yml:[1-9][0-9]* )$ ]] && pass ||
  fail "$ex: the domain is not in each of the four files: $got"
emails=$(on $ex "grep -o 'LETSENCRYPT_EMAIL=.*' /root/repos/specify-docker/docker-compose.yml | sort | uniq -c")
[[ $emails =~ ^\ *4\ LETSENCRYPT_EMAIL=certificates@specify\.vagrant\.test$ ]] && pass ||
  fail "$ex: LETSENCRYPT_EMAIL values: $emails"
[[ $(on $ex 'stat -c "%U:%G %a" /root/repos/specify-docker/.env') == "root:root 600" ]] && pass || fail "$ex: .env is not root's, 0600"
grep -qE '^skipping: ' "$tmp/$ex-stack.txt" && ! grep -qE '^changed: ' "$tmp/$ex-stack.txt" && pass ||
  fail "$ex: make stack did not run its steps in check mode"

# The backup/restore round trip of a file tree (the attachments).
on $ex 'set -e; cd /root/repos/specify-docker; rm -rf AttachmentStorage; mkdir -p "AttachmentStorage/originals/a b" AttachmentStorage/thumbnails
  cd AttachmentStorage; echo one >"originals/a b/1.jpg"; head -c 4096 /dev/urandom >originals/2.bin
  echo three >thumbnails/3.png; chmod 0640 thumbnails/3.png; chmod 0750 originals'
manifest='cd /root/repos/specify-docker/AttachmentStorage && find . -printf "%p %y %m\n" | sort && find . -type f -print0 | sort -z | xargs -0 md5sum'
before=$(on $ex "$manifest")
mk $ex backup
check_run $ex backup any
on $ex 'cd /root/repos/specify-docker && tar tzf specify-files-latest.tgz && ls backups/specify-files-*.tgz' >"$tmp/archive.txt" 2>&1 &&
  grep -qF './originals/a b/1.jpg' "$tmp/archive.txt" && pass || fail "$ex: make backup made no archive of the tree: $(cat "$tmp/archive.txt")"
on $ex 'set -e; cd /root/repos/specify-docker/AttachmentStorage; rm "originals/a b/1.jpg"; echo changed >thumbnails/3.png
  chmod 0600 originals/2.bin'
[[ $(on $ex "$manifest") != "$before" ]] && pass || fail "$ex: the tree did not change before the restore"
mk $ex restore
check_run $ex restore any
after=$(on $ex "$manifest")
[[ $after == "$before" ]] && pass || fail "$ex: make restore did not bring the tree back: $(diff <(echo "$before") <(echo "$after"))"
mk $ex restore
check_run $ex restore 0

[[ $(machine_firewall) == "$machine_before" ]] && pass || fail "this machine's iptables/ip6tables rules changed"

echo "examples otterwiki, specify: $passed passed, $failed failed in $((SECONDS - start))s"
((failed == 0))
