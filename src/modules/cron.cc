// cron (ansible.builtin.cron) without Python on the host: one round trip
// reads the crontab (`crontab [-u USER] -l`, or the cron_file), the edit is
// Ansible's CronTab's (cron_tab.h) on the controller, and a second round
// trip, only when the text changed and not in check mode, installs it
// (`crontab [-u USER] -` on stdin; a cron_file atomically, a new one 0644)
// after writing the backup Ansible's backup=true makes (/tmp/crontabXXXXXXXX).
// Results are Ansible's: jobs, envs, warnings, changed, cron_file,
// backup_file, diff (before/after with Ansible's headers).
//
// Partial: insertafter/insertbefore and env names are matched literally
// (Ansible builds a regex from them); SunOS/AIX/HP-UX crontab forms are not
// generated.
#include <regex>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/cron_tab.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

List Strings(const std::vector<std::string>& v) {
  List out;
  for (const std::string& s : v) out.push_back(Value(s));
  return out;
}

// What the read round trip found.
struct CronRead {
  bool have_crontab = false;
  std::string path_env;  // the host's PATH, for the missing-crontab message
  std::string me;        // id -un
  bool exists = false;   // the crontab (or the cron_file, a regular file) exists
  int rc = 0;
  std::string text;
};

// `crontab [-u USER] ARGS`: -u only when USER is not the user running
// (as Ansible, which compares with the effective user's name).
std::string CrontabCommand(const std::string& user, const std::string& args) {
  if (user.empty()) return "crontab " + args;
  const std::string u = ShellQuote(user);
  return "{ if [ \"$(id -un)\" = " + u + " ]; then crontab " + args + "; else crontab -u " + u +
         " " + args + "; fi; }";
}

std::string ReadScript(const std::string& user, const std::string& cron_file) {
  std::string s =
      "if ! command -v crontab >/dev/null 2>&1; then printf 'DROVER_NOCRONTAB|%s\\n' \"$PATH\"; "
      "exit 0; fi\nprintf 'DROVER_ME|%s\\n' \"$(id -un)\"\n";
  if (!cron_file.empty()) {
    const std::string f = ShellQuote(cron_file);
    s += "if [ -f " + f + " ] && [ -r " + f + " ]; then printf 'DROVER_READ\\n'; cat -- " + f +
         "; printf '\\nDROVER_RC|%d\\n' $?; fi\n";
  } else {
    s += "printf 'DROVER_READ\\n'; " + CrontabCommand(user, "-l") +
         " 2>/dev/null; printf '\\nDROVER_RC|%d\\n' $?\n";
  }
  return s + "exit 0\n";
}

CronRead ParseRead(const std::string& out) {
  CronRead r;
  if (size_t at = out.find("DROVER_NOCRONTAB|"); at == 0) {
    r.path_env = out.substr(17, out.find('\n') - 17);
    return r;
  }
  r.have_crontab = true;
  size_t me = out.find("DROVER_ME|");
  if (me != std::string::npos) r.me = out.substr(me + 10, out.find('\n', me) - me - 10);
  size_t b = out.find("DROVER_READ\n"), e = out.rfind("\nDROVER_RC|");
  if (b != std::string::npos && e != std::string::npos && e >= b + 12) {
    r.text = out.substr(b + 12, e - b - 12);
    r.rc = std::atoi(out.c_str() + e + 11);
    r.exists = r.rc == 0;
  }
  return r;
}

