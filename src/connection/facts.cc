#include "connection/facts.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace drover::connection {

namespace {

// Each section starts with a line "@@drover:<name>"; its body is raw text.
const char kMarker[] = "@@drover:";

const char kScript[] = R"SH(
s() { printf '\n@@drover:%s\n' "$1"; }
s os_release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
s debian_version; cat /etc/debian_version 2>/dev/null
s lsb; lsb_release -a 2>/dev/null
s uname; uname -s; uname -r; uname -v; uname -m; uname -n
s hostname; hostname 2>/dev/null || uname -n
s fqdn
h=$(hostname 2>/dev/null || uname -n)
a=$(getent ahostsv4 "$h" 2>/dev/null | awk 'NR==1{print $1}')
[ -n "$a" ] && getent hosts "$a" 2>/dev/null | head -n 1
s id; id -un; id -u; id -g; id -gn
s passwd; getent passwd "$(id -un)" 2>/dev/null || grep "^$(id -un):" /etc/passwd
s env; awk 'BEGIN { for (k in ENVIRON) { v = ENVIRON[k]; gsub(/\\/, "\\\\", v); gsub(/\n/, "\\n", v); print k "=" v } }'
s meminfo; grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree):' /proc/meminfo 2>/dev/null
s cpuinfo; grep -E '^(processor|physical id|core id|cpu cores|siblings)[[:space:]]*:' /proc/cpuinfo 2>/dev/null
s route; ip -4 route get 8.8.8.8 2>/dev/null | head -n 1
s addr; ip -4 -o addr show 2>/dev/null
s netorder; ls -f /sys/class/net 2>/dev/null
s link
i=$(ip -4 route get 8.8.8.8 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)
if [ -n "$i" ] && [ -d "/sys/class/net/$i" ]; then
  cat "/sys/class/net/$i/address" "/sys/class/net/$i/mtu" "/sys/class/net/$i/type" 2>/dev/null
fi
s pkg; for p in apt-get dnf yum zypper apk pacman emerge pkg; do command -v "$p" >/dev/null 2>&1 && echo "$p"; done
s init
cat /proc/1/comm 2>/dev/null || echo
[ -L /sbin/init ] && readlink /sbin/init || echo
command -v systemctl >/dev/null 2>&1 && echo systemctl || echo
for d in /run/systemd/system /dev/.run/systemd /dev/.systemd /sbin/openrc /etc/init.d /etc/init; do
  [ -e "$d" ] && echo "$d"
done
command -v initctl >/dev/null 2>&1 && echo initctl
s date; date '+%Y|%m|%d|%H|%M|%S|%Z|%z|%s|%A|%w|%W|%N'; date -u '+%Y-%m-%dT%H:%M:%S|%Y%m%dT%H%M%S'
s end
)SH";

using Sections = std::map<std::string, std::vector<std::string>>;

Sections SplitSections(const std::string& out) {
  Sections sections;
  std::vector<std::string>* current = nullptr;
  std::stringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(kMarker, 0) == 0) {
      current = &sections[line.substr(sizeof kMarker - 1)];
      continue;
    }
    if (current && !line.empty()) current->push_back(line);
  }
  return sections;
}

std::string Line(const Sections& s, const std::string& name, size_t index = 0) {
  auto it = s.find(name);
  if (it == s.end() || index >= it->second.size()) return "";
  return it->second[index];
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string Unquote(std::string v) {
  v = Trim(v);
  if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) {
    v = v.substr(1, v.size() - 2);
  }
  return v;
}

