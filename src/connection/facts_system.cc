// System facts of Ansible 2.14's small collectors (dns, selinux, apparmor,
// fips, cmdline, caps, chroot, loadavg, ssh_pub_keys), virtualization
// (LinuxVirtual) and local facts (facts.d).
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "connection/facts_sections.h"
#include "core/ansible_cfg.h"
#include "core/json.h"

namespace drover::connection::facts {

namespace {

void AddDns(const Sections& s, Map& f) {
  Map dns;
  for (const std::string& line : Lines(s, "dns")) {
    if (line[0] == '#' || line[0] == ';') continue;
    auto t = Words(line);
    if (t.empty()) continue;
    auto list = [&](size_t from) {
      List l;
      for (size_t i = from; i < t.size(); ++i) l.emplace_back(t[i]);
      return l;
    };
    if (t[0] == "nameserver") {
      List l = dns.contains("nameservers") ? dns.find("nameservers")->as_list() : List{};
      for (size_t i = 1; i < t.size(); ++i) l.emplace_back(t[i]);
      dns.set("nameservers", Value(std::move(l)));
    } else if (t[0] == "domain" && t.size() > 1) {
      dns.set("domain", t[1]);
    } else if (t[0] == "search") {
      dns.set("search", Value(list(1)));
    } else if (t[0] == "sortlist") {
      dns.set("sortlist", Value(list(1)));
    } else if (t[0] == "options") {
      Map options;
      for (size_t i = 1; i < t.size(); ++i) {
        const size_t colon = t[i].find(':');
        if (colon == std::string::npos)
          options.set(t[i], true);
        else
          options.set(t[i].substr(0, colon), t[i].substr(colon + 1));
      }
      dns.set("options", Value(std::move(options)));
    }
  }
  f.set("dns", Value(std::move(dns)));
}

// With the selinux Python library's answers (drover needs no library).
void AddSelinux(const Sections& s, Map& f) {
  const auto& lines = Lines(s, "selinux");
  f.set("selinux_python_present", true);
  if (lines.empty()) {
    f.set("selinux", Value(Map{{"status", "disabled"}}));
    return;
  }
  auto files = FileValues(lines);
  Map se{{"status", "enabled"}};
  se.set("policyvers", std::atoll(FileValue(files, "/sys/fs/selinux/policyvers", "0").c_str()));
  std::string config_mode = "unknown", type = "unknown";
  for (const std::string& l : lines) {
    if (l.rfind("SELINUX=", 0) == 0) config_mode = Trim(l.substr(8));
    if (l.rfind("SELINUXTYPE=", 0) == 0) type = Trim(l.substr(12));
  }
  se.set("config_mode", config_mode);
  const std::string enforce = FileValue(files, "/sys/fs/selinux/enforce");
  se.set("mode", enforce == "1" ? "enforcing" : enforce == "0" ? "permissive" : "unknown");
  se.set("type", type);
  f.set("selinux", Value(std::move(se)));
}

// shlex.split(posix=False) of /proc/cmdline: words, quotes kept.
std::vector<std::string> CmdlineWords(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  char quote = 0;
  bool in_word = false;
  for (char c : line) {
    if (quote) {
      cur += c;
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      cur += c;
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return {};  // shlex raises: no facts
  if (in_word) words.push_back(cur);
  return words;
}

void AddCmdline(const Sections& s, Map& f) {
  const std::string data = FileValue(FileValues(Lines(s, "cmdline")), "/proc/cmdline");
  if (data.empty()) return;
  Map cmdline, proc;
  for (const std::string& piece : CmdlineWords(data)) {
    const size_t eq = piece.find('=');
    if (eq == std::string::npos) {
      cmdline.set(piece, true);
      proc.set(piece, true);
      continue;
    }
    const std::string key = piece.substr(0, eq), value = piece.substr(eq + 1);
    cmdline.set(key, value);
    Value* old = proc.find(key);
    if (!old) {
      proc.set(key, value);
    } else if (old->is_list()) {
      old->as_list().emplace_back(value);
    } else {
      proc.set(key, Value(List{*old, Value(value)}));
    }
  }
  f.set("cmdline", Value(std::move(cmdline)));
  f.set("proc_cmdline", Value(std::move(proc)));
}

void AddCaps(const Sections& s, Map& f) {
  Value caps("N/A"), enforced("N/A");
  const auto& lines = Lines(s, "caps");
  if (!lines.empty() && lines.back() == "@rc 0") {
    List list;
    std::string mode = "NA";
    for (const std::string& line : lines) {
      if (line.rfind("Current:", 0) != 0) continue;
      const std::string v = Trim(line.substr(8, line.find(':', 8) - 8));
      if (v == "=ep") {
        mode = "False";
      } else {
        mode = "True";
        std::stringstream in(line.substr(line.find('=') + 1));
        for (std::string c; std::getline(in, c, ',');) list.emplace_back(Trim(c));
      }
    }
    caps = Value(std::move(list));
    enforced = Value(mode);
  }
  f.set("system_capabilities", caps);
  f.set("system_capabilities_enforced", enforced);
}

// As is_chroot: debian_chroot set, or / is not /proc/1/root (or, when
// that cannot be read, /'s inode is not its file system's root inode).
void AddChroot(const Sections& s, Map& f) {
  const auto& lines = Lines(s, "chroot");
  bool chroot = false;
  std::vector<std::string> stats;
  std::string fs;
  for (const std::string& l : lines) {
    if (l.rfind("env ", 0) == 0 && Trim(l.substr(4)).size()) chroot = true;
    if (l.rfind("fs ", 0) == 0) fs = l.substr(3);
    if (!l.empty() && std::isdigit(static_cast<unsigned char>(l[0]))) stats.push_back(l);
  }
  if (!chroot) {
    if (stats.size() >= 2) {
      chroot = stats[0] != stats[1];
    } else if (stats.size() == 1) {
      const std::string ino = Words(stats[0]).back();
      const std::string root = fs == "btrfs" ? "256" : fs == "xfs" ? "128" : "2";
      chroot = ino != root;
    }
  }
  f.set("is_chroot", chroot);
}

void AddLoadavg(const Sections& s, Map& f) {
  auto w = Words(FileValue(FileValues(Lines(s, "loadavg")), "/proc/loadavg"));
  if (w.size() < 3) return;
  f.set("loadavg", Value(Map{{"1m", std::atof(w[0].c_str())},
                             {"5m", std::atof(w[1].c_str())},
                             {"15m", std::atof(w[2].c_str())}}));
}

void AddSshKeys(const Sections& s, Map& f) {
  auto files = FileValues(Lines(s, "sshkeys"));
  for (const char* t : {"dsa", "rsa", "ecdsa", "ed25519"}) {
    auto w = Words(FileValue(files, std::string("/etc/ssh/ssh_host_") + t + "_key.pub"));
    if (w.size() < 2) continue;
    f.set(std::string("ssh_host_key_") + t + "_public", w[1]);
    f.set(std::string("ssh_host_key_") + t + "_public_keytype", w[0]);
  }
}

}  // namespace

void AddSmallCollectors(const Sections& s, const FactsRequest& r, Map& f) {
  if (r.Has("dns")) AddDns(s, f);
  if (r.Has("selinux")) AddSelinux(s, f);
  if (r.Has("apparmor"))
    f.set("apparmor",
          Value(Map{{"status", Lines(s, "apparmor").empty() ? "disabled" : "enabled"}}));
  if (r.Has("fips"))
    f.set("fips", FileValue(FileValues(Lines(s, "fips")), "/proc/sys/crypto/fips_enabled") == "1");
  if (r.Has("cmdline")) AddCmdline(s, f);
  if (r.Has("caps")) AddCaps(s, f);
  if (r.Has("chroot")) AddChroot(s, f);
  if (r.Has("loadavg")) AddLoadavg(s, f);
  if (r.Has("ssh_pub_keys")) AddSshKeys(s, f);
}

// As LinuxVirtual.get_virtual_facts, the checks a shell can make.
void AddVirtual(const Sections& s, Map& f) {
  std::string type, role;
  std::set<std::string> guest, host;
  bool found = false;
  auto found_as = [&](const std::string& t, const std::string& r) {
    if (found) return;
    type = t;
    if (!r.empty()) role = r;
    found = true;
  };
  const auto& lines = Lines(s, "virt");
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  static const std::regex docker(R"(/docker(/|-[0-9a-f]+\.scope))");
  for (const std::string& l : lines) {
    if (l.rfind("cg ", 0) != 0) continue;
    if (std::regex_search(l, docker)) {
      guest.insert("docker");
      found_as("docker", "guest");
    }
    if (l.find("/lxc/") != std::string::npos ||
        l.find("/machine.slice/machine-lxc") != std::string::npos) {
      guest.insert("lxc");
      found_as("lxc", "guest");
    }
    if (l.find("/system.slice/containerd.service") != std::string::npos) {
      guest.insert("containerd");
      found_as("containerd", "guest");
    }
  }
  for (const std::string& l : lines) {
    if (l.rfind("env container=", 0) != 0) continue;
    const std::string v = l.substr(4);
    if (v.find("container=lxc") != std::string::npos) {
      guest.insert("lxc");
      found_as("lxc", "guest");
    }
    if (v.find("container=podman") != std::string::npos) {
      guest.insert("podman");
      found_as("podman", "guest");
    }
    if (v.size() > 10) {
      guest.insert("container");
      found_as("container", "guest");
    }
  }
  if (has("exists /proc/vz") && !has("exists /proc/lve")) {
    type = "openvz";
    if (has("exists /proc/bc")) {
      host.insert("openvz");
      if (!found) role = "host";
    } else {
      guest.insert("openvz");
      if (!found) role = "guest";
    }
    found = true;
  }
  auto files = FileValues(lines);
  const std::string systemd_container = FileValue(files, "/run/systemd/container");
  if (!systemd_container.empty()) {
    guest.insert(systemd_container);
    found_as(systemd_container, "guest");
  }
  if (has("exists /.dockerenv") || has("exists /.dockerinit")) {
    guest.insert("docker");
    found_as("docker", "guest");
  }
  for (const char* t : {"docker", "lxc", "podman", "openvz", "containerd"})
    if (guest.count(t) || !systemd_container.empty()) guest.insert("container");
  if (has("exists /proc/xen")) {
    // Only the first line of capabilities is read here (control_d is on it).
    if (FileValue(files, "/proc/xen/capabilities").find("control_d") != std::string::npos) {
      host.insert("xen");
      found_as("xen", "host");
    } else {
      found_as("xen", "guest");
    }
    found = true;
  }
  const bool assumed_guest = !found;
  auto dmi = FileValues(Lines(s, "dmi"));
  auto d = [&](const char* k) {
    return FileValue(dmi, std::string("/sys/devices/virtual/dmi/id/") + k);
  };
  const std::string product = d("product_name"), vendor = d("sys_vendor"),
                    family = d("product_family"), bios = d("bios_vendor");
  auto guest_type = [&](const std::string& tech, const std::string& t) {
    guest.insert(tech);
    if (!found) {
      type = t;
      found = true;
    }
  };
  if (product == "KVM" || product == "KVM Server" || product == "Bochs" || product == "AHV")
    guest_type("kvm", "kvm");
  if (vendor == "oVirt") guest_type("oVirt", "oVirt");
  if (vendor == "Red Hat" && family == "RHV") guest_type("RHV", "RHV");
  if (vendor == "Red Hat" && family != "RHV" && product == "RHEV Hypervisor")
    guest_type("RHEV", "RHEV");
  if (product == "VMware Virtual Platform" || product == "VMware7,1")
    guest_type("VMware", "VMware");
  if (product == "OpenStack Compute" || product == "OpenStack Nova")
    guest_type("openstack", "openstack");
  if (bios == "Xen") guest_type("xen", "xen");
  if (bios == "innotek GmbH") guest_type("virtualbox", "virtualbox");
  if (bios == "Amazon EC2" || bios == "DigitalOcean" || bios == "Hetzner") guest_type("kvm", "kvm");
  for (const char* v : {"QEMU", "Amazon EC2", "DigitalOcean", "Google", "Scaleway", "Nutanix"})
    if (vendor == v) guest_type("kvm", "kvm");
  if (vendor == "KubeVirt") guest_type("KubeVirt", "KubeVirt");
  if (vendor == "Microsoft Corporation") guest_type("VirtualPC", "VirtualPC");
  if (vendor == "Parallels Software International Inc.") guest_type("parallels", "parallels");
  if (vendor == "OpenStack Foundation") guest_type("openstack", "openstack");
  if (assumed_guest && found) role = "guest";
  for (const std::string& l : lines) {
    static const std::regex vx(R"(^VxID:\s+(\d+).*)");
    std::smatch m;
    if (!std::regex_match(l, m, vx)) continue;
    if (!found) type = "linux_vserver";
    if (m[1] == "0") {
      host.insert("linux_vserver");
      if (!found) role = "host";
    } else {
      guest.insert("linux_vserver");
      if (!found) role = "guest";
    }
    found = true;
  }
  for (const std::string& l : Lines(s, "cpuinfo")) {
    std::string tech;
    if (std::regex_match(l, std::regex("^model name.*QEMU Virtual CPU.*")))
      tech = "kvm";
    else if (std::regex_match(l, std::regex("^vendor_id.*User Mode Linux.*")))
      tech = "uml";
    else if (std::regex_match(l, std::regex("^model name.*UML.*")))
      tech = "uml";
    else if (std::regex_match(l, std::regex("^machine.*CHRP IBM pSeries .emulated by qemu..*")))
      tech = "kvm";
    else if (std::regex_match(l, std::regex("^vendor_id.*PowerVM Lx86.*")))
      tech = "powervm_lx86";
    else
      continue;
    guest.insert(tech);
    if (!found) {
      type = tech;
      role = "guest";
      found = true;
    }
  }
  if (has("module kvm")) {
    host.insert("kvm");
    found_as("kvm", "host");
    found = true;
  }
  if (has("module vboxdrv")) {
    host.insert("virtualbox");
    found_as("virtualbox", "host");
  }
  if (has("module virtio")) {
    host.insert("kvm");
    found_as("kvm", "guest");
  }
  if (has("dmidecode")) {
    bool after = false;
    std::string product_name;
    for (const std::string& l : lines) {
      if (l == "dmidecode") {
        after = true;
        continue;
      }
      if (after && l[0] != '#') product_name += Trim(l);
    }
    if (product_name.rfind("VMware", 0) == 0) {
      guest.insert("VMware");
      found_as("VMware", "guest");
    }
    if (product_name.find("BHYVE") != std::string::npos) {
      guest.insert("bhyve");
      found_as("bhyve", "guest");
    }
  }
  if (has("exists /dev/kvm")) {
    host.insert("kvm");
    found_as("kvm", "host");
  }
  if (!found) {
    type = "NA";
    role = "NA";
  }
  f.set("virtualization_type", type);
  f.set("virtualization_role", role);
  f.set("virtualization_tech_guest", Value(List(guest.begin(), guest.end())));
  f.set("virtualization_tech_host", Value(List(host.begin(), host.end())));
}

namespace {

// A .fact file's text as Ansible reads it: JSON, else INI (configparser:
// options lower-cased; text before the first section is an error).
Value ParseLocalFact(const std::string& text, const std::string& path) {
  if (Result<Value> json = ParseJson(text, path)) return *json;
  bool in_section = false;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[') in_section = true;
    if (!in_section)
      return Value("error loading facts as JSON or ini - please check content: " + path);
  }
  AnsibleConfig ini = ParseAnsibleConfig(text, path);
  Map fact;
  for (const auto& [section, options] : ini.values) {
    Map m;
    for (const auto& [k, v] : options) m.set(k, v);
    fact.set(section, Value(std::move(m)));
  }
  return Value(std::move(fact));
}

}  // namespace

void AddLocal(const Sections& s, const FactsRequest& r, Map& f) {
  Map local;
  for (const auto& [name, lines] : s) {
    if (name.rfind("local:", 0) != 0) continue;
    const std::string file = name.substr(6);
    const std::string path = r.fact_path + "/" + file;
    const std::string base = file.substr(0, file.size() - 5);
    std::string text;
    size_t from = 1;
    if (!lines.empty() && lines[0].rfind("@rc ", 0) == 0 && lines[0] != "@rc 0") {
      local.set(base, "Failure executing fact script (" + path + "), rc: " + lines[0].substr(4) +
                          ", err: ");
      continue;
    }
    for (size_t i = from; i < lines.size(); ++i) text += lines[i] + "\n";
    local.set(base, ParseLocalFact(text, path));
  }
  f.set("local", Value(std::move(local)));
}

}  // namespace drover::connection::facts
