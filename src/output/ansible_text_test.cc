#include "output/ansible_text.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

using namespace drover;
using namespace drover::output;

namespace {
std::string Capture(const std::function<void(AnsibleTextReporter&)>& f, int verbosity = 0) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  {
    TextOptions o;
    o.verbosity = verbosity;
    AnsibleTextReporter r(mem, o);
    f(r);
  }
  std::fclose(mem);
  std::string out(buf, len);
  std::free(buf);
  return out;
}
}  // namespace

// Expected text is ansible-playbook 2.14's default callback output for the
// same events (captured from a real run, not a terminal).
TEST_CASE("banners, ok/changed/skipping, debug results and the recap") {
  std::string out = Capture([](AnsibleTextReporter& r) {
    r.OnPlayStart(PlayStart{"Output shapes", {"localhost"}, 2, ""});
    r.OnTaskStart(TaskStart{"debug", false, ""});
    HostResult dbg;
    dbg.host = "localhost";
    dbg.result = Value(Map{{"msg", "hi"}, {"changed", false}, {"_ansible_verbose_always", true}});
    dbg.verbose_always = true;
    dbg.action = "debug";
    r.OnHostResult(dbg);
    r.OnTaskStart(TaskStart{"loop changed", false, ""});
    HostResult item;
    item.host = "localhost";
    item.status = Outcome::kChanged;
    item.is_item = true;
    item.item_label = "L-a";
    r.OnHostResult(item);
    r.OnTaskStart(TaskStart{"h", true, ""});
    Recap recap;
    HostStats s;
    s.ok = 7;
    s.changed = 4;
    s.skipped = 1;
    s.ignored = 1;
    recap.hosts.push_back({"localhost", s});
    r.OnRecap(recap);
  });
  CHECK(out ==
        "\nPLAY [Output shapes] "
        "***********************************************************\n"
        "\nTASK [debug] "
        "*******************************************************************\n"
        "ok: [localhost] => {\n    \"msg\": \"hi\"\n}\n"
        "\nTASK [loop changed] "
        "************************************************************\n"
        "changed: [localhost] => (item=L-a)\n"
        "\nRUNNING HANDLER [h] "
        "************************************************************\n"
        "\nPLAY RECAP "
        "*********************************************************************\n"
        "localhost                  : ok=7    changed=4    unreachable=0    failed=0    "
        "skipped=1    rescued=0    ignored=1   \n\n");
}

TEST_CASE("failures are one sorted JSON line, then ...ignoring when ignored") {
  std::string out = Capture([](AnsibleTextReporter& r) {
    HostResult f;
    f.host = "web1";
    f.status = Outcome::kFailed;
    f.ignored = true;
    f.result = Value(Map{{"rc", 1}, {"msg", "non-zero return code"}, {"changed", true}});
    r.OnHostResult(f);
  });
  CHECK(out ==
        "fatal: [web1]: FAILED! => {\"changed\": true, \"msg\": \"non-zero return code\", "
        "\"rc\": 1}\n...ignoring\n");
}

TEST_CASE("-vv: task path after the banner, absolute and without a column; none at 0") {
  CHECK(AnsibleTextReporter::TaskPath("/p/site.yml:4:7") == "/p/site.yml:4");
  CHECK(AnsibleTextReporter::TaskPath("/p/site.yml:12") == "/p/site.yml:12");
  CHECK(AnsibleTextReporter::TaskPath("/p/a:b.yml:3:5") == "/p/a:b.yml:3");
  CHECK(AnsibleTextReporter::TaskPath("/p/./x/../site.yml:2:1") == "/p/site.yml:2");
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(AnsibleTextReporter::TaskPath("site.yml:4:7") == cwd + "/site.yml:4");
  auto events = [](AnsibleTextReporter& r) {
    r.OnTaskStart(TaskStart{"boom", false, "/p/site.yml:4:7"});
    HostResult e;
    e.host = "h1";
    e.status = Outcome::kFailed;
    e.result = Value(Map{{"failed", true}, {"msg", "x"}});
    e.where = "/p/site.yml:4:7";
    r.OnHostResult(e);
  };
  CHECK(Capture(events, 0) == "\nTASK [boom] " + std::string(68, '*') +
                                  "\n"
                                  "fatal: [h1]: FAILED! => {\"msg\": \"x\"}\n");
  CHECK(Capture(events, 2) == "\nTASK [boom] " + std::string(68, '*') +
                                  "\n"
                                  "task path: /p/site.yml:4\n"
                                  "fatal: [h1]: FAILED! => {\"msg\": \"x\"}\n");
}
