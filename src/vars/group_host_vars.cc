#include "vars/group_host_vars.h"

#include <filesystem>
#include <system_error>

#include "vars/hash_behaviour.h"
#include "vars/vars_file.h"

namespace drover::vars {

Warnings GroupHostVarsDir::TakeWarnings() {
  std::lock_guard<std::mutex> lock(mu_);
  Warnings out = std::move(warnings_);
  warnings_.clear();
  return out;
}

Result<VarsRef> GroupHostVarsDir::Load(const std::string& subdir, const std::string& name) {
  // Ansible skips names that look like absolute paths ("chroot" hosts).
  if (name.empty() || name[0] == '/') return VarsRef{};
  const std::string key = subdir + "/" + name;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::error_code ec;
  const std::string dir = basedir_ + "/" + subdir;
  VarsRef result;
  if (std::filesystem::is_directory(dir, ec)) {
    Map merged;
    for (const std::string& file : FindVarsFiles(dir, name)) {
      Result<Map> vars = LoadVarsFile(file, &warnings_);
      if (!vars) return vars.take_error();
      for (auto& [k, v] : *vars) CombineInto(merged, k, std::move(v));
    }
    if (!merged.empty()) result = std::make_shared<const Map>(std::move(merged));
  }
  cache_[key] = result;
  return result;
}

}  // namespace drover::vars
