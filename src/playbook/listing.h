// --list-tasks / --list-tags / --syntax-check output, byte-compatible with
// ansible-playbook 2.14's (sets Ansible prints unordered are sorted here).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "playbook/model.h"
#include "playbook/tags.h"

namespace drover::playbook {

struct ListOptions {
  bool tasks = false;
  bool tags = false;
  bool hosts = false;
  TagFilter filter;
  // Hosts matching a play's patterns, in inventory order (for --list-hosts).
  std::function<std::vector<std::string>(const Play&)> hosts_of;
};

// The listing of one playbook as ansible-playbook prints it; `shown_path` is
// the path as given on the command line.
std::string ListPlaybook(const Playbook& pb, const std::string& shown_path,
                         const ListOptions& options);

}  // namespace drover::playbook
