#include "connection/facts.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "connection/facts_sections.h"

namespace drover::connection {

namespace {

// Each section starts with a line "@@drover:<name>"; its body is raw text.
const char kMarker[] = "@@drover:";

}  // namespace

namespace facts {

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

std::string Line(const Sections& s, const std::string& name, size_t index) {
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

const std::vector<std::string>& Lines(const Sections& s, const std::string& name) {
  static const std::vector<std::string> none;
  auto it = s.find(name);
  return it == s.end() ? none : it->second;
}

std::map<std::string, std::optional<std::string>> FileValues(
    const std::vector<std::string>& lines) {
  std::map<std::string, std::optional<std::string>> files;
  for (const std::string& line : lines) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      if (!line.empty() && line.back() == '!')
        files[line.substr(0, line.size() - 1)] = std::nullopt;
      continue;
    }
    const std::string value = Trim(line.substr(eq + 1));
    files[line.substr(0, eq)] = value.empty() ? std::nullopt : std::optional<std::string>(value);
  }
  return files;
}

std::string FileValue(const std::map<std::string, std::optional<std::string>>& files,
                      const std::string& path, const std::string& fallback) {
  auto it = files.find(path);
  if (it == files.end() || !it->second) return fallback;
  return *it->second;
}

std::string BytesToHuman(double bytes) {
  static const std::pair<const char*, double> ranges[] = {{"YB", 1208925819614629174706176.0},
                                                          {"ZB", 1180591620717411303424.0},
                                                          {"EB", 1152921504606846976.0},
                                                          {"PB", 1125899906842624.0},
                                                          {"TB", 1099511627776.0},
                                                          {"GB", 1073741824.0},
                                                          {"MB", 1048576.0},
                                                          {"KB", 1024.0},
                                                          {"Bytes", 1.0}};
  for (const auto& [suffix, limit] : ranges) {
    if (bytes >= limit || limit == 1.0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f %s", bytes / limit, suffix);
      return buf;
    }
  }
  return "0.00 Bytes";
}

}  // namespace facts

namespace {

using namespace facts;

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
  if (const size_t dot = version.find('.'); dot != std::string::npos) {
    const std::string rest = version.substr(dot + 1);
    f.set("distribution_minor_version", rest.substr(0, rest.find('.')));
  } else {
    f.set("distribution_minor_version", "NA");
  }
  // As 2.14's Distribution: Debian-like hosts are found in /etc/os-release.
  if (OsFamily(dist) == "Debian" && s.count("os_release")) {
    f.set("distribution_file_parsed", true);
    f.set("distribution_file_path", "/etc/os-release");
    f.set("distribution_file_variety", "Debian");
  }
  std::string release = os["VERSION_CODENAME"];
  if (release.empty()) release = os["UBUNTU_CODENAME"];
  f.set("distribution_release", release.empty() ? "NA" : release);
  f.set("os_family", OsFamily(dist));
}

