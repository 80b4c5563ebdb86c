#!/usr/bin/env bash
# Usage: tools/vm/net.sh attach ADDRESS | detach ADDRESS | status
# The host-only network of local VMs that have a network of their own
# ("netns hosts"), as a hypervisor's host-only network is. Called by
# tools/vm/host-up.sh and host-down.sh; rarely run by hand.
#
# The network (contract, see README "Hosts with a network of their own"):
#   range       10.213.0.0/16, owned by this tooling (environments use
#               10.213.0.2-10.213.99.254, the test fixture 10.213.100.2-254)
#   bridge      drover0 on this machine, address 10.213.0.1/16: this
#               machine's end of the link; hosts reach each other through it
#               (layer 2) and reach this machine at 10.213.0.1
#   a host      network namespace drover-ADDRESS (/run/netns/drover-ADDRESS)
#               with lo and eth0 (a veth whose other end, dvX-Y, is on the
#               bridge), address ADDRESS/16, default route via 10.213.0.1
#               (so that facts give ansible_default_ipv4.interface = eth0;
#               this machine forwards nothing, so nothing leaves the link)
#   proxy       a private apt-cacher-ng on 10.213.0.1:3142 only (never on
#               this machine's other addresses): apt through it (cache in
#               /var/cache/drover/apt-cacher-ng, kept across runs; the
#               upstream mirrors are the http:// URIs of this machine's apt
#               sources, and only they are served), and HTTPS CONNECT to the
#               npm registry's host (from `npm config get registry`) only
#
# attach ADDRESS   makes the network (bridge, proxy) when missing, then the
#                  host's namespace and link; prints the namespace's path
#                  (for systemd-nspawn --network-namespace-path)
# detach ADDRESS   removes the host's namespace and link; when no netns host
#                  is left, stops the proxy (by its recorded PID) and
#                  removes the bridge
# status           prints the bridge, the namespaces and the proxy's state
#
# Never enables IP forwarding or NAT, never touches this machine's firewall.
# State of the network: /run/drover-vm/net/ (proxy config, PID, logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

run=$DROVER_VM_RUN/net
proxy_cache=$DROVER_VM_CACHE/apt-cacher-ng
proxy_user=apt-cacher-ng

