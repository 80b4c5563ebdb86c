#include "cli/step_prompt.h"

#include <doctest/doctest.h>

#include <sstream>

namespace drover::cli {
namespace {

TEST_CASE("--step: yes runs, no and end of input skip, continue stops asking") {
  std::istringstream in("y\nN\nmaybe\nYES\nc\n");
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  StepPrompt step(out, in);
  CHECK(step.Confirm("one"));
  CHECK_FALSE(step.Confirm("two"));
  CHECK_FALSE(step.Confirm("three"));
  CHECK(step.Confirm("r : four"));
  CHECK(step.Confirm("five"));
  CHECK(step.Confirm("six"));  // not asked any more
  std::fclose(out);
  std::string text(buf, len);
  free(buf);
  CHECK(text.find("Perform task: TASK: one (N)o/(y)es/(c)ontinue: \nPerform task: TASK: one "
                  "(N)o/(y)es/(c)ontinue: ****") == 0);
  CHECK(text.find("TASK: r : four (N)o/(y)es/(c)ontinue: ") != std::string::npos);
  CHECK(text.find("six") == std::string::npos);
  std::istringstream empty("");
  StepPrompt eof(stdout, empty);
  CHECK_FALSE(eof.Confirm("x"));
}

}  // namespace
}  // namespace drover::cli
