// postgresql_query (community.postgresql 2.4) through the host's psql:
// the queries (a string or a list), with positional_args / named_args
// rendered into them as psycopg2's mogrify renders them, run in one psql
// session (one round trip) inside a transaction (rolled back in check
// mode, as the module does) or in autocommit. For each query psql first
// describes the result (\gdesc: column names and types), then runs it and
// prints the rows as CSV, the command tag and ROW_COUNT. Results: query,
// query_list, query_result, query_all_results, rowcount, statusmessage,
// changed as the module decides it (DML reporting rows, or any statement
// other than SELECT).
//
// Values are typed from the column types as psycopg2 returns them after
// the module's conversions: integers, numeric/real/double as floats,
// booleans, json/jsonb parsed, one-dimensional arrays as lists, date /
// timestamp / timestamptz in Python's isoformat; intervals as
// str(timedelta) for day/time intervals. Partial: other types (money,
// bytea, ranges, multi-dimensional arrays, intervals with months) keep
// PostgreSQL's text; path_to_script, search_path and encoding work as in
// the module; as_single_query=false splits on ';' as the module does.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/postgres.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

// psycopg2's adaptation of one argument value (after the module turned
// lists into "{...}" array text).
Result<std::string> AdaptValue(const Value& v) {
  if (v.is_null()) return std::string("NULL");
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v.as_float());
    // Python's repr: the shortest text that round-trips.
    for (int prec = 1; prec <= 17; ++prec) {
      std::snprintf(buf, sizeof buf, "%.*g", prec, v.as_float());
      if (std::strtod(buf, nullptr) == v.as_float()) break;
    }
    std::string s = buf;
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
  }
  if (v.is_string()) return PsycopgQuote(v.as_string());
  return MakeError("can't adapt type 'dict'");
}

// Python's str() of a list element inside list_to_pg_array.
std::string PyRepr(const Value& v) {
  if (v.is_null()) return "None";
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_string()) {
    const std::string& s = v.as_string();
    const char q =
        s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
    std::string out(1, q);
    for (char c : s) {
      if (c == '\\' || c == q) out += '\\';
      out += c;
    }
    return out + q;
  }
  if (v.is_float()) return Value(v).is_float() ? std::to_string(v.as_float()) : "";
  return "?";
}

// convert_elements_to_pg_arrays: a list becomes "{a, b}" text.
Value ListToPgArray(const Value& v) {
  if (!v.is_list()) return v;
  std::string out = "{";
  const List& l = v.as_list();
  for (size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + PyRepr(l[i]);
  return Value(out + "}");
}

// psycopg2's mogrify: %s / %(name)s replaced, %% -> %. Without arguments
// the query is sent as written.
Result<std::string> Mogrify(const std::string& query, const Value* positional, const Value* named) {
  const bool has_pos = positional && positional->is_list() && !positional->as_list().empty();
  const bool has_named = named && named->is_map() && !named->as_map().empty();
  if (!has_pos && !has_named) return query;
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < query.size(); ++i) {
    if (query[i] != '%') {
      out += query[i];
      continue;
    }
    if (i + 1 < query.size() && query[i + 1] == '%') {
      out += '%';
      ++i;
    } else if (has_pos && i + 1 < query.size() && query[i + 1] == 's') {
      const List& l = positional->as_list();
      if (next >= l.size()) return MakeError("tuple index out of range");
      auto a = AdaptValue(ListToPgArray(l[next++]));
      if (!a) return a.take_error();
      out += *a;
      ++i;
    } else if (has_named && i + 1 < query.size() && query[i + 1] == '(') {
      size_t close = query.find(")s", i);
      if (close == std::string::npos) return MakeError("incomplete placeholder: '%(' without ')'");
      const std::string key = query.substr(i + 2, close - i - 2);
      const Value* v = named->as_map().find(key);
      if (!v) return MakeError("'" + key + "'");
      auto a = AdaptValue(ListToPgArray(*v));
      if (!a) return a.take_error();
      out += *a;
      i = close + 1;
    } else {
      return MakeError(has_pos ? "argument formats can't be mixed" : "format requires a mapping");
    }
  }
  return out;
}

