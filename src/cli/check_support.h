// `drover playbook --check-support PLAYBOOK...`: a migration report. For
// every module, keyword and lookup the playbooks can reach (as the pre-run
// check walks them, static includes included), whether drover implements
// it fully, partially (with the reason) or not yet.
#pragma once

#include <string>
#include <vector>

#include "playbook/model.h"

namespace drover::cli {

// The report's text for the loaded playbooks (`paths` as given).
std::string CheckSupportReport(const std::vector<playbook::Playbook>& playbooks,
                               const std::vector<std::string>& paths);

}  // namespace drover::cli
