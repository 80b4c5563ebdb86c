// postgresql_ping (community.postgresql 2.4) through the host's psql: one
// round trip runs SELECT version(). Results: changed=false, is_available,
// server_version {major, minor, [patch,] full, raw}, conn_err_msg; a
// connection failure is a warning, not a failure, as the module has it.
#include <regex>

#include "modules/file_common.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

class PostgresqlPing : public Module {
 public:
  std::string_view Name() const override { return "postgresql_ping"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"db", ArgType::kStr, {}, false, {"login_db"}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const PgTarget target = PgTargetFor(args, ArgText(args, "db"), ctx);
    std::string sql;
    if (const std::string role = ArgText(args, "session_role"); !role.empty())
      sql += "SET ROLE " + PgIdent(role) + ";\n";
    sql += "SELECT version();\n";
    Map result{{"changed", false},
               {"is_available", false},
               {"server_version", Value(Map{})},
               {"conn_err_msg", ""}};
    auto r = RunPsql(ctx, target, sql);
    if (!r) return r.take_error();
    if (!r->ok && !r->connect_failed) return PgFailed(r->error);
    if (r->connect_failed) {
      // psycopg2's message is libpq's: psql's without its "psql: error: ".
      const std::string err =
          r->error.substr(std::string("unable to connect to database: ").size());
      result.set("conn_err_msg", Value(err + "\n"));
      result.set("warnings", Value(List{Value("PostgreSQL server is unavailable: " + err + "\n")}));
      return result;
    }
    std::string raw = r->out;
    while (!raw.empty() && raw.back() == '\n') raw.pop_back();
    if (raw.empty()) return result;
    result.set("is_available", true);
    std::string full = raw.substr(raw.find(' ') + 1);
    full = full.substr(0, full.find(' '));
    std::smatch m;
    Map version;
    if (std::regex_search(full, m, std::regex(R"(^(\d+)\.(\d+)(?:\.(\d+))?)"))) {
      version.set("major", Value(static_cast<int64_t>(std::stoll(m[1].str()))));
      version.set("minor", Value(static_cast<int64_t>(std::stoll(m[2].str()))));
      version.set("full", Value(full));
      version.set("raw", Value(raw));
      if (m[3].matched) version.set("patch", Value(static_cast<int64_t>(std::stoll(m[3].str()))));
    }
    result.set("server_version", Value(std::move(version)));
    return result;
  }
};

}  // namespace

const Module& PostgresqlPingModule() {
  static const PostgresqlPing m;
  return m;
}

}  // namespace drover::modules