class Cron : public Module {
 public:
  std::string_view Name() const override { return "cron"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"name", ArgType::kStr, {}, true, {}, {}},
        {"user", ArgType::kStr, {}, false, {}, {}},
        {"job", ArgType::kStr, {}, false, {"value"}, {}},
        {"cron_file", ArgType::kPath, {}, false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"minute", ArgType::kStr, Value("*"), false, {}, {}},
        {"hour", ArgType::kStr, Value("*"), false, {}, {}},
        {"day", ArgType::kStr, Value("*"), false, {"dom"}, {}},
        {"month", ArgType::kStr, Value("*"), false, {}, {}},
        {"weekday", ArgType::kStr, Value("*"), false, {"dow"}, {}},
        {"special_time",
         ArgType::kStr,
         {},
         false,
         {},
         {"reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"}},
        {"disabled", ArgType::kBool, Value(false), false, {}, {}},
        {"env", ArgType::kBool, Value(false), false, {}, {}},
        {"insertafter", ArgType::kStr, {}, false, {}, {}},
        {"insertbefore", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string name = ArgText(args, "name"), user = ArgText(args, "user");
    const std::optional<std::string> job = OptionalArgText(args, "job");
    const std::string cron_file_arg = ArgText(args, "cron_file");
    const std::string state = ArgText(args, "state");
    const bool backup = args.find("backup")->as_bool();
    const bool disabled = args.find("disabled")->as_bool(), env = args.find("env")->as_bool();
    const std::string special = ArgText(args, "special_time");
    const std::string insertafter = ArgText(args, "insertafter"),
                      insertbefore = ArgText(args, "insertbefore");
    const std::string fields[] = {ArgText(args, "minute"), ArgText(args, "hour"),
                                  ArgText(args, "day"), ArgText(args, "month"),
                                  ArgText(args, "weekday")};
    const bool install = state == "present";
    if (!insertafter.empty() && !insertbefore.empty())
      return Failed("parameters are mutually exclusive: insertafter|insertbefore");

    List warnings;
    std::string cron_file;
    if (!cron_file_arg.empty()) {
      if (cron_file_arg == "/etc/crontab")
        return Failed("Will not manage /etc/crontab via cron_file, see documentation.");
      cron_file = cron_file_arg[0] == '/' ? cron_file_arg : "/etc/cron.d/" + cron_file_arg;
      const std::string base = cron_file.substr(cron_file.rfind('/') + 1);
      if (!std::regex_match(base, std::regex("[A-Za-z0-9_-]+")))
        warnings.push_back(Value("Filename portion of cron_file (\"" + base +
                                 "\") should consist solely of upper- and lower-case letters, "
                                 "digits, underscores, and hyphens"));
    }

    Result<connection::ExecResult> r = ctx.Exec(ReadScript(user, cron_file));
    if (!r) return r.take_error();
    if (r->exit_status != 0) return Failed("cron: reading the crontab failed: " + r->stderr_data);
    const CronRead read = ParseRead(r->stdout_data);
    if (!read.have_crontab)
      return Failed("Failed to find required executable \"crontab\" in paths: " + read.path_env +
                    " (install the cron package on this host)");
    if (cron_file.empty() && read.rc != 0 && read.rc != 1) return Failed("Unable to read crontab");
    CronTab tab(read.exists ? read.text : "", !cron_file.empty(), user);
    const std::string before = tab.Existing();
    const std::string header =
        !cron_file.empty() ? cron_file
                           : (user.empty() ? "crontab" : "crontab for user \"" + user + "\"");

    for (const std::string& f : fields)
      if (!special.empty() && f != "*")
        return Failed("You must specify time and date fields or special time.");
    if (install) {
      if (!cron_file.empty() && user.empty())
        return Failed("To use cron_file=... parameter you must specify user=... as well");
      if (!job) return Failed("You must specify 'job' to install a new cron job or variable");
      if ((!insertafter.empty() || !insertbefore.empty()) && !env)
        return Failed("Insertafter and insertbefore parameters are valid only with env=yes");
    }
    const std::string backup_text = tab.Render();

    bool changed = false;
    if (env) {
      if (name.find(' ') != std::string::npos)
        return Failed("Invalid name for environment variable");
      const std::string decl = name + "=\"" + job.value_or("None") + "\"";
      std::optional<size_t> old = tab.FindEnv(name);
      if (install && !old) {
        if (!tab.AddEnv(decl, insertafter, insertbefore))
          return Failed("Variable named '" + (insertafter.empty() ? insertbefore : insertafter) +
                        "' not found.");
        changed = true;
      } else if (install && tab.Lines()[*old] != decl) {
        tab.UpdateEnv(name, decl);
        changed = true;
      } else if (!install && old) {
        tab.RemoveEnv(name);
        changed = true;
      }
    } else if (install) {
      std::string stripped = *job;
      while (!stripped.empty() && (stripped.front() == '\r' || stripped.front() == '\n'))
        stripped.erase(0, 1);
      while (!stripped.empty() && (stripped.back() == '\r' || stripped.back() == '\n'))
        stripped.pop_back();
      if (stripped.find_first_of("\r\n") != std::string::npos)
        warnings.push_back(Value("Job should not contain line breaks"));
      const std::string line = tab.JobLine(fields[0], fields[1], fields[2], fields[3], fields[4],
                                           *job, special, disabled);
      std::vector<std::string> old = tab.FindJob(name, &line);
      if (old.empty()) tab.AddJob(name, line);
      if (old.empty() || old[1] != line || old.size() > 2) {
        if (!old.empty()) tab.UpdateJob(name, line);
        changed = true;
      }
    } else if (!tab.FindJob(name).empty()) {
      tab.RemoveJob(name);
      changed = true;
      if (!cron_file.empty() && tab.IsEmpty())
        return RemoveFile(ctx, cron_file_arg, cron_file, state, read.exists, before);
    }
    if (!changed && !before.empty() && before.back() != '\n' && before.back() != '\r')
      changed = true;

    Map result{{"jobs", Value(Strings(tab.JobNames()))},
               {"envs", Value(Strings(tab.EnvNames()))},
               {"changed", changed}};
    if (!warnings.empty()) result.set("warnings", Value(std::move(warnings)));
    if (changed) {
      if (!ctx.check_mode) {
        Result<std::string> backup_file =
            Write(ctx, user, cron_file, tab.Render(), backup ? &backup_text : nullptr);
        if (!backup_file) return backup_file.take_error();
        if (backup_file->rfind("DROVER_FAILED|", 0) == 0) return Failed(backup_file->substr(14));
        if (backup) result.set("backup_file", Value(*backup_file));
      }
      if (ctx.diff_mode) {
        const std::string after = tab.Render();
        result.set("diff", Value(Map{{"before", Value(before)},
                                     {"before_header", Value(header)},
                                     {"after", Value(after)},
                                     {"after_header", Value(header)}}));
        result.set("_drover_diff", Value(UnifiedDiff(before, after, header, header)));
      }
    }
    if (!cron_file_arg.empty()) result.set("cron_file", Value(cron_file_arg));
    return result;
  }

