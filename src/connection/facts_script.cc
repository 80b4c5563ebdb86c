// The fact-gathering script: POSIX sh, one round trip. Each selected
// collector prints raw sections ("@@drover:<name>" then its lines); the
// parsers (facts*.cc) turn them into Ansible's facts. Files are read with
// shell builtins (r, c) so that most sections cost no host process.
#include <string>

#include "connection/facts_subset.h"
#include "connection/shell.h"

namespace drover::connection {

namespace {

// Helpers: s NAME starts a section; r FILE... prints "FILE=<first line>"
// for each readable file ("FILE!" when it is empty or cannot be read: what
// Ansible's get_file_content turns into its default); c FILE prints a file.
const char kHelpers[] = R"SH(
s() { printf '\n@@drover:%s\n' "$1"; }
r() { for f; do [ -e "$f" ] || continue; l=; if IFS= read -r l <"$f" 2>/dev/null || [ -n "$l" ]; then printf '%s=%s\n' "$f" "$l"; else printf '%s!\n' "$f"; fi; done; }
c() { [ -r "$1" ] && while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done <"$1"; }
to=; command -v timeout >/dev/null 2>&1 && to="timeout $T"
s begin
)SH";

const char kPlatform[] = R"SH(
s uname; uname -srmn; uname -v
h=$(hostname 2>/dev/null)
s hostname; echo "$h"
s fqdn
a=$(getent ahostsv4 "$h" 2>/dev/null | awk 'NR==1{print $1}')
[ -n "$a" ] && getent hosts "$a" 2>/dev/null | head -n 1
s machine_id; r /var/lib/dbus/machine-id /etc/machine-id
s bits; getconf LONG_BIT 2>/dev/null
)SH";

const char kDistribution[] = R"SH(
s os_release; c /etc/os-release || c /usr/lib/os-release
s debian_version; c /etc/debian_version
)SH";

const char kLsb[] = R"SH(
s lsb; lsb_release -a 2>/dev/null
)SH";

const char kUser[] = R"SH(
u=$(id -un)
s id; echo "$u"; id -u; id -g; id -ru; id -rg
s passwd; getent passwd "$u" 2>/dev/null || grep "^$u:" /etc/passwd
)SH";

const char kEnv[] = R"SH(
s env; awk 'BEGIN { for (k in ENVIRON) { v = ENVIRON[k]; gsub(/\\/, "\\\\", v); gsub(/\n/, "\\n", v); print k "=" v } }'
)SH";

const char kHardware[] = R"SH(
s meminfo; c /proc/meminfo
s cpuinfo; c /proc/cpuinfo
s uptime; r /proc/uptime
s mtab; if [ -e /etc/mtab ]; then m=/etc/mtab; else m=/proc/mounts; fi; c $m
s findmnt; findmnt --list --noheadings --notruncate 2>/dev/null
s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
s statfs
set --
while read -r d p t o rest; do
  case $p in *\\*) p=$(printf '%b' "$p") ;; esac
  case $d in /*|\\*|*:/*) [ "$t" = none ] || set -- "$@" "$p" ;; esac
done <$m
[ $# -gt 0 ] && { $to stat -f -c '%S %s %b %f %a %c %d %n' -- "$@" 2>/dev/null; echo "@rc $?"; }
s devices
for b in /sys/block/*; do
  [ -e "$b" ] || continue
  printf '@dev %s\n' "${b##*/}"
  r "$b/device/vendor" "$b/device/model" "$b/device/sas_address" "$b/device/sas_device_handle" \
    "$b/device/serial" "$b/removable" "$b/queue/discard_granularity" "$b/queue/rotational" \
    "$b/queue/scheduler" "$b/size" "$b/queue/logical_block_size" "$b/queue/hw_sector_size"
  for h in "$b"/holders/dm-*; do [ -e "$h" ] && printf '@holder %s\n' "${h##*/}" && r "$h/dm/name"; done
  for p in "$b/${b##*/}"*; do
    [ -d "$p" ] || continue
    printf '@part %s\n' "${p##*/}"
    r "$p/start" "$p/size" "$p/queue/logical_block_size" "$p/queue/hw_sector_size"
    for h in "$p"/holders/dm-*; do [ -e "$h" ] && printf '@holder %s\n' "${h##*/}" && r "$h/dm/name"; done
  done
