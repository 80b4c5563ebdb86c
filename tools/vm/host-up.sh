#!/usr/bin/env bash
# Usage: tools/vm/host-up.sh --dir DIR --name NAME --address ADDRESS
#                            --authorized-key KEY.pub [--no-python]
# Boots one host in the background and returns without waiting for it
# (tools/vm/host-wait.sh does). The host is an overlay on the base image
# (tools/vm/base-image.sh) kept in DIR, booted by systemd-nspawn; its sshd
# listens on ADDRESS:22 only. KEY.pub is authorized for root and for
# `vagrant` (passwordless sudo). ADDRESS decides the host's network:
#
#   127.0.0.2-254   the machine's network, shared (the host's ports and
#                   firewall ARE the machine's: no firewall tasks there)
#   10.213.X.Y      a network of its own ("netns host", like a hypervisor's
#                   host-only network): namespace drover-ADDRESS linked to
#                   the bridge drover0 (this machine: 10.213.0.1), made by
#                   tools/vm/net.sh, which also starts the private proxy.
#                   Its sshd, ports, firewall and net.* sysctls are its own;
#                   eth0 is its interface (default route via 10.213.0.1, so
#                   facts give ansible_default_ipv4.interface). At boot it
#                   gets apt through http://10.213.0.1:3142 (apt-cacher-ng;
#                   /etc/apt/apt.conf.d/01drover-proxy), the same proxy for
#                   HTTPS to the npm registry (/etc/npmrc proxy/https-proxy,
#                   http(s)_proxy and no_proxy in /etc/environment), and an
#                   /etc/resolv.conf without servers (names of the outside
#                   are resolved by the proxy, never by the host).
#
# On its first boot (or after `make vm-reset`, or when the base image was
# rebuilt) the host gets its own SSH host key and machine-id; later boots
# keep them, so its known_hosts entry stays valid. --no-python purges every
# python3 package from the host (with dpkg, before boot), to prove that
# drover needs none. A host that runs already keeps running (KEY.pub is
# added to its authorized keys).
#
# Writes DIR/pid (the systemd-nspawn PID; tools/vm/host-down.sh stops it),
# DIR/address and DIR/console.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

dir="" name="" address="" pubkey="" no_python=false
while (($#)); do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --authorized-key) pubkey=$2; shift 2 ;;
    --no-python) no_python=true; shift ;;
    *) vm_die "host-up.sh: unknown option '$1'" ;;
  esac
done
[[ -n $dir && -n $name && -n $address && -n $pubkey ]] ||
  vm_die "usage: host-up.sh --dir DIR --name NAME --address ADDRESS --authorized-key KEY.pub [--no-python]"
[[ $name =~ ^[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})$ ]] ||
  vm_die "'$name' is not usable as a host name (letters, digits, '-')"
netns=false
if vm_is_netns_address "$address"; then
  netns=true
else
  vm_is_host_address "$address" ||
    vm_die "host $name: '$address' is neither a loopback address 127.0.0.2-254 nor a netns address 10.213.0.2-10.213.255.254"
fi
[[ -f $pubkey ]] || vm_die "no public key at $pubkey"
vm_require_machine

# A running host keeps running; KEY.pub is added to its authorized keys
# (another checkout may have booted it with its own key).
if vm_host_running "$dir" >/dev/null; then
  for home in /root /home/vagrant; do
    grep -qxF "$(cat "$pubkey")" "$dir/root$home/.ssh/authorized_keys" ||
      cat "$pubkey" >>"$dir/root$home/.ssh/authorized_keys"
  done
  vm_log "$name: already running ($address)"
  exit 0
fi
! $netns && vm_port22_busy "$address" &&
  vm_die "$name: something already listens on $address:22 (another host or sshd); stop it first"

base=$("$here/base-image.sh")
recipe=$(cat "$base.recipe")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
root=$dir/root
mountpoint -q "$root" && umount "$root" # left by a killed run; remount cleanly

# An upper layer made on another base image does not fit this one: start over.
if [[ -d $dir/upper && $(cat "$dir/base.recipe" 2>/dev/null) != "$recipe" ]]; then
  vm_log "$name: base image changed, resetting the host"
  rm -rf --one-file-system "$dir/upper" "$dir/work"
fi
mkdir -p "$dir/upper" "$dir/work" "$root"
echo "$recipe" >"$dir/base.recipe"
echo "$address" >"$dir/address"
mount -t overlay overlay \
  -o "lowerdir=$base,upperdir=$dir/upper,workdir=$dir/work" "$root"

# Identity made once per host (kept across boots, dropped by a reset).
if [[ ! -s $root/etc/ssh/ssh_host_ed25519_key ]]; then
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$root/etc/ssh/ssh_host_ed25519_key"
  tr -d '-' </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