netns_of() { echo "drover-$1"; }
# The bridge side of a host's veth: "dv" and the address's last two octets
# (interface names have at most 15 characters).
veth_of() {
  local a=${1#"$DROVER_VM_NET_PREFIX".}
  echo "dv${a/./-}"
}

# The http:// URIs of this machine's apt sources (one-line and deb822), once
# each: the only upstreams the proxy serves.
apt_upstreams() {
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  local existing=() file
  for file in "${files[@]}"; do [[ -f $file ]] && existing+=("$file"); done
  ((${#existing[@]})) || return 0
  awk '$1 == "deb" || $1 == "deb-src" || tolower($1) == "uris:" {
      for (i = 2; i <= NF; i++) if ($i ~ /^http:\/\//) print $i }' "${existing[@]}" |
    sed 's:/*$::' | awk '!seen[$0]++'
}

# The npm registry's host, from npm's own configuration (empty without npm).
npm_registry_host() {
  command -v npm >/dev/null || return 0
  npm config get registry 2>/dev/null | sed -nE 's#^https://([^/:]+).*#\1#p'
}

proxy_config() {
  local uri i=0 host
  cat <<CONF
# Written by drover's tools/vm/net.sh: the private proxy of the netns hosts.
CacheDir: $proxy_cache
LogDir: $run/log
SupportDir: /usr/lib/apt-cacher-ng
Port: $DROVER_VM_PROXY_PORT
BindAddress: $DROVER_VM_GATEWAY
# In a directory of the proxy's own user (it cannot create files in $run).
SocketPath: $run/log/acng.socket
ForeGround: 1
ExThreshold: 4
# Only this machine's own apt sources are served.
ForceManaged: 1
CONF
  while read -r uri; do
    [[ -n $uri ]] || continue
    echo "Remap-drover$i: ${uri#http://} ; $uri"
    i=$((i + 1))
  done < <(apt_upstreams)
  host=$(npm_registry_host)
  if [[ -n $host ]]; then
    echo "PassThroughPattern: ^${host//./\\.}:443\$"
  else
    echo "PassThroughPattern: ^\$"
  fi
}

proxy_pid() { # prints the proxy's PID and succeeds while it runs
  local pid
  pid=$(cat "$run/proxy.pid" 2>/dev/null) || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == apt-cacher-ng ]] &&
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$run/acng" && echo "$pid"
}

proxy_listens() {
  [[ -n $(ss -Hltn "( sport = :$DROVER_VM_PROXY_PORT ) and ( src $DROVER_VM_GATEWAY )" 2>/dev/null) ]]
}

proxy_start() {
  proxy_pid >/dev/null && return 0
  command -v apt-cacher-ng >/dev/null ||
    vm_die "'apt-cacher-ng' is missing (netns hosts get apt through it); run 'make deps'"
  mkdir -p "$run/acng" "$run/log" "$proxy_cache"
  proxy_config >"$run/acng/acng.conf"
  chown -R "$proxy_user:$proxy_user" "$run/log" "$proxy_cache"
  # Without fd 9 (the network's lock), which would outlive this call.
  setpriv --reuid="$proxy_user" --regid="$proxy_user" --init-groups \
    apt-cacher-ng -c "$run/acng" </dev/null >"$run/log/console.log" 2>&1 9>&- &
  echo $! >"$run/proxy.pid"
  local _
  for _ in $(seq 50); do
    proxy_listens && return 0
    proxy_pid >/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$run/log/console.log" >&2 || true
  vm_die "the apt proxy (apt-cacher-ng) did not start on $DROVER_VM_GATEWAY:$DROVER_VM_PROXY_PORT"
}

proxy_stop() {
  local pid _
  if pid=$(proxy_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      proxy_pid >/dev/null || break
      sleep 0.1
    done
    proxy_pid >/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$run/proxy.pid"
}

bridge_up() {
  if ! ip link show "$DROVER_VM_BRIDGE" >/dev/null 2>&1; then
    ip link add "$DROVER_VM_BRIDGE" type bridge
  fi
  ip addr replace "$DROVER_VM_GATEWAY/16" dev "$DROVER_VM_BRIDGE"
  ip link set "$DROVER_VM_BRIDGE" up
}

# Netns hosts that exist (their namespaces), one address a line.
attached() {
  local ns
  for ns in /run/netns/drover-*; do
    [[ -e $ns ]] && echo "${ns#/run/netns/drover-}"
  done
  return 0
}

attach() {
  local address=$1 ns veth
  ns=$(netns_of "$address") veth=$(veth_of "$address")
  bridge_up
  proxy_start
  # A namespace left by a killed run is made again from scratch.
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$veth" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$DROVER_VM_BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$address/16" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$DROVER_VM_GATEWAY" dev eth0
  echo "/run/netns/$ns"
}

detach() {
  local address=$1
  ip netns del "$(netns_of "$address")" 2>/dev/null || true
  ip link del "$(veth_of "$address")" 2>/dev/null || true
  [[ -z $(attached) ]] || return 0
  proxy_stop
  ip link del "$DROVER_VM_BRIDGE" 2>/dev/null || true
}

status() {
  local pid
  if ip link show "$DROVER_VM_BRIDGE" >/dev/null 2>&1; then
    echo "bridge $DROVER_VM_BRIDGE: $DROVER_VM_GATEWAY/16"
  else
    echo "bridge $DROVER_VM_BRIDGE: absent"
  fi
  if pid=$(proxy_pid); then
    echo "proxy: http://$DROVER_VM_GATEWAY:$DROVER_VM_PROXY_PORT (apt-cacher-ng PID $pid)"
  else
    echo "proxy: not running"
  fi
  echo "namespaces: $(attached | tr '\n' ' ')"
}

main() {
  local action=${1:-} address=${2:-}
  case $action in
    attach | detach)
      vm_is_netns_address "$address" ||
        vm_die "'$address' is not a netns host address ($DROVER_VM_NET_PREFIX.0.2-$DROVER_VM_NET_PREFIX.255.254)"
      ;;
    status) status; return ;;
    *) vm_die "usage: tools/vm/net.sh attach ADDRESS | detach ADDRESS | status" ;;
  esac
  [[ $(id -u) -eq 0 ]] || vm_die "netns hosts need root"
  mkdir -p "$run"
  # One change of the network at a time (hosts boot in parallel).
  exec 9>"$run.lock"
  flock 9
  "$action" "$address"
}

main "$@"
