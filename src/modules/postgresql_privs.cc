// postgresql_privs (community.postgresql 2.4) through the host's psql for
// the common object types: table, sequence, function, procedure (objs a
// list or ALL_IN_SCHEMA), database, schema and default_privs. As the
// module does, it reads the objects' ACLs, runs the GRANT / REVOKE it
// builds (QueryBuilder's text), reads the ACLs again and reports changed
// when they differ; the transaction is rolled back in check mode (so
// check mode changes nothing, exactly as the module's check). Two round
// trips: the roles, schema and ALL_IN_SCHEMA objects first, then the
// statement between the two ACL reads. Results: changed, queries.
//
// Partial: types group, language, tablespace, foreign_data_wrapper,
// foreign_server and type fail with a clear message; trust_input=false is
// accepted but the input is not checked. Privileges and default_privs
// objects are joined in the order written (the module joins a Python
// frozenset, whose order varies from run to run).
#include <algorithm>
#include <set>

#include "core/secrets.h"
#include "modules/file_common.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Python's repr of a frozenset of strings (for the module's messages).
std::string FrozensetRepr(const std::vector<std::string>& items) {
  std::string out = "frozenset({";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out + "})";
}

const std::set<std::string> kValidPrivs = {
    "SELECT", "INSERT",  "UPDATE",    "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
    "CREATE", "CONNECT", "TEMPORARY", "TEMP",   "EXECUTE",  "USAGE",      "ALL"};
const std::vector<std::pair<std::string, std::set<std::string>>> kDefaultObjs = {
    {"TABLES",
     {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}},
    {"SEQUENCES", {"ALL", "SELECT", "UPDATE", "USAGE"}},
    {"FUNCTIONS", {"ALL", "EXECUTE"}},
    {"TYPES", {"ALL", "USAGE"}},
    {"SCHEMAS", {"CREATE", "USAGE"}}};

