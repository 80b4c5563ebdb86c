// ansible.cfg, found and read as Ansible finds it (first that exists):
// $ANSIBLE_CONFIG (a file, or a directory holding ansible.cfg),
// ./ansible.cfg (skipped when the current directory is world-writable),
// ~/.ansible.cfg, /etc/ansible/ansible.cfg. INI as Python's configparser
// reads it (`key = value` or `key: value`, `#`/`;` comments, " ;" inline
// comments). The ANSIBLE_* environment variables take precedence; callers
// apply them.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace drover {

struct AnsibleConfig {
  std::string file;  // the ansible.cfg read, "" when none
  // section -> key (lower case) -> value
  std::map<std::string, std::map<std::string, std::string>> values;
  // section -> key -> the 1-based line it was (last) set on
  std::map<std::string, std::map<std::string, int>> lines;

  // The value of [section] key, or "" when unset.
  std::string Get(const std::string& section, const std::string& key) const;
  // A path value with ~ and $VAR expanded, relative to the file's directory.
  std::string GetPath(const std::string& section, const std::string& key) const;
  // A ':'- or ','-separated list of paths (roles_path), each as GetPath.
  std::vector<std::string> GetPathList(const std::string& section, const std::string& key) const;
};

AnsibleConfig ReadAnsibleConfig();
AnsibleConfig ParseAnsibleConfig(const std::string& text, const std::string& file);

// os.path.expanduser + os.path.expandvars, then relative to `file`'s directory.
std::string ResolveConfigPath(const std::string& value, const std::string& file);

}  // namespace drover
