// postgresql_user (community.postgresql 2.4) through the host's psql, no
// psycopg2: one round trip reads the role (pg_authid, or pg_roles when
// the login may not read it), its comment, memberships and the deprecated
// `priv` grants; the controller decides as the module does (the password
// compared with the stored md5 or SCRAM-SHA-256 hash, never sent to the
// host unless it changes); a second round trip applies the statements in
// one transaction. Check mode only queries. Results: user, changed,
// queries (with %(password)s / %(expires)s placeholders, as the module
// lists them), user_removed for state=absent.
//
// The password travels only inside SQL on psql's stdin and is registered
// with Redact(). Partial: trust_input=false is accepted but the input is
// not checked; SCRAM comparison of non-ASCII passwords skips SASLprep
// (a changed=true at worst).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <regex>
#include <set>

#include "core/secrets.h"
#include "modules/file_common.h"
#include "modules/install.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

const std::vector<std::string> kFlags = {"SUPERUSER", "CREATEROLE",  "CREATEDB", "INHERIT",
                                         "LOGIN",     "REPLICATION", "BYPASSRLS"};

std::string FlagColumn(const std::string& flag) {
  if (flag == "SUPERUSER") return "rolsuper";
  if (flag == "LOGIN") return "rolcanlogin";
  if (flag == "BYPASSRLS") return "rolbypassrls";
  std::string col = "rol";
  for (char c : flag) col += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return col;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n"), e = s.find_last_not_of(" \t\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// parse_role_attrs: comma-separated, upper-cased, de-duplicated, joined
// with spaces (Ansible joins a frozenset: its order is Python's; ours is
// the order written).
Result<std::string> ParseRoleAttrs(const std::string& text) {
  std::vector<std::string> flags, invalid;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string f = Upper(text.substr(start, comma - start));
    start = comma + 1;
    if (f.empty() || std::find(flags.begin(), flags.end(), f) != flags.end()) continue;
    flags.push_back(f);
    std::string base = f.rfind("NO", 0) == 0 ? f.substr(2) : f;
    if (std::find(kFlags.begin(), kFlags.end(), f) == kFlags.end() &&
        std::find(kFlags.begin(), kFlags.end(), base) == kFlags.end())
      invalid.push_back(f);
  }
  if (!invalid.empty()) {
    std::string joined;
    for (const std::string& f : invalid) joined += (joined.empty() ? "" : " ") + f;
    return MakeError("Invalid role_attr_flags specified: " + joined);
  }
  std::string joined;
  for (const std::string& f : flags) joined += (joined.empty() ? "" : " ") + f;
  return joined;
}

// One requested (deprecated) privilege set: database privileges of `db`
// or table privileges of a table.
struct PrivSpec {
  bool table = false;
  std::string name;
  std::set<std::string> privs;
};

const std::set<std::string> kTablePrivs = {"SELECT",   "INSERT",     "UPDATE", "DELETE",
                                           "TRUNCATE", "REFERENCES", "TRIGGER"};
const std::set<std::string> kDbPrivs = {"CREATE", "CONNECT", "TEMPORARY"};

