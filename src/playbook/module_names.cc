#include "playbook/module_names.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace drover::playbook {

namespace {

#include "playbook/module_names_data.inc"

constexpr std::string_view kBuiltinPrefix = "ansible.builtin.";
constexpr std::string_view kLegacyPrefix = "ansible.legacy.";

struct Tables {
  std::unordered_set<std::string_view> plugins;
  std::unordered_map<std::string_view, std::string_view> redirects;
  std::unordered_map<std::string_view, std::string_view> tombstones;
};

const Tables& Data() {
  static const Tables tables = [] {
    Tables t;
    for (const char* name : kPluginNames) t.plugins.insert(name);
    for (const auto& r : kRedirects) t.redirects.emplace(r[0], r[1]);
    for (const auto& r : kTombstones) t.tombstones.emplace(r[0], r[1]);
    return t;
  }();
  return tables;
}

std::string_view LastPart(std::string_view name) {
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// An FQCN, following redirects (Ansible's _find_fq_plugin). ansible.builtin
// also finds the deprecated underscore files (`_include.py` for include).
ModuleResolution ResolveFqcn(std::string name) {
  const Tables& t = Data();
  for (int hops = 0; hops < 16; ++hops) {
    if (t.plugins.contains(name)) return {name, "", ""};
    if (name.rfind(kBuiltinPrefix, 0) == 0) {
      std::string underscored =
          std::string(kBuiltinPrefix) + "_" + name.substr(kBuiltinPrefix.size());
      if (t.plugins.contains(underscored)) return {name, "", ""};
    }
    if (auto it = t.tombstones.find(name); it != t.tombstones.end())
      return {"", "", std::string(it->second)};
    auto it = t.redirects.find(name);
    if (it == t.redirects.end()) return {};
    name = std::string(it->second);
  }
  return {};
}

// A short name through ansible.legacy: ansible.builtin's own plugins, then
// the builtin routing table (the legacy loader's last resort).
ModuleResolution ResolveLegacy(std::string_view short_name) {
  if (short_name.find('.') != std::string_view::npos) return {};
  return ResolveFqcn(std::string(kBuiltinPrefix) + std::string(short_name));
}

std::string CanonicalFor(const std::string& fqcn) {
  if (fqcn.rfind(kBuiltinPrefix, 0) == 0) return fqcn.substr(kBuiltinPrefix.size());
  std::string short_name(LastPart(fqcn));
  const Tables& t = Data();
  if (t.plugins.contains(std::string(kBuiltinPrefix) + short_name)) return fqcn;
  return short_name;
}

// Ansible's _ensure_default_collection: a non-empty list always ends with
// ansible.legacy unless it names ansible.builtin or ansible.legacy.
std::vector<std::string> SearchList(const std::vector<std::string>& collections) {
  std::vector<std::string> list = collections;
  if (!list.empty() && std::find(list.begin(), list.end(), "ansible.builtin") == list.end() &&
      std::find(list.begin(), list.end(), "ansible.legacy") == list.end())
    list.push_back("ansible.legacy");
  return list;
}

ModuleResolution Resolve(std::string_view written, const std::vector<std::string>& collections) {
  if (written.rfind(kLegacyPrefix, 0) == 0)
    return ResolveLegacy(written.substr(kLegacyPrefix.size()));
  if (written.find('.') != std::string_view::npos) return ResolveFqcn(std::string(written));
  std::vector<std::string> list = SearchList(collections);
  if (list.empty()) return ResolveLegacy(written);
  ModuleResolution removed;
  for (const std::string& c : list) {
    ModuleResolution r = c == "ansible.legacy" ? ResolveLegacy(written)
                                               : ResolveFqcn(c + "." + std::string(written));
    if (!r.fqcn.empty()) return r;
    if (removed.removed.empty()) removed = r;
  }
  return removed;
}

}  // namespace

ModuleResolution ResolveModule(std::string_view written,
                               const std::vector<std::string>& collections) {
  ModuleResolution r = Resolve(written, collections);
  if (!r.fqcn.empty()) r.canonical = CanonicalFor(r.fqcn);
  return r;
}

std::string CanonicalModuleName(std::string_view written) {
  return ResolveModule(written).canonical;
}

const std::vector<std::string_view>& KnownModuleNames() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> v;
    for (const char* name : kPluginNames) {
      std::string_view n(name);
      if (n.rfind(kBuiltinPrefix, 0) == 0 && n[kBuiltinPrefix.size()] != '_')
        v.push_back(n.substr(kBuiltinPrefix.size()));
      v.push_back(n);
    }
    for (const auto& r : kRedirects) {
      std::string_view n(r[0]);
      if (n.rfind(kBuiltinPrefix, 0) == 0 && !ResolveFqcn(std::string(n)).fqcn.empty())
        v.push_back(n.substr(kBuiltinPrefix.size()));
    }
    return v;
  }();
  return all;
}

bool TakesFreeForm(std::string_view canonical) {
  return canonical == "command" || canonical == "shell" || canonical == "raw" ||
         canonical == "script" || canonical == "include_tasks" || canonical == "import_tasks" ||
         canonical == "include" || canonical == "include_vars" || canonical == "import_playbook" ||
         canonical == "meta";
}

bool IsIncludeOrImport(std::string_view canonical) {
  return canonical == "include_tasks" || canonical == "import_tasks" || canonical == "include" ||
         canonical == "include_role" || canonical == "import_role";
}

}  // namespace drover::playbook
