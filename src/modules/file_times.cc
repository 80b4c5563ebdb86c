#include "modules/file_times.h"

#include <cstdlib>
#include <ctime>

#include "connection/shell.h"

namespace drover::modules {

namespace {

std::string Format(const std::tm& tm, const char* format) {
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

Result<FileTime> ParseFileTime(const Value& value, const std::string& format,
                               const std::string& state) {
  FileTime t;
  std::string text = value.is_null() ? (state == "touch" ? "now" : "preserve")
                                     : (value.is_string() ? value.as_string() : "");
  if (value.is_int()) text = std::to_string(value.as_int());
  if (text == "preserve") return t;
  if (text == "now") {
    t.kind = FileTime::Kind::kNow;
    return t;
  }
  // Python's time.strptime: the whole text must match; missing fields are
  // 1900-01-01 00:00:00.
  std::tm tm{};
  tm.tm_mday = 1;
  const char* end = strptime(text.c_str(), format.c_str(), &tm);
  if (end == nullptr || *end != '\0') {
    return MakeError("Error while obtaining timestamp for time " + text + " using format " +
                     format + ": time data '" + text + "' does not match format '" + format + "'");
  }
  t.kind = FileTime::Kind::kAt;
  t.touch_stamp = Format(tm, "%Y%m%d%H%M.%S");
  t.date_text = Format(tm, "%Y-%m-%d %H:%M:%S");
  return t;
}

Result<bool> PlanFileTimes(const FileTime& mtime, const FileTime& atime, const RemoteStat& st,
                           const std::string& path, RunContext& ctx, std::string* apply) {
  using Kind = FileTime::Kind;
  if (mtime.kind == Kind::kPreserve && atime.kind == Kind::kPreserve) return false;
  const std::string q = connection::ShellQuote(path);
  if (mtime.kind == Kind::kNow && atime.kind == Kind::kNow) {
    *apply += "touch -- " + q + " || exit 1\n";
    return true;
  }
  // An explicit time changes only when it differs from the path's: its
  // epoch in the host's local time, from the host's date.
  double wanted_m = 0, wanted_a = 0;
  if (mtime.kind == Kind::kAt || atime.kind == Kind::kAt) {
    std::string query;
    for (const FileTime* t : {&mtime, &atime})
      query += t->kind == Kind::kAt
                   ? "date -d " + connection::ShellQuote(t->date_text) + " +%s || exit 1\n"
                   : "echo 0\n";
    Result<connection::ExecResult> res = ctx.Exec(query);
    if (!res) return res.take_error();
    if (res->exit_status != 0)
      return MakeError("Error while obtaining timestamp: " + res->stderr_data);
    const std::string& out = res->stdout_data;
    wanted_m = std::strtod(out.c_str(), nullptr);
    wanted_a = std::strtod(out.c_str() + out.find('\n') + 1, nullptr);
  }
  bool changed = false;
  auto plan = [&](const FileTime& t, double wanted, double current, const char* flag) {
    if (t.kind == Kind::kNow) {
      *apply += std::string("touch ") + flag + " -- " + q + " || exit 1\n";
      changed = true;
    } else if (t.kind == Kind::kAt && (!st.exists || wanted != current)) {
      *apply += std::string("touch ") + flag + " -t " + t.touch_stamp + " -- " + q + " || exit 1\n";
      changed = true;
    }
  };
  plan(mtime, wanted_m, st.mtime, "-m");
  plan(atime, wanted_a, st.atime, "-a");
  return changed;
}

}  // namespace drover::modules
