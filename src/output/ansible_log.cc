#include "output/ansible_log.h"

#include <pwd.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>

namespace drover::output {

namespace {
std::atomic<AnsibleLog*> process_log{nullptr};

// FilterUserInjector: getpass.getuser() (LOGNAME, USER, LNAME, USERNAME,
// then the password database), else "uid=N".
std::string UserName() {
  for (const char* var : {"LOGNAME", "USER", "LNAME", "USERNAME"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "uid=" + std::to_string(getuid());
}

// logging's default asctime: "2026-12-07 12:25:29,654", local time.
std::string AscTime() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm local{};
  localtime_r(&tv.tv_sec, &local);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(buf + n, sizeof buf - n, ",%03ld", static_cast<long>(tv.tv_usec / 1000));
  return buf;
}
}  // namespace

std::string AnsibleLog::PathFrom(const AnsibleConfig& cfg) {
  if (const char* env = std::getenv("ANSIBLE_LOG_PATH"); env && *env) {
    return ResolveConfigPath(env, "");
  }
  return cfg.GetPath("defaults", "log_path");
}

std::unique_ptr<AnsibleLog> AnsibleLog::Open(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    std::fprintf(stderr,
                 "[WARNING]: log file at %s is not writeable and we cannot create it, aborting\n\n",
                 path.c_str());
    return nullptr;
  }
  return std::unique_ptr<AnsibleLog>(new AnsibleLog(f));
}

AnsibleLog::AnsibleLog(FILE* f) : file_(f), user_(UserName()) {}

AnsibleLog::~AnsibleLog() {
  AnsibleLog* self = this;
  process_log.compare_exchange_strong(self, nullptr);
  std::fclose(file_);
}

void AnsibleLog::Message(const std::string& text) {
  size_t start = text.find_first_not_of('\n');
  std::string body = start == std::string::npos ? "" : text.substr(start);
  std::lock_guard lock(mu_);
  std::fprintf(file_, "%s p=%d u=%s n=ansible | %s\n", AscTime().c_str(),
               static_cast<int>(getpid()), user_.c_str(), body.c_str());
  std::fflush(file_);
}

AnsibleLog* ProcessLog() {
  return process_log.load();
}
void SetProcessLog(AnsibleLog* log) {
  process_log.store(log);
}

}  // namespace drover::output