std::map<std::string, std::string> KeyValues(const Sections& s, const std::string& name, char sep) {
  std::map<std::string, std::string> kv;
  auto it = s.find(name);
  if (it == s.end()) return kv;
  for (const std::string& line : it->second) {
    const size_t at = line.find(sep);
    if (at == std::string::npos) continue;
    kv[Trim(line.substr(0, at))] = Unquote(line.substr(at + 1));
  }
  return kv;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> w;
  std::stringstream in(s);
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// os-release ID -> Ansible's distribution name.
std::string DistributionName(const std::string& id, const std::string& name) {
  static const std::map<std::string, std::string> names = {
      {"debian", "Debian"},
      {"ubuntu", "Ubuntu"},
      {"raspbian", "Debian"},
      {"linuxmint", "Linux Mint"},
      {"kali", "Kali"},
      {"devuan", "Devuan"},
      {"centos", "CentOS"},
      {"rhel", "RedHat"},
      {"fedora", "Fedora"},
      {"rocky", "Rocky"},
      {"almalinux", "AlmaLinux"},
      {"ol", "OracleLinux"},
      {"amzn", "Amazon"},
      {"alpine", "Alpine"},
      {"arch", "Archlinux"},
      {"opensuse-leap", "openSUSE Leap"},
      {"opensuse-tumbleweed", "openSUSE Tumbleweed"},
      {"sles", "SLES"},
      {"gentoo", "Gentoo"},
  };
  if (auto it = names.find(id); it != names.end()) return it->second;
  return name.empty() ? "OtherLinux" : name;
}

std::string OsFamily(const std::string& distribution) {
  static const std::map<std::string, std::string> families = {
      {"Debian", "Debian"},      {"Ubuntu", "Debian"},
      {"Linux Mint", "Debian"},  {"Kali", "Debian"},
      {"Devuan", "Debian"},      {"CentOS", "RedHat"},
      {"RedHat", "RedHat"},      {"Fedora", "RedHat"},
      {"Rocky", "RedHat"},       {"AlmaLinux", "RedHat"},
      {"OracleLinux", "RedHat"}, {"Amazon", "RedHat"},
      {"Alpine", "Alpine"},      {"Archlinux", "Archlinux"},
      {"openSUSE Leap", "Suse"}, {"openSUSE Tumbleweed", "Suse"},
      {"SLES", "Suse"},          {"Gentoo", "Gentoo"},
  };
  if (auto it = families.find(distribution); it != families.end()) return it->second;
  return distribution;
}

bool IsNumericVersion(const std::string& v) {
  return !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) &&
         v.find_first_not_of("0123456789.") == std::string::npos;
}

void AddDistribution(const Sections& s, Map& f) {
  auto os = KeyValues(s, "os_release", '=');
  const std::string dist = DistributionName(os["ID"], os["NAME"]);
  f.set("distribution", dist);
  std::string version = os["VERSION_ID"];
  const std::string debian_version = Trim(Line(s, "debian_version"));
  if (dist == "Debian" && IsNumericVersion(debian_version)) version = debian_version;
  f.set("distribution_version", version.empty() ? "NA" : version);
  f.set("distribution_major_version",
        version.empty() ? "NA" : version.substr(0, version.find('.')));
  std::string release = os["VERSION_CODENAME"];
  if (release.empty()) release = os["UBUNTU_CODENAME"];
  f.set("distribution_release", release.empty() ? "NA" : release);
  f.set("os_family", OsFamily(dist));

  auto lsb_kv = KeyValues(s, "lsb", ':');
  Map lsb;
  if (!lsb_kv.empty()) {
    if (lsb_kv.count("Codename")) lsb.set("codename", lsb_kv["Codename"]);
    if (lsb_kv.count("Description")) lsb.set("description", lsb_kv["Description"]);
    if (lsb_kv.count("Distributor ID")) lsb.set("id", lsb_kv["Distributor ID"]);
    if (lsb_kv.count("Release")) {
      const std::string r = lsb_kv["Release"];
      lsb.set("major_release", r.substr(0, r.find('.')));
      lsb.set("release", r);
    }
  }
  f.set("lsb", Value(std::move(lsb)));
}

