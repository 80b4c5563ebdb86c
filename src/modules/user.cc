// user (ansible.builtin.user) on Linux hosts without Python: one round trip
// reads the account (getent passwd/shadow/group), the usermod/useradd/
// userdel command is decided on the controller exactly as Ansible's User
// class decides it (create_user_useradd, modify_user_usermod, ...), and a
// second round trip runs it only when something differs, then reports the
// account as it is. The password (a crypted hash) is never part of a
// result or a message: results say "NOT_LOGGING_PASSWORD" as Ansible's do.
//
// Partial: generate_ssh_key and local (luseradd) are not implemented (clear
// failure); the macOS/BSD/AIX-only options are accepted and ignored, as
// Ansible ignores them on Linux.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"
#include "modules/system_logic.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::vector<std::string> Fields(const std::string& line, char sep = ':') {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = line.find(sep, start);
    out.push_back(line.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

bool StartsWith(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string LStripBang(const std::string& s) {
  size_t b = s.find_first_not_of('!');
  return b == std::string::npos ? "" : s.substr(b);
}

// "%Y-%m-%d" of an epoch time (UTC), as time.strftime over time.gmtime.
std::string Day(double epoch) {
  std::time_t t = static_cast<std::time_t>(std::floor(epoch));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The account as the host reported it.
struct Account {
  bool exists = false;
  std::vector<std::string> pw;  // passwd fields: name, passwd, uid, gid, gecos, home, shell
  std::vector<std::string> sp;  // shadow fields (empty when unreadable)
  std::map<std::string, std::vector<std::string>> groups;  // requested group -> group fields
  std::vector<std::string> member_of;                      // groups listing the user
  bool own_group_exists = false;                           // a group named like the user
  bool home_exists = false, parent_exists = false;

  // Ansible's user_info()[1]: the passwd field, or shadow's when it is "x".
  std::string Password() const {
    if (pw.size() > 1 && pw[1].size() > 1) return pw[1];
    return sp.size() > 1 ? sp[1] : "";
  }
  const std::vector<std::string>* Group(const std::string& g) const {
    auto it = groups.find(g);
    return it == groups.end() || it->second.size() < 3 ? nullptr : &it->second;
  }
};

Account ParseAccount(const std::string& out) {
  Account a;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (StartsWith(line, "DROVER_PW|")) {
      a.pw = Fields(line.substr(10));
      a.exists = a.pw.size() >= 7;
    } else if (StartsWith(line, "DROVER_SP|")) {
      a.sp = Fields(line.substr(10));
    } else if (StartsWith(line, "DROVER_GR|")) {
      std::string rest = line.substr(10);
      size_t bar = rest.find('|');
      std::string entry = rest.substr(bar + 1);
      a.groups[rest.substr(0, bar)] = entry.empty() ? std::vector<std::string>{} : Fields(entry);
    } else if (StartsWith(line, "DROVER_MEMBER|")) {
      a.member_of.push_back(line.substr(14));
    } else if (line == "DROVER_OWNGROUP") {
      a.own_group_exists = true;
    } else if (line == "DROVER_HOME") {
      a.home_exists = true;
    } else if (line == "DROVER_PARENT") {
      a.parent_exists = true;
    }
  }
  return a;
}

// Shell text printing the account's facts (see ParseAccount). `home` is the
// home to test ("" = the account's own).
std::string QueryScript(const std::string& name, const std::set<std::string>& groups,
                        const std::string& home) {
  const std::string n = ShellQuote(name);
  std::string s = "__pw=$(getent passwd " + n +
                  ") && printf 'DROVER_PW|%s\\n' \"$__pw\"\n"
                  "__sp=$(getent shadow " +
                  n +
                  " 2>/dev/null) && printf 'DROVER_SP|%s\\n' \"$__sp\"\n"
                  "getent group " +
                  n +
                  " >/dev/null && echo DROVER_OWNGROUP\n"
                  "getent group | awk -F: -v u=" +
                  n +
                  " '{n=split($4,m,\",\"); for(i=1;i<=n;i++) if(m[i]==u) print "
                  "\"DROVER_MEMBER|\" $1}'\n";
  for (const std::string& g : groups)
    s += "printf 'DROVER_GR|%s|%s\\n' " + ShellQuote(g) + " \"$(getent group " + ShellQuote(g) +
         ")\"\n";
  if (home.empty())
    s += "__h=$(printf '%s' \"$__pw\" | cut -d: -f6)\n";
  else
    s += "__h=" + ShellQuote(home) + "\n";
  s += "[ -n \"$__h\" ] && [ -e \"$__h\" ] && echo DROVER_HOME\n"
       "[ -n \"$__h\" ] && [ -d \"$(dirname -- \"$__h\")\" ] && echo DROVER_PARENT\n"
       "exit 0\n";
  return s;
}

std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + ShellQuote(w);
  return out;
}

// Shell text that runs `cmd` (when not empty) with its stdout between
// markers and its stderr on stderr, prints DROVER_RC|rc, and stops there
// when it failed.
std::string RunStep(const std::vector<std::string>& cmd) {
  if (cmd.empty()) return "";
  return "__o=$(mktemp) || exit 1\n" + Words(cmd) +
         " >\"$__o\"; __rc=$?\n"
         "printf 'DROVER_RC|%d\\nDROVER_OUT\\n' $__rc; cat \"$__o\"; printf "
         "'\\nDROVER_OUT_END\\n'; rm -f \"$__o\"\n"
         "[ $__rc -eq 0 ] || exit 0\n";
}

struct StepResult {
  int rc = 0;
  std::string out, err;
  bool ran = false;
};

StepResult ParseStep(const connection::ExecResult& r) {
  StepResult s;
  s.err = r.stderr_data;
  const std::string& o = r.stdout_data;
  size_t at = o.find("DROVER_RC|");
  if (at == std::string::npos) return s;
  s.ran = true;
  s.rc = std::atoi(o.c_str() + at + 10);
  size_t b = o.find("DROVER_OUT\n", at);
  size_t e = o.find("\nDROVER_OUT_END\n", at);
  if (b != std::string::npos && e != std::string::npos && e >= b + 11)
    s.out = o.substr(b + 11, e - b - 11);
  return s;
}

// Shell text that creates the home "$__hh" when missing, as Ansible's
// create_homedir does (a copy of the skeleton, or an empty directory; mode
// 0777 & ~UMASK of /etc/login.defs), then, with `chown`, gives it to
// "$__name" (chown_homedir).
std::string CreateHomeScript(const std::string& skeleton, bool chown) {
  const std::string skel = ShellQuote(skeleton.empty() ? "/etc/skel" : skeleton);
  std::string s =
      "if [ -n \"$__hh\" ] && [ ! -e \"$__hh\" ]; then\n"
      "  mkdir -p -- \"$(dirname -- \"$__hh\")\" || exit 1\n"
      "  if [ -e " +
      skel + " ]; then cp -a -- " + skel +
      " \"$__hh\" || exit 1; else mkdir -- \"$__hh\" || exit 1; fi\n"
      "  __u=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-9]\\{1,\\}\\)$/\\1/p' "
      "/etc/login.defs 2>/dev/null | tail -n 1)\n"
      "  if [ -n \"$__u\" ]; then chmod \"$(printf '%o' $((0777 & ~0$__u)))\" "
      "\"$__hh\" || exit 1; fi\n";
  if (chown)
    s += "  chown -R \"$(getent passwd \"$__name\" | cut -d: -f3,4)\" \"$__hh\" || exit 1\n";
  return s + "fi\n";
}

}  // namespace

