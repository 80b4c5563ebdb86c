#include "modules/postgres.h"

#include "connection/shell.h"
#include "core/json.h"
#include "core/secrets.h"
#include "modules/file_common.h"

namespace drover::modules {

using connection::ShellQuote;

std::vector<ArgSpec> WithPgCommonArgs(std::vector<ArgSpec> spec) {
  const std::vector<ArgSpec> common = {
      // Defaults from PGUSER / PGPORT of the task's environment (PgTargetFor).
      {"login_user", ArgType::kStr, {}, false, {"login"}, {}},
      {"login_password", ArgType::kStr, Value(""), false, {}, {}},
      {"login_host", ArgType::kStr, Value(""), false, {"host"}, {}},
      {"login_unix_socket", ArgType::kStr, Value(""), false, {"unix_socket"}, {}},
      {"port", ArgType::kInt, {}, false, {"login_port"}, {}},
      {"ssl_mode",
       ArgType::kStr,
       Value("prefer"),
       false,
       {},
       {"allow", "disable", "prefer", "require", "verify-ca", "verify-full"}},
      {"ca_cert", ArgType::kStr, {}, false, {"ssl_rootcert"}, {}},
      {"ssl_cert", ArgType::kPath, {}, false, {}, {}},
      {"ssl_key", ArgType::kPath, {}, false, {}, {}},
      {"connect_params", ArgType::kDict, Value(Map{}), false, {}, {}},
  };
  spec.insert(spec.end(), common.begin(), common.end());
  return spec;
}

namespace {

// libpq conninfo value: single-quoted, \ and ' backslash-escaped.
std::string ConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string EnvOr(const RunContext* ctx, const char* name, const std::string& fallback) {
  if (ctx)
    for (const auto& [k, v] : ctx->environment)
      if (k == name && !v.empty()) return v;
  return fallback;
}

// psql's messages start "psql: error: " (connection) or "psql:<stdin>:N: ".
std::string StripPsqlPrefix(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.rfind("psql: error: ", 0) == 0) return text.substr(13);
  if (text.rfind("psql:<stdin>:", 0) == 0) {
    size_t colon = text.find(": ", 13);
    if (colon != std::string::npos) return text.substr(colon + 2);
  }
  return text;
}

// The first stdin line: the login password (a password with a newline
// cannot be sent this way, and libpq could not use it either).
std::string PasswordLine(const PgTarget& target) {
  return target.password + "\n";
}

const char* kReadPassword =
    "IFS= read -r __pw\n"
    "if [ -n \"$__pw\" ]; then PGPASSWORD=$__pw; export PGPASSWORD; fi; unset __pw\n";

}  // namespace

PgTarget PgTargetFor(const Map& args, const std::string& dbname, const RunContext& ctx) {
  PgTarget t;
  t.user = ArgText(args, "login_user");
  if (t.user.empty()) t.user = EnvOr(&ctx, "PGUSER", "postgres");
  t.port = ArgText(args, "port");
  if (t.port.empty()) t.port = EnvOr(&ctx, "PGPORT", "5432");
  t.password = ArgText(args, "login_password");
  t.host = ArgText(args, "login_host");
  const std::string socket = ArgText(args, "login_unix_socket");
  if ((t.host.empty() || t.host == "localhost") && !socket.empty()) t.host = socket;
  t.dbname = dbname;
  std::vector<std::pair<std::string, std::string>> kw = {{"host", t.host},
                                                         {"user", t.user},
                                                         {"port", t.port},
                                                         {"dbname", t.dbname},
                                                         {"sslmode", ArgText(args, "ssl_mode")},
                                                         {"sslrootcert", ArgText(args, "ca_cert")},
                                                         {"sslcert", ArgText(args, "ssl_cert")},
                                                         {"sslkey", ArgText(args, "ssl_key")}};
  if (const Value* cp = args.find("connect_params"); cp && cp->is_map())
    for (const auto& [k, v] : cp->as_map()) {
      std::string text = v.is_string() ? v.as_string()
                         : v.is_int()  ? std::to_string(v.as_int())
                                       : "";
      bool replaced = false;
      for (auto& [name, value] : kw)
        if (name == k) value = text, replaced = true;
      if (!replaced) kw.emplace_back(k, text);
    }
  for (const auto& [k, v] : kw)
    if (!v.empty()) t.conninfo += (t.conninfo.empty() ? "" : " ") + k + "=" + ConninfoValue(v);
  if (!t.password.empty()) RegisterSecret(t.password);
  return t;
}

Result<PsqlOutput> RunPsql(RunContext& ctx, const PgTarget& target, const std::string& sql,
                           const std::vector<std::string>& flags) {
  std::string cmd = "psql -X -q -A -t -v ON_ERROR_STOP=1";
  for (const std::string& f : flags) cmd += " " + ShellQuote(f);
  cmd += " -d " + ShellQuote(target.conninfo);
  const std::string script = std::string(kReadPassword) +
                             "command -v psql >/dev/null 2>&1 || { echo DROVER_NO_PSQL; exit 0; }\n"
                             // psql warns when it cannot read the (become) cwd.
                             "cd / && exec " +
                             cmd + "\n";
  Result<connection::ExecResult> r = ctx.Exec(script, PasswordLine(target) + sql);
  if (!r) return r.take_error();
  PsqlOutput o;
  o.out = Redact(r->stdout_data);
  o.err = Redact(r->stderr_data);
  if (o.out == "DROVER_NO_PSQL\n") {
    o.error = "psql was not found on the host (install postgresql-client)";
    return o;
  }
  o.ok = r->exit_status == 0;
  if (r->exit_status == 2 || (r->exit_status == 1 && o.err.rfind("psql: error: ", 0) == 0)) {
    o.connect_failed = true;
    o.error = "unable to connect to database: " + StripPsqlPrefix(o.err);
  } else if (!o.ok) {
    o.error = StripPsqlPrefix(o.err);
    if (o.error.empty()) o.error = "psql exited with status " + std::to_string(r->exit_status);
  }
  return o;
}

Result<Map> ParseJsonLines(const std::string& out) {
  Map merged;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(start, nl - start);
    start = nl + 1;
    if (line.empty()) continue;
    Result<Value> v = ParseJson(line, "psql output");
    if (!v) return v.take_error();
    if (!v->is_map()) return MakeError("psql output: not a JSON object: " + line);
    for (const auto& [k, val] : v->as_map()) merged.set(k, val);
  }
  return merged;
}

Result<connection::ExecResult> RunWithPgPassword(RunContext& ctx, const PgTarget& target,
                                                 const std::string& script) {
  Result<connection::ExecResult> r =
      ctx.Exec(std::string(kReadPassword) + script, PasswordLine(target));
  if (!r) return r;
  r->stdout_data = Redact(r->stdout_data);
  r->stderr_data = Redact(r->stderr_data);
  return r;
}

std::string PgLiteral(const std::string& text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string PgIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string PgQuoteDotted(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    out += PgIdent(name.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

std::string PsycopgQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

Map PgFailed(const std::string& msg, Map extra) {
  extra.set("failed", true);
  if (!extra.contains("changed")) extra.set("changed", false);
  extra.set("msg", Value(msg));
  return extra;
}

}  // namespace drover::modules
