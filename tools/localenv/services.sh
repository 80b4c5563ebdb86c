#!/usr/bin/env bash
# Usage: tools/localenv/services.sh up|down|status ENV
# What the local VM of environment ENV (make vm env=vagrant) needs from this
# machine, served at this machine's end of the VMs' network only
# ($DROVER_VM_GATEWAY, tools/vm/net.sh) or on loopback:
#   app repository  .vm/git/app.git, a bare repository of examples/app as
#                   committed (tools/localenv/app-repo.sh), served read-only
#                   by `git daemon` at git://GATEWAY/app.git
#   ACME server     Debian's pebble (Let's Encrypt's test server) at
#                   https://GATEWAY:14000/dir, its HTTPS signed by a local
#                   CA (.vm/pebble/drover-local-ca.crt, trusted by the VM
#                   through the playbook's trusted_ca_certificates); it
#                   resolves every name to ENV's first VM through
#                   pebble-challtestsrv's DNS on 127.0.0.1:8053, so the
#                   http-01 challenge reaches the VM's nginx
#   pebble's roots  every root pebble issued under (a new one per start) is
#                   kept in .vm/pebble/roots.pem: `curl --cacert` verifies
#                   the VM's certificate against it
# An example project's app (examples/NAME/app) is served the same way:
#   services.sh repo SOURCE NAME   publishes SOURCE (a directory of this
#                   repository, as committed) to .vm/git/NAME.git and starts
#                   the git daemon when it is not running
#   services.sh git-down           stops the git daemon
# up is idempotent (starts what is not running); down stops what up started,
# by the PIDs it recorded. State: .vm/run/ (PIDs, logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../vm/common.sh
source "$repo/tools/vm/common.sh"
gateway=${DROVER_VM_GATEWAY:-10.213.0.1}
run=$repo/.vm/run
pki=$repo/.vm/pebble
# The git daemon's port (DROVER_GIT_PORT: another one when 9418 is taken;
# the inventory's repository URL must then name it).
git_port=${DROVER_GIT_PORT:-9418}

log() { echo "services: $*" >&2; }
die() { log "$*"; exit 1; }

# The PID in $run/NAME.pid when that process still runs COMMAND.
running_pid() {
  local name=$1 command=$2 pid
  pid=$(cat "$run/$name.pid" 2>/dev/null) || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "${command:0:15}" ]] && echo "$pid"
}

