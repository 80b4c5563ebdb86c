#include "vars/vars_file.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/secrets.h"
#include "inventory/vaulted_file.h"

namespace drover::vars {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kExtensions[] = {".yml", ".yaml", ".json"};

bool KnownExtension(const std::string& ext) {
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

void CollectDirectory(const fs::path& dir, std::vector<std::string>* out) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name.empty() || name[0] == '.' || name.back() == '~') continue;
    fs::path full = dir / name;
    std::string ext = fs::path(name).extension().string();
    if (fs::is_directory(full, ec) && ext.empty()) {
      CollectDirectory(full, out);
    } else if (fs::is_regular_file(full, ec) && (ext.empty() || KnownExtension(ext))) {
      out->push_back(full.string());
    }
  }
}

// Every string value of a file that was vault-encrypted as a whole is a
// secret: registered so that a task printing one (debug, a command's stdout)
// shows the mask. Strings shorter than 4 characters are left alone, as
// RegisterSecret leaves short lines: masking "a" or "80" everywhere would
// wreck the output while protecting nothing.
void RegisterSecretStrings(const Value& v) {
  if (v.is_string() && !v.is_vault()) {
    if (v.as_string().size() >= 4) RegisterSecret(v.as_string());
  } else if (v.is_list()) {
    for (const Value& item : v.as_list()) RegisterSecretStrings(item);
  } else if (v.is_map()) {
    for (const auto& [key, item] : v.as_map()) RegisterSecretStrings(item);
  }
}

}  // namespace

Result<Map> LoadVarsFile(const std::string& path, Warnings* warnings) {
  bool vaulted = false;
  Result<std::string> text = inventory::ReadPossiblyVaultedFile(path, &vaulted);
  if (!text) return text.take_error();
  Result<Value> doc = LoadYaml(*text, path, warnings);
  if (!doc) return doc.take_error();
  if (vaulted) RegisterSecretStrings(*doc);
  if (doc->is_null()) return Map{};
  if (!doc->is_map()) {
    Location where = doc->where();
    if (!where.known()) where = Location{std::make_shared<const std::string>(path), 1, 1};
    return MakeError("variables file must contain a dictionary (key: value pairs), got a " +
                         std::string(doc->type_name()),
                     where);
  }
  return doc->as_map();
}

std::vector<std::string> FindVarsFiles(const std::string& dir, const std::string& name) {
  std::vector<std::string> found;
  std::error_code ec;
  const fs::path base = fs::path(dir) / name;
  for (std::string_view ext :
       {std::string_view(""), kExtensions[0], kExtensions[1], kExtensions[2]}) {
    fs::path candidate = base;
    candidate += std::string(ext);
    if (!fs::exists(candidate, ec)) continue;
    if (fs::is_directory(candidate, ec)) {
      CollectDirectory(candidate, &found);
    } else {
      found.push_back(candidate.string());
    }
    break;
  }
  return found;
}

}  // namespace drover::vars