void AddLsb(const Sections& s, Map& f) {
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
  // "uname -srmn" prints sysname nodename release machine; then "uname -v".
  std::vector<std::string> u = Words(Line(s, "uname", 0));
  u.resize(4);
  f.set("system", u[0]);
  f.set("kernel", u[2]);
  f.set("kernel_version", Line(s, "uname", 1));
  const std::string machine = u[3];
  f.set("machine", machine);
  std::string arch = machine;
  if (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86") arch = "i386";
  f.set("architecture", arch);
  const std::string node = u[1];
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
  auto ids = FileValues(Lines(s, "machine_id"));
  std::string machine_id = FileValue(ids, "/var/lib/dbus/machine-id");
  if (machine_id.empty()) machine_id = FileValue(ids, "/etc/machine-id");
  if (!machine_id.empty()) f.set("machine_id", machine_id);
  const std::string bits = Trim(Line(s, "bits"));
  f.set("userspace_bits", bits);
  if (machine == "x86_64" && bits == "64") f.set("userspace_architecture", "x86_64");
  if (machine == "x86_64" && bits == "32") f.set("userspace_architecture", "i386");
}

void AddUser(const Sections& s, Map& f) {
  f.set("user_id", Line(s, "id", 0));
  f.set("user_uid", std::atoll(Line(s, "id", 1).c_str()));
  f.set("user_gid", std::atoll(Line(s, "id", 2).c_str()));
  f.set("real_user_id", std::atoll(Line(s, "id", 3).c_str()));
  f.set("effective_user_id", std::atoll(Line(s, "id", 1).c_str()));
  f.set("real_group_id", std::atoll(Line(s, "id", 4).c_str()));
  f.set("effective_group_id", std::atoll(Line(s, "id", 2).c_str()));
  std::vector<std::string> pw;
  std::stringstream in(Line(s, "passwd"));
  for (std::string field; std::getline(in, field, ':');) pw.push_back(field);
  if (pw.size() >= 7) {
    f.set("user_gecos", pw[4]);
    f.set("user_dir", pw[5]);
    f.set("user_shell", pw[6]);
  }
}

void AddEnv(const Sections& s, Map& f) {
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
  f.set("env", Value(std::move(env)));
}

void AddManagers(const Sections& s, const std::string& family, Map& f) {
  std::set<std::string> tools;
  if (auto it = s.find("pkg"); it != s.end()) tools.insert(it->second.begin(), it->second.end());
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

Result<Map> ParseFacts(const std::string& script_output, const FactsRequest& r) {
  const Sections s = SplitSections(script_output);
  if (!s.count("begin") || !s.count("end")) {
    return MakeError("fact gathering produced unexpected output (is /bin/sh POSIX?)");
  }
  Map f;
  if (r.Has("platform")) AddSystem(s, f);
  if (r.Has("distribution")) AddDistribution(s, f);
  if (r.Has("lsb")) AddLsb(s, f);
  if (r.Has("user")) AddUser(s, f);
  if (r.Has("env")) AddEnv(s, f);
  if (r.Has("hardware")) {
    AddHardware(s, f);
    AddDmi(s, f);
  }
  if (r.Has("network")) AddNetwork(s, f);
  AddNetworkExtras(s, r, f);
  if (r.Has("virtual")) AddVirtual(s, f);
  AddSmallCollectors(s, r, f);
  if (r.Has("local")) AddLocal(s, r, f);
  if (r.Has("pkg_mgr") || r.Has("service_mgr")) {
    Map distribution;
    AddDistribution(s, distribution);
    Map managers;
    AddManagers(s, distribution.find("os_family")->as_string(), managers);
    for (const char* k : {"pkg_mgr", "service_mgr"})
      if (r.Has(k)) f.set(k, *managers.find(k));
  }
  if (r.Has("date_time")) AddDateTime(s, f);
  f.set("gather_subset", Value(r.gather_subset));
  f.set("module_setup", true);
  if (r.filter.empty()) return f;
  // setup's filter: fnmatch patterns on the names as reported (ansible_*;
  // gather_subset and module_setup as they are).
  Map kept;
  for (const auto& [k, v] : f) {
    const bool bare = k == "gather_subset" || k == "module_setup";
    const std::string name = bare ? k : "ansible_" + k;
    for (const std::string& pattern : r.filter)
      if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
        kept.set(k, v);
        break;
      }
  }
  return kept;
}

Result<Map> ParseFacts(const std::string& script_output) {
  return ParseFacts(script_output, AllFacts());
}

const std::string& FactsScript() {
  static const std::string script = FactsScript(AllFacts());
  return script;
}

Result<Map> GatherFacts(Connection& connection, const FactsRequest& request,
                        const std::optional<BecomeSpec>& become) {
  ExecRequest req{FactsScript(request), std::nullopt, {}, become};
  auto r = connection.Exec(req);
  if (!r) return r.take_error();
  auto facts = ParseFacts(r->stdout_data, request);
  if (!facts) {
    Error e = facts.take_error();
    e.detail = r->stderr_data;
    return e;
  }
  return facts;
}

Result<Map> GatherFacts(Connection& connection, const std::optional<BecomeSpec>& become) {
  return GatherFacts(connection, AllFacts(), become);
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
