#include "output/json_callback.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "core/json.h"

using namespace drover;
using namespace drover::output;

namespace {
std::string Sorted(const Map& m) {
  JsonStyle style;
  style.sort_keys = true;
  return ToJson(Value(m), style);
}
}  // namespace

TEST_CASE("json callback: paths as Ansible's get_path()") {
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(JsonCallbackReporter::AnsiblePath("site.yml:4:7") == cwd + "/site.yml:4");
  CHECK(JsonCallbackReporter::AnsiblePath("/p/inc.yml:1:3") == "/p/inc.yml:1");
  CHECK(JsonCallbackReporter::AnsiblePath("/p/../q/x.yml:2") == "/q/x.yml:2");
  CHECK(JsonCallbackReporter::AnsiblePath("") == "");
}

TEST_CASE("json callback: results as clean_copy leaves them, the status as the event's") {
  HostResult e;
  e.host = "h1";
  e.status = Outcome::kFailed;
  e.action = "command";
  e.result = Value(Map{{"changed", true},
                       {"failed", true},
                       {"rc", 1},
                       {"_ansible_internal", 1},
                       {"_drover_where", "x"},
                       {"_ansible_verbose_always", true}});
  Map r = JsonCallbackReporter::RecordedResult(e, false);
  CHECK(Sorted(r) == Sorted(Map{{"changed", true},
                                {"rc", 1},
                                {"_ansible_verbose_always", true},
                                {"_ansible_no_log", false},
                                {"failed", true},
                                {"action", "command"}}));

  // A loop's combined result: items labelled, debug's verbose, no
  // _ansible_no_log at the top; skipped removed.
  HostResult loop;
  loop.host = "h1";
  loop.action = "debug";
  loop.result =
      Value(Map{{"changed", false},
                {"msg", "All items completed"},
                {"skipped", false},
                {"results",
                 List{Value(Map{
                     {"item", 1}, {"ansible_loop_var", "item"}, {"msg", 1}, {"failed", false}})}}});
  Map c = JsonCallbackReporter::RecordedResult(loop, true);
  CHECK_FALSE(c.contains("_ansible_no_log"));
  CHECK_FALSE(c.contains("skipped"));
  const Map& item = c.find("results")->as_list()[0].as_map();
  CHECK(*item.find("_ansible_item_label") == Value(1));
  CHECK(*item.find("_ansible_no_log") == Value(false));
  CHECK(*item.find("_ansible_verbose_always") == Value(true));

  // Censored: nothing added but the action.
  HostResult hidden;
  hidden.action = "shell";
  hidden.status = Outcome::kChanged;
  hidden.result = Value(Map{{"censored", "hidden"}, {"changed", true}});
  CHECK(Sorted(JsonCallbackReporter::RecordedResult(hidden, false)) ==
        Sorted(Map{{"censored", "hidden"}, {"changed", true}, {"action", "shell"}}));
}