bool LooksLikeCryptHash(const std::string& pw) {
  if (pw == "*" || pw == "!" || pw == "*************") return true;
  if (pw.find_first_of(":*!") != std::string::npos) return false;
  if (pw.find('$') == std::string::npos) return false;
  std::vector<std::string> f = Fields(pw, '$');
  if (f.size() < 3) return false;
  const std::string& last = f.back();
  if (last.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./=") !=
      std::string::npos)
    return false;
  if (f[1] == "1" && last.size() != 22) return false;
  if (f[1] == "5" && last.size() != 43) return false;
  if (f[1] == "6" && last.size() != 86) return false;
  return true;
}

namespace {

class User : public Module {
 public:
  std::string_view Name() const override { return "user"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"name", ArgType::kStr, {}, true, {"user"}, {}},
        {"uid", ArgType::kInt, {}, false, {}, {}},
        {"non_unique", ArgType::kBool, Value(false), false, {}, {}},
        {"group", ArgType::kStr, {}, false, {}, {}},
        {"groups", ArgType::kList, {}, false, {}, {}},
        {"comment", ArgType::kStr, {}, false, {}, {}},
        {"home", ArgType::kPath, {}, false, {}, {}},
        {"shell", ArgType::kStr, {}, false, {}, {}},
        {"password", ArgType::kStr, {}, false, {}, {}},
        {"login_class", ArgType::kStr, {}, false, {}, {}},
        {"password_expire_max", ArgType::kInt, {}, false, {}, {}},
        {"password_expire_min", ArgType::kInt, {}, false, {}, {}},
        {"hidden", ArgType::kBool, {}, false, {}, {}},
        {"seuser", ArgType::kStr, {}, false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"remove", ArgType::kBool, Value(false), false, {}, {}},
        {"create_home", ArgType::kBool, Value(true), false, {"createhome"}, {}},
        {"skeleton", ArgType::kStr, {}, false, {}, {}},
        {"system", ArgType::kBool, Value(false), false, {}, {}},
        {"move_home", ArgType::kBool, Value(false), false, {}, {}},
        {"append", ArgType::kBool, Value(false), false, {}, {}},
        {"generate_ssh_key", ArgType::kBool, {}, false, {}, {}},
        {"ssh_key_bits", ArgType::kInt, Value(0), false, {}, {}},
        {"ssh_key_type", ArgType::kStr, Value("rsa"), false, {}, {}},
        {"ssh_key_file", ArgType::kPath, {}, false, {}, {}},
        {"ssh_key_comment", ArgType::kStr, {}, false, {}, {}},
        {"ssh_key_passphrase", ArgType::kStr, {}, false, {}, {}},
        {"update_password", ArgType::kStr, Value("always"), false, {}, {"always", "on_create"}},
        {"expires", ArgType::kFloat, {}, false, {}, {}},
        {"password_lock", ArgType::kBool, {}, false, {}, {}},
        {"local", ArgType::kBool, {}, false, {}, {}},
        {"profile", ArgType::kStr, {}, false, {}, {}},
        {"authorization", ArgType::kStr, {}, false, {}, {}},
        {"role", ArgType::kStr, {}, false, {}, {}},
        {"umask", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    auto given = [&](const char* k) {
      const Value* v = args.find(k);
      return v && !v->is_null();
    };
    auto flag = [&](const char* k) { return given(k) && args.find(k)->as_bool(); };
    const std::string name = ArgText(args, "name");
    const std::string state = ArgText(args, "state");
    const bool check = ctx.check_mode;
    if (flag("local")) return Failed("user: local=true is not implemented by drover yet");
    if (flag("generate_ssh_key"))
      return Failed("user: generate_ssh_key is not implemented by drover yet");
    const std::optional<std::string> password =
        given("password") ? std::optional(ArgText(args, "password")) : std::nullopt;
    const std::optional<std::string> group =
        given("group") ? std::optional(ArgText(args, "group")) : std::nullopt;
    std::optional<std::string> groups_text;  // Ansible's self.groups: the list joined by ","
    std::vector<std::string> groups_list;
    if (const Value* g = args.find("groups"); g && g->is_list()) {
      std::string joined;
      bool first = true;
      for (const Value& v : g->as_list()) {
        std::string t = v.is_string() ? v.as_string() : ArgText(Map{{"x", v}}, "x");
        joined += (first ? "" : ",") + t;
        first = false;
      }
      groups_text = joined;
      std::set<std::string> seen;
      for (const std::string& part : Fields(joined, ',')) {
        std::string t = Strip(part);
        if (!t.empty() && seen.insert(t).second) groups_list.push_back(t);
      }
    }
    const std::string home_arg = ArgText(args, "home");
    const bool create_home = flag("create_home");

    std::set<std::string> ask(groups_list.begin(), groups_list.end());
    if (group) ask.insert(*group);
    Result<connection::ExecResult> q = ctx.Exec(QueryScript(name, ask, home_arg));
    if (!q) return q.take_error();
    if (q->exit_status != 0) return Failed("user: reading the account failed: " + q->stderr_data);
    const Account acct = ParseAccount(q->stdout_data);

    Map result{{"name", Value(name)}, {"state", Value(state)}};
    std::vector<std::string> cmd;
    std::string extra_script;  // before cmd: a new home whose parent is missing
    bool chown_home_after = false;
    bool changed = false;

    auto group_missing = [&](const std::string& g) { return acct.Group(g) == nullptr; };

    if (state == "absent") {
      if (!acct.exists)
        return Map{{"name", Value(name)}, {"state", Value(state)}, {"changed", false}};
      if (check) return Map{{"changed", true}};
      cmd = {"userdel"};
      if (flag("force")) cmd.push_back("-f");
      if (flag("remove")) cmd.push_back("-r");
      cmd.push_back(name);
      result.set("force", flag("force"));
      result.set("remove", flag("remove"));
    } else if (!acct.exists) {
      if (check) return Map{{"changed", true}};
      if (group && group_missing(*group)) return Failed("Group " + *group + " does not exist");
      cmd = {"useradd"};
      if (given("uid")) {
        cmd.insert(cmd.end(), {"-u", ArgText(args, "uid")});
        if (flag("non_unique")) cmd.push_back("-o");
      }
      if (given("seuser")) cmd.insert(cmd.end(), {"-Z", ArgText(args, "seuser")});
      if (group)
        cmd.insert(cmd.end(), {"-g", *group});
      else if (acct.own_group_exists)
        cmd.push_back("-N");
      if (groups_text && !groups_text->empty()) {
        for (const std::string& g : groups_list)
          if (group_missing(g)) return Failed("Group " + g + " does not exist");
        std::string joined;
        for (const std::string& g : groups_list) joined += (joined.empty() ? "" : ",") + g;
        cmd.insert(cmd.end(), {"-G", joined});
      }
      if (given("comment")) cmd.insert(cmd.end(), {"-c", ArgText(args, "comment")});
      if (!home_arg.empty()) {
        if (create_home && !acct.parent_exists) {
          // Ansible creates the home itself first, then useradd finds it.
          extra_script = "__hh=" + ShellQuote(home_arg) + "\n" +
                         CreateHomeScript(ArgText(args, "skeleton"), false);
          chown_home_after = true;
        }
        cmd.insert(cmd.end(), {"-d", home_arg});
      }
      if (given("shell")) cmd.insert(cmd.end(), {"-s", ArgText(args, "shell")});
      if (given("expires")) {
        double e = args.find("expires")->as_number();
        cmd.insert(cmd.end(), {"-e", e < 0 ? "" : Day(e)});
      }
      if (password) cmd.insert(cmd.end(), {"-p", (flag("password_lock") ? "!" : "") + *password});
      if (create_home) {
        cmd.push_back("-m");
        if (given("skeleton")) cmd.insert(cmd.end(), {"-k", ArgText(args, "skeleton")});
        if (given("umask")) cmd.insert(cmd.end(), {"-K", "UMASK=" + ArgText(args, "umask")});
      } else {
        cmd.push_back("-M");
      }
      if (flag("system")) cmd.push_back("-r");
      cmd.push_back(name);
      result.set("system", flag("system"));
      result.set("create_home", create_home);
    } else {
      // modify_user_usermod
      cmd = {"usermod"};
      const auto& pw = acct.pw;
      if (given("uid") && pw[2] != ArgText(args, "uid")) {
        cmd.insert(cmd.end(), {"-u", ArgText(args, "uid")});
        if (flag("non_unique")) cmd.push_back("-o");
      }
      if (group) {
        const auto* g = acct.Group(*group);
        if (!g) return Failed("Group " + *group + " does not exist");
        if (pw[3] != (*g)[2]) cmd.insert(cmd.end(), {"-g", (*g)[2]});
      }
      if (groups_text) {
        const std::set<std::string> current(acct.member_of.begin(), acct.member_of.end());
        bool need = false;
        if (groups_text->empty()) {
          need = !current.empty() && !flag("append");
        } else {
          for (const std::string& g : groups_list)
            if (group_missing(g)) return Failed("Group " + g + " does not exist");
          const std::set<std::string> want(groups_list.begin(), groups_list.end());
          std::vector<std::string> diff;
          std::set_symmetric_difference(current.begin(), current.end(), want.begin(), want.end(),
                                        std::back_inserter(diff));
          if (!diff.empty()) {
            if (flag("append")) {
              for (const std::string& g : groups_list) {
                if (std::find(diff.begin(), diff.end(), g) != diff.end()) {
                  cmd.push_back("-a");
                  need = true;
                  break;
                }
              }
            } else {
              need = true;
            }
          }
        }
        if (need) {
          std::string joined;
          for (const std::string& g : groups_list) joined += (joined.empty() ? "" : ",") + g;
          cmd.insert(cmd.end(), {"-G", joined});
        }
      }
      if (given("comment") && pw[4] != ArgText(args, "comment"))
        cmd.insert(cmd.end(), {"-c", ArgText(args, "comment")});
      if (!home_arg.empty() && pw[5] != home_arg) {
        cmd.insert(cmd.end(), {"-d", home_arg});
        if (flag("move_home")) cmd.push_back("-m");
      }
      if (given("shell") && pw[6] != ArgText(args, "shell"))
        cmd.insert(cmd.end(), {"-s", ArgText(args, "shell")});
      if (given("expires")) {
        double e = args.find("expires")->as_number();
        long current =
            acct.sp.size() > 7 && !acct.sp[7].empty() ? std::atol(acct.sp[7].c_str()) : -1;
        if (e < 0) {
          if (current >= 0) cmd.insert(cmd.end(), {"-e", ""});
        } else if (current < 0 || Day(static_cast<double>(current) * 86400) != Day(e)) {
          cmd.insert(cmd.end(), {"-e", Day(e)});
        }
      }
      const std::string current_pw = acct.Password();
      if (given("password_lock")) {
        if (flag("password_lock") && !StartsWith(current_pw, "!"))
          cmd.push_back("-L");
        else if (!flag("password_lock") && StartsWith(current_pw, "!"))
          cmd.push_back("-U");
      }
      if (ArgText(args, "update_password") == "always" && password &&
          LStripBang(current_pw) != LStripBang(*password)) {
        cmd.erase(std::remove_if(cmd.begin(), cmd.end(),
                                 [](const std::string& w) { return w == "-U" || w == "-L"; }),
                  cmd.end());
        cmd.insert(cmd.end(), {"-p", (flag("password_lock") ? "!" : "") + *password});
      }
      if (cmd.size() > 1)
        cmd.push_back(name);
      else
        cmd.clear();
      result.set("append", flag("append"));
      result.set("move_home", flag("move_home"));
    }
    if (state == "present" && password) result.set("password", "NOT_LOGGING_PASSWORD");
    if (password && !password->empty() && !LooksLikeCryptHash(*password))
      result.set("warnings",
                 Value(List{Value("The input password appears not to have been hashed. The "
                                  "'password' argument must be encrypted for this module to work "
                                  "properly.")}));

    // After the command (present): a missing home is created (Ansible
    // checks the home the account has then), password ages are set.
    std::string post;
    if (state == "present") {
      std::vector<std::string> chage = {"chage"};
      auto age = [&](const char* key, const char* opt, size_t field) {
        if (!given(key)) return;
        const std::string want = ArgText(args, key);
        std::string have = acct.sp.size() > field ? acct.sp[field] : "";
        if (have.empty()) have = "-1";
        if (have != want) chage.insert(chage.end(), {opt, want});
      };
      age("password_expire_min", "-m", 3);
      age("password_expire_max", "-M", 4);
      if (chage.size() > 1) {
        chage.push_back(name);
        changed = true;
        post += Words(chage) + " >/dev/null || { echo DROVER_CHAGE_FAILED; exit 0; }\n";
      }
      // An existing account whose home is missing: Ansible creates it.
      if (create_home && acct.exists && !acct.home_exists) changed = true;
      if (create_home) {
        post = "__name=" + ShellQuote(name) + "\n__hh=" +
               (home_arg.empty() ? std::string("$(getent passwd \"$__name\" | cut -d: -f6)")
                                 : ShellQuote(home_arg)) +
               "\n" + CreateHomeScript(ArgText(args, "skeleton"), true) +
               (chown_home_after
                    ? "chown -R \"$(getent passwd \"$__name\" | cut -d: -f3,4)\" \"$__hh\" || "
                      "exit 1\n"
                    : "") +
               post;
      }
    }
    if (!cmd.empty()) changed = true;
    if (check || (!changed && cmd.empty())) {
      result.set("changed", changed);
      if (state == "present") AddInfo(acct, groups_text, &result);
      return result;
    }

    std::string script = extra_script + RunStep(cmd) + post;
    if (state == "present")
      script +=
          "__pw=$(getent passwd " + ShellQuote(name) + ") && printf 'DROVER_PW|%s\\n' \"$__pw\"\n";
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    StepResult step = ParseStep(*r);
    if (r->exit_status != 0 || (step.ran && step.rc != 0)) {
      Map f{{"failed", true},
            {"changed", false},
            {"name", Value(name)},
            {"msg", Value(step.ran && step.rc != 0 ? step.err : r->stderr_data)},
            {"rc", Value(step.ran && step.rc != 0 ? step.rc : r->exit_status)}};
      return f;
    }
    if (r->stdout_data.find("DROVER_CHAGE_FAILED") != std::string::npos)
      return Map{{"failed", true},
                 {"changed", false},
                 {"name", Value(name)},
                 {"msg", Value(r->stderr_data)},
                 {"rc", 1}};
    result.set("changed", changed);
    if (!step.out.empty()) result.set("stdout", Value(step.out));
    if (!step.err.empty()) result.set("stderr", Value(step.err));
    if (state == "present") {
      Account after = ParseAccount(r->stdout_data);
      AddInfo(after.exists ? after : acct, groups_text, &result);
    }
    return result;
  }

 private:
  static void AddInfo(const Account& a, const std::optional<std::string>& groups_text,
                      Map* result) {
    if (!a.exists) return;
    result->set("uid", Value(static_cast<int64_t>(std::atoll(a.pw[2].c_str()))));
    result->set("group", Value(static_cast<int64_t>(std::atoll(a.pw[3].c_str()))));
    result->set("comment", Value(a.pw[4]));
    result->set("home", Value(a.pw[5]));
    result->set("shell", Value(a.pw[6]));
    if (groups_text) result->set("groups", Value(*groups_text));
  }
};

}  // namespace

const Module& UserModule() {
  static const User m;
  return m;
}

}  // namespace drover::modules
