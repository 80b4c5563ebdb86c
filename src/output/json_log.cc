#include "output/json_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/json.h"
#include "core/secrets.h"

namespace drover::output {

std::string_view StatusName(Outcome s) {
  switch (s) {
    case Outcome::kOk: return "ok";
    case Outcome::kChanged: return "changed";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
    case Outcome::kUnreachable: return "unreachable";
  }
  return "ok";
}

Result<std::unique_ptr<JsonLogReporter>> JsonLogReporter::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("cannot write the JSON log " + path + ": " + std::strerror(errno));
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    return MakeError("cannot write the JSON log " + path);
  }
  return std::unique_ptr<JsonLogReporter>(new JsonLogReporter(f));
}

JsonLogReporter::~JsonLogReporter() {
  std::fclose(file_);
}

void JsonLogReporter::Emit(Map event) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  event.set("time", Value(now));
  std::string line = Redact(ToJson(Value(std::move(event))));
  std::lock_guard lock(mu_);
  std::fprintf(file_, "%s\n", line.c_str());
  std::fflush(file_);
}

void JsonLogReporter::OnPlayStart(const PlayStart& e) {
  List hosts;
  for (const auto& h : e.hosts) hosts.push_back(Value(h));
  Emit(Map{{"event", "play_start"}, {"play", e.name}, {"hosts", Value(std::move(hosts))}});
}

void JsonLogReporter::OnTaskStart(const TaskStart& e) {
  Emit(Map{{"event", "task_start"}, {"task", e.name}, {"handler", e.handler}, {"where", e.where}});
}

void JsonLogReporter::OnHostResult(const HostResult& e) {
  Map m{{"event", "host_result"},
        {"host", e.host},
        {"status", std::string(StatusName(e.status))},
        {"ignored", e.ignored},
        {"result", e.result}};
  if (!e.delegated_to.empty()) m.set("delegated_to", Value(e.delegated_to));
  if (e.is_item) m.set("item", Value(e.item_label));
  Emit(std::move(m));
}

void JsonLogReporter::OnWarning(const std::string& text) {
  Emit(Map{{"event", "warning"}, {"message", text}});
}

void JsonLogReporter::OnSlice(int index, int count) {
  Emit(Map{{"event", "slice"}, {"slice", index}, {"slices", count}});
}

void JsonLogReporter::OnInterrupted() {
  Emit(Map{{"event", "interrupted"}});
}

void JsonLogReporter::OnRecap(const Recap& e) {
  Map hosts;
  for (const auto& [host, s] : e.hosts) {
    hosts.set(host, Value(Map{{"ok", s.ok},
                              {"changed", s.changed},
                              {"unreachable", s.unreachable},
                              {"failed", s.failed},
                              {"skipped", s.skipped},
                              {"rescued", s.rescued},
                              {"ignored", s.ignored}}));
  }
  Emit(Map{{"event", "recap"}, {"hosts", Value(std::move(hosts))}, {"elapsed", e.elapsed_seconds}});
}

}  // namespace drover::output
