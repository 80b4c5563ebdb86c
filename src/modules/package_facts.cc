// package_facts (ansible.builtin.package_facts) for apt without Python on
// the host, in one round trip: the installed packages from dpkg-query
// (python-apt's is_installed: any state with a current version), their
// version, architecture and section, and their origin as python-apt gives
// it (the Origin of the Release of the first package file that holds the
// installed version, from `apt-cache policy`). Result:
// ansible_facts.packages = {name: [{name, version, arch, category, origin,
// source: "apt"}]} (also the variable `packages`).
//
// Partial: apt is the only manager read; others named in `manager` are
// "not usable" as on a host without them.
#include <algorithm>
#include <map>

#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

constexpr const char* kScript =
    "export LANG=C LC_ALL=C\n"
    "command -v dpkg-query >/dev/null 2>&1 && command -v apt-cache >/dev/null 2>&1 || "
    "{ echo DROVER_NO_APT; exit 0; }\n"
    "__p=$(dpkg-query -W -f='${db:Status-Status}|${binary:Package}|${Version}|${Architecture}|"
    "${Section}\\n' | awk -F'|' '$1 != \"not-installed\" && $1 != \"config-files\"')\n"
    "printf '%s\\n' \"$__p\" | sed 's/^/DROVER_PKG|/'\n"
    "echo DROVER_POLICY\n"
    "apt-cache policy 2>/dev/null\n"
    "apt-cache policy $(printf '%s\\n' \"$__p\" | cut -d'|' -f2) 2>/dev/null\n"
    "exit 0\n";

const std::vector<std::string> kManagers = {"rpm",     "apt", "pacman",  "pkg",
                                            "portage", "apk", "pkg_info"};

std::vector<std::string> SplitOn(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + 1)
    out.push_back(text.substr(start, at - start));
  out.push_back(text.substr(start));
  return out;
}

std::string TrimLeft(const std::string& s) {
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

// A policy source line without its priority: "500 http://... Packages" ->
// "http://... Packages".
std::string WithoutPriority(const std::string& line) {
  std::string t = TrimLeft(line);
  size_t sp = t.find(' ');
  return sp == std::string::npos ? "" : t.substr(sp + 1);
}

// From `apt-cache policy` output: package file -> its Release's Origin, and
// package name -> the first package file of its installed version.
void ParsePolicy(const std::string& text, std::map<std::string, std::string>* origins,
                 std::map<std::string, std::string>* first_file) {
  std::string file, package;
  bool in_files = false, in_installed = false;
  for (const std::string& line : SplitOn(text, '\n')) {
    if (line == "Package files:") {
      in_files = true;
      continue;
    }
    if (line == "Pinned packages:") {
      in_files = false;
      continue;
    }
    if (in_files) {
      if (line.rfind("     release ", 0) == 0 && !file.empty()) {
        for (const std::string& kv : SplitOn(line.substr(13), ','))
          if (kv.rfind("o=", 0) == 0) (*origins)[file] = kv.substr(2);
      } else if (line.size() > 1 && line[0] == ' ' && line[1] != ' ') {
        file = WithoutPriority(line);
        (*origins)[file];  // known, Origin "" until a release line says
      }
      continue;
    }
    if (!line.empty() && line[0] != ' ' && line.back() == ':') {
      package = line.substr(0, line.size() - 1);
      in_installed = false;
    } else if (line.rfind(" *** ", 0) == 0) {
      in_installed = true;
    } else if (line.rfind("     ", 0) == 0 && line.size() > 5 && line[5] != ' ') {
      in_installed = false;  // another version's row
    } else if (in_installed && line.rfind("        ", 0) == 0) {
      if (!first_file->count(package)) (*first_file)[package] = WithoutPriority(line);
    }
  }
}

class PackageFacts : public Module {
 public:
  std::string_view Name() const override { return "package_facts"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"manager", ArgType::kList, Value(List{Value("auto")}), false, {}, {}},
        {"strategy", ArgType::kStr, Value("first"), false, {}, {"first", "all"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::vector<std::string> requested;
    for (const Value& v : args.find("manager")->as_list()) {
      std::string m = v.is_string() ? v.as_string() : ArgText(Map{{"m", v}}, "m");
      std::transform(m.begin(), m.end(), m.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      requested.push_back(m);
    }
    const bool automatic = std::find(requested.begin(), requested.end(), "auto") != requested.end();
    std::vector<std::string> unsupported;
    for (const std::string& m : requested)
      if (m != "auto" && std::find(kManagers.begin(), kManagers.end(), m) == kManagers.end())
        unsupported.push_back(m);
    if (!unsupported.empty()) {
      std::string names;
      for (const std::string& u : unsupported) names += (names.empty() ? "" : ", ") + u;
      return Failed(automatic ? "Could not auto detect a usable package manager, check warnings "
                                "for details."
                              : "Unsupported package managers requested: " + names);
    }
    List warnings;
    for (const std::string& m : requested)
      if (m != "auto" && m != "apt")
        warnings.push_back(Value("Requested package manager " + m +
                                 " was not usable by this module: drover reads only apt"));
    const bool want_apt =
        automatic || std::find(requested.begin(), requested.end(), "apt") != requested.end();

    Map packages;
    bool found = false;
    if (want_apt) {
      Result<connection::ExecResult> r = ctx.Exec(kScript);
      if (!r) return r.take_error();
      const std::string& out = r->stdout_data;
      if (out.find("DROVER_NO_APT") == std::string::npos) {
        found = true;
        std::map<std::string, std::string> origins, first_file;
        size_t at = out.find("DROVER_POLICY\n");
        if (at != std::string::npos) ParsePolicy(out.substr(at + 14), &origins, &first_file);
        for (const std::string& line : SplitOn(out.substr(0, at), '\n')) {
          if (line.rfind("DROVER_PKG|", 0) != 0) continue;
          std::vector<std::string> f = SplitOn(line.substr(11), '|');
          if (f.size() < 5) continue;
          std::string origin;
          if (auto ff = first_file.find(f[1]); ff != first_file.end())
            if (auto o = origins.find(ff->second); o != origins.end()) origin = o->second;
          Map entry{{"name", Value(f[1])},     {"version", Value(f[2])},  {"arch", Value(f[3])},
                    {"category", Value(f[4])}, {"origin", Value(origin)}, {"source", "apt"}};
          Value* list = packages.find(f[1]);
          if (list) {
            List l = list->as_list();
            l.push_back(Value(std::move(entry)));
            *list = Value(std::move(l));
          } else {
            packages.set(f[1], Value(List{Value(std::move(entry))}));
          }
        }
      }
    }
    if (!found) {
      std::string shown;
      for (const std::string& m : requested) shown += (shown.empty() ? "'" : ", '") + m + "'";
      Map f =
          Failed("Could not detect a supported package manager from the following list: [" + shown +
                 "], or the required Python library is not installed. Check warnings for details.");
      if (!warnings.empty()) f.set("warnings", Value(std::move(warnings)));
      return f;
    }
    Map result{{"changed", false},
               {"ansible_facts", Value(Map{{"packages", Value(std::move(packages))}})}};
    if (!warnings.empty()) result.set("warnings", Value(std::move(warnings)));
    return result;
  }
};

}  // namespace

const Module& PackageFactsModule() {
  static const PackageFacts m;
  return m;
}

}  // namespace drover::modules
