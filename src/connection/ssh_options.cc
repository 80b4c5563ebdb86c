#include "connection/ssh_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "connection/shell.h"

namespace drover::connection {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The first of `names` present in vars (Ansible's aliases, in its order).
const Value* FindVar(const Map& vars, std::initializer_list<const char*> names,
                     std::string* found_name = nullptr) {
  for (const char* n : names) {
    if (const Value* v = vars.find(n); v && !v->is_null()) {
      if (found_name) *found_name = n;
      return v;
    }
  }
  return nullptr;
}

std::string AsText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  return "";
}

Result<int> ParsePort(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const long port = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || port < 1 || port > 65535) {
    return MakeError(what + ": '" + text + "' is not a port number (1-65535)");
  }
  return static_cast<int>(port);
}

Result<int> ParseSeconds(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const long s = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || s < 0) {
    return MakeError(what + ": '" + text + "' is not a number of seconds");
  }
  return static_cast<int>(s);
}

bool IsYes(const std::string& v) {
  const std::string l = Lower(v);
  return l == "yes" || l == "true" || l == "on";
}

// Applies one ssh_config-style option; returns false when it is not mapped.
Result<bool> ApplyOption(const std::string& key, const std::string& value, SshTarget* t) {
  const std::string k = Lower(key);
  if (k == "userknownhostsfile") {
    // ssh allows several files; libssh takes one: the first.
    auto words = ShellSplit(value);
    if (!words) return words.take_error();
    if (!words->empty()) t->known_hosts_file = words->front();
  } else if (k == "globalknownhostsfile") {
    t->global_known_hosts_file = value;
  } else if (k == "stricthostkeychecking") {
    const std::string v = Lower(value);
    if (v == "accept-new") {
      t->host_key_policy = HostKeyPolicy::kAcceptNew;
    } else if (v == "no" || v == "off" || v == "false") {
      t->host_key_policy = HostKeyPolicy::kOff;
    } else if (v == "yes" || v == "ask" || v == "true") {
      t->host_key_policy = HostKeyPolicy::kStrict;
    } else {
      return MakeError("StrictHostKeyChecking: unknown value '" + value + "'");
    }
  } else if (k == "proxyjump") {
    t->proxy_jump = value;
  } else if (k == "proxycommand") {
    t->proxy_command = value;
  } else if (k == "identityfile") {
    t->identity_files.push_back(value);
  } else if (k == "port") {
    auto p = ParsePort(value, "-o Port");
    if (!p) return p.take_error();
    t->port = *p;
  } else if (k == "user") {
    t->user = value;
  } else if (k == "connecttimeout") {
    auto s = ParseSeconds(value, "-o ConnectTimeout");
    if (!s) return s.take_error();
    t->connect_timeout_s = *s;
  } else if (k == "serveraliveinterval") {
    auto s = ParseSeconds(value, "-o ServerAliveInterval");
    if (!s) return s.take_error();
    t->keepalive_interval_s = *s;
  } else if (k == "serveralivecountmax") {
    auto s = ParseSeconds(value, "-o ServerAliveCountMax");
    if (!s) return s.take_error();
    t->keepalive_count_max = *s;
  } else if (k == "compression") {
    t->compression = IsYes(value);
  } else if (k == "hostname") {
    t->address = value;
  } else {
    return false;
  }
  return true;
}

}  // namespace

Status ApplySshArgs(const std::string& args, SshTarget* target) {
  auto words = ShellSplit(args);
  if (!words) return words.take_error();
  const auto& w = *words;
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& a = w[i];
    // Flags that take a value, attached ("-oX=Y", "-p22") or separate.
    auto value_of = [&](const std::string& flag) -> std::optional<std::string> {
      if (a == flag) {
        if (i + 1 < w.size()) return w[++i];
        return std::nullopt;
      }
      if (a.rfind(flag, 0) == 0) return a.substr(flag.size());
      return std::nullopt;
    };
    if (auto o = value_of("-o")) {
      const size_t sep = o->find_first_of("= \t");
      if (sep == std::string::npos) {
        target->ignored_options.push_back("-o " + *o);
        continue;
      }
      const std::string key = o->substr(0, sep);
      const size_t value_start = o->find_first_not_of("= \t", sep);
      const std::string value = value_start == std::string::npos ? "" : o->substr(value_start);
      auto applied = ApplyOption(key, value, target);
      if (!applied) return applied.take_error();
      if (!*applied) target->ignored_options.push_back("-o " + *o);
    } else if (auto f = value_of("-F")) {
      target->config_file = *f;
    } else if (auto v = value_of("-i")) {
      target->identity_files.push_back(*v);
    } else if (auto p = value_of("-p")) {
      auto port = ParsePort(*p, "-p");
      if (!port) return port.take_error();
      target->port = *port;
    } else if (auto l = value_of("-l")) {
      target->user = *l;
    } else if (auto j = value_of("-J")) {
      target->proxy_jump = *j;
    } else if (a == "-C") {
      target->compression = true;
    } else {
      target->ignored_options.push_back(a);
    }
  }
  return {};
}