// What psql prints for NULL (\pset null): an empty field is ''.
constexpr const char* kNull = "DROVER_NULL_a7f3";

// One CSV record (RFC 4180 as psql writes it); *null marks NULL fields.
std::vector<std::string> CsvRecord(const std::string& text, size_t& pos, std::vector<bool>* null) {
  std::vector<std::string> fields;
  null->clear();
  std::string field;
  bool quoted = false, was_quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(field);
      null->push_back(field == kNull && !was_quoted);
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      break;
    } else {
      field += c;
    }
  }
  fields.push_back(field);
  null->push_back(field == kNull && !was_quoted);
  return fields;
}

// A PostgreSQL one-dimensional array literal's elements.
std::optional<std::vector<std::optional<std::string>>> ParseArray(const std::string& text) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
  std::vector<std::optional<std::string>> out;
  if (text == "{}") return out;
  size_t i = 1;
  while (i < text.size() - 1) {
    std::string el;
    bool quoted = false;
    if (text[i] == '{') return std::nullopt;  // nested: not handled
    if (text[i] == '"') {
      quoted = true;
      for (++i; i < text.size() - 1 && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
        el += text[i];
      }
      ++i;
    } else {
      for (; i < text.size() - 1 && text[i] != ','; ++i) el += text[i];
    }
    if (!quoted && el == "NULL")
      out.push_back(std::nullopt);
    else
      out.push_back(el);
    if (i < text.size() - 1 && text[i] == ',') ++i;
  }
  return out;
}

std::string IsoTimestamp(std::string text, bool tz) {
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  if (tz) {
    size_t sign = text.find_last_of("+-");
    if (sign != std::string::npos && sign > 10 && text.size() - sign == 3) text += ":00";
  }
  return text;
}

// PostgreSQL's "[N day[s]] [-]HH:MM:SS[.ffffff]" as Python's str(timedelta).
std::optional<std::string> TimedeltaText(const std::string& text) {
  long days = 0;
  std::string rest = text;
  if (size_t d = text.find(" day"); d != std::string::npos) {
    days = std::atol(text.c_str());
    size_t sp = text.find(' ', d + 1);
    rest = sp == std::string::npos ? "00:00:00" : text.substr(sp + 1);
  }
  int h = 0, m = 0;
  double s = 0;
  bool neg = !rest.empty() && rest[0] == '-';
  if (std::sscanf(rest.c_str() + (neg ? 1 : 0), "%d:%d:%lf", &h, &m, &s) != 3) return std::nullopt;
  long long micros = (static_cast<long long>(h) * 3600 + m * 60) * 1000000LL +
                     static_cast<long long>(s * 1000000 + 0.5);
  if (neg) micros = -micros;
  micros += days * 86400LL * 1000000LL;
  long long total_days =
      micros >= 0 ? micros / 86400000000LL : -((-micros + 86399999999LL) / 86400000000LL);
  long long in_day = micros - total_days * 86400000000LL;
  char buf[64];
  std::string out;
  if (total_days != 0)
    out = std::to_string(total_days) + (total_days == 1 || total_days == -1 ? " day, " : " days, ");
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", in_day / 3600000000LL,
                in_day / 60000000LL % 60, in_day / 1000000LL % 60);
  out += buf;
  if (in_day % 1000000LL) {
    std::snprintf(buf, sizeof buf, ".%06lld", in_day % 1000000LL);
    out += buf;
  }
  return out;
}