void AddSystem(const Sections& s, Map& f) {
  const std::string system = Line(s, "uname", 0);
  f.set("system", system);
  f.set("kernel", Line(s, "uname", 1));
  f.set("kernel_version", Line(s, "uname", 2));
  const std::string machine = Line(s, "uname", 3);
  f.set("machine", machine);
  std::string arch = machine;
  if (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86") arch = "i386";
  f.set("architecture", arch);
  const std::string node = Line(s, "uname", 4);
  f.set("nodename", node);
  const std::string host = Line(s, "hostname").empty() ? node : Line(s, "hostname");
  f.set("hostname", host.substr(0, host.find('.')));
  // fqdn as Python's socket.getfqdn(): the canonical name of the host's
  // address, or the first alias with a dot in it.
  std::string fqdn = host;
  auto names = Words(Line(s, "fqdn"));
  if (names.size() >= 2) {
    fqdn = names[1];
    for (size_t i = 1; i < names.size(); ++i) {
      if (names[i].find('.') != std::string::npos) {
        fqdn = names[i];
        break;
      }
    }
  }
  f.set("fqdn", fqdn);
  const size_t dot = fqdn.find('.');
  f.set("domain", dot == std::string::npos ? "" : fqdn.substr(dot + 1));
}

void AddUser(const Sections& s, Map& f) {
  f.set("user_id", Line(s, "id", 0));
  f.set("user_uid", std::atoll(Line(s, "id", 1).c_str()));
  f.set("user_gid", std::atoll(Line(s, "id", 2).c_str()));
  std::vector<std::string> pw;
  std::stringstream in(Line(s, "passwd"));
  for (std::string field; std::getline(in, field, ':');) pw.push_back(field);
  if (pw.size() >= 7) {
    f.set("user_gecos", pw[4]);
    f.set("user_dir", pw[5]);
    f.set("user_shell", pw[6]);
  }
  Map env;
  if (auto it = s.find("env"); it != s.end()) {
    for (const std::string& line : it->second) {
      const size_t eq = line.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      std::string value;
      const std::string raw = line.substr(eq + 1);
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          value += raw[i + 1] == 'n' ? '\n' : raw[i + 1];
          ++i;
        } else {
          value += raw[i];
        }
      }
      env.set(line.substr(0, eq), value);
    }
  }
  if (!f.contains("user_dir")) {
    if (const Value* home = env.find("HOME")) f.set("user_dir", *home);
  }
  // Sorted, as Python prints dicts it built from os.environ... not needed:
  // keep the host's order.
  f.set("env", Value(std::move(env)));
}

void AddHardware(const Sections& s, Map& f) {
  auto mem = KeyValues(s, "meminfo", ':');
  auto mb = [&](const std::string& key) -> int64_t {
    return std::atoll(mem[key].c_str()) / 1024;  // "24684436 kB"
  };
  f.set("memtotal_mb", mb("MemTotal"));
  f.set("memfree_mb", mb("MemFree"));
  f.set("swaptotal_mb", mb("SwapTotal"));
  f.set("swapfree_mb", mb("SwapFree"));
  // As Ansible's Linux hardware facts: sockets by physical id, cores per
  // socket from "cpu cores", threads per core = siblings / cores.
  int64_t processors = 0, cores = 0, siblings = 0;
  std::set<std::string> sockets;
  if (auto it = s.find("cpuinfo"); it != s.end()) {
    for (const std::string& line : it->second) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string key = Trim(line.substr(0, colon));
      const std::string value = Trim(line.substr(colon + 1));
      if (key == "processor") ++processors;
      if (key == "physical id") sockets.insert(value);
      if (key == "cpu cores") cores = std::atoll(value.c_str());
      if (key == "siblings") siblings = std::atoll(value.c_str());
    }
  }
  const int64_t socket_count = sockets.empty() ? processors : static_cast<int64_t>(sockets.size());
  if (cores == 0) cores = 1;
  const int64_t threads = siblings > 0 ? std::max<int64_t>(1, siblings / cores) : 1;
  f.set("processor_count", socket_count);
  f.set("processor_cores", cores);
  f.set("processor_threads_per_core", threads);
  f.set("processor_vcpus", sockets.empty() ? processors : threads * cores * socket_count);
  f.set("processor_nproc", processors);
}

std::string Ipv4Netmask(int prefix) {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return std::to_string(mask >> 24) + "." + std::to_string((mask >> 16) & 255) + "." +
         std::to_string((mask >> 8) & 255) + "." + std::to_string(mask & 255);
}

