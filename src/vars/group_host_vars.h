// The group_vars/ and host_vars/ directories next to an inventory source or
// a playbook (Ansible's host_group_vars vars plugin). Files are read once
// and cached; the maps are shared with every scope that uses them.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/yaml.h"
#include "vars/precedence.h"

namespace drover::vars {

class GroupHostVarsDir {
 public:
  // `basedir` is the directory that may contain group_vars/ and host_vars/.
  explicit GroupHostVarsDir(std::string basedir) : basedir_(std::move(basedir)) {}

  const std::string& basedir() const { return basedir_; }

  // The merged files for a group or host (see FindVarsFiles), or null when
  // there are none. Errors name the file (and line for YAML errors).
  // Thread-safe.
  Result<VarsRef> ForGroup(const std::string& group) { return Load("group_vars", group); }
  Result<VarsRef> ForHost(const std::string& host) { return Load("host_vars", host); }

  // Warnings from loading (duplicate keys), drained by the caller.
  Warnings TakeWarnings();

 private:
  Result<VarsRef> Load(const std::string& subdir, const std::string& name);

  std::string basedir_;
  std::mutex mu_;
  std::unordered_map<std::string, VarsRef> cache_;
  Warnings warnings_;
};

}  // namespace drover::vars
