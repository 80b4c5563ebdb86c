# Sourced by integration tests: private sshd instances on 127.0.0.1.
#   sshd_setup                 temp dir ($T), user key ($T/id_ed25519), known_hosts ($T/known_hosts)
#   sshd_start NAME            starts an sshd on a free port; sets SSHD_PORT[NAME], SSHD_PID[NAME]
#                              and appends its host key to $T/known_hosts
#   sshd_kill NAME             kills that sshd and its session processes, by PID
#   make_user NAME PASSWORD    a throwaway local user (removed on exit)
#   cleanup                    (trap) kills what was started, removes users and $T
# Everything started is recorded and ended by PID in the EXIT trap.
set -euo pipefail
: "${DROVER:?DROVER must point at build/drover}"
[[ $(id -u) -eq 0 ]] || { echo "SKIP: integration tests need root (sshd, useradd)"; exit 0; }
declare -A SSHD_PORT SSHD_PID
CREATED_USERS=()
EXTRA_PIDS=()
T=$(mktemp -d /tmp/drover-itest-XXXXXX)
chmod 755 "$T"

cleanup() {
  set +e
  for name in "${!SSHD_PID[@]}"; do sshd_kill "$name"; done
  for pid in "${EXTRA_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for u in "${CREATED_USERS[@]}"; do
    # Processes of the throwaway user in this PID namespace only: the local
    # VMs (systemd-nspawn) share the machine's UIDs, and a VM's user with
    # the same UID must not be touched.
    pkill -KILL -u "$u" --ns $$ --nslist pid 2>/dev/null
    userdel -r "$u" >/dev/null 2>&1
    rm -f "/etc/sudoers.d/$u"
  done
  rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sshd_setup() {
  mkdir -p /run/sshd  # sshd privilege separation directory (normally made by systemd)
  ssh-keygen -q -t ed25519 -N '' -f "$T/id_ed25519" -C drover-itest
  cp "$T/id_ed25519.pub" "$T/authorized_keys"
  chmod 644 "$T/authorized_keys"
  : >"$T/known_hosts"
  unset SSH_AUTH_SOCK SSH_AGENT_PID
}

# sshd_start NAME [machine]: with "machine", the sshd runs in a mount
# namespace of its own with a boot id of its own, so drover takes it for a
# distinct machine (connection/machine_identity.h); without, it is this
# machine, as every other private sshd.
sshd_start() {
  local name=$1 port
  port=$(free_port)
  ssh-keygen -q -t ed25519 -N '' -f "$T/host_$name" -C "host-$name"
  cat >"$T/sshd_$name.conf" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T/host_$name
PidFile none
AuthorizedKeysFile $T/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
MaxSessions 100
MaxStartups 100:30:200
LogLevel ERROR
CONF
  if [[ ${2:-} == machine ]]; then
    cat /proc/sys/kernel/random/uuid >"$T/boot_$name"
    # unshare and sh exec: $! is the sshd.
    unshare --mount sh -c 'mount --bind "$1" /proc/sys/kernel/random/boot_id &&
      exec /usr/sbin/sshd -D -e -f "$2"' sh "$T/boot_$name" "$T/sshd_$name.conf" \
      2>>"$T/sshd_$name.log" &
  else
    /usr/sbin/sshd -D -e -f "$T/sshd_$name.conf" 2>>"$T/sshd_$name.log" &
  fi
  SSHD_PID[$name]=$!
  SSHD_PORT[$name]=$port
  sshd_wait_port "$port"
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/host_$name.pub")" >>"$T/known_hosts"
}

# sshd_wait_port PORT: waits (up to 5 s) until 127.0.0.1:PORT accepts.
sshd_wait_port() {
  for _ in $(seq 100); do
    (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.05
  done
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds;
# fails when it has not within SECONDS.
wait_for() {
  local n=$(($1 * 10))
  shift
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

sshd_kill() {
  local pid=${SSHD_PID[$1]:-}
  [[ -n $pid ]] || return 0
  pkill -KILL -P "$pid" 2>/dev/null || true  # its session processes
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "SSHD_PID[$1]"
}

make_user() {
  local name=$1 password=$2
  useradd -m -s /bin/sh "$name"
  CREATED_USERS+=("$name")
  echo "$name:$password" | chpasswd
}

passed=0
failed=0
check() {  # description command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
