#include "output/compact_results.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <functional>

using namespace drover;
using namespace drover::output;

namespace {
std::string Capture(CompactShape shape, const std::function<void(CompactReporter&)>& f) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  {
    AnsibleTextReporter display(mem, TextOptions{});
    CompactReporter r(shape, display, 0);
    f(r);
  }
  std::fclose(mem);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

HostResult HostEvent(Outcome status, const std::string& action, Map result) {
  HostResult e;
  e.host = "h1";
  e.status = status;
  e.action = action;
  e.result = Value(std::move(result));
  return e;
}
}  // namespace

// Expected text is ansible-playbook 2.14's with stdout_callback minimal /
// oneline for the same results.
TEST_CASE("minimal: JSON indented by 4, command output, debug trimmed, items left out") {
  std::string out = Capture(CompactShape::kMinimal, [](CompactReporter& r) {
    r.OnHostResult(HostEvent(Outcome::kOk, "set_fact",
                             Map{{"ansible_facts", Value(Map{{"x", "1"}})}, {"changed", false}}));
    r.OnHostResult(
        HostEvent(Outcome::kChanged, "shell",
                  Map{{"changed", true}, {"rc", 0}, {"stdout", "out"}, {"stderr", "err"}}));
    r.OnHostResult(
        HostEvent(Outcome::kOk, "debug",
                  Map{{"changed", true}, {"msg", "hi"}, {"_ansible_verbose_always", true}}));
    HostResult item = HostEvent(Outcome::kOk, "debug", Map{{"msg", 1}});
    item.is_item = true;
    r.OnHostResult(item);
    r.OnCombinedResult(HostEvent(Outcome::kOk, "debug",
                                 Map{{"changed", false},
                                     {"msg", "All items completed"},
                                     {"results", List{}},
                                     {"skipped", false}}));
    r.OnHostResult(HostEvent(Outcome::kSkipped, "debug", Map{{"skipped", true}}));
  });
  CHECK(out ==
        "h1 | SUCCESS => {\n"
        "    \"ansible_facts\": {\n"
        "        \"x\": \"1\"\n"
        "    },\n"
        "    \"changed\": false\n"
        "}\n"
        "h1 | CHANGED | rc=0 >>\n"
        "outerr\n"
        "h1 | SUCCESS => {\n"
        "    \"msg\": \"hi\"\n"
        "}\n"
        "h1 | SUCCESS => {\n"
        "    \"msg\": \"All items completed\"\n"
        "}\n"
        "h1 | SKIPPED\n");
}

TEST_CASE("oneline: one line per result, debug's indent kept inside the line") {
  std::string out = Capture(CompactShape::kOneline, [](CompactReporter& r) {
    r.OnHostResult(
        HostEvent(Outcome::kOk, "debug",
                  Map{{"changed", false}, {"msg", "hé"}, {"_ansible_verbose_always", true}}));
    r.OnHostResult(
        HostEvent(Outcome::kFailed, "command",
                  Map{{"changed", true}, {"failed", true}, {"rc", 1}, {"cmd", List{"false"}}}));
    r.OnHostResult(
        HostEvent(Outcome::kChanged, "command",
                  Map{{"changed", true}, {"rc", 0}, {"stdout", "a\nb"}, {"stderr", ""}}));
    r.OnHostResult(
        HostEvent(Outcome::kUnreachable, "ping", Map{{"unreachable", true}, {"msg", "no route"}}));
  });
  CHECK(out ==
        "h1 | SUCCESS => {    \"changed\": false,    \"msg\": \"hé\"}\n"
        "h1 | FAILED! => {\"changed\": true,\"cmd\": [\"false\"],\"rc\": 1}\n"
        "h1 | CHANGED | rc=0 | (stdout) a\\nb\n"
        "h1 | UNREACHABLE!: no route\n");
}
