// Whether output is coloured, decided as ansible/utils/color.py decides:
// off when nocolor is set (ANSIBLE_NOCOLOR or NO_COLOR, the later of the two
// given winning, over [defaults] nocolor) or stdout is not a terminal that
// has colours (TERM unset or dumb); on whenever force_color is set
// (ANSIBLE_FORCE_COLOR over [defaults] force_color), nocolor or not.
#pragma once

#include "core/ansible_cfg.h"

namespace drover::output {

bool AnsibleColorEnabled(const AnsibleConfig& cfg);

// Ansible's boolean setting values: y, yes, on, 1, true, t (any case).
bool AnsibleTrue(const std::string& value);

}  // namespace drover::output