// parse_privs: "CONNECT/table1:SELECT,INSERT/...".
Result<std::vector<PrivSpec>> ParsePrivs(const std::string& text, const std::string& db) {
  std::vector<PrivSpec> db_specs, table_specs;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string::npos) slash = text.size();
    std::string token = text.substr(start, slash - start);
    start = slash + 1;
    PrivSpec spec;
    std::string list = token;
    if (size_t colon = token.find(':'); colon != std::string::npos) {
      spec.table = true;
      spec.name = token.substr(0, colon);
      list = token.substr(colon + 1);
    } else {
      spec.name = db;
    }
    const std::set<std::string>& valid = spec.table ? kTablePrivs : kDbPrivs;
    std::string invalid;
    size_t p = 0;
    while (p <= list.size()) {
      size_t comma = list.find(',', p);
      if (comma == std::string::npos) comma = list.size();
      std::string priv = Upper(Trim(list.substr(p, comma - p)));
      p = comma + 1;
      if (priv.empty()) continue;
      if (priv == "ALL") {
        spec.privs.insert(valid.begin(), valid.end());
      } else if (priv == "TEMP" && !spec.table) {
        spec.privs.insert("TEMPORARY");
      } else if (valid.count(priv)) {
        spec.privs.insert(priv);
      } else {
        invalid += (invalid.empty() ? "" : " ") + priv;
      }
    }
    if (!invalid.empty())
      return MakeError(std::string("Invalid privs specified for ") +
                       (spec.table ? "table" : "database") + ": " + invalid);
    // A later token for the same object replaces the earlier (a dict).
    auto& list_of = spec.table ? table_specs : db_specs;
    auto same = std::find_if(list_of.begin(), list_of.end(),
                             [&](const PrivSpec& s) { return s.name == spec.name; });
    if (same != list_of.end())
      *same = spec;
    else
      list_of.push_back(spec);
  }
  db_specs.insert(db_specs.end(), table_specs.begin(), table_specs.end());
  return db_specs;
}

