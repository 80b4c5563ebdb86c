// reboot (ansible.builtin.reboot): as Ansible's action plugin on Linux. One
// round trip reads the boot id (boot_time_command, default `cat
// /proc/sys/kernel/random/boot_id`) and finds the shutdown command in
// search_paths; a second runs `shutdown -r DELAY_MIN "MSG"` (or
// reboot_command); a session closed by the going-down host counts as
// success. After post_reboot_delay the session is closed and the host is
// polled over NEW sessions (exponential backoff capped at 12 s, as Ansible)
// until its boot id differs, then test_command must succeed, each within
// reboot_timeout. Check mode does not contact the host. Results are
// Ansible's: changed, elapsed (whole seconds), rebooted; msg on failure.
//
// Partial: connect_timeout is accepted and not applied (drover's own
// connection timeout is used); the distribution-specific commands of
// other systems (BSD, Solaris, Alpine) are not used.
#include <chrono>
#include <random>
#include <thread>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
using Clock = std::chrono::steady_clock;

std::string PythonList(const List& l) {
  std::string s = "[";
  for (const Value& v : l) s += (s.size() > 1 ? ", '" : "'") + v.as_string() + "'";
  return s + "]";
}

class Reboot : public Module {
 public:
  std::string_view Name() const override { return "reboot"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"boot_time_command", ArgType::kStr, {}, false, {}, {}},
        {"connect_timeout", ArgType::kInt, {}, false, {}, {}},
        {"msg", ArgType::kStr, Value("Reboot initiated by Ansible"), false, {}, {}},
        {"post_reboot_delay", ArgType::kInt, Value(int64_t{0}), false, {}, {}},
        {"pre_reboot_delay", ArgType::kInt, Value(int64_t{0}), false, {}, {}},
        {"reboot_command", ArgType::kStr, {}, false, {}, {}},
        {"reboot_timeout", ArgType::kInt, Value(int64_t{600}), false, {}, {}},
        {"search_paths",
         ArgType::kList,
         Value(List{Value("/sbin"), Value("/bin"), Value("/usr/sbin"), Value("/usr/bin"),
                    Value("/usr/local/sbin")}),
         false,
         {},
         {}},
        {"test_command", ArgType::kStr, Value("whoami"), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    if (ctx.conn && ctx.conn->Kind() == "local")
      return Map{{"changed", false},
                 {"elapsed", int64_t{0}},
                 {"rebooted", false},
                 {"failed", true},
                 {"msg", "Running reboot with local connection would reboot the control node."}};
    if (ctx.check_mode) return Map{{"changed", true}, {"elapsed", int64_t{0}}, {"rebooted", true}};
    const int64_t pre_delay = std::max<int64_t>(0, args.find("pre_reboot_delay")->as_int());
    const int64_t post_delay = std::max<int64_t>(0, args.find("post_reboot_delay")->as_int());
    const int64_t timeout = args.find("reboot_timeout")->as_int();
    std::string boot_cmd = ArgText(args, "boot_time_command");
    if (boot_cmd.empty()) boot_cmd = "cat /proc/sys/kernel/random/boot_id";
    const std::string test_cmd = ArgText(args, "test_command");

    // The shutdown command and its arguments, as get_shutdown_command(_args).
    std::string shutdown_bin = "shutdown";
    std::string shutdown_args =
        "-r " + std::to_string(pre_delay / 60) + " \"" + ArgText(args, "msg") + "\"";
    if (std::optional<std::string> rc = OptionalArgText(args, "reboot_command")) {
      const size_t sp = rc->find(' ');
      shutdown_bin = rc->substr(0, sp);
      shutdown_args = sp == std::string::npos ? "" : rc->substr(sp + 1);
    }
    const List paths = args.find("search_paths")->is_list() ? args.find("search_paths")->as_list()
                                                            : List{*args.find("search_paths")};

    // Round trip 1: the boot id before, and where the command is.
    std::string script = HostScriptPrelude(false) + "run sh -c " + ShellQuote(boot_cmd) +
                         "\nfield boot_rc \"$RC\"; field boot \"$OUT\"; field boot_err \"$ERR\"\n";
    if (shutdown_bin.empty() || shutdown_bin[0] != '/') {
      script += "for d in";
      for (const Value& p : paths) script += " " + ShellQuote(p.as_string());
      script += "; do if [ -e \"$d\"/" + ShellQuote(shutdown_bin) + " ]; then field bin \"$d\"/" +
                ShellQuote(shutdown_bin) + "; break; fi; done\n";
    }
    Result<connection::ExecResult> r = ctx.Exec(script);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (FieldValue(f, "boot_rc").value_or("1") != "0")
      return Map{{"changed", false},
                 {"failed", true},
                 {"reboot", false},
                 {"msg", Value("reboot: failed to get host boot time info, rc: " +
                               FieldValue(f, "boot_rc").value_or("") +
                               ", stdout: " + FieldValue(f, "boot").value_or("") +
                               ", stderr: " + FieldValue(f, "boot_err").value_or(""))}};
    const std::string before = Strip(FieldValue(f, "boot").value_or(""));
    if (shutdown_bin.empty() || shutdown_bin[0] != '/') {
      std::optional<std::string> found = FieldValue(f, "bin");
      if (!found)
        return Failed("Unable to find command \"" + shutdown_bin +
                      "\" in search paths: " + PythonList(paths));
      shutdown_bin = *found;
    }

    // Round trip 2: the reboot. A session the host closes counts as done.
    const std::string reboot_cmd = shutdown_bin + " " + shutdown_args;
    Result<connection::ExecResult> rb = ctx.Exec(reboot_cmd);
    const Clock::time_point start = Clock::now();
    auto elapsed = [&] {
      return static_cast<int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count());
    };
    if (rb && rb->exit_status != 0)
      return Map{
          {"changed", false},
          {"failed", true},
          {"rebooted", false},
          {"elapsed", elapsed()},
          {"msg", Value("Reboot command failed. Error was: '" + RStrip(Strip(rb->stdout_data)) +
                        ", " + RStrip(Strip(rb->stderr_data)) + "'")}};
    if (post_delay > 0) std::this_thread::sleep_for(std::chrono::seconds(post_delay));

