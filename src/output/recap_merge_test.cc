#include "output/recap_merge.h"

#include <doctest/doctest.h>

#include "inventory/test_util.h"
#include "output/run_exit_code.h"

using namespace drover;
using namespace drover::output;

namespace {

std::string SliceLog(int k, int n, const std::string& hosts_json) {
  return "{\"event\": \"slice\", \"slice\": " + std::to_string(k) +
         ", \"slices\": " + std::to_string(n) +
         "}\n"
         "{\"event\": \"play_start\", \"play\": \"p\", \"hosts\": []}\n"
         "{\"event\": \"recap\", \"hosts\": {" +
         hosts_json + "}, \"elapsed\": 1.5}\n";
}

std::string Stats(int ok, int changed, int failed, int unreachable = 0) {
  return "{\"ok\": " + std::to_string(ok) + ", \"changed\": " + std::to_string(changed) +
         ", \"unreachable\": " + std::to_string(unreachable) +
         ", \"failed\": " + std::to_string(failed) +
         ", \"skipped\": 1, \"rescued\": 0, \"ignored\": 0}";
}

std::string ErrorOf(const Result<RunLog>& r) {
  return r ? "" : r.error().message;
}

}  // namespace

TEST_CASE("recap: the slices' recaps merge sorted by host, with the run's exit code") {
  testing::TempTree t;
  std::vector<RunLog> logs;
  for (const auto& [k, body] : std::vector<std::pair<int, std::string>>{
           {2, "\"web2\": " + Stats(3, 1, 0) + ", \"db10\": " + Stats(2, 0, 1)},
           {1, "\"web10\": " + Stats(4, 2, 0)},
           {3, ""}}) {
    Result<RunLog> log = ReadRunLog(t.Write("s" + std::to_string(k), SliceLog(k, 3, body)));
    REQUIRE(log.ok());
    logs.push_back(std::move(log).value());
  }
  CHECK(logs[0].slice == std::make_pair(2, 3));
  Result<Recap> merged = MergeRunLogs(logs);
  REQUIRE(merged.ok());
  REQUIRE(merged->hosts.size() == 3);
  CHECK(merged->hosts[0].first == "db10");
  CHECK(merged->hosts[1].first == "web10");
  CHECK(merged->hosts[2].first == "web2");
  CHECK(merged->hosts[1].second.changed == 2);
  CHECK(merged->hosts[0].second.failed == 1);
  CHECK(merged->hosts[0].second.skipped == 1);
  CHECK(RunExitCode(merged->hosts) == 2);
  logs.erase(logs.begin());  // without the failed host's slice: a slice is missing
  Result<Recap> partial = MergeRunLogs(logs);
  REQUIRE_FALSE(partial.ok());
  CHECK(partial.error().message == "the log of slice 2/3 is missing (2 of 3 slices given)");
}

TEST_CASE("recap: exit codes are ansible-playbook's") {
  HostStats ok, failed, unreachable;
  failed.failed = 1;
  unreachable.unreachable = 1;
  CHECK(RunExitCode({{"a", ok}}) == 0);
  CHECK(RunExitCode({{"a", ok}, {"b", unreachable}}) == 4);
  CHECK(RunExitCode({{"a", unreachable}, {"b", failed}}) == 2);
  CHECK(RunExitCode({}) == 0);
}

TEST_CASE("recap: incomplete, interrupted and conflicting logs are refused, naming the file") {
  testing::TempTree t;
  CHECK(ErrorOf(ReadRunLog(t.Path("missing.json")))
            .find("cannot read the JSON log " + t.Path("missing.json")) == 0);
  const std::string empty = t.Write("empty", "");
  CHECK(ErrorOf(ReadRunLog(empty)) == empty + ": empty JSON log (the run wrote no event)");
  const std::string full = SliceLog(1, 2, "\"a\": " + Stats(1, 0, 0));
  const std::string cut = t.Write("cut", full.substr(0, full.size() - 10));
  CHECK(ErrorOf(ReadRunLog(cut)) ==
        cut + ": the last event is cut off (the run was killed while writing)");
  const std::string no_recap =
      t.Write("norecap", "{\"event\": \"play_start\", \"play\": \"p\", \"hosts\": []}\n");
  CHECK(ErrorOf(ReadRunLog(no_recap)).find(no_recap + ": no recap at the end") == 0);
  const std::string interrupted = t.Write(
      "int",
      "{\"event\": \"interrupted\"}\n{\"event\": \"recap\", \"hosts\": {}, \"elapsed\": 1}\n");
  CHECK(ErrorOf(ReadRunLog(interrupted)) ==
        interrupted + ": the run was interrupted (SIGINT); its recap is partial");
  const std::string garbage = t.Write("garbage", "not json\n");
  CHECK(ErrorOf(ReadRunLog(garbage)) == garbage + ":1: not a JSON event line");

  Result<RunLog> a = ReadRunLog(t.Write("a", full));
  Result<RunLog> b = ReadRunLog(t.Write("b", SliceLog(2, 2, "\"a\": " + Stats(1, 0, 0))));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  Result<Recap> twice = MergeRunLogs({*a, *b});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message == "host a is in both " + t.Path("a") + " and " + t.Path("b") +
                                     ": a host must run in one slice only");
  Result<Recap> same_slice = MergeRunLogs({*a, *a});
  REQUIRE_FALSE(same_slice.ok());
  CHECK(same_slice.error().message.find("are both slice 1/2") != std::string::npos);
  Result<RunLog> other_n = ReadRunLog(t.Write("c", SliceLog(2, 3, "")));
  REQUIRE(other_n.ok());
  CHECK_FALSE(MergeRunLogs({*a, *other_n}).ok());
}