stop() {
  local name=$1 command=$2 pid _
  if pid=$(running_pid "$name" "$command"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      running_pid "$name" "$command" >/dev/null || break
      sleep 0.1
    done
    running_pid "$name" "$command" >/dev/null && kill -KILL "$pid" 2>/dev/null
    log "$name stopped"
  fi
  rm -f "$run/$name.pid"
}

# Waits until something listens on ADDRESS:PORT (tcp) or udp with -u.
wait_listen() {
  local address=$1 port=$2 what=$3 kind=${4:--t} _
  for _ in $(seq 100); do
    [[ -n $(ss -Hln "$kind" "( sport = :$port ) and ( src $address )" 2>/dev/null) ]] && return 0
    sleep 0.1
  done
  tail -n 20 "$run/$what.log" >&2 || true
  die "$what did not start on $address:$port (log: $run/$what.log)"
}

first_vm_address() {
  local env=$1 name address
  read -r name address < <("$repo/tools/vm/inventory-hosts.sh" "$repo/environments/$env/hosts" 2>/dev/null) ||
    die "environments/$env/hosts has no local VM"
  echo "$address"
}

git_daemon_up() {
  "$here/app-repo.sh" "$repo/.vm/git/app.git" >/dev/null
  git_daemon_start
}

git_daemon_start() {
  running_pid git-daemon git-daemon >/dev/null && return 0
  [[ $(ip -br addr show 2>/dev/null) == *" $gateway/"* ]] ||
    die "$gateway (the VMs' network) is not up: start the VM first (make vm env=$env)"
  git daemon --reuseaddr --export-all --base-path="$repo/.vm/git" \
    --listen="$gateway" --port="$git_port" --informative-errors \
    --detach --pid-file="$run/git-daemon.pid" 2>>"$run/git-daemon.log"
  wait_listen "$gateway" "$git_port" git-daemon
  # Another checkout's daemon on the same port would answer for ours.
  [[ $(ss -Hltnp "( sport = :$git_port ) and ( src $gateway )" 2>/dev/null) == *"pid=$(cat "$run/git-daemon.pid"),"* ]] ||
    die "$gateway:$git_port is another git daemon's (another checkout's?); stop it or set DROVER_GIT_PORT"
  log "git daemon: git://$gateway/ (the bare repositories of .vm/git)"
}

# A local CA and pebble's HTTPS certificate for $gateway, made once.
pebble_pki() {
  [[ -s $pki/listener.crt ]] && return 0
  mkdir -p "$pki"
  (
    umask 077
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=drover local CA" \
      -keyout drover-local-ca.key -out drover-local-ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$gateway" \
      -keyout listener.key -out listener.csr 2>/dev/null
    printf 'subjectAltName=IP:%s,DNS:localhost,IP:127.0.0.1\n' "$gateway" >listener.ext
    openssl x509 -req -in listener.csr -CA drover-local-ca.crt -CAkey drover-local-ca.key \
      -CAcreateserial -days 3650 -extfile listener.ext -out listener.crt 2>/dev/null
    rm -f listener.csr listener.ext
  )
  chmod 0644 "$pki/drover-local-ca.crt"
}

pebble_up() {
  local vm=$1
  pebble_pki
  if ! running_pid challtestsrv pebble-challtestsrv >/dev/null; then
    pebble-challtestsrv -defaultIPv4 "$vm" -defaultIPv6 "" -dns01 127.0.0.1:8053 \
      -http01 "" -https01 "" -tlsalpn01 "" -management 127.0.0.1:8055 \
      </dev/null >"$run/challtestsrv.log" 2>&1 &
    echo $! >"$run/challtestsrv.pid"
    wait_listen 127.0.0.1 8053 challtestsrv -u
  fi
  running_pid pebble pebble >/dev/null && return 0
  cat >"$pki/pebble.json" <<JSON
{
  "pebble": {
    "listenAddress": "$gateway:14000",
    "managementListenAddress": "127.0.0.1:15000",
    "certificate": "$pki/listener.crt",
    "privateKey": "$pki/listener.key",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
    pebble -config "$pki/pebble.json" -dnsserver 127.0.0.1:8053 \
    </dev/null >"$run/pebble.log" 2>&1 &
  echo $! >"$run/pebble.pid"
  wait_listen 127.0.0.1 15000 pebble
  # This run's root, added to every root seen before.
  curl -fsS --cacert "$pki/drover-local-ca.crt" https://127.0.0.1:15000/roots/0 >"$pki/root.pem.new"
  cat "$pki/root.pem.new" >>"$pki/roots.pem"
  rm -f "$pki/root.pem.new"
  log "ACME server: https://$gateway:14000/dir (pebble; names resolve to $vm)"
}

up() {
  local vm
  vm=$(first_vm_address "$env")
  mkdir -p "$run"
  git_daemon_up
  pebble_up "$vm"
}

down() {
  stop pebble pebble
  stop challtestsrv pebble-challtestsrv
  stop git-daemon git-daemon
}

status() {
  local name command pid
  for name in git-daemon:git-daemon pebble:pebble challtestsrv:pebble-challtestsrv; do
    command=${name#*:} name=${name%%:*}
    if pid=$(running_pid "$name" "$command"); then
      echo "$name: running (PID $pid)"
    else
      echo "$name: stopped"
    fi
  done
}

usage="usage: tools/localenv/services.sh up|down|status ENV | repo SOURCE NAME | git-down"
case ${1:-} in
  repo)
    (($# == 3)) || die "$usage"
    [[ $3 =~ ^[a-zA-Z0-9_-]+$ ]] || die "'$3' is not a repository name"
    mkdir -p "$run"
    "$here/app-repo.sh" "$repo/.vm/git/$3.git" "$2" >/dev/null
    env="(example $3)" git_daemon_start
    exit 0
    ;;
  git-down)
    stop git-daemon git-daemon
    exit 0
    ;;
esac
(($# == 2)) || die "$usage"
action=$1 env=$2
[[ $env =~ ^[a-zA-Z0-9_-]+$ ]] || die "'$env' is not an environment name"
case $action in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "$usage" ;;
esac