fi
# Settings rewritten on every boot, so that they follow the inventory.
echo "$name" >"$root/etc/hostname"
cat >"$root/etc/hosts" <<HOSTS
127.0.0.1 localhost
$address $name
::1 localhost ip6-localhost ip6-loopback
HOSTS
cat >"$root/etc/ssh/sshd_config.d/drover-vm.conf" <<SSHD
# Written by drover's tools/vm/host-up.sh: this host shares the machine's
# network, so its sshd listens on its own loopback address only.
ListenAddress $address
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
PermitRootLogin prohibit-password
SSHD
# The network settings of either kind of host (see the header), rewritten on
# every boot so that a host that changes kind follows.
proxy=http://$DROVER_VM_GATEWAY:$DROVER_VM_PROXY_PORT
apt_proxy=$root/etc/apt/apt.conf.d/01drover-proxy
sed '/^# drover-vm proxy/,$d' "$base/etc/environment" >"$root/etc/environment"
sed '/^# drover-vm proxy/,$d' "$base/etc/npmrc" >"$root/etc/npmrc"
rm -f "$apt_proxy"
if $netns; then
  echo "Acquire::http::Proxy \"$proxy/\";" >"$apt_proxy"
  cat >>"$root/etc/environment" <<ENV
# drover-vm proxy (a netns host reaches the outside only through it)
http_proxy=$proxy/
https_proxy=$proxy/
no_proxy=localhost,127.0.0.1,::1,$DROVER_VM_NET_PREFIX.0.0/16
ENV
  cat >>"$root/etc/npmrc" <<NPMRC
# drover-vm proxy (a netns host reaches the outside only through it)
proxy=$proxy/
https-proxy=$proxy/
NPMRC
  rm -f "$root/etc/resolv.conf"
  printf '# netns host: no name server (the proxy resolves)\noptions timeout:1 attempts:1\n' \
    >"$root/etc/resolv.conf"
fi

authorize() { # user home uid:gid
  install -d -m 0700 -o "${3%:*}" -g "${3#*:}" "$root$2/.ssh"
  install -m 0600 -o "${3%:*}" -g "${3#*:}" "$pubkey" "$root$2/.ssh/authorized_keys"
}
authorize root /root 0:0
authorize vagrant /home/vagrant "$(chroot "$root" id -u vagrant):$(chroot "$root" id -g vagrant)"

nspawn=(systemd-nspawn --quiet --directory="$root" --machine="$name"
  --register=no --keep-unit)
if $netns; then nspawn+=(--resolv-conf=off); else nspawn+=(--resolv-conf=copy-host); fi

# Purged with dpkg inside the host (not booted yet), so that its package
# database stays true: apt can install python3 again later.
read -r -d '' purge_python <<'SH' || true
set -e
packages=$(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'python3*' 'libpython3*' |
  awk '$1 == "ii" { print $2 }')
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $packages
! command -v python3
SH
if $no_python && [[ -e $root/usr/bin/python3 ]]; then
  vm_log "$name: purging python3"
  "${nspawn[@]}" sh -c "$purge_python" >"$dir/purge.log" 2>&1 || {
    tail -n 20 "$dir/purge.log" >&2
    vm_die "$name: purging python3 failed (log: $dir/purge.log)"
  }
fi

# The image holds no package lists (at most apt's lock): make their directory look as old
# as it is useless, so that apt's cache_valid_time updates it on first use,
# as on a freshly installed server. After the python3 purge, which changes
# the directory's mtime.
if [[ -d $root/var/lib/apt/lists && -z $(find "$root/var/lib/apt/lists" -maxdepth 1 -type f ! -name lock) ]]; then
  touch -d @0 "$root/var/lib/apt/lists"
fi

# Boot in a session of its own, so that closing the terminal that ran
# `make vm` does not stop it, and in a cgroup of its own (see
# vm_cgroup_dirs). A reboot inside the host (`reboot`, `shutdown -r`) makes
# systemd-nspawn exit with 133: the loop boots it again, as a hypervisor
# would, and records the new nspawn PID in DIR/pid; any other exit (a
# poweroff, host-down.sh's SIGTERM) ends the loop.
boot=("${nspawn[@]}" --boot)
if $netns; then
  # Its own network: the namespace, and (as --private-network would give)
  # CAP_NET_ADMIN and a writable /proc/sys/net, which are the namespace's.
  boot=(env SYSTEMD_NSPAWN_API_VFS_WRITABLE=network "${boot[@]}" --capability=CAP_NET_ADMIN
    --network-namespace-path="$("$here/net.sh" attach "$address")")
fi
mapfile -t cgroups < <(vm_cgroup_dirs "$dir")
rm -f "$dir/pid"
# shellcheck disable=SC2016 # expanded by the inner bash
setsid bash -c 'for cg in $1; do mkdir -p "$cg" && echo $$ >"$cg/cgroup.procs" || exit 1; done
  pidfile=$2; shift 2
  while :; do
    "$@" &
    echo $! >"$pidfile"
    wait $!
    rc=$?
    [ "$rc" -eq 133 ] || exit "$rc"
    echo "drover-vm: the host rebooted; booting it again" >&2
  done' boot "${cgroups[*]}" "$dir/pid" "${boot[@]}" \
  </dev/null >"$dir/console.log" 2>&1 &
for _ in 1 2 3 4 5 6 7 8 9 10; do
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  vm_pid_is_host "$pid" "$dir" && break
  sleep 0.1
done
vm_pid_is_host "$pid" "$dir" || {
  tail -n 20 "$dir/console.log" >&2
  ! $netns || "$here/net.sh" detach "$address"
  vm_die "$name: systemd-nspawn did not start"
}
vm_log "$name: booting on $address (nspawn PID $pid)"