    // Polls over new sessions until the boot id changed, then the test.
    auto boot_changed = [&]() -> bool {
      Result<connection::ExecResult> b = ctx.Exec(boot_cmd);
      if (!b || b->exit_status != 0) return false;
      const std::string now = Strip(b->stdout_data);
      return !now.empty() && now != before;
    };
    auto test_passes = [&]() -> bool {
      Result<connection::ExecResult> t = ctx.Exec(test_cmd);
      return t && t->exit_status == 0;
    };
    for (auto [check, desc] :
         {std::pair<std::function<bool()>, const char*>{boot_changed, "last boot time check"},
          {test_passes, "post-reboot test command"}}) {
      if (!UntilSuccess(ctx, check, timeout))
        return Map{{"changed", false},
                   {"failed", true},
                   {"rebooted", true},
                   {"elapsed", elapsed()},
                   {"msg", Value(std::string("Timed out waiting for ") + desc +
                                 " (timeout=" + std::to_string(timeout) + ")")}};
    }
    return Map{{"changed", true}, {"elapsed", elapsed()}, {"rebooted", true}};
  }

 private:
  static std::string Strip(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
  }

  // do_until_success_or_timeout: each attempt on a new session.
  static bool UntilSuccess(RunContext& ctx, const std::function<bool()>& attempt,
                           int64_t timeout_s) {
    const Clock::time_point end = Clock::now() + std::chrono::seconds(timeout_s);
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> jitter(0, 1000);
    for (int fails = 0; Clock::now() < end; ++fails) {
      ctx.conn->Close();
      if (attempt()) return true;
      double sleep_s = (fails < 4 ? 1 << fails : 12) + jitter(rng) / 1000.0;
      const auto until = std::min(
          end, Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(sleep_s * 1000)));
      std::this_thread::sleep_until(until);
    }
    return false;
  }
};

}  // namespace

const Module& RebootModule() {
  static const Reboot m;
  return m;
}

}  // namespace drover::modules
