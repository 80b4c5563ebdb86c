// What the community.postgresql modules share, without psycopg2 on the
// host: the common connection arguments (postgres_common_argument_spec),
// running SQL through the host's `psql` as the task's (become) user, and
// SQL quoting as psycopg2 renders values.
//
// Secrets: the login password travels as the first line of psql's stdin
// and is exported as PGPASSWORD inside the script (never on a command
// line); SQL (which may carry a role's password) is the rest of stdin.
// Both are registered with Redact(), so psql's echo of a failing statement
// cannot print them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "modules/module.h"

namespace drover::modules {

// `spec` plus login_user, login_password, login_host, login_unix_socket,
// port, ssl_mode, ca_cert, ssl_cert, ssl_key, connect_params.
std::vector<ArgSpec> WithPgCommonArgs(std::vector<ArgSpec> spec);

// How to reach the server, as get_conn_params decides it.
struct PgTarget {
  std::string conninfo;  // libpq keyword=value text (no password)
  std::string password;  // login_password, may be empty
  std::string host, port, user, dbname;
};
// `dbname` empty: libpq's default (the user's name), as psycopg2 does.
// login_user and port default to PGUSER / PGPORT of the task's
// environment, else postgres / 5432, as the module's argument spec does.
PgTarget PgTargetFor(const Map& args, const std::string& dbname, const RunContext& ctx);

// What psql printed. `ok` is false when psql is missing, could not connect
// or a statement failed; `error` then holds Ansible's wording where one
// applies ("unable to connect to database: ...").
struct PsqlOutput {
  bool ok = false;
  bool connect_failed = false;
  std::string error;
  std::string out;  // psql's stdout (-A -t: unaligned, tuples only)
  std::string err;
};

// Runs `sql` with psql -X -q -A -t -v ON_ERROR_STOP=1 on the host (one
// round trip). `flags` are extra psql options. An Error only when the host
// itself could not be used.
Result<PsqlOutput> RunPsql(RunContext& ctx, const PgTarget& target, const std::string& sql,
                           const std::vector<std::string>& flags = {});

// Each non-empty output line parsed as a JSON object and merged into one
// map (state queries select json_build_object(...) rows).
Result<Map> ParseJsonLines(const std::string& out);

// Runs `script` (sh text) on the host with PGPASSWORD exported from the
// first stdin line, for pg_dump / pg_restore / psql command lines.
Result<connection::ExecResult> RunWithPgPassword(RunContext& ctx, const PgTarget& target,
                                                 const std::string& script);

// SQL text for a value: E'...' string literals (independent of
// standard_conforming_strings) and "..." identifiers.
std::string PgLiteral(const std::string& text);
std::string PgIdent(const std::string& name);
// Ansible's pg_quote_identifier: each dot-separated part double-quoted.
std::string PgQuoteDotted(const std::string& name);
// psycopg2's rendering of a string in mogrify: '...' with ' doubled.
std::string PsycopgQuote(const std::string& text);

// The module's failure result with `extra` keys kept.
Map PgFailed(const std::string& msg, Map extra = {});

}  // namespace drover::modules
