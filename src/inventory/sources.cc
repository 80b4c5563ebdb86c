#include "inventory/sources.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/yaml.h"
#include "inventory/host_address.h"
#include "inventory/ini_source.h"
#include "inventory/vaulted_file.h"
#include "inventory/yaml_source.h"

namespace drover::inventory {
namespace fs = std::filesystem;
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IgnoredInDirectory(const std::string& name) {
  if (name.empty() || name[0] == '.') return true;
  if (name == "host_vars" || name == "group_vars" || name == "vars_plugins") return true;
  for (std::string_view ext : {".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst",
                               ".orig", ".ini", ".cfg", ".retry"}) {
    if (EndsWith(name, ext)) return true;
  }
  return false;
}

// os.path.splitext's extension of the last path component.
std::string Extension(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  size_t start = base.find_first_not_of('.');
  if (start == std::string::npos) return "";
  size_t dot = base.rfind('.');
  return dot == std::string::npos || dot < start ? "" : base.substr(dot);
}

void AddHostList(const std::string& list, Inventory* inv) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? list.size() + 1 : comma + 1;
    size_t b = item.find_first_not_of(" \t\r\n");
    size_t e = item.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    item = item.substr(b, e - b + 1);
    std::string host = item;
    std::optional<int> port;
    if (auto parsed = ParseAddress(item, /*allow_ranges=*/false)) {
      host = parsed->host;
      port = parsed->port;
    }
    if (inv->FindHost(host) == nullptr) inv->AddHost(host, inv->ungrouped(), port);
  }
}

Status AddFile(const std::string& path, Inventory* inv) {
  if (::access(path.c_str(), R_OK) != 0) {
    return MakeError(
        "Unable to parse " + path + " as an inventory source: the file is not readable",
        Location{std::make_shared<const std::string>(path), 0, 0});
  }
  Result<std::string> text = ReadPossiblyVaultedFile(path);
  if (!text) return text.take_error();
  inv->set_current_source(path);
  const std::string ext = Extension(path);
  const bool yaml_candidate = ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json";
  std::optional<Error> yaml_error;
  if (yaml_candidate) {
    Warnings warnings;
    Result<Value> doc = LoadYaml(*text, path, &warnings);
    if (doc && IsYamlInventory(*doc)) {
      for (Error& w : warnings) inv->warnings().push_back(std::move(w));
      Status s = LoadYamlInventory(*doc, path, inv);
      inv->set_current_source("");
      return s;
    }
    if (doc && doc->is_map() && doc->as_map().contains("plugin")) {
      inv->set_current_source("");
      return MakeError("inventory plugin configuration files are not supported by drover",
                       Location{std::make_shared<const std::string>(path), 1, 0});
    }
    if (!doc) yaml_error = doc.error();
  }
  Status s = LoadIniInventory(*text, path, inv);
  inv->set_current_source("");
  if (!s && yaml_error && !ext.empty()) return *yaml_error;
  return s;
}

Status AddPath(const std::string& path, Inventory* inv) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      names.push_back(entry.path().filename().string());
    }
    if (ec) {
      return MakeError("Unable to read inventory directory " + path + ": " + ec.message());
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (IgnoredInDirectory(name)) continue;
      if (Status s = AddPath(path + "/" + name, inv); !s) return s;
    }
    return {};
  }
  return AddFile(path, inv);
}

}  // namespace

std::string AbsolutePath(const std::string& path) {
  std::string p = path;
  if (p == "~" || p.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home != nullptr) p = std::string(home) + p.substr(1);
  }
  fs::path abs = fs::path(p).is_absolute() ? fs::path(p) : fs::current_path() / p;
  std::string out = abs.lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Status AddInventorySource(const std::string& source, Inventory* inventory) {
  if (source.empty()) return {};
  std::error_code ec;
  if (source.find(',') != std::string::npos && !fs::exists(source, ec)) {
    inventory->sources().push_back(source);
    AddHostList(source, inventory);
    return {};
  }
  const std::string path = AbsolutePath(source);
  inventory->sources().push_back(path);
  if (!fs::exists(path, ec)) {
    return MakeError("Unable to parse " + path +
                     " as an inventory source: no such file or directory");
  }
  return AddPath(path, inventory);
}

Result<Inventory> LoadInventory(const std::vector<std::string>& sources) {
  Inventory inventory;
  for (const std::string& source : sources) {
    if (Status s = AddInventorySource(source, &inventory); !s) return s.take_error();
  }
  inventory.Reconcile();
  return inventory;
}

}  // namespace drover::inventory