done
s slaves; for x in /sys/block/*/slaves/*; do [ -e "$x" ] && echo "$x"; done
s disklinks; ls -l /dev/disk/by-id /dev/disk/by-uuid /dev/disk/by-label 2>/dev/null
s lvm; [ "$(id -u)" = 0 ] && command -v vgs >/dev/null 2>&1 && {
  echo vgs; vgs --noheadings --nosuffix --units g --separator , 2>/dev/null
  echo lvs; lvs --noheadings --nosuffix --units g --separator , 2>/dev/null
  echo pvs; pvs --noheadings --nosuffix --units g --separator , 2>/dev/null; }
)SH";

const char kDmi[] = R"SH(
s dmi; for k in bios_date bios_vendor bios_version board_asset_tag board_name board_serial \
  board_vendor board_version chassis_asset_tag chassis_serial chassis_type chassis_vendor \
  chassis_version product_family product_name product_serial product_uuid product_version \
  sys_vendor; do r /sys/devices/virtual/dmi/id/$k; done
)SH";

const char kNetwork[] = R"SH(
s route4; ip -4 route get 8.8.8.8 2>/dev/null
s route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
s ipaddr; ip addr show 2>/dev/null
s netdev
for n in $(ls -f /sys/class/net 2>/dev/null); do
  d=/sys/class/net/$n
  [ -d "$d" ] && [ "$n" != . ] && [ "$n" != .. ] || continue
  printf '@if %s\n' "$n"
  r "$d/address" "$d/mtu" "$d/operstate" "$d/type" "$d/speed" "$d/flags" "$d/bridge/bridge_id" \
    "$d/bridge/stp_state" "$d/bonding/slaves" "$d/bonding/mode" "$d/bonding/miimon" \
    "$d/bonding/lacp_rate" "$d/bonding/primary" "$d/bonding/all_slaves_active" \
    "$d/bonding_slave/perm_hwaddr"
  [ -d "$d/bridge" ] && { printf '@bridge\n'; for x in "$d"/brif/*; do [ -e "$x" ] && printf '@brif %s\n' "${x##*/}"; done; }
  [ -e "$d/device" ] && printf '@pciid %s\n' "$(readlink "$d/device")"
  [ -e "$d/device/driver/module" ] && printf '@module %s\n' "$(readlink "$d/device/driver/module")"
  if command -v ethtool >/dev/null 2>&1; then
    printf '@ethtool-k\n'; ethtool -k "$n" 2>/dev/null | sed 's/^/@k /'
    printf '@ethtool-T\n'; ethtool -T "$n" 2>/dev/null | sed 's/^/@T /'
  fi
done
)SH";