std::string Ipv4Network(const std::string& address, int prefix) {
  uint32_t a = 0;
  std::stringstream in(address);
  std::string part;
  for (int i = 0; i < 4 && std::getline(in, part, '.'); ++i) {
    a = (a << 8) | static_cast<uint32_t>(std::atoi(part.c_str()));
  }
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  a &= mask;
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

void AddNetwork(const Sections& s, Map& f) {
  List all;
  struct Addr {
    std::string iface, address, broadcast;
    int prefix = 32;
  };
  std::vector<Addr> addrs;
  if (auto it = s.find("addr"); it != s.end()) {
    for (const std::string& line : it->second) {
      // "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
      auto w = Words(line);
      if (w.size() < 4 || w[2] != "inet") continue;
      Addr a;
      a.iface = w[1];
      const size_t slash = w[3].find('/');
      a.address = w[3].substr(0, slash);
      if (slash != std::string::npos) a.prefix = std::atoi(w[3].c_str() + slash + 1);
      for (size_t i = 4; i + 1 < w.size(); ++i) {
        if (w[i] == "brd") a.broadcast = w[i + 1];
      }
      addrs.push_back(a);
    }
  }
  // Ansible walks interfaces in the directory order of /sys/class/net.
  std::map<std::string, size_t> order;
  if (auto it = s.find("netorder"); it != s.end())
    for (const std::string& name : it->second) order.emplace(name, order.size());
  auto rank = [&](const Addr& a) {
    auto o = order.find(a.iface);
    return o == order.end() ? order.size() : o->second;
  };
  std::vector<Addr> walked = addrs;
  std::stable_sort(walked.begin(), walked.end(),
                   [&](const Addr& x, const Addr& y) { return rank(x) < rank(y); });
  for (const Addr& a : walked)
    if (a.address.rfind("127.", 0) != 0) all.emplace_back(a.address);
  f.set("all_ipv4_addresses", Value(std::move(all)));
  Map def;
  auto route = Words(Line(s, "route"));
  std::string dev, src, via;
  for (size_t i = 0; i + 1 < route.size(); ++i) {
    if (route[i] == "dev") dev = route[i + 1];
    if (route[i] == "src") src = route[i + 1];
    if (route[i] == "via") via = route[i + 1];
  }
  if (!dev.empty()) {
    def.set("address", src);
    def.set("alias", dev);
    for (const Addr& a : addrs) {
      if (a.iface == dev && a.address == src) {
        def.set("broadcast", a.broadcast);
        def.set("netmask", Ipv4Netmask(a.prefix));
        def.set("network", Ipv4Network(a.address, a.prefix));
        def.set("prefix", std::to_string(a.prefix));
      }
    }
    def.set("gateway", via);
    def.set("interface", dev);
    const std::string mac = Line(s, "link", 0);
    if (!mac.empty()) def.set("macaddress", mac);
    const std::string mtu = Line(s, "link", 1);
    if (!mtu.empty()) def.set("mtu", std::atoll(mtu.c_str()));
    const std::string type = Line(s, "link", 2);
    if (type == "1") def.set("type", "ether");
    if (type == "772") def.set("type", "loopback");
  }
  // Ansible's keys are sorted in its output; keep ours sorted the same way.
  Map sorted;
  std::vector<std::string> keys;
  for (const auto& [k, v] : def) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) sorted.set(k, *def.find(k));
  f.set("default_ipv4", Value(std::move(sorted)));
}

void AddManagers(const Sections& s, Map& f) {
  std::set<std::string> tools;
  if (auto it = s.find("pkg"); it != s.end()) tools.insert(it->second.begin(), it->second.end());
  const std::string family = f.find("os_family")->as_string();
  std::string pkg = "unknown";
  if (family == "Debian" && tools.count("apt-get")) {
    pkg = "apt";
  } else if (family == "RedHat" && (tools.count("dnf") || tools.count("yum"))) {
    pkg = tools.count("dnf") ? "dnf" : "yum";
  } else {
    for (const char* t : {"apt-get", "dnf", "yum", "zypper", "apk", "pacman", "emerge", "pkg"}) {
      if (tools.count(t)) {
        pkg = std::string(t) == "apt-get" ? "apt" : std::string(t) == "emerge" ? "portage" : t;
        break;
      }
    }
  }
  f.set("pkg_mgr", pkg);

  // As Ansible's service_mgr collector (Linux branch).
  std::set<std::string> present;
  auto it = s.find("init");
  std::string proc1, init_link;
  // The section's first two lines may be empty (skipped by SplitSections),
  // so classify lines by shape instead of position.
  if (it != s.end()) {
    for (const std::string& line : it->second) {
      if (line[0] == '/' || line == "systemctl" || line == "initctl") {
        if (line[0] == '/' && present.empty() && init_link.empty() &&
            line.find("/run/") == std::string::npos && line.find("/dev/") == std::string::npos &&
            line.find("/etc/") == std::string::npos && line != "/sbin/openrc") {
          init_link = line;
        } else {
          present.insert(line);
        }
      } else if (proc1.empty()) {
        proc1 = line;
      }
    }
  }
  if (proc1.empty() && !init_link.empty()) proc1 = init_link;
  if (const size_t slash = proc1.rfind('/'); slash != std::string::npos) {
    proc1 = proc1.substr(slash + 1);
  }
  proc1 = Trim(proc1);
  if (proc1 == "init" || (proc1.size() >= 2 && proc1.substr(proc1.size() - 2) == "sh")) {
    proc1.clear();
  }
  static const std::map<std::string, std::string> proc1_map = {{"procd", "openwrt_init"},
                                                               {"runit-init", "runit"},
                                                               {"svscan", "svc"},
                                                               {"openrc-init", "openrc"}};
  std::string mgr;
  const bool systemctl = present.count("systemctl") > 0;
  if (!proc1.empty()) {
    auto m = proc1_map.find(proc1);
    mgr = m == proc1_map.end() ? proc1 : m->second;
  } else if (systemctl && (present.count("/run/systemd/system") ||
                           present.count("/dev/.run/systemd") || present.count("/dev/.systemd"))) {
    mgr = "systemd";
  } else if (present.count("initctl") && present.count("/etc/init")) {
    mgr = "upstart";
  } else if (present.count("/sbin/openrc")) {
    mgr = "openrc";
  } else if (systemctl && init_link.size() >= 7 &&
             init_link.substr(init_link.size() - 7) == "systemd") {
    mgr = "systemd";
  } else if (present.count("/etc/init.d")) {
    mgr = "sysvinit";
  } else {
    mgr = "service";
  }
  f.set("service_mgr", mgr);
}

