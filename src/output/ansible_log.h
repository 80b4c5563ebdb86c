// log_path (ANSIBLE_LOG_PATH or [defaults] log_path): Ansible's log file.
// Each message the user is shown is appended as one record of Python
// logging's format in ansible/utils/display.py:
//   2026-12-07 12:25:29,654 p=25341 u=root n=ansible | ok: [web1]
// leading newlines stripped, a multi-line message's further lines as they
// are, no colour. Callers pass text already through Redact(): secrets never
// reach the file.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/ansible_cfg.h"

namespace drover::output {

class AnsibleLog {
 public:
  // The log path Ansible uses: $ANSIBLE_LOG_PATH (relative to the current
  // directory), else [defaults] log_path (relative to the ansible.cfg);
  // "" when neither is set.
  static std::string PathFrom(const AnsibleConfig& cfg);
  // Opens `path` for appending (created with the umask's mode, as Python's
  // FileHandler). Null, after Ansible's warning on stderr ("log file at X is
  // not writeable and we cannot create it, aborting"), when it cannot.
  static std::unique_ptr<AnsibleLog> Open(const std::string& path);
  ~AnsibleLog();

  // Appends one record.
  void Message(const std::string& text);

 private:
  explicit AnsibleLog(FILE* f);
  FILE* file_;
  std::string user_;
  std::mutex mu_;
};

// The log of this process (null when none): ReportError/ReportWarning and
// the text reporter write to it.
AnsibleLog* ProcessLog();
void SetProcessLog(AnsibleLog* log);

}  // namespace drover::output