class PostgresqlPrivs : public Module {
 public:
  std::string_view Name() const override { return "postgresql_privs"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"database", ArgType::kStr, {}, true, {"db", "login_db"}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"present", "absent"}},
        {"privs", ArgType::kStr, {}, false, {"priv"}, {}},
        {"type",
         ArgType::kStr,
         Value("table"),
         false,
         {},
         {"table", "sequence", "function", "procedure", "database", "schema", "language",
          "tablespace", "group", "default_privs", "foreign_data_wrapper", "foreign_server",
          "type"}},
        {"objs", ArgType::kStr, {}, false, {"obj"}, {}},
        {"schema", ArgType::kStr, {}, false, {}, {}},
        {"roles", ArgType::kStr, {}, true, {"role"}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"target_roles", ArgType::kStr, {}, false, {}, {}},
        {"grant_option", ArgType::kBool, {}, false, {"admin_option"}, {}},
        {"password", ArgType::kStr, Value(""), false, {}, {}},
        {"fail_on_role", ArgType::kBool, Value(true), false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
        {"usage_on_types", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override;
};

// The SQL text of the ACL list the module compares before and after.
std::string AclQuery(const std::string& type, const std::string& schema,
                     const std::vector<std::string>& objs) {
  std::string arr = "ARRAY[";
  for (size_t i = 0; i < objs.size(); ++i) arr += (i ? ", " : "") + PgLiteral(objs[i]);
  arr += "]::text[]";
  const std::string s = PgLiteral(schema);
  if (type == "table" || type == "sequence")
    return "SELECT c.relacl::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
           "n.oid = c.relnamespace WHERE nspname = " +
           s + " AND relkind " + (type == "table" ? "IN ('r','p','v','m')" : "= 'S'") +
           " AND relname = ANY (" + arr + ")";
  if (type == "function" || type == "procedure") {
    std::vector<std::string> names;
    for (const std::string& f : objs) names.push_back(f.substr(0, f.find('(')));
    std::string narr = "ARRAY[";
    for (size_t i = 0; i < names.size(); ++i) narr += (i ? ", " : "") + PgLiteral(names[i]);
    narr += "]::text[]";
    return "SELECT p.proacl::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON "
           "n.oid = p.pronamespace WHERE nspname = " +
           s + " AND proname = ANY (" + narr + ")";
  }
  if (type == "schema")
    return "SELECT nspacl::text FROM pg_catalog.pg_namespace WHERE nspname = ANY (" + arr + ")";
  if (type == "database")
    return "SELECT datacl::text FROM pg_catalog.pg_database WHERE datname = ANY (" + arr + ")";
  // default_privs
  return "SELECT a.defaclacl::text FROM pg_default_acl a JOIN pg_namespace b ON "
         "a.defaclnamespace = b.oid WHERE b.nspname = " +
         s;
}

// The objects ALL_IN_SCHEMA stands for (the module lists them, then
// grants with ALL ... IN SCHEMA).
std::string AllInSchemaQuery(const std::string& type, const std::string& schema) {
  const std::string s = PgLiteral(schema);
  if (type == "table" || type == "sequence")
    return "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid "
           "= c.relnamespace WHERE nspname = " +
           s + " AND relkind " + (type == "table" ? "IN ('r','v','m','p')" : "= 'S'");
  return "SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')' FROM "
         "pg_catalog.pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = " +
         s + " AND p.prokind = " + (type == "function" ? "'f'" : "'p'");
}

Result<Map> PostgresqlPrivs::Run(const Map& args, RunContext& ctx) const {
  const std::string database = ArgText(args, "database");
  const std::string state = ArgText(args, "state");
  const std::string type = ArgText(args, "type");
  const std::optional<std::string> privs_arg = OptionalArgText(args, "privs");
  std::optional<std::string> objs_arg = OptionalArgText(args, "objs");
  std::optional<std::string> schema = OptionalArgText(args, "schema");
  const std::string roles_arg = ArgText(args, "roles");
  const std::string session_role = ArgText(args, "session_role");
  const std::optional<std::string> target_roles = OptionalArgText(args, "target_roles");
  const Value* go = args.find("grant_option");
  const std::optional<bool> grant_option =
      go && go->is_bool() ? std::optional(go->as_bool()) : std::nullopt;
  const bool fail_on_role = args.find("fail_on_role")->as_bool();
  const bool usage_on_types = args.find("usage_on_types")->as_bool();

  Map conn_args = args;
  if (const std::string pw = ArgText(args, "password"); !pw.empty()) {
    if (!ArgText(args, "login_password").empty())
      return PgFailed(
          "Use the \"password\" or \"login_password\" option but not both to pass a password to "
          "log in with.");
    conn_args.set("login_password", Value(pw));
  }

  static const std::set<std::string> kSchemaTypes = {"table",     "sequence", "function",
                                                     "procedure", "type",     "default_privs"};
  if (kSchemaTypes.count(type)) {
    if (objs_arg == std::string("schemas") || schema == std::string("not-specified"))
      return PgFailed(
          "postgresql_privs: objects without a schema (objs: schemas, schema: "
          "not-specified) are not implemented by drover yet");
    if (!schema || schema->empty()) schema = "public";
  } else if (schema && !schema->empty()) {
    return PgFailed("Argument \"schema\" is not allowed for type \"" + type + "\".");
  }
  if (objs_arg == std::string("ALL_IN_SCHEMA") && type != "table" && type != "sequence" &&
      type != "function" && type != "procedure")
    return PgFailed(
        "Argument \"objs\": ALL_IN_SCHEMA can be used only for type: table, sequence, function "
        "or procedure, " +
        type + " was passed.");
  if (type == "database") {
    if (!objs_arg || objs_arg->empty()) objs_arg = database;
  } else if (!objs_arg || objs_arg->empty()) {
    return PgFailed("Argument \"objs\" is required for type \"" + type + "\".");
  }
  if (type == "group") {
    if (privs_arg && !privs_arg->empty())
      return PgFailed("Argument \"privs\" is not allowed for type \"group\".");
  } else if (!privs_arg || privs_arg->empty()) {
    return PgFailed("Argument \"privs\" is required for type \"" + type + "\".");
  }
  const std::string sch = schema.value_or("");
  static const std::set<std::string> kImplemented = {
      "table", "sequence", "function", "procedure", "database", "schema", "default_privs"};
  if (!kImplemented.count(type))
    return PgFailed("postgresql_privs: type \"" + type + "\" is not implemented by drover yet");

  std::vector<std::string> privs, invalid;
  for (const std::string& p : SplitComma(*privs_arg)) {
    std::string u = Upper(p);
    if (std::find(privs.begin(), privs.end(), u) != privs.end()) continue;
    privs.push_back(u);
    if (!kValidPrivs.count(u)) invalid.push_back(u);
  }
  if (!invalid.empty()) return PgFailed("Invalid privileges specified: " + FrozensetRepr(invalid));

  std::vector<std::string> objs;
  if (type == "default_privs") {
    if (*objs_arg == "ALL_DEFAULT") {
      objs = {"TABLES", "SEQUENCES", "FUNCTIONS", "TYPES"};
    } else {
      std::vector<std::string> bad;
      for (const std::string& o : SplitComma(*objs_arg)) {
        std::string u = Upper(o);
        if (std::find(objs.begin(), objs.end(), u) != objs.end()) continue;
        objs.push_back(u);
        if (std::none_of(kDefaultObjs.begin(), kDefaultObjs.end(),
                         [&](const auto& d) { return d.first == u; }))
          bad.push_back(u);
      }
      if (!bad.empty()) return PgFailed("Invalid Object set specified: " + FrozensetRepr(bad));
    }
    for (const std::string& o : objs) {
      const auto& valid =
          std::find_if(kDefaultObjs.begin(), kDefaultObjs.end(), [&](const auto& d) {
            return d.first == o;
          })->second;
      for (const std::string& p : privs)
        if (!valid.count(p))
          return PgFailed("Invalid priv specified for default privileges on " + o + ": " + p);
    }
  } else if (*objs_arg != "ALL_IN_SCHEMA") {
    objs = SplitComma(*objs_arg);
    if (type == "function" || type == "procedure")
      for (std::string& o : objs) std::replace(o.begin(), o.end(), ':', ',');
  }

  const bool public_role = Upper(roles_arg) == "PUBLIC";
  std::vector<std::string> roles = public_role ? std::vector<std::string>{} : SplitComma(roles_arg);
  List warnings;
  if (target_roles && type != "default_privs")
    warnings.push_back(
        Value("\"target_roles\" will be ignored Argument \"type: default_privs\" is required for "
              "usage of \"target_roles\"."));

  // Round trip 1: which roles exist, the schema, the ALL_IN_SCHEMA objects.
  const PgTarget target = PgTargetFor(conn_args, database, ctx);
  std::string pre;
  if (!session_role.empty()) pre = "SET ROLE " + PgIdent(session_role) + ";\n";
  std::string sql = pre;
  std::string role_list;
  for (const std::string& r : roles) role_list += (role_list.empty() ? "" : ", ") + PgLiteral(r);
  if (!roles.empty())
    sql +=
        "SELECT json_build_object('roles', ARRAY(SELECT rolname FROM pg_roles WHERE rolname IN "
        "(" +
        role_list + ")));\n";
  if (*objs_arg == "ALL_IN_SCHEMA")
    sql +=
        "SELECT json_build_object('schema_exists', EXISTS(SELECT 1 FROM pg_namespace WHERE "
        "nspname = " +
        PgLiteral(sch) + "), 'all', ARRAY(" + AllInSchemaQuery(type, sch) + "));\n";
  Map st;
  if (sql != pre) {
    auto q = RunPsql(ctx, target, sql);
    if (!q) return q.take_error();
    if (!q->ok)
      return PgFailed(q->connect_failed ? "Could not connect to database: " +
                                              q->error.substr(31)  // "unable to connect..."
                                        : q->error);
    Result<Map> parsed = ParseJsonLines(q->out);
    if (!parsed) return PgFailed(parsed.error().message);
    st = *parsed;
  }
  Map result{{"changed", false}, {"queries", List{}}};
  if (!warnings.empty()) result.set("warnings", Value(warnings));

  std::set<std::string> existing;
  if (const Value* e = st.find("roles"); e && e->is_list())
    for (const Value& r : e->as_list()) existing.insert(r.as_string());
  std::string orig_objs;
  if (*objs_arg == "ALL_IN_SCHEMA") {
    if (const Value* ex = st.find("schema_exists"); !ex || !ex->as_bool())
      return PgFailed("Schema \"" + sch + "\" does not exist.");
    if (const Value* all = st.find("all"); all && all->is_list())
      for (const Value& o : all->as_list()) objs.push_back(o.as_string());
    orig_objs = type == "table"      ? "ALL TABLES IN SCHEMA"
                : type == "sequence" ? "ALL SEQUENCES IN SCHEMA"
                : type == "function" ? "ALL FUNCTIONS IN SCHEMA"
                                     : "ALL PROCEDURES IN SCHEMA";
  }
  if (roles.size() == 1 && !existing.count(roles[0])) {
    if (fail_on_role) return PgFailed("Role '" + roles[0] + "' does not exist");
    warnings.push_back(Value("Role '" + roles[0] + "' does not exist, nothing to do"));
    result.set("warnings", Value(warnings));
    return result;
  }
  if (objs.empty()) return result;

  // manipulate_privs: the statement as QueryBuilder builds it.
  std::string for_whom = "PUBLIC";
  if (!public_role) {
    std::vector<std::string> whom;
    for (const std::string& r : roles) {
      if (existing.count(r)) {
        whom.push_back("\"" + r + "\"");
      } else if (fail_on_role) {
        return PgFailed("Role '" + r + "' does not exist");
      } else {
        warnings.push_back(Value("Role '" + r + "' does not exist, pass it"));
      }
    }
    if (!warnings.empty()) result.set("warnings", Value(warnings));
    if (whom.empty()) return result;
    for_whom = Join(whom, ",");
  }
  std::string qschema = "\"";
  for (char c : sch) qschema += c == '"' ? std::string("\"\"") : std::string(1, c);
  qschema += "\"";
  const bool schema_type = kSchemaTypes.count(type) > 0;
  std::vector<std::string> obj_ids;
  for (const std::string& o : objs) {
    if (type == "function" || type == "procedure") {
      size_t paren = o.find('(');
      if (paren == std::string::npos)
        return PgFailed("Illegal function / procedure signature: \"" + o + "\".");
      obj_ids.push_back(qschema + ".\"" + o.substr(0, paren) + "\"(" + o.substr(paren + 1));
    } else if (type == "table" || type == "sequence") {
      obj_ids.push_back(qschema + ".\"" + o + "\"");
    } else {
      obj_ids.push_back("\"" + o + "\"");
    }
  }
  std::string set_what;
  if (type == "default_privs")
    set_what = Join(privs, ",");
  else if (!orig_objs.empty())
    set_what = Join(privs, ",") + " ON " + orig_objs + " " + qschema;
  else
    set_what = Join(privs, ",") + " ON " + type + " " + Join(obj_ids, ",");
  const std::string in_schema = schema_type ? " IN SCHEMA " + qschema : "";
  std::string as_who;
  if (target_roles && !target_roles->empty()) {
    std::vector<std::string> t;
    for (const std::string& r : SplitComma(*target_roles)) t.push_back("\"" + r + "\"");
    as_who = Join(t, ",");
  }
  const std::string alter =
      "ALTER DEFAULT PRIVILEGES" + (as_who.empty() ? "" : " FOR ROLE " + as_who) + in_schema;
  std::vector<std::string> lines;
  auto add_grant_option = [&]() {
    if (grant_option && *grant_option) {
      lines.back() += " WITH GRANT OPTION;";
    } else if (grant_option) {
      lines.back() += ";";
      if (type != "default_privs")
        lines.push_back("REVOKE GRANT OPTION FOR " + set_what + " FROM " + for_whom + ";");
    } else {
      lines.back() += ";";
    }
  };
  if (state == "present") {
    if (type == "default_privs") {
      for (const std::string& o : objs)
        lines.push_back(alter + " REVOKE ALL ON " + o + " FROM " + for_whom + ";");
      for (const std::string& o : objs) {
        lines.push_back(alter + " GRANT " + set_what + " ON " + o + " TO " + for_whom);
        add_grant_option();
      }
      if (usage_on_types) lines.push_back(alter + " GRANT USAGE ON TYPES TO " + for_whom);
      add_grant_option();
    } else {
      lines.push_back("GRANT " + set_what + " TO " + for_whom);
      add_grant_option();
    }
  } else if (type == "default_privs") {
    for (const char* o : {"TABLES", "SEQUENCES", "TYPES"})
      lines.push_back(alter + " REVOKE ALL ON " + o + " FROM " + for_whom + ";");
  } else {
    lines.push_back("REVOKE " + set_what + " FROM " + for_whom + ";");
  }
  const std::string query = Join(lines, "\n");

  // Round trip 2: ACLs before, the statement, ACLs after; committed only
  // outside check mode.
  const std::string acl = AclQuery(type, sch, objs);
  std::string run = "BEGIN;\n" + pre + "SELECT json_build_object('before', ARRAY(" + acl + "));\n" +
                    query + "\nSELECT json_build_object('after', ARRAY(" + acl + "));\n" +
                    (ctx.check_mode ? "ROLLBACK;\n" : "COMMIT;\n");
  auto r = RunPsql(ctx, target, run);
  if (!r) return r.take_error();
  if (!r->ok) return PgFailed(r->error);
  Result<Map> acls = ParseJsonLines(r->out);
  if (!acls) return PgFailed(acls.error().message);
  auto sorted = [](const Value* v) {
    std::vector<std::string> out;
    if (v && v->is_list())
      for (const Value& x : v->as_list()) out.push_back(x.is_string() ? x.as_string() : "");
    std::sort(out.begin(), out.end());
    return out;
  };
  const bool changed = public_role || sorted(acls->find("before")) != sorted(acls->find("after"));
  result.set("changed", changed);
  result.set("queries", Value(List{Value(query)}));
  return result;
}

}  // namespace

const Module& PostgresqlPrivsModule() {
  static const PostgresqlPrivs m;
  return m;
}

}  // namespace drover::modules