void AddDateTime(const Sections& s, Map& f) {
  std::vector<std::string> p;
  std::stringstream in(Line(s, "date", 0));
  for (std::string x; std::getline(in, x, '|');) p.push_back(x);
  std::vector<std::string> u;
  std::stringstream uin(Line(s, "date", 1));
  for (std::string x; std::getline(uin, x, '|');) u.push_back(x);
  if (p.size() < 13 || u.size() < 2) {
    f.set("date_time", Value(Map{}));
    return;
  }
  const std::string micro = p[12].size() >= 6 ? p[12].substr(0, 6) : "000000";
  Map d;
  d.set("date", p[0] + "-" + p[1] + "-" + p[2]);
  d.set("day", p[2]);
  d.set("epoch", p[8]);
  d.set("epoch_int", p[8]);
  d.set("hour", p[3]);
  d.set("iso8601", u[0] + "Z");
  d.set("iso8601_basic", p[0] + p[1] + p[2] + "T" + p[3] + p[4] + p[5] + micro);
  d.set("iso8601_basic_short", p[0] + p[1] + p[2] + "T" + p[3] + p[4] + p[5]);
  d.set("iso8601_micro", u[0] + "." + micro + "Z");
  d.set("minute", p[4]);
  d.set("month", p[1]);
  d.set("second", p[5]);
  d.set("time", p[3] + ":" + p[4] + ":" + p[5]);
  d.set("tz", p[6]);
  d.set("tz_dst", p[6]);
  d.set("tz_offset", p[7]);
  d.set("weekday", p[9]);
  d.set("weekday_number", p[10]);
  d.set("weeknumber", p[11]);
  d.set("year", p[0]);
  f.set("date_time", Value(std::move(d)));
}

}  // namespace

const std::string& FactsScript() {
  static const std::string script = kScript;
  return script;
}

Result<Map> ParseFacts(const std::string& script_output) {
  const Sections s = SplitSections(script_output);
  if (!s.count("end") || Line(s, "uname", 0).empty()) {
    return MakeError("fact gathering produced unexpected output (is /bin/sh POSIX?)");
  }
  Map f;
  AddSystem(s, f);
  AddDistribution(s, f);
  AddUser(s, f);
  AddHardware(s, f);
  AddNetwork(s, f);
  AddManagers(s, f);
  AddDateTime(s, f);
  f.set("gather_subset", Value(List{Value("all")}));
  f.set("module_setup", true);
  return f;
}

Result<Map> GatherFacts(Connection& connection, const std::optional<BecomeSpec>& become) {
  ExecRequest req{FactsScript(), std::nullopt, {}, become};
  auto r = connection.Exec(req);
  if (!r) return r.take_error();
  auto facts = ParseFacts(r->stdout_data);
  if (!facts) {
    Error e = facts.take_error();
    e.detail = r->stderr_data;
    return e;
  }
  return facts;
}

Map PrefixedFacts(const Map& facts) {
  Map out;
  for (const auto& [k, v] : facts) {
    const bool keep = k == "gather_subset" || k == "module_setup";
    out.set(keep ? k : "ansible_" + k, v);
  }
  return out;
}

Map FactsAsHostVars(const Map& facts) {
  Map vars = PrefixedFacts(facts);
  vars.set("ansible_facts", Value(Map(facts)));
  return vars;
}

}  // namespace drover::connection
