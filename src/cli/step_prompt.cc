#include "cli/step_prompt.h"

#include <cctype>

#include "core/secrets.h"
#include "output/ansible_text.h"

namespace drover::cli {

bool StepPrompt::Confirm(const std::string& task_name) {
  if (!asking_) return true;
  const std::string msg = "Perform task: TASK: " + task_name + " (N)o/(y)es/(c)ontinue: ";
  std::fputs(Redact(msg).c_str(), out_);
  std::fflush(out_);
  std::string answer;
  if (!std::getline(in_, answer)) answer.clear();
  for (char& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool run = false;
  if (answer == "y" || answer == "yes") {
    run = true;
  } else if (answer == "c" || answer == "continue") {
    run = true;
    asking_ = false;
  }
  std::string banner = msg;
  while (!banner.empty() && banner.back() == ' ') banner.pop_back();
  std::fputs(("\n" + Redact(output::AnsibleTextReporter::Banner(banner)) + "\n").c_str(), out_);
  std::fflush(out_);
  return run;
}

}  // namespace drover::cli
