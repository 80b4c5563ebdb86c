// postgresql_ext (community.postgresql 2.4) through the host's psql: one
// round trip reads the installed version (pg_extension), the available
// versions and, for a version change, whether an update path exists; the
// controller decides as the module does; a second runs CREATE / ALTER /
// DROP EXTENSION. Results: changed, db, ext, queries. Check mode only
// queries.
//
// Partial: trust_input=false is accepted but the input is not checked.
#include <set>

#include "modules/file_common.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

class PostgresqlExt : public Module {
 public:
  std::string_view Name() const override { return "postgresql_ext"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"db", ArgType::kStr, {}, true, {"login_db"}, {}},
        {"ext", ArgType::kStr, {}, true, {"name"}, {}},
        {"schema", ArgType::kStr, {}, false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"cascade", ArgType::kBool, Value(false), false, {}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"version", ArgType::kStr, {}, false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string db = ArgText(args, "db");
    const std::string ext = ArgText(args, "ext");
    const std::string schema = ArgText(args, "schema");
    const std::string state = ArgText(args, "state");
    const bool cascade = args.find("cascade")->as_bool();
    const std::optional<std::string> version = OptionalArgText(args, "version");
    std::string pre;
    if (const std::string role = ArgText(args, "session_role"); !role.empty())
      pre = "SET ROLE " + PgIdent(role) + ";\n";
    List warnings;
    if (version && state == "absent")
      warnings.push_back(Value("Parameter version is ignored when state=absent"));

    const PgTarget target = PgTargetFor(args, db, ctx);
    const std::string e = PgLiteral(ext);
    std::string sql = pre +
                      "SELECT json_build_object('current', (SELECT extversion FROM pg_extension "
                      "WHERE extname = " +
                      e +
                      "), 'available', ARRAY(SELECT version FROM "
                      "pg_available_extension_versions WHERE name = " +
                      e + "));\n";
    // The update path is only asked for when the extension is installed.
    if (version && *version != "latest")
      sql += "SELECT json_build_object('path', (SELECT path FROM pg_extension_update_paths(" + e +
             ") WHERE source = (SELECT extversion FROM pg_extension WHERE extname = " + e +
             ") AND target = " + PgLiteral(*version) + "));\n";
    auto q = RunPsql(ctx, target, sql);
    if (!q) return q.take_error();
    if (!q->ok)
      return PgFailed(q->connect_failed ? q->error
                                        : "Management of PostgreSQL extension failed: " + q->error);
    Result<Map> st_r = ParseJsonLines(q->out);
    if (!st_r) return PgFailed(st_r.error().message);
    const Value* cur_v = st_r->find("current");
    const std::string current = cur_v && cur_v->is_string() ? cur_v->as_string() : "";
    std::set<std::string> available;
    if (const Value* a = st_r->find("available"); a && a->is_list())
      for (const Value& v : a->as_list())
        if (v.is_string()) available.insert(v.as_string());
    const Value* path = st_r->find("path");
    const bool valid_path = !version || *version == "latest" || (path && !path->is_null());

    std::string query, exec;  // as listed (mogrified) and as run
    if (state == "present") {
      if (version && !current.empty()) {
        if (current != *version) {
          if (!valid_path)
            return PgFailed("Passed version '" + *version +
                            "' has no valid update path from the currently installed version '" +
                            current + "' or the passed version is not available");
          query = "ALTER EXTENSION \"" + ext + "\" UPDATE";
          if (*version != "latest") query += " TO " + PsycopgQuote(*version);
        }
      } else if (version) {
        if (*version != "latest" && !available.count(*version))
          return PgFailed("Passed version '" + *version + "' is not available");
        query = CreateQuery(ext, schema, cascade, *version);
      } else if (current.empty()) {
        if (available.empty()) return PgFailed("Extension " + ext + " is not available");
        query = CreateQuery(ext, schema, cascade, "latest");
      }
    } else if (!current.empty()) {
      query = "DROP EXTENSION \"" + ext + "\"";
      if (cascade) query += " CASCADE";
    }
    Map result{
        {"changed", !query.empty()}, {"db", Value(db)}, {"ext", Value(ext)}, {"queries", List{}}};
    if (!warnings.empty()) result.set("warnings", Value(std::move(warnings)));
    if (query.empty() || ctx.check_mode) return result;
    auto r = RunPsql(ctx, target, pre + query + ";\n");
    if (!r) return r.take_error();
    if (!r->ok) return PgFailed("Management of PostgreSQL extension failed: " + r->error);
    result.set("queries", Value(List{Value(query)}));
    return result;
  }

 private:
  static std::string CreateQuery(const std::string& ext, const std::string& schema, bool cascade,
                                 const std::string& version) {
    std::string q = "CREATE EXTENSION \"" + ext + "\"";
    if (!schema.empty()) q += " WITH SCHEMA \"" + schema + "\"";
    if (version != "latest") q += " VERSION " + PsycopgQuote(version);
    if (cascade) q += " CASCADE";
    return q;
  }
};

}  // namespace

const Module& PostgresqlExtModule() {
  static const PostgresqlExt m;
  return m;
}

}  // namespace drover::modules
