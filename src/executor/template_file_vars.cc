#include "executor/template_file_vars.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace drover::executor {

namespace {

std::mutex managed_mu;
std::string managed_format = "Ansible managed";

std::string ManagedFormat() {
  std::lock_guard<std::mutex> lock(managed_mu);
  return managed_format;
}

// str.format(host=, uid=, file=): {{ and }} are literal braces; any other
// field is Python's KeyError.
Result<std::string> FormatFields(const std::string& fmt, const Map& fields) {
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    const char c = fmt[i];
    if ((c == '{' || c == '}') && i + 1 < fmt.size() && fmt[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const size_t close = fmt.find('}', i);
    const std::string name = fmt.substr(i + 1, close == std::string::npos ? close : close - i - 1);
    const Value* v = fields.find(name);
    if (close == std::string::npos || !v || !v->is_string())
      return MakeError("the [defaults] ansible_managed setting has a field Ansible cannot fill: {" +
                       name + "} (only {host}, {uid} and {file}; KeyError: '" + name + "')");
    out += v->as_string();
    i = close;
  }
  return out;
}

std::string StrFTime(const std::string& fmt, std::time_t when) {
  std::tm tm{};
  localtime_r(&when, &tm);
  for (size_t size = 256; size <= 65536; size *= 4) {
    std::string buf(size, '\0');
    const size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &tm);
    if (n > 0 || fmt.empty()) return buf.substr(0, n);
  }
  return "";
}

// Python's str(datetime): microseconds only when not zero.
std::string PyDateTime(std::time_t secs, long micros) {
  std::string text = StrFTime("%Y-%m-%d %H:%M:%S", secs);
  if (micros) {
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%06ld", micros);
    text += frac;
  }
  return text;
}

}  // namespace

void SetManagedFormat(std::string format) {
  std::lock_guard<std::mutex> lock(managed_mu);
  managed_format = std::move(format);
}

Result<Map> TemplateFileVars(const std::string& path, const std::string& fullpath,
                             const std::string& dest) {
  struct stat st {};
  if (::stat(fullpath.c_str(), &st) != 0)
    return MakeError("template: cannot stat " + fullpath + ": " + std::strerror(errno));
  std::string uid = std::to_string(st.st_uid);
  if (const struct passwd* pw = ::getpwuid(st.st_uid)) uid = pw->pw_name;
  struct utsname un {};
  ::uname(&un);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  Map vars;
  vars.set("template_host", Value(std::string(un.nodename)));
  vars.set("template_path", Value(path));
  vars.set("template_mtime", Value(PyDateTime(st.st_mtim.tv_sec, st.st_mtim.tv_nsec / 1000)));
  vars.set("template_uid", Value(uid));
  vars.set("template_run_date", Value(PyDateTime(now_us / 1000000, now_us % 1000000)));
  vars.set("template_destpath", dest.empty() ? Value() : Value(dest));
  vars.set("template_fullpath", Value(std::filesystem::absolute(fullpath).string()));
  Map fields{{"host", Value(std::string(un.nodename))}, {"uid", Value(uid)}, {"file", Value(path)}};
  Result<std::string> managed = FormatFields(ManagedFormat(), fields);
  if (!managed) return managed.take_error();
  vars.set("ansible_managed", Value(StrFTime(*managed, st.st_mtim.tv_sec)));
  return vars;
}

}  // namespace drover::executor