const char kNetworkExtras[] = R"SH(
s fc; for x in /sys/class/fc_host/*/port_name; do r "$x"; done
s iscsi; c /etc/iscsi/initiatorname.iscsi
s nvme; r /etc/nvme/hostnqn
)SH";

const char kVirtual[] = R"SH(
s virt
[ -r /proc/1/cgroup ] && while IFS= read -r l; do printf 'cg %s\n' "$l"; done </proc/1/cgroup
[ -r /proc/1/environ ] && tr '\0' '\n' </proc/1/environ 2>/dev/null | sed -n 's/^container=/env container=/p'
for x in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm /rhev; do [ -e $x ] && echo "exists $x"; done
r /run/systemd/container /proc/xen/capabilities
[ -r /proc/self/status ] && while IFS= read -r l; do case $l in VxID:*) echo "$l";; esac; done </proc/self/status
[ -r /proc/modules ] && while read -r x rest; do case $x in kvm|vboxdrv|virtio) echo "module $x";; esac; done </proc/modules
command -v dmidecode >/dev/null 2>&1 && { echo dmidecode; dmidecode -s system-product-name 2>/dev/null; }
)SH";

// Small collectors, by name.
const std::pair<const char*, const char*> kSmall[] = {
    {"dns", "\ns dns; c /etc/resolv.conf\n"},
    {"selinux",
     "\ns selinux; [ -e /sys/fs/selinux/enforce ] && { r /sys/fs/selinux/enforce "
     "/sys/fs/selinux/policyvers; c /etc/selinux/config; }\n"},
    {"apparmor", "\ns apparmor; [ -e /sys/kernel/security/apparmor ] && echo enabled\n"},
    {"fips", "\ns fips; r /proc/sys/crypto/fips_enabled\n"},
    {"cmdline", "\ns cmdline; r /proc/cmdline\n"},
    {"caps",
     "\ns caps; command -v capsh >/dev/null 2>&1 && { capsh --print 2>/dev/null; echo \"@rc $?\"; "
     "}\n"},
    {"chroot",
     "\ns chroot; echo \"env ${debian_chroot-}\"; stat -c '%d %i' / /proc/1/root/ 2>/dev/null; "
     "stat -f -c 'fs %T' / 2>/dev/null\n"},
    {"loadavg", "\ns loadavg; r /proc/loadavg\n"},
    {"ssh_pub_keys",
     "\ns sshkeys; for t in dsa rsa ecdsa ed25519; do r /etc/ssh/ssh_host_${t}_key.pub; done\n"},
};

// facts.d: each *.fact file, sorted (the shell's glob), read or run (with
// no time limit, as Ansible runs them).
const char kLocal[] = R"SH(
if [ -d "$FP" ]; then for f in "$FP"/*.fact; do
  [ -e "$f" ] || continue
  s "local:${f##*/}"
  if [ -x "$f" ]; then o=$("$f" 2>/dev/null); printf '@rc %s\n%s\n' "$?" "$o"; else printf '@file\n'; c "$f"; fi
done; fi
)SH";

const char kManagers[] = R"SH(
s pkg; for p in apt-get dnf yum zypper apk pacman emerge pkg; do command -v "$p" >/dev/null 2>&1 && echo "$p"; done
s init
cat /proc/1/comm 2>/dev/null || echo
[ -L /sbin/init ] && readlink /sbin/init || echo
command -v systemctl >/dev/null 2>&1 && echo systemctl || echo
for d in /run/systemd/system /dev/.run/systemd /dev/.systemd /sbin/openrc /etc/init.d /etc/init; do
  [ -e "$d" ] && echo "$d"
done
command -v initctl >/dev/null 2>&1 && echo initctl
)SH";

const char kDate[] = R"SH(
s date; date '+%Y|%m|%d|%H|%M|%S|%Z|%z|%s|%A|%w|%W|%N'; date -u '+%Y-%m-%dT%H:%M:%S|%Y%m%dT%H%M%S'
)SH";

}  // namespace

std::string FactsScript(const FactsRequest& request) {
  std::string script = "T=" + std::to_string(request.timeout_s) +
                       "\nFP=" + ShellQuote(request.fact_path) + "\n" + kHelpers;
  auto add = [&](bool on, const char* part) {
    if (on) script += part;
  };
  add(request.Has("platform"), kPlatform);
  add(request.Has("distribution") || request.Has("pkg_mgr") || request.Has("service_mgr"),
      kDistribution);
  add(request.Has("lsb"), kLsb);
  add(request.Has("user"), kUser);
  add(request.Has("env"), kEnv);
  add(request.Has("hardware"), kHardware);
  add(request.Has("hardware") || request.Has("virtual"), kDmi);
  add(request.Has("network"), kNetwork);
  add(request.Has("fibre_channel_wwn") || request.Has("iscsi") || request.Has("nvme"),
      kNetworkExtras);
  add(request.Has("virtual"), kVirtual);
  add(request.Has("virtual") && !request.Has("hardware"), "\ns cpuinfo; c /proc/cpuinfo\n");
  for (const auto& [name, part] : kSmall) add(request.Has(name), part);
  add(request.Has("local"), kLocal);
  add(request.Has("pkg_mgr") || request.Has("service_mgr"), kManagers);
  add(request.Has("date_time"), kDate);
  script += "\ns end\n";
  return script;
}

}  // namespace drover::connection