 private:
  // Installs `text`; returns the backup's path ("" without one), or
  // "DROVER_FAILED|<crontab's message>" when crontab refused the text.
  static Result<std::string> Write(RunContext& ctx, const std::string& user,
                                   const std::string& cron_file, const std::string& text,
                                   const std::string* backup_text) {
    std::string script;
    if (backup_text)
      script += "__b=$(umask 077; mktemp /tmp/crontabXXXXXXXX) || exit 1\nprintf %s " +
                ShellQuote(*backup_text) +
                " >\"$__b\" || exit 1\nprintf 'DROVER_BACKUP|%s\\n' \"$__b\"\n";
    if (!cron_file.empty()) {
      script += "(umask 022\n" +
                connection::AtomicInstallScript(cron_file, {}, connection::DigestOf(text)) +
                ") || exit 1\n";
    } else {
      script += "__e=$(" + CrontabCommand(user, "-") +
                " 2>&1 >/dev/null) || { printf 'DROVER_FAILED|%s' \"$__e\"; exit 0; }\n";
    }
    Result<connection::ExecResult> r = ctx.Exec(script, text);
    if (!r) return r.take_error();
    const std::string& out = r->stdout_data;
    if (r->exit_status != 0)
      return std::string("DROVER_FAILED|writing " +
                         (cron_file.empty() ? std::string("the crontab") : cron_file) +
                         " failed: " + r->stderr_data);
    if (size_t at = out.find("DROVER_FAILED|"); at != std::string::npos) return out.substr(at);
    if (size_t at = out.find("DROVER_BACKUP|"); at != std::string::npos)
      return out.substr(at + 14, out.find('\n', at) - at - 14);
    return std::string();
  }

  // state=absent left a cron_file empty: Ansible removes the file and
  // returns only changed, cron_file, state and diff.
  static Result<Map> RemoveFile(RunContext& ctx, const std::string& cron_file_arg,
                                const std::string& cron_file, const std::string& state, bool exists,
                                const std::string& before) {
    bool changed = exists;
    if (!ctx.check_mode) {
      Result<connection::ExecResult> r = ctx.Exec("rm -- " + ShellQuote(cron_file) +
                                                  " 2>/dev/null && echo DROVER_REMOVED\nexit 0\n");
      if (!r) return r.take_error();
      changed = r->stdout_data.find("DROVER_REMOVED") != std::string::npos;
    }
    Map diff;
    Map result{{"changed", changed}, {"cron_file", Value(cron_file_arg)}, {"state", Value(state)}};
    if (ctx.diff_mode) {
      diff = Map{{"before", Value(before)},
                 {"before_header", Value(cron_file)},
                 {"after", ""},
                 {"after_header", "/dev/null"}};
      result.set("_drover_diff", Value(UnifiedDiff(before, "", cron_file, "/dev/null")));
    }
    result.set("diff", Value(std::move(diff)));
    return result;
  }
};

}  // namespace

const Module& CronModule() {
  static const Cron m;
  return m;
}

}  // namespace drover::modules