Value TypedScalar(const std::string& type, const std::string& text) {
  if (type == "integer" || type == "bigint" || type == "smallint" || type == "oid")
    return Value(static_cast<int64_t>(std::atoll(text.c_str())));
  if (type == "numeric" || type == "real" || type == "double precision" ||
      type.rfind("numeric(", 0) == 0)
    return Value(std::strtod(text.c_str(), nullptr));
  if (type == "boolean") return Value(text == "t");
  if (type == "json" || type == "jsonb") {
    if (auto v = ParseJson(text, "json column")) return *v;
    return Value(text);
  }
  if (type.rfind("timestamp", 0) == 0)
    return Value(IsoTimestamp(text, type.find("with time zone") != std::string::npos &&
                                        type.find("without") == std::string::npos));
  if (type == "interval")
    if (auto td = TimedeltaText(text)) return Value(*td);
  return Value(text);
}

Value Typed(const std::string& type, const std::string& text) {
  if (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) {
    auto items = ParseArray(text);
    if (!items) return Value(text);
    List out;
    const std::string el_type = type.substr(0, type.size() - 2);
    for (const auto& it : *items) out.push_back(it ? TypedScalar(el_type, *it) : Value());
    return Value(std::move(out));
  }
  return TypedScalar(type, text);
}

// Python's repr of the module's args and query list (for its messages).
std::string PyReprValue(const Value* v) {
  if (!v || v->is_null()) return "None";
  if (v->is_list()) {
    std::string out = "[";
    for (size_t i = 0; i < v->as_list().size(); ++i)
      out += (i ? ", " : "") + PyRepr(v->as_list()[i]);
    return out + "]";
  }
  if (v->is_map()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, x] : v->as_map()) {
      out += (first ? "'" : ", '") + k + "': " + PyRepr(x);
      first = false;
    }
    return out + "}";
  }
  return PyRepr(*v);
}

