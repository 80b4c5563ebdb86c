#include "cli/report.h"

#include <cstdio>

#include "core/secrets.h"
#include "output/ansible_log.h"
#include "output/warning_text.h"

namespace drover::cli {

int ReportError(const Error& error) {
  std::string text = Redact("ERROR! " + error.full());
  std::fprintf(stderr, "%s\n", text.c_str());
  if (output::AnsibleLog* log = output::ProcessLog()) log->Message(text);
  return static_cast<int>(error.code);
}

void ReportWarning(const Error& warning) {
  std::string text = output::DisplayedWarning(warning.headline());
  if (text.empty()) return;
  if (!warning.detail.empty()) text += "\n" + warning.detail;
  if (text.back() == '\n') text.pop_back();
  text = Redact(text);
  if (!output::FirstShowing(text)) return;  // display.warning() shows a text once
  std::fprintf(stderr, "%s\n", text.c_str());
  if (output::AnsibleLog* log = output::ProcessLog()) log->Message(text + "\n");
}

void Display(const std::string& msg, FILE* out) {
  const std::string text = Redact(msg);
  std::fputs(text.c_str(), out);
  if (text.empty() || text.back() != '\n') std::fputc('\n', out);
  std::fflush(out);
  if (output::AnsibleLog* log = output::ProcessLog()) log->Message(text);
}

std::unique_ptr<output::AnsibleLog> OpenConfiguredLog(const AnsibleConfig& cfg) {
  std::unique_ptr<output::AnsibleLog> log;
  if (const std::string path = output::AnsibleLog::PathFrom(cfg); !path.empty()) {
    log = output::AnsibleLog::Open(path);
    output::SetProcessLog(log.get());
  }
  return log;
}

int ReportUsageError(const std::string& message) {
  Error e = MakeError(message);
  e.code = static_cast<ExitCode>(2);  // argparse's exit code for a usage error
  return ReportError(e);
}

}  // namespace drover::cli