Result<SshTarget> ResolveSshTarget(const std::string& name, const Map& vars,
                                   const ConnectionDefaults& defaults) {
  SshTarget t;
  t.name = name;
  t.address = name;
  t.connect_timeout_s = defaults.timeout_s;
  t.host_key_policy = defaults.host_key_policy;
  t.user = defaults.remote_user;
  t.port = defaults.port;
  t.password = defaults.password;
  t.key_passphrases = defaults.key_passphrases;
  if (defaults.private_key) t.identity_files.push_back(*defaults.private_key);
  // Command-line ssh args first, so host variables override them.
  std::string var_name;
  const Value* common = FindVar(vars, {"ansible_ssh_common_args"});
  if (Status s = ApplySshArgs(common ? AsText(*common) : defaults.ssh_common_args, &t); !s) {
    return s.take_error();
  }
  const Value* extra = FindVar(vars, {"ansible_ssh_extra_args"});
  if (Status s = ApplySshArgs(extra ? AsText(*extra) : defaults.ssh_extra_args, &t); !s) {
    return s.take_error();
  }
  if (const Value* v = FindVar(vars, {"ansible_host", "ansible_ssh_host"})) {
    t.address = AsText(*v);
  }
  if (const Value* v = FindVar(vars, {"ansible_port", "ansible_ssh_port"}, &var_name)) {
    auto p = ParsePort(AsText(*v), var_name);
    if (!p) return p.take_error();
    t.port = *p;
  }
  if (const Value* v = FindVar(vars, {"ansible_user", "ansible_ssh_user"})) t.user = AsText(*v);
  if (const Value* v =
          FindVar(vars, {"ansible_ssh_private_key_file", "ansible_private_key_file"})) {
    t.identity_files.insert(t.identity_files.begin(), AsText(*v));
  }
  if (const Value* v =
          FindVar(vars, {"ansible_password", "ansible_ssh_pass", "ansible_ssh_password"})) {
    t.password = AsText(*v);
  }
  if (const Value* v = FindVar(vars, {"ansible_ssh_timeout", "ansible_timeout"}, &var_name)) {
    auto s = ParseSeconds(AsText(*v), var_name);
    if (!s) return s.take_error();
    t.connect_timeout_s = *s;
  }
  if (const Value* v =
          FindVar(vars, {"ansible_host_key_checking", "ansible_ssh_host_key_checking"})) {
    if (!v->truthy() || Lower(AsText(*v)) == "false" || Lower(AsText(*v)) == "no") {
      t.host_key_policy = HostKeyPolicy::kOff;
    }
  }
  return t;
}

Result<std::string> ConnectionKind(const Map& vars, const ConnectionDefaults& defaults) {
  std::string kind = defaults.connection;
  if (const Value* v = FindVar(vars, {"ansible_connection"})) kind = AsText(*v);
  if (kind == "ssh" || kind == "paramiko" || kind == "smart" || kind == "ansible.builtin.ssh" ||
      kind == "ansible.builtin.paramiko_ssh") {
    return std::string("ssh");
  }
  if (kind == "local" || kind == "ansible.builtin.local") return std::string("local");
  return MakeError("connection plugin '" + kind + "' is not supported (use ssh or local)");
}

std::optional<HostKeyPolicy> HostKeyPolicyFromEnvironment() {
  const char* v = std::getenv("ANSIBLE_HOST_KEY_CHECKING");
  if (!v) return std::nullopt;
  const std::string l = Lower(v);
  if (l == "false" || l == "no" || l == "0" || l == "off" || l == "n" || l == "f") {
    return HostKeyPolicy::kOff;
  }
  return std::nullopt;
}

}  // namespace drover::connection
