// retry_files_enabled (ANSIBLE_RETRY_FILES_ENABLED, [defaults]
// retry_files_enabled; off by default in 2.14): as Ansible's
// PlaybookExecutor, a run with failed or unreachable hosts writes their
// names, sorted, one a line, to PLAYBOOK_STEM.retry in retry_files_save_path
// (else the playbook's directory) and shows "\tto retry, use: --limit
// @FILE" before the recap; a file that cannot be written is a warning.
#pragma once

#include <string>

#include "cli/ansible_settings.h"
#include "output/events.h"

namespace drover::cli {

// Writes the retry file for `playbook` when the settings ask for one and
// the recap has failed or unreachable hosts; returns the line to show
// ("" for none).
std::string WriteRetryFile(const AnsibleSettings& settings, const std::string& playbook,
                           const output::Recap& recap);

}  // namespace drover::cli
