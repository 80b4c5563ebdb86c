// --step: before each task, ansible-playbook's question
//   "Perform task: TASK: <name> (N)o/(y)es/(c)ontinue: "
// read as one line from stdin; y/yes runs the task, c/continue runs it and
// every later task without asking, anything else (or end of input) skips
// it. The question is then repeated as a banner, as Ansible does.
#pragma once

#include <cstdio>
#include <istream>
#include <string>

namespace drover::cli {

class StepPrompt {
 public:
  StepPrompt(std::FILE* out, std::istream& in) : out_(out), in_(in) {}

  // Whether to run the task named `task_name` (as its TASK banner names it).
  bool Confirm(const std::string& task_name);

 private:
  std::FILE* out_;
  std::istream& in_;
  bool asking_ = true;
};

}  // namespace drover::cli