std::string JoinPrivs(const std::set<std::string>& privs) {
  std::string out;
  for (const std::string& p : privs) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<unsigned char> Base64Decode(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

const std::regex kScramRe(
    R"(^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$)");

// Whether `password` is the one behind a stored SCRAM-SHA-256 verifier
// (RFC 5802: ServerKey = HMAC(Hi(password, salt, i), "Server Key")).
bool ScramMatches(const std::string& password, const std::smatch& m) {
  const int iterations = std::atoi(m[1].str().c_str());
  const std::vector<unsigned char> salt = Base64Decode(m[2].str());
  const std::vector<unsigned char> server_key = Base64Decode(m[4].str());
  unsigned char salted[32];
  if (iterations <= 0 || PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                           salt.data(), static_cast<int>(salt.size()), iterations,
                                           EVP_sha256(), sizeof salted, salted) != 1)
    return false;
  unsigned char key[EVP_MAX_MD_SIZE];
  unsigned int key_len = 0;
  static const char kLabel[] = "Server Key";
  HMAC(EVP_sha256(), salted, sizeof salted, reinterpret_cast<const unsigned char*>(kLabel),
       sizeof kLabel - 1, key, &key_len);
  return server_key.size() == key_len && std::equal(server_key.begin(), server_key.end(), key);
}

// user_should_we_change_password. `stored` is null when pg_authid could
// not be read (then: always change, as the module assumes).
bool PasswordChanging(const Value* stored, const std::string& user,
                      const std::optional<std::string>& password, bool encrypted) {
  if (!stored) return true;
  if (!password) return false;
  const std::string current = stored->is_string() ? stored->as_string() : "";
  const bool has_current = stored->is_string();
  if (password->empty()) return has_current;
  if (std::regex_match(*password, kScramRe)) return *password != current;
  std::smatch m;
  if (has_current && std::regex_match(current, m, kScramRe)) {
    for (unsigned char c : *password)
      if (c < 0x20 || c > 0x7e) return true;  // SASLprep would apply: not reproduced
    return !ScramMatches(*password, m);
  }
  if ((password->rfind("md5", 0) == 0 && password->size() == 35) || !encrypted)
    return !has_current || *password != current;
  return !has_current || "md5" + HexDigest("md5", *password + user) != current;
}

// A statement as the module lists it and as psql runs it.
struct Statement {
  std::string shown, sql;
};

class PostgresqlUser : public Module {
 public:
  std::string_view Name() const override { return "postgresql_user"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"user", ArgType::kStr, {}, true, {"name"}, {}},
        {"password", ArgType::kStr, {}, false, {}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"priv", ArgType::kStr, {}, false, {}, {}},
        {"db", ArgType::kStr, Value(""), false, {"login_db"}, {}},
        {"fail_on_user", ArgType::kBool, Value(true), false, {"fail_on_role"}, {}},
        {"role_attr_flags", ArgType::kStr, Value(""), false, {}, {}},
        {"encrypted", ArgType::kBool, Value(true), false, {}, {}},
        {"no_password_changes", ArgType::kBool, Value(false), false, {}, {}},
        {"expires", ArgType::kStr, {}, false, {}, {}},
        {"conn_limit", ArgType::kInt, {}, false, {}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"groups", ArgType::kList, {}, false, {}, {}},
        {"comment", ArgType::kStr, {}, false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override;
};

// The SQL of the state query: one JSON object per line.
std::string StateQuery(const std::string& user, const std::string& session_role,
                       const std::optional<std::string>& expires,
                       const std::vector<PrivSpec>& privs, const std::vector<std::string>& groups) {
  const std::string u = PgLiteral(user);
  std::string sql;
  if (!session_role.empty()) sql += "SET ROLE " + PgIdent(session_role) + ";\n";
  sql +=
      "SELECT json_build_object('exists', EXISTS(SELECT 1 FROM pg_roles WHERE rolname = " + u +
      "), 'comment', (SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = " +
      u + "), 'memberof', ARRAY(SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON " +
      "m.roleid = b.oid JOIN pg_roles r ON m.member = r.oid WHERE r.rolname = " + u + "));\n" +
      "SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS drover_authid \\gset\n"
      "\\if :drover_authid\n"
      "SELECT json_build_object('authid', true, 'role', row_to_json(r)) FROM pg_authid r "
      "WHERE rolname = " +
      u +
      ";\n\\else\n"
      "SELECT json_build_object('authid', false, 'role', row_to_json(r)) FROM pg_roles r "
      "WHERE rolname = " +
      u + ";\n\\endif\n";
  if (expires)
    sql +=
        "SELECT json_build_object('expires_changing', " + PgLiteral(*expires) +
        "::timestamptz IS DISTINCT FROM (SELECT rolvaliduntil FROM pg_roles WHERE rolname = " + u +
        "));\n";
  for (size_t i = 0; i < privs.size(); ++i) {
    const std::string key = PgLiteral("priv" + std::to_string(i));
    if (!privs[i].table) {
      sql += "SELECT json_build_object(" + key +
             ", (SELECT datacl::text FROM pg_database WHERE datname = " + PgLiteral(privs[i].name) +
             "));\n";
    } else {
      std::string schema = "public", table = privs[i].name;
      if (size_t dot = table.find('.'); dot != std::string::npos)
        schema = table.substr(0, dot), table = table.substr(dot + 1);
      sql += "SELECT json_build_object(" + key +
             ", ARRAY(SELECT privilege_type FROM information_schema.role_table_grants WHERE "
             "grantee = " +
             u + " AND table_name = " + PgLiteral(table) +
             " AND table_schema = " + PgLiteral(schema) + "));\n";
    }
  }
  if (!groups.empty()) {
    std::string in;
    for (const std::string& g : groups) in += (in.empty() ? "" : ", ") + PgLiteral(g);
    sql +=
        "SELECT json_build_object('existing_groups', ARRAY(SELECT rolname FROM pg_roles WHERE "
        "rolname IN (" +
        in + ")));\n";
  }
  return sql;
}

// get_database_privileges: the user's entry in datacl ("u=CTc/owner").
std::set<std::string> DatabasePrivsFrom(const Value* datacl, const std::string& user) {
  std::set<std::string> out;
  if (!datacl || !datacl->is_string()) return out;
  std::string escaped;
  for (char c : user) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  std::smatch m;
  const std::string text = datacl->as_string();
  if (!std::regex_search(text, m, std::regex(escaped + R"(\\?"?=(C?T?c?)/[^,]+,?)"))) return out;
  for (char c : m[1].str()) out.insert(c == 'C' ? "CREATE" : c == 'T' ? "TEMPORARY" : "CONNECT");
  return out;
}

std::set<std::string> TablePrivsFrom(const Value* v) {
  std::set<std::string> out;
  if (v && v->is_list())
    for (const Value& p : v->as_list())
      if (p.is_string()) out.insert(p.as_string());
  return out;
}

bool FlagsChanging(const std::string& flags, const Map& role) {
  if (flags.empty()) return false;
  size_t start = 0;
  while (start <= flags.size()) {
    size_t sp = flags.find(' ', start);
    if (sp == std::string::npos) sp = flags.size();
    std::string f = flags.substr(start, sp - start);
    start = sp + 1;
    bool want = true;
    if (f.rfind("NO", 0) == 0) want = false, f = f.substr(2);
    const Value* have = role.find(FlagColumn(f));
    if (!have || !have->is_bool() || have->as_bool() != want) return true;
  }
  return false;
}

Result<Map> PostgresqlUser::Run(const Map& args, RunContext& ctx) const {
  const std::string user = ArgText(args, "user");
  const std::optional<std::string> password = OptionalArgText(args, "password");
  if (password && !password->empty()) RegisterSecret(*password);
  const std::string state = ArgText(args, "state");
  const std::string db = ArgText(args, "db");
  const std::optional<std::string> priv = OptionalArgText(args, "priv");
  const bool encrypted = args.find("encrypted")->as_bool();
  const std::string crypt = encrypted ? "ENCRYPTED" : "UNENCRYPTED";
  const bool no_password_changes = args.find("no_password_changes")->as_bool();
  const std::optional<std::string> expires = OptionalArgText(args, "expires");
  const Value* conn_limit_v = args.find("conn_limit");
  // The connection limit as text ("" when not given; an int argument).
  const std::string conn_limit = conn_limit_v && conn_limit_v->is_int()
                                     ? std::to_string(conn_limit_v->as_int())
                                     : std::string();
  const std::optional<std::string> comment = OptionalArgText(args, "comment");
  const std::string session_role = ArgText(args, "session_role");
  std::vector<std::string> groups;
  if (const Value* g = args.find("groups"); g && g->is_list())
    for (const Value& x : g->as_list())
      if (x.is_string()) groups.push_back(Trim(x.as_string()));

  if (db.empty() && priv) return PgFailed("privileges require a database to be specified");
  std::vector<PrivSpec> privs;
  if (priv) {
    auto parsed = ParsePrivs(*priv, db);
    if (!parsed) return PgFailed(parsed.error().message);
    privs = std::move(*parsed);
  }
  Result<std::string> flags_r = ParseRoleAttrs(ArgText(args, "role_attr_flags"));
  if (!flags_r) return PgFailed(flags_r.error().message);
  const std::string flags = *flags_r;

  const PgTarget target = PgTargetFor(args, db, ctx);
  auto state_r = RunPsql(ctx, target,
                         StateQuery(user, session_role, expires, privs,
                                    state == "present" ? groups : std::vector<std::string>{}));
  if (!state_r) return state_r.take_error();
  if (!state_r->ok) return PgFailed(state_r->error);
  Result<Map> st_r = ParseJsonLines(state_r->out);
  if (!st_r) return PgFailed(st_r.error().message);
  const Map& st = *st_r;
  const bool exists = user == "PUBLIC" || (st.find("exists") && st.find("exists")->as_bool());
  const bool authid =
      st.find("authid") && st.find("authid")->is_bool() && st.find("authid")->as_bool();
  const Value* role_v = st.find("role");
  const Map role = role_v && role_v->is_map() ? role_v->as_map() : Map{};

  std::vector<Statement> statements;
  bool changed = false;
  const std::string quser = "\"" + user + "\"";
  auto password_sql = [&]() { return password ? PgLiteral(*password) : std::string("NULL"); };
  auto expires_sql = [&]() { return expires ? PgLiteral(*expires) : std::string("NULL"); };
  Map result{{"user", Value(user)}};

  if (state == "absent") {
    if (!exists) return Map{{"user", Value(user)}, {"changed", false}, {"queries", List{}}};
    if (ctx.check_mode)
      return Map{
          {"user", Value(user)}, {"user_removed", true}, {"changed", true}, {"queries", List{}}};
    // The deprecated priv revokes, then DROP USER in a savepoint.
    std::string sql;
    if (!session_role.empty()) sql += "SET ROLE " + PgIdent(session_role) + ";\n";
    List queries;
    for (size_t i = 0; i < privs.size(); ++i) {
      const Value* v = st.find("priv" + std::to_string(i));
      std::set<std::string> cur = privs[i].table ? TablePrivsFrom(v) : DatabasePrivsFrom(v, user);
      bool any = std::any_of(privs[i].privs.begin(), privs[i].privs.end(),
                             [&](const std::string& p) { return cur.count(p) > 0; });
      if (!any) continue;
      std::string q = "REVOKE " + JoinPrivs(privs[i].privs) +
                      (privs[i].table ? " ON TABLE " : " ON DATABASE ") +
                      PgQuoteDotted(privs[i].name) + " FROM " +
                      (user == "PUBLIC" && !privs[i].table ? "PUBLIC" : quser);
      queries.push_back(Value(q));
      sql += q + ";\n";
      changed = true;
    }
    queries.push_back(Value("DROP USER " + quser));
    sql = "BEGIN;\n" + sql +
          "SAVEPOINT ansible_pgsql_user_delete;\n\\set ON_ERROR_STOP 0\nDROP USER " +
          PgIdent(user) +
          ";\n\\if :ERROR\nROLLBACK TO SAVEPOINT ansible_pgsql_user_delete;\n\\echo "
          "DROVER_NOT_REMOVED\n\\endif\n\\set ON_ERROR_STOP 1\nRELEASE SAVEPOINT "
          "ansible_pgsql_user_delete;\nCOMMIT;\n";
    auto done = RunPsql(ctx, target, sql);
    if (!done) return done.take_error();
    if (!done->ok) return PgFailed(done->error);
    const bool removed = done->out.find("DROVER_NOT_REMOVED") == std::string::npos;
    if (args.find("fail_on_user")->as_bool() && !removed) return PgFailed("Unable to remove user");
    return Map{{"user", Value(user)},
               {"user_removed", removed},
               {"changed", changed || removed},
               {"queries", Value(std::move(queries))}};
  }

  // state=present: create, or alter what differs.
  if (!exists) {
    Statement s{"CREATE USER " + quser, "CREATE USER " + PgIdent(user)};
    if (password && !password->empty()) {
      s.shown += " WITH " + crypt + " PASSWORD %(password)s";
      s.sql += " WITH " + crypt + " PASSWORD " + password_sql();
    }
    if (expires) {
      s.shown += " VALID UNTIL %(expires)s";
      s.sql += " VALID UNTIL " + expires_sql();
    }
    if (!conn_limit.empty()) {
      s.shown += " CONNECTION LIMIT " + conn_limit;
      s.sql += " CONNECTION LIMIT " + conn_limit;
    }
    s.shown += " " + flags;
    s.sql += " " + flags;
    statements.push_back(s);
    changed = true;
  } else if (user == "PUBLIC") {
    if (password) return PgFailed("cannot change the password for PUBLIC user");
    if (!flags.empty()) return PgFailed("cannot change the role_attr_flags for PUBLIC user");
  } else if (!no_password_changes &&
             (password || !flags.empty() || expires || !conn_limit.empty())) {
    const Value* stored = authid ? role.find("rolpassword") : nullptr;
    static const Value kNull;
    const bool pwchanging =
        PasswordChanging(authid ? (stored ? stored : &kNull) : nullptr, user, password, encrypted);
    const bool flags_changing = FlagsChanging(flags, role);
    const bool expires_changing =
        expires && st.find("expires_changing") && st.find("expires_changing")->as_bool();
    const Value* cur_limit = role.find("rolconnlimit");
    const bool limit_changing =
        !conn_limit.empty() &&
        !(cur_limit && cur_limit->is_int() && std::to_string(cur_limit->as_int()) == conn_limit);
    if (pwchanging || flags_changing || expires_changing || limit_changing) {
      Statement s{"ALTER USER " + quser, "ALTER USER " + PgIdent(user)};
      if (pwchanging) {
        if (!password || !password->empty()) {
          s.shown += " WITH " + crypt + " PASSWORD %(password)s";
          s.sql += " WITH " + crypt + " PASSWORD " + password_sql();
        } else {
          s.shown += " WITH PASSWORD NULL";
          s.sql += " WITH PASSWORD NULL";
        }
        s.shown += " " + flags;
        s.sql += " " + flags;
      } else if (!flags.empty()) {
        s.shown += " WITH " + flags;
        s.sql += " WITH " + flags;
      }
      if (expires) {
        s.shown += " VALID UNTIL %(expires)s";
        s.sql += " VALID UNTIL " + expires_sql();
      }
      if (!conn_limit.empty()) {
        s.shown += " CONNECTION LIMIT " + conn_limit;
        s.sql += " CONNECTION LIMIT " + conn_limit;
      }
      statements.push_back(s);
      changed = true;
    }
  } else if (no_password_changes && !flags.empty() && FlagsChanging(flags, role)) {
    statements.push_back({"ALTER USER " + quser + " WITH " + flags,
                          "ALTER USER " + PgIdent(user) + " WITH " + flags});
    changed = true;
  }

  // The deprecated priv grants: what the user lacks of what was asked.
  for (size_t i = 0; i < privs.size(); ++i) {
    const Value* v = exists ? st.find("priv" + std::to_string(i)) : nullptr;
    std::set<std::string> cur = privs[i].table ? TablePrivsFrom(v) : DatabasePrivsFrom(v, user);
    bool missing = std::any_of(privs[i].privs.begin(), privs[i].privs.end(),
                               [&](const std::string& p) { return cur.count(p) == 0; });
    if (!missing) continue;
    const std::string grantee = user == "PUBLIC" && !privs[i].table ? "PUBLIC" : quser;
    std::string q = "GRANT " + JoinPrivs(privs[i].privs) +
                    (privs[i].table ? " ON TABLE " : " ON DATABASE ") +
                    PgQuoteDotted(privs[i].name) + " TO " + grantee;
    statements.push_back({q, q});
    changed = true;
  }

  // The deprecated groups: GRANT each missing membership.
  if (!groups.empty()) {
    std::set<std::string> existing, memberof;
    if (const Value* e = st.find("existing_groups"); e && e->is_list())
      for (const Value& x : e->as_list()) existing.insert(x.as_string());
    if (const Value* m = st.find("memberof"); m && m->is_list())
      for (const Value& x : m->as_list()) memberof.insert(x.as_string());
    for (const std::string& g : groups)
      if (!existing.count(g)) return PgFailed("Role " + g + " does not exist");
    for (const std::string& g : groups) {
      if (memberof.count(g)) continue;
      std::string q = "GRANT \"" + g + "\" TO " + quser;
      statements.push_back({q, q});
      changed = true;
    }
  }

  if (comment) {
    const Value* cur = exists ? st.find("comment") : nullptr;
    if (!cur || !cur->is_string() || cur->as_string() != *comment) {
      statements.push_back({"COMMENT ON ROLE " + quser + " IS " + PsycopgQuote(*comment),
                            "COMMENT ON ROLE " + PgIdent(user) + " IS " + PgLiteral(*comment)});
      changed = true;
    }
  }

  List queries;
  for (const Statement& s : statements) queries.push_back(Value(s.shown));
  if (!statements.empty() && !ctx.check_mode) {
    std::string sql = "BEGIN;\n";
    if (!session_role.empty()) sql += "SET ROLE " + PgIdent(session_role) + ";\n";
    for (const Statement& s : statements) sql += s.sql + ";\n";
    sql += "COMMIT;\n";
    auto done = RunPsql(ctx, target, sql);
    if (!done) return done.take_error();
    if (!done->ok)
      return PgFailed(exists ? done->error
                             : "Unable to add user with given requirement due to : " + done->error);
  }
  result.set("changed", changed);
  result.set("queries", Value(std::move(queries)));
  return result;
}

}  // namespace

const Module& PostgresqlUserModule() {
  static const PostgresqlUser m;
  return m;
}

}  // namespace drover::modules
