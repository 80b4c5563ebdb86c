#include "cli/ansible_settings.h"

#include <doctest/doctest.h>

#include <cstdlib>

namespace drover::cli {
namespace {

// Sets an environment variable for one test case's scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  const char* name_;
};

bool Mentions(const std::vector<Error>& warnings, const std::string& text) {
  for (const Error& w : warnings)
    if (w.message.find(text) != std::string::npos) return true;
  return false;
}

TEST_CASE("booleans as Ansible's boolean(strict=False)") {
  for (const char* t :
       {"yes", "YES", "Yes", "on", "ON", "1", "true", "True", "TRUE", "t", "y", " true ", "Y"})
    CHECK_MESSAGE(AnsibleBoolean(t), t);
  for (const char* f :
       {"no", "No", "off", "0", "false", "False", "f", "n", "", "1.0", "2", "enabled", "nope"})
    CHECK_FALSE_MESSAGE(AnsibleBoolean(f), f);
}

TEST_CASE("a setting: environment over ansible.cfg over unset; last alias wins") {
  AnsibleConfig cfg = ParseAnsibleConfig(
      "[defaults]\nforce_handlers = yes\nforks = 7\ncallback_whitelist = timer\n"
      "callbacks_enabled = profile_tasks, 'x.y.z'\nroles_path = a:~/b\ninventory = h1, h2\n",
      "/p/ansible.cfg");
  AnsibleSettings s(cfg);
  CHECK(s.Bool("DEFAULT_FORCE_HANDLERS") == true);
  CHECK(s.Int("DEFAULT_FORKS") == 7);
  CHECK(s.Find("DEFAULT_FORKS")->origin == "/p/ansible.cfg:3");
  CHECK(s.List("CALLBACKS_ENABLED") == std::vector<std::string>{"profile_tasks", "x.y.z"});
  CHECK(s.Paths("DEFAULT_HOST_LIST") == std::vector<std::string>{"/p/h1", "/p/h2"});
  CHECK(s.Paths("DEFAULT_ROLES_PATH").size() == 2);
  CHECK(s.Paths("DEFAULT_ROLES_PATH")[0] == "/p/a");
  CHECK_FALSE(s.Find("DEFAULT_GATHERING"));
  {
    ScopedEnv e1("ANSIBLE_FORCE_HANDLERS", "off");
    ScopedEnv e2("ANSIBLE_FORKS", "3");
    ScopedEnv e3("ANSIBLE_SSH_TIMEOUT", "9");
    CHECK(s.Bool("DEFAULT_FORCE_HANDLERS") == false);
    CHECK(s.Int("DEFAULT_FORKS") == 3);
    CHECK(s.Find("DEFAULT_FORKS")->origin == "ANSIBLE_FORKS");
    CHECK(s.Int("connection.ssh.timeout") == 9);
  }
  CHECK(s.Bool("DEFAULT_FORCE_HANDLERS") == true);
}

TEST_CASE("validation as Ansible's: an integer that is not one, a gathering not known") {
  AnsibleConfig cfg = ParseAnsibleConfig("[defaults]\nforks = abc\n", "/p/ansible.cfg");
  Status st = AnsibleSettings(cfg).Validate();
  REQUIRE_FALSE(st);
  CHECK(st.error().code == ExitCode::kBadOptions);
  CHECK(st.error().message.find("DEFAULT_FORKS") != std::string::npos);
  AnsibleConfig ok = ParseAnsibleConfig("[defaults]\nforks = 12\n", "/p/ansible.cfg");
  CHECK(AnsibleSettings(ok).Validate());
  ScopedEnv e("ANSIBLE_GATHERING", "sometimes");
  CHECK_FALSE(AnsibleSettings(ok).Validate());
}

TEST_CASE("warnings: one per ignored entry, no-effect grouped, honoured and unknown silent") {
  AnsibleConfig cfg = ParseAnsibleConfig(
      "[defaults]\nforks = 7\njinja2_native = True\nerror_on_undefined_vars = False\n"
      "no_such_key = 1\ndeprecation_warnings = True\n[ssh_connection]\npipelining = True\n"
      "ssh_args = -o ForwardAgent=yes\n",
      "/p/ansible.cfg");
  ScopedEnv e1("ANSIBLE_LOCAL_TEMP", "/tmp/x");
  ScopedEnv e2("ANSIBLE_SHOW_CUSTOM_STATS", "yes");
  ScopedEnv e3("ANSIBLE_GATHERING", "explicit");
  std::vector<Error> w = AnsibleSettings(cfg).IgnoredSettingWarnings();
  CHECK(Mentions(w, "[defaults] jinja2_native (/p/ansible.cfg:3) is ignored by drover"));
  CHECK(Mentions(w, "[ssh_connection] ssh_args (/p/ansible.cfg:9) is ignored"));
  CHECK(Mentions(w, "ANSIBLE_SHOW_CUSTOM_STATS (setting show_custom_stats) is ignored"));
  CHECK(Mentions(w, "[defaults] error_on_undefined_vars (/p/ansible.cfg:4) is ignored"));
  CHECK_FALSE(Mentions(w, "forks"));
  CHECK_FALSE(Mentions(w, "no_such_key"));
  CHECK_FALSE(Mentions(w, "GATHERING"));
  // deprecation_warnings = True is its default: nothing changes.
  CHECK_FALSE(Mentions(w, "deprecation_warnings"));
  size_t no_effect = 0;
  for (const Error& x : w)
    if (x.message.rfind("no effect in drover", 0) == 0) {
      ++no_effect;
      CHECK(x.message.find("ANSIBLE_LOCAL_TEMP") != std::string::npos);
      CHECK(x.message.find("[ssh_connection] pipelining") != std::string::npos);
    }
  CHECK(no_effect == 1);
  CHECK(w.size() == 5);
}

TEST_CASE("a setting in ansible.cfg and in its variable: one warning, the variable's") {
  AnsibleConfig cfg = ParseAnsibleConfig("[defaults]\njinja2_native = True\n", "/p/ansible.cfg");
  ScopedEnv e("ANSIBLE_JINJA2_NATIVE", "True");
  std::vector<Error> w = AnsibleSettings(cfg).IgnoredSettingWarnings();
  REQUIRE(w.size() == 1);
  CHECK(Mentions(w, "ANSIBLE_JINJA2_NATIVE (setting jinja2_native) is ignored"));
}

TEST_CASE("honoured since: hash_behaviour, ansible_managed, display_*, retry files, become_flags") {
  AnsibleConfig cfg = ParseAnsibleConfig(
      "[defaults]\nhash_behaviour = merge\nansible_managed = by {uid}\n"
      "display_skipped_hosts = no\ndisplay_ok_hosts = no\ndisplay_failed_stderr = yes\n"
      "retry_files_enabled = yes\nretry_files_save_path = /tmp\n[privilege_escalation]\n"
      "become_flags = -H -S\n",
      "/p/ansible.cfg");
  CHECK(AnsibleSettings(cfg).IgnoredSettingWarnings().empty());
  CHECK(AnsibleSettings(cfg).Validate());
  AnsibleConfig bad = ParseAnsibleConfig("[defaults]\nhash_behaviour = deep\n", "/p/ansible.cfg");
  Status st = AnsibleSettings(bad).Validate();
  REQUIRE_FALSE(st);
  CHECK(st.error().code == ExitCode::kBadOptions);
  CHECK(st.error().message ==
        "Invalid value \"deep\" for configuration option \"setting: DEFAULT_HASH_BEHAVIOUR \", "
        "valid values are: replace, merge");
}

TEST_CASE("callbacks_enabled: profile_tasks and timer honoured, others named") {
  AnsibleConfig cfg = ParseAnsibleConfig(
      "[defaults]\ncallbacks_enabled = ansible.posix.profile_tasks, timer\n", "/p/ansible.cfg");
  CHECK(AnsibleSettings(cfg).IgnoredSettingWarnings().empty());
  ScopedEnv e("ANSIBLE_CALLBACKS_ENABLED", "timer,community.general.mail");
  std::vector<Error> w = AnsibleSettings(cfg).IgnoredSettingWarnings();
  REQUIRE(w.size() == 1);
  CHECK(Mentions(w, "community.general.mail"));
  CHECK(Mentions(w, "ANSIBLE_CALLBACKS_ENABLED"));
}

}  // namespace
}  // namespace drover::cli
