#include "connection/become.h"

#include <cstdio>
#include <random>
#include <set>

#include "connection/shell.h"
#include "core/secrets.h"

namespace drover::connection {

namespace {

std::string RandomKey() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

// Removes every occurrence of `needle` from `text`; returns how many.
int RemoveAll(std::string* text, const std::string& needle) {
  if (needle.empty()) return 0;
  int count = 0;
  for (size_t at = text->find(needle); at != std::string::npos; at = text->find(needle, at)) {
    text->erase(at, needle.size());
    ++count;
  }
  return count;
}

}  // namespace

std::optional<std::string> CanonicalBecomeMethod(const std::string& method) {
  std::string name = method;
  if (name.rfind("ansible.builtin.", 0) == 0) name = name.substr(16);
  if (name == "sudo" || name == "su") return name;
  return std::nullopt;
}

bool AnsibleHasBecomePlugin(std::string method) {
  static const std::set<std::string> kNames = {
      "runas", "su",     "sudo",  "doas", "dzdo",   "ksu",    "machinectl",
      "pbrun", "pfexec", "pmrun", "sesu", "enable", "sudosu", "podman_unshare"};
  for (const std::string prefix : {"ansible.builtin.", "ansible.legacy.", "community.general.",
                                   "ansible.netcommon.", "containers.podman."})
    if (method.starts_with(prefix)) method = method.substr(prefix.size());
  return kNames.contains(method);
}

Result<BecomePlan> WrapBecome(const std::string& command, const BecomeSpec& in) {
  BecomeSpec spec = in;
  if (auto method = CanonicalBecomeMethod(spec.method)) spec.method = *method;
  BecomePlan plan;
  std::string inner = command;
  if (spec.password) {
    RegisterSecret(*spec.password);
    const std::string marker = "drover-become-" + RandomKey();
    plan.stdin_prefix = *spec.password + "\n" + marker + "\n";
    inner = "while IFS= read -r drover_line; do [ \"$drover_line\" = " + marker +
            " ] && break; done; unset drover_line\n" + command;
  }
  if (spec.method == "sudo") {
    std::string flags = spec.flags.value_or("-H -S -n");
    if (spec.password) {
      // As Ansible: a password means sudo may prompt, so drop -n; -S reads it.
      auto words = ShellSplit(flags);
      if (!words) return words.take_error();
      flags.clear();
      bool has_s = false;
      for (const auto& w : *words) {
        if (w == "-n") continue;
        has_s = has_s || w == "-S";
        flags += (flags.empty() ? "" : " ") + ShellQuote(w);
      }
      if (!has_s) flags += " -S";
      plan.prompt = "[sudo via drover, key=" + RandomKey() + "] password:";
      flags += " -p " + ShellQuote(plan.prompt);
    }
    plan.command =
        "sudo " + flags + " -u " + ShellQuote(spec.user) + " /bin/sh -c " + ShellQuote(inner);
  } else if (spec.method == "su") {
    const std::string flags = spec.flags.value_or("");
    if (spec.password) plan.prompt = "Password: ";
    plan.command = "su " + (flags.empty() ? "" : flags + " ") + ShellQuote(spec.user) + " -c " +
                   ShellQuote(inner);
  } else if (!AnsibleHasBecomePlugin(spec.method)) {
    return MakeError("Invalid become method specified, could not find matching plugin: '" +
                     spec.method + "'. Use `ansible-doc -t become -l` to list available plugins.");
  } else {
    return MakeError("become method '" + spec.method +
                     "' is not supported by drover; use sudo or su (also as ansible.builtin.sudo, "
                     "ansible.builtin.su)");
  }
  return plan;
}

std::optional<std::string> CheckBecomeResult(const BecomePlan& plan, int exit_status,
                                             std::string* stderr_data) {
  const int prompts = RemoveAll(stderr_data, plan.prompt);
  if (exit_status == 0) return std::nullopt;
  const std::string& err = *stderr_data;
  if (prompts > 1 || err.find("incorrect password attempt") != std::string::npos ||
      err.find("Sorry, try again") != std::string::npos) {
    return "Incorrect sudo password";
  }
  if (err.find("su: Authentication failure") != std::string::npos) {
    return "Incorrect su password";
  }
  if (err.find("sudo: a password is required") != std::string::npos ||
      err.find("sudo: a terminal is required") != std::string::npos) {
    return "Missing sudo password";
  }
  if (err.find("must be run from a terminal") != std::string::npos) {
    return "su needs a terminal on this host: " + err;
  }
  return std::nullopt;
}

}  // namespace drover::connection
