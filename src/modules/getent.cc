// getent (ansible.builtin.getent): one `getent` run on the host, its lines
// split as Ansible splits them (':' for passwd, shadow, group and gshadow,
// else `split`, else whitespace) into the fact getent_<database>: the first
// field names the record, the rest is its list (a list of lists when a
// name repeats). Exit codes 1-3 give Ansible's messages.
#include <map>

#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Python's str.split(sep) (sep non-empty) or str.split() (sep empty).
List SplitFields(const std::string& line, const std::string& sep) {
  List out;
  if (sep.empty()) {
    std::string cur;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
        if (!cur.empty()) out.push_back(Value(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(Value(cur));
    return out;
  }
  for (size_t start = 0;;) {
    size_t at = line.find(sep, start);
    out.push_back(Value(line.substr(start, at == std::string::npos ? at : at - start)));
    if (at == std::string::npos) return out;
    start = at + sep.size();
  }
}

class Getent : public Module {
 public:
  std::string_view Name() const override { return "getent"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"database", ArgType::kStr, {}, true, {}, {}},
        {"key", ArgType::kStr, {}, false, {}, {}},
        {"service", ArgType::kStr, {}, false, {}, {}},
        {"split", ArgType::kStr, {}, false, {}, {}},
        {"fail_key", ArgType::kBool, Value(true), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string database = ArgText(args, "database");
    const std::optional<std::string> key = OptionalArgText(args, "key");
    const std::optional<std::string> service = OptionalArgText(args, "service");
    std::string split = ArgText(args, "split");
    if (!OptionalArgText(args, "split") && (database == "passwd" || database == "shadow" ||
                                            database == "group" || database == "gshadow"))
      split = ":";

    std::string cmd = "getent " + ShellQuote(database);
    if (key) cmd += " " + ShellQuote(*key);
    if (service) cmd += " -s " + ShellQuote(*service);
    Result<connection::ExecResult> r =
        ctx.Exec("command -v getent >/dev/null 2>&1 || { echo DROVER_NO_GETENT; exit 0; }\n" + cmd);
    if (!r) return r.take_error();
    if (r->stdout_data == "DROVER_NO_GETENT\n")
      return Failed("Failed to find required executable \"getent\" on the host");

    const std::string fact = "getent_" + database;
    Map db;
    switch (r->exit_status) {
      case 0: {
        std::map<std::string, int> seen;
        for (const Value& l : SplitLines(r->stdout_data)) {
          List record = SplitFields(l.as_string(), split);
          if (record.empty()) continue;
          const std::string name = record[0].as_string();
          List rest(record.begin() + 1, record.end());
          if (int& n = seen[name]; n++ == 0) {
            db.set(name, Value(std::move(rest)));
          } else {
            Value* have = db.find(name);
            if (n == 2) *have = Value(List{*have});
            have->as_list().push_back(Value(std::move(rest)));
          }
        }
        return Map{{"changed", false}, {"ansible_facts", Value(Map{{fact, Value(db)}})}};
      }
      case 1: return Failed("Missing arguments, or database unknown.");
      case 2: {
        const std::string msg = "One or more supplied key could not be found in the database.";
        if (args.find("fail_key")->as_bool()) return Failed(msg);
        db.set(key.value_or(""), Value());
        return Map{{"changed", false},
                   {"ansible_facts", Value(Map{{fact, Value(db)}})},
                   {"msg", Value(msg)}};
      }
      case 3: return Failed("Enumeration not supported on this database.");
      default: return Failed("Unexpected failure!");
    }
  }
};

}  // namespace

const Module& GetentModule() {
  static const Getent m;
  return m;
}

}  // namespace drover::modules