class PostgresqlQuery : public Module {
 public:
  std::string_view Name() const override { return "postgresql_query"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithPgCommonArgs({
        {"query", ArgType::kRaw, {}, false, {}, {}},
        {"db", ArgType::kStr, {}, false, {"login_db"}, {}},
        {"positional_args", ArgType::kList, {}, false, {}, {}},
        {"named_args", ArgType::kDict, {}, false, {}, {}},
        {"session_role", ArgType::kStr, {}, false, {}, {}},
        {"path_to_script", ArgType::kPath, {}, false, {}, {}},
        {"autocommit", ArgType::kBool, Value(false), false, {}, {}},
        {"encoding", ArgType::kStr, {}, false, {}, {}},
        {"trust_input", ArgType::kBool, Value(true), false, {}, {}},
        {"search_path", ArgType::kList, {}, false, {}, {}},
        {"as_single_query", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override;
};

bool Blank(const std::string& q) {
  return std::all_of(q.begin(), q.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; });
}

Result<Map> PostgresqlQuery::Run(const Map& args, RunContext& ctx) const {
  const Value* query_v = args.find("query");
  const Value* positional = args.find("positional_args");
  const Value* named = args.find("named_args");
  const bool autocommit = args.find("autocommit")->as_bool();
  const std::optional<std::string> script_path = OptionalArgText(args, "path_to_script");
  const bool has_pos = positional && positional->is_list() && !positional->as_list().empty();
  const bool has_named = named && named->is_map() && !named->as_map().empty();
  if (positional && !positional->is_null() && named && !named->is_null())
    return PgFailed("parameters are mutually exclusive: positional_args|named_args");
  const bool has_query =
      query_v && !query_v->is_null() && !(query_v->is_string() && query_v->as_string().empty());
  if (has_query && !query_v->is_string() && !query_v->is_list())
    return PgFailed("query argument must be of type string or list");
  if (autocommit && ctx.check_mode)
    return PgFailed("Using autocommit is mutually exclusive with check_mode");
  if (script_path && has_query) return PgFailed("path_to_script is mutually exclusive with query");

  std::vector<std::string> queries;
  List warnings;
  if (script_path) {
    // The module reads the script on the host: so does drover.
    auto r = ctx.Exec("cat " + connection::ShellQuote(*script_path));
    if (!r) return r.take_error();
    if (r->exit_status != 0)
      return PgFailed("Cannot read file '" + *script_path + "' : " + r->stderr_data);
    const std::string text = r->stdout_data;
    if (!args.find("as_single_query")->as_bool() && text.find(';') != std::string::npos) {
      size_t start = 0;
      while (start <= text.size()) {
        size_t semi = text.find(';', start);
        if (semi == std::string::npos) semi = text.size();
        std::string q = text.substr(start, semi - start);
        start = semi + 1;
        if (!Blank(q)) queries.push_back(q);
      }
    } else {
      queries.push_back(text);
    }
  } else if (has_query && query_v->is_string()) {
    queries.push_back(query_v->as_string());
  } else if (has_query) {
    for (const Value& q : query_v->as_list())
      queries.push_back(q.is_string() ? q.as_string() : ToJson(q));
  }

  std::vector<std::string> rendered;
  for (const std::string& q : queries) {
    auto m = Mogrify(q, has_pos ? positional : nullptr, has_named ? named : nullptr);
    if (!m) return PgFailed(m.error().message);
    rendered.push_back(*m);
  }
  List query_list;
  for (const std::string& q : queries) query_list.push_back(Value(q));

  // psql runs -q -t -A (RunPsql): CSV with headers here, and QUIET off so
  // that psql prints each command's tag.
  std::string sql = "\\pset format csv\n\\pset tuples_only off\n\\pset footer off\n\\pset null " +
                    std::string(kNull) + "\n\\set QUIET off\n";
  if (const auto enc = OptionalArgText(args, "encoding")) sql += "\\encoding " + *enc + "\n";
  if (!autocommit) sql += "BEGIN;\n";
  if (const std::string role = ArgText(args, "session_role"); !role.empty())
    sql += "SET ROLE " + PgIdent(role) + ";\n";
  if (const Value* sp = args.find("search_path"); sp && sp->is_list() && !sp->as_list().empty()) {
    std::string path;
    for (const Value& p : sp->as_list()) {
      std::string s = p.is_string() ? p.as_string() : "";
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
      path += (path.empty() ? "" : ",") + s;
    }
    sql += "SET search_path TO " + path + ";\n";
  }
  // Each query: its description, its rows and tag, its row count.
  for (size_t i = 0; i < rendered.size(); ++i) {
    const std::string n = std::to_string(i);
    std::string q = rendered[i];
    while (!q.empty() && (q.back() == ';' || q.back() == ' ' || q.back() == '\n')) q.pop_back();
    sql += "\\echo DROVER_DESC " + n + "\n" + q + "\n\\gdesc\n\\echo DROVER_ROWS " + n + "\n" + q +
           "\n\\g\n\\echo DROVER_COUNT " + n + " :ROW_COUNT\n";
  }
  if (!autocommit) sql += ctx.check_mode ? "ROLLBACK;\n" : "COMMIT;\n";

  const PgTarget target = PgTargetFor(args, ArgText(args, "db"), ctx);
  auto r = RunPsql(ctx, target, sql, {"-P", "pager=off"});
  if (!r) return r.take_error();
  // Which query failed: the last one whose description began.
  const std::string& out = r->out;
  int last = -1;
  for (size_t at = out.find("DROVER_DESC "); at != std::string::npos;
       at = out.find("DROVER_DESC ", at + 1))
    last = std::atoi(out.c_str() + at + 12);
  if (!r->ok) {
    if (r->connect_failed) return PgFailed(r->error);
    const std::string failed_query = last >= 0 ? rendered[static_cast<size_t>(last)] : "";
    std::string err = r->error;
    if (err.rfind("ERROR:  ", 0) == 0) err = err.substr(8);
    std::string list_repr = "[";
    for (size_t i = 0; i < queries.size(); ++i)
      list_repr += (i ? ", " : "") + PyRepr(Value(queries[i]));
    list_repr += "]";
    const Value* a = has_pos ? positional : has_named ? named : nullptr;
    return PgFailed("Cannot execute SQL '" + failed_query + "' " + PyReprValue(a) + ": " + err +
                    ", query list: " + list_repr);
  }

  bool changed = false;
  int64_t rowcount = 0;
  std::string statusmessage;
  List all_results;
  Value query_result = Value(List{});
  for (size_t i = 0; i < rendered.size(); ++i) {
    const std::string n = std::to_string(i);
    size_t d = out.find("DROVER_DESC " + n + "\n");
    size_t rws = out.find("DROVER_ROWS " + n + "\n", d);
    size_t cnt = out.find("DROVER_COUNT " + n + " ", rws);
    if (d == std::string::npos || rws == std::string::npos || cnt == std::string::npos)
      return PgFailed("postgresql_query: unexpected psql output");
    const std::string desc = out.substr(d + 13 + n.size(), rws - d - 13 - n.size());
    std::string body = out.substr(rws + 13 + n.size(), cnt - rws - 13 - n.size());
    const int64_t count = std::atoll(out.c_str() + cnt + 14 + n.size());
    // The description: "Column,Type" then one line per column; a command
    // without a result prints a sentence instead.
    std::vector<std::pair<std::string, std::string>> columns;
    if (desc.rfind("Column,Type\n", 0) == 0) {
      size_t pos = 12;
      std::vector<bool> nulls;
      while (pos < desc.size()) {
        auto rec = CsvRecord(desc, pos, &nulls);
        if (rec.size() == 2) columns.emplace_back(rec[0], rec[1]);
      }
    }
    Value this_result;
    std::string tag;
    if (!columns.empty()) {
      List rows;
      size_t pos = 0;
      std::vector<bool> nulls;
      CsvRecord(body, pos, &nulls);  // the header
      std::vector<std::pair<std::vector<std::string>, std::vector<bool>>> records;
      while (pos < body.size()) {
        auto rec = CsvRecord(body, pos, &nulls);
        records.emplace_back(rec, nulls);
      }
      // DML with RETURNING: psql prints the command tag after the rows.
      if (records.size() == static_cast<size_t>(count) + 1 && records.back().first.size() == 1) {
        tag = records.back().first[0];
        records.pop_back();
      }
      for (const auto& [rec, null] : records) {
        if (rec.size() != columns.size()) continue;
        Map row;
        for (size_t c = 0; c < columns.size(); ++c)
          row.set(columns[c].first, null[c] ? Value() : Typed(columns[c].second, rec[c]));
        rows.push_back(Value(std::move(row)));
      }
      this_result = Value(std::move(rows));
      if (tag.empty()) tag = "SELECT " + std::to_string(count);
    } else {
      this_result = Value(Map{});
      while (!body.empty() && body.back() == '\n') body.pop_back();
      tag = body.substr(body.rfind('\n') == std::string::npos ? 0 : body.rfind('\n') + 1);
    }
    statusmessage = tag;
    if (count > 0) rowcount += count;
    all_results.push_back(this_result);
    query_result = this_result;
    if (tag.find("SELECT") == std::string::npos) {
      std::vector<std::string> words;
      std::istringstream in(tag);
      for (std::string w; in >> w;) words.push_back(w);
      const bool dml = tag.find("UPDATE") != std::string::npos ||
                       tag.find("INSERT") != std::string::npos ||
                       tag.find("DELETE") != std::string::npos;
      if (!dml)
        changed = true;
      else if (words.size() == 3)
        changed = changed || words[2] != "0";
      else if (words.size() == 2)
        changed = changed || words[1] != "0";
      else
        changed = true;
    }
  }
  Map result{{"changed", changed},
             {"query", Value(rendered.empty() ? std::string() : rendered.back())},
             {"query_list", Value(std::move(query_list))},
             {"statusmessage", Value(statusmessage)},
             {"query_result", query_result},
             {"query_all_results", Value(std::move(all_results))},
             {"rowcount", Value(rowcount)}};
  if (rendered.empty()) result.set("query", Value());
  return result;
}

}  // namespace

const Module& PostgresqlQueryModule() {
  static const PostgresqlQuery m;
  return m;
}

}  // namespace drover::modules
