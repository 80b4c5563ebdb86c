// postgresql_db (community.postgresql 2.4) through the host's psql, no
// psycopg2: one round trip reads the database (owner, encoding, collation,
// connection limit, tablespace) from maintenance_db; the controller
// decides as the module does; a second runs CREATE / ALTER / DROP
// (autocommit, as the module connects). state=dump and restore run
// pg_dump / psql / pg_restore on the host with the module's command line
// (compression by the target's extension) and the login password in
// PGPASSWORD read from stdin. Results: db, changed, executed_commands;
// dump/restore add msg, stderr, rc, cmd. Check mode only queries.
//
// Partial: trust_input=false is accepted but the input is not checked.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Ext(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) ||
      dot == (slash == std::string::npos ? 0 : slash + 1))
    return "";
  return path.substr(dot);
}

class PostgresqlDb : public Module {
 public:
  std::string_view Name() const override { return "postgresql_db"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"db", ArgType::kStr, {}, true, {"name"}, {}},
        {"owner", ArgType::kStr, Value(""), false, {}, {}},
        {"template", ArgType::kStr, Value(""), false, {}, {}},
        {"encoding", ArgType::kStr, Value(""), false, {}, {}},
        {"lc_collate", ArgType::kStr, Value(""), false, {}, {}},
        {"lc_ctype", ArgType::kStr, Value(""), false, {}, {}},
        {"state",
         ArgType::kStr,
         Value("present"),
         false,
         {},
         {"absent", "dump", "present", "rename", "restore"}},
        {"target", ArgType::kPath, Value(""), false, {}, {}},
        {"target_opts", ArgType::kStr, Value(""), false, {}, {}},
        {"maintenance_db", ArgType::kStr, Value("postgres"), false, {}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"conn_limit", ArgType::kStr, Value(""), false, {}, {}},
        {"tablespace", ArgType::kPath, Value(""), false, {}, {}},
        {"dump_extra_args", ArgType::kStr, {}, false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override;

 private:
  Result<Map> DumpOrRestore(const Map& args, RunContext& ctx, const PgTarget& target) const;
};

// login_flags: " db" (dump) or " --dbname=db", then host, port, user.
std::string LoginFlags(const std::string& db, const PgTarget& t, bool db_prefix) {
  std::string f;
  if (!db.empty()) f += db_prefix ? " --dbname=" + ShellQuote(db) : " " + ShellQuote(db);
  if (!t.host.empty()) f += " --host=" + t.host;
  if (!t.port.empty()) f += " --port=" + t.port;
  if (!t.user.empty()) f += " --username=" + t.user;
  return f;
}

Result<Map> PostgresqlDb::DumpOrRestore(const Map& args, RunContext& ctx,
                                        const PgTarget& target) const {
  const std::string db = ArgText(args, "db");
  const std::string state = ArgText(args, "state");
  const std::string target_opts = ArgText(args, "target_opts");
  std::string path = ArgText(args, "target");
  const std::string ext = Ext(path.empty() ? db + ".sql" : path);
  // The command is assembled on the host, where the tools' paths are
  // known; __cmd is what the module reports as cmd.
  // AnsibleModule's _set_cwd: an unreadable cwd (root's home under
  // become_user) is left for the user's home, else /tmp.
  std::string script =
      "{ [ -r . ] && [ -x . ]; } || cd \"$HOME\" 2>/dev/null || cd /tmp || exit 1\n";
  auto need = [&](const std::string& var, const std::string& tool) {
    script +=
        var + "=$(command -v " + tool + ") || { echo 'DROVER_MISSING " + tool + "'; exit 0; }\n";
  };
  if (path.empty())
    script += "__target=\"$PWD\"/" + ShellQuote(db + ".sql") + "\n";
  else
    script += "__target=" + ShellQuote(path) + "\n";
  script +=
      "__q() { printf \"'%s'\" \"$(printf '%s' \"$1\" | sed \"s/'/'\\\"'\\\"'/g\")\"; }\n"
      "case \"$__target\" in *[!A-Za-z0-9_./=+:,@%-]*) __qt=$(__q \"$__target\");; "
      "*) __qt=$__target;; esac\n";
  std::string comp;
  if (state == "dump") {
    need("__bin", "pg_dump");
    std::string flags = LoginFlags(db, target, false);
    if (ext == ".tar") flags += " --format=t";
    if (ext == ".pgc") flags += " --format=c";
    if (ext == ".dir") flags += " --format=d";
    if (ext == ".gz") {
      script +=
          "__comp=$(command -v pigz || command -v gzip) || { echo 'DROVER_MISSING gzip'; "
          "exit 0; }\n";
      comp = "gz";
    } else if (ext == ".bz2") {
      need("__comp", "bzip2");
      comp = "bz2";
    } else if (ext == ".xz") {
      need("__comp", "xz");
      comp = "xz";
    }
    std::string rest = flags;
    if (const auto extra = OptionalArgText(args, "dump_extra_args"); extra && !extra->empty())
      rest += " " + *extra + " ";
    if (!target_opts.empty()) rest += " " + target_opts + " ";
    script += "__rest=" + ShellQuote(rest) + "\n";
    if (!comp.empty()) {
      script +=
          "__d=$(mktemp -d) || exit 1; __fifo=\"$__d/pg_fifo\"; mkfifo \"$__fifo\" || exit 1\n"
          "__cmd=\"$__comp <$__fifo > $__qt & $__bin$__rest >$__fifo\"\n";
    } else if (ext == ".dir") {
      script += "__cmd=\"$__bin$__rest -f $__qt\"\n";
    } else {
      script += "__cmd=\"$__bin$__rest > $__qt\"\n";
    }
  } else {
    std::string flags = LoginFlags(db, target, true);
    std::string tool = "psql";
    if (ext == ".tar") flags += " --format=Tar", tool = "pg_restore";
    if (ext == ".pgc") flags += " --format=Custom", tool = "pg_restore";
    if (ext == ".dir") flags += " --format=Directory", tool = "pg_restore";
    if (ext == ".gz") need("__comp", "zcat"), comp = "gz";
    if (ext == ".bz2") need("__comp", "bzcat"), comp = "bz2";
    if (ext == ".xz") need("__comp", "xzcat"), comp = "xz";
    need("__bin", tool);
    script += "__rest=" + ShellQuote(flags) + "\n";
    // --file= takes the target unquoted, as the module formats it.
    if (ext == ".sql") script += "__rest=\"$__rest --file=$__target\"\n";
    if (!target_opts.empty())
      script += "__rest=\"$__rest\"" + ShellQuote(" " + target_opts + " ") + "\n";
    if (!comp.empty())
      script += "__cmd=\"$__comp $__qt | $__bin$__rest\"\n";
    else if (ext == ".dir")
      script += "__cmd=\"$__bin$__rest $__qt\"\n";
    else
      script += "__cmd=\"$__bin$__rest < $__qt\"\n";
  }
  script +=
      "__o=$(mktemp) && __e=$(mktemp) || exit 1\n"
      "eval \"$__cmd\" >\"$__o\" 2>\"$__e\"; __rc=$?; wait\n"
      "printf 'DROVER_RC|%d\\n' $__rc; printf 'DROVER_CMD|%s\\n' \"$__cmd\"\n"
      "cat \"$__o\"; printf '\\nDROVER_ERR\\n'; cat \"$__e\"; rm -f \"$__o\" \"$__e\"\n"
      "[ -n \"${__d:-}\" ] && rm -rf \"$__d\"\nexit 0\n";
  Result<connection::ExecResult> r = RunWithPgPassword(ctx, target, script);
  if (!r) return r.take_error();
  const std::string& out = r->stdout_data;
  if (out.rfind("DROVER_MISSING ", 0) == 0) {
    std::string tool = out.substr(15, out.find('\n') - 15);
    return PgFailed("Failed to find required executable \"" + tool + "\" in paths on the host");
  }
  size_t rc_at = out.find("DROVER_RC|"), cmd_at = out.find("DROVER_CMD|");
  size_t err_at = out.rfind("\nDROVER_ERR\n");
  if (rc_at == std::string::npos || cmd_at == std::string::npos || err_at == std::string::npos)
    return PgFailed("postgresql_db: the host failed: " + r->stderr_data);
  const int64_t rc = std::atoll(out.c_str() + rc_at + 10);
  size_t cmd_end = out.find('\n', cmd_at);
  std::string cmd = out.substr(cmd_at + 11, cmd_end - cmd_at - 11);
  const std::string stdout_text = out.substr(cmd_end + 1, err_at - cmd_end - 1);
  const std::string stderr_text = out.substr(err_at + 12);
  List executed;
  std::string msg = stdout_text;
  if (!comp.empty() && state == "restore") {
    // The module pipes the decompressor into psql itself: it reports no
    // command and no output.
    cmd = "cmd: ****";
    msg.clear();
  } else {
    executed.push_back(Value(cmd));
  }
  if (rc != 0)
    return Map{{"failed", true},
               {"changed", false},
               {"msg", Value(stderr_text)},
               {"stdout", Value(stdout_text)},
               {"rc", Value(rc)},
               {"cmd", Value(cmd)}};
  return Map{{"changed", true},
             {"msg", Value(msg)},
             {"stderr", Value(stderr_text)},
             {"rc", Value(rc)},
             {"cmd", Value(cmd)},
             {"executed_commands", Value(std::move(executed))}};
}

Result<Map> PostgresqlDb::Run(const Map& args, RunContext& ctx) const {
  const std::string db = ArgText(args, "db");
  const std::string owner = ArgText(args, "owner");
  const std::string templ = ArgText(args, "template");
  const std::string encoding = ArgText(args, "encoding");
  const std::string lc_collate = ArgText(args, "lc_collate");
  const std::string lc_ctype = ArgText(args, "lc_ctype");
  const std::string state = ArgText(args, "state");
  const std::string target_path = ArgText(args, "target");
  const std::string maintenance_db = ArgText(args, "maintenance_db");
  const std::string session_role = ArgText(args, "session_role");
  const std::string conn_limit = ArgText(args, "conn_limit");
  const std::string tablespace = ArgText(args, "tablespace");
  const bool force = args.find("force")->as_bool();

  if (state == "rename") {
    if (target_path.empty())
      return PgFailed("The \"target\" option must be defined when the \"rename\" option is used.");
    if (db == target_path)
      return PgFailed("The \"name/db\" option and the \"target\" option cannot be the same.");
    if (maintenance_db == db)
      return PgFailed(
          "The \"maintenance_db\" option and the \"name/db\" option cannot be the same.");
  }
  const PgTarget target = PgTargetFor(args, maintenance_db, ctx);
  Map done{{"changed", false}, {"db", Value(db)}, {"executed_commands", List{}}};
  if (state == "dump" || state == "restore") {
    if (ctx.check_mode) return done;
    return DumpOrRestore(args, ctx, target);
  }

  std::string pre;
  if (!session_role.empty()) pre = "SET ROLE " + PgIdent(session_role) + ";\n";
  const std::string d = PgLiteral(db);
  std::string sql =
      pre + "SELECT json_build_object('version', current_setting('server_version_num')::int);\n" +
      "SELECT json_build_object('info', row_to_json(i)) FROM (SELECT rolname AS owner, "
      "pg_encoding_to_char(encoding) AS encoding, encoding AS encoding_id, datcollate AS "
      "lc_collate, datctype AS lc_ctype, datconnlimit AS conn_limit, spcname AS tablespace FROM "
      "pg_database JOIN pg_roles ON pg_roles.oid = pg_database.datdba JOIN pg_tablespace ON "
      "pg_tablespace.oid = pg_database.dattablespace WHERE datname = " +
      d + ") i;\n";
  if (!encoding.empty())
    sql += "SELECT json_build_object('encoding_id', pg_char_to_encoding(" + PgLiteral(encoding) +
           "));\n";
  if (state == "rename")
    sql +=
        "SELECT json_build_object('target_exists', EXISTS(SELECT 1 FROM pg_database WHERE "
        "datname = " +
        PgLiteral(target_path) + "));\n";
  auto q = RunPsql(ctx, target, sql);
  if (!q) return q.take_error();
  if (!q->ok) return PgFailed(q->connect_failed ? q->error : "Database query failed: " + q->error);
  Result<Map> st_r = ParseJsonLines(q->out);
  if (!st_r) return PgFailed(st_r.error().message);
  const Map& st = *st_r;
  const Value* info_v = st.find("info");
  const bool exists = info_v && info_v->is_map();
  const Map info = exists ? info_v->as_map() : Map{};
  auto text = [&](const char* k) {
    const Value* v = info.find(k);
    return v && v->is_string() ? v->as_string()
           : v && v->is_int()  ? std::to_string(v->as_int())
                               : std::string();
  };
  const bool encoding_differs =
      !encoding.empty() && !(st.find("encoding_id") && info.find("encoding_id") &&
                             *st.find("encoding_id") == *info.find("encoding_id"));
  const int64_t version =
      st.find("version") && st.find("version")->is_int() ? st.find("version")->as_int() : 0;

  std::vector<std::string> commands;  // as executed_commands lists them
  if (state == "absent") {
    if (!exists) return done;
    std::string c = "DROP DATABASE \"" + db + "\"";
    if (force && version >= 130000) c += " WITH (FORCE)";
    commands.push_back(c);
    if (force && version < 130000)
      pre += "UPDATE pg_database SET datallowconn = false WHERE datname=" + d +
             "; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=" + d +
             " AND pid <> pg_backend_pid();\n";
  } else if (state == "rename") {
    const bool target_exists = st.find("target_exists") && st.find("target_exists")->as_bool();
    if (exists && target_exists) return PgFailed("Both the source and the target databases exist.");
    if (!exists && target_exists) return done;
    if (!exists) return PgFailed("The source and the target databases do not exist.");
    commands.push_back("ALTER DATABASE \"" + db + "\" RENAME TO \"" + target_path + "\"");
  } else if (!exists) {
    std::string c = "CREATE DATABASE \"" + db + "\"";
    if (!owner.empty()) c += " OWNER \"" + owner + "\"";
    if (!templ.empty()) c += " TEMPLATE \"" + templ + "\"";
    if (!encoding.empty()) c += " ENCODING " + PsycopgQuote(encoding);
    if (!lc_collate.empty()) c += " LC_COLLATE " + PsycopgQuote(lc_collate);
    if (!lc_ctype.empty()) c += " LC_CTYPE " + PsycopgQuote(lc_ctype);
    if (!tablespace.empty()) c += " TABLESPACE \"" + tablespace + "\"";
    if (!conn_limit.empty()) c += " CONNECTION LIMIT " + conn_limit;
    commands.push_back(c);
  } else if (!ctx.check_mode && encoding_differs) {
    return PgFailed("Changing database encoding is not supported. Current encoding: " +
                    text("encoding"));
  } else if (!ctx.check_mode && !lc_collate.empty() && lc_collate != text("lc_collate")) {
    return PgFailed("Changing LC_COLLATE is not supported. Current LC_COLLATE: " +
                    text("lc_collate"));
  } else if (!ctx.check_mode && !lc_ctype.empty() && lc_ctype != text("lc_ctype")) {
    return PgFailed("Changing LC_CTYPE is not supported.Current LC_CTYPE: " + text("lc_ctype"));
  } else if (ctx.check_mode &&
             (encoding_differs || (!lc_collate.empty() && lc_collate != text("lc_collate")) ||
              (!lc_ctype.empty() && lc_ctype != text("lc_ctype")))) {
    done.set("changed", true);  // db_matches is false; nothing would run
    return done;
  } else {
    if (!owner.empty() && owner != text("owner"))
      commands.push_back("ALTER DATABASE \"" + db + "\" OWNER TO \"" + owner + "\"");
    if (!conn_limit.empty() && conn_limit != text("conn_limit"))
      commands.push_back("ALTER DATABASE \"" + db + "\" CONNECTION LIMIT " + conn_limit);
    if (!tablespace.empty() && tablespace != text("tablespace"))
      commands.push_back("ALTER DATABASE \"" + db + "\" SET TABLESPACE \"" + tablespace + "\"");
  }
  if (commands.empty()) return done;
  done.set("changed", true);
  if (ctx.check_mode) return done;  // the module lists nothing it did not run
  std::string apply = pre;
  for (const std::string& c : commands) apply += c + ";\n";
  auto r = RunPsql(ctx, target, apply);
  if (!r) return r.take_error();
  if (!r->ok) return PgFailed("Database query failed: " + r->error);
  List executed;
  for (const std::string& c : commands) executed.push_back(Value(c));
  done.set("executed_commands", Value(std::move(executed)));
  return done;
}

}  // namespace

const Module& PostgresqlDbModule() {
  static const PostgresqlDb m;
  return m;
}

}  // namespace drover::modules
