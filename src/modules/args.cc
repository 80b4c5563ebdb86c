#include "modules/args.h"

#include <algorithm>

#include "core/json.h"
#include "core/suggest.h"

namespace drover::modules {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Text of a scalar as Ansible's str() would give it.
std::string ScalarText(const Value& v) {
  switch (v.type()) {
    case Value::Type::kString: return v.as_string();
    case Value::Type::kInt: return std::to_string(v.as_int());
    case Value::Type::kFloat: return PythonFloatRepr(v.as_float());
    case Value::Type::kBool: return v.as_bool() ? "True" : "False";
    default: return ToJson(v);
  }
}

Result<Value> Coerce(const std::string& module, const ArgSpec& spec, const Value& v,
                     const Location& where) {
  auto bad = [&](const std::string& want) {
    return MakeError("argument '" + spec.name + "' of module '" + module + "' is of type " +
                         std::string(v.type_name()) + " and we were unable to convert to " + want,
                     where);
  };
  switch (spec.type) {
    case ArgType::kRaw: return v;
    case ArgType::kStr:
    case ArgType::kPath:
      if (v.is_list() || v.is_map()) return bad("str");
      return Value(ScalarText(v));
    case ArgType::kBool: {
      bool ok = false;
      bool b = ToBool(v, &ok);
      if (!ok) return bad("bool");
      return Value(b);
    }
    case ArgType::kInt: {
      if (v.is_int()) return v;
      if (v.is_string()) {
        try {
          size_t used = 0;
          long long n = std::stoll(v.as_string(), &used, 10);
          if (used == v.as_string().size()) return Value(static_cast<int64_t>(n));
        } catch (...) {
        }
      }
      if (v.is_float() && v.as_float() == static_cast<double>(static_cast<int64_t>(v.as_float())))
        return Value(static_cast<int64_t>(v.as_float()));
      return bad("int");
    }
    case ArgType::kFloat: {
      if (v.is_number()) return Value(v.as_number());
      if (v.is_string()) {
        try {
          return Value(std::stod(v.as_string()));
        } catch (...) {
        }
      }
      return bad("float");
    }
    case ArgType::kList: {
      if (v.is_list()) return v;
      // Ansible splits a comma-separated string into a list.
      if (v.is_string()) {
        List out;
        const std::string& s = v.as_string();
        size_t start = 0;
        while (start <= s.size()) {
          size_t comma = s.find(',', start);
          out.push_back(Value(s.substr(start, comma == std::string::npos ? comma : comma - start)));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        return Value(std::move(out));
      }
      if (v.is_number() || v.is_bool()) return Value(List{Value(ScalarText(v))});
      return bad("list");
    }
    case ArgType::kDict:
      if (v.is_map()) return v;
      if (v.is_string()) {
        if (Result<Value> parsed = ParseJson(v.as_string()); parsed && parsed->is_map())
          return *parsed;
      }
      return bad("dict");
  }
  return v;
}

}  // namespace

std::vector<ArgSpec> WithFileCommonArgs(std::vector<ArgSpec> spec) {
  std::vector<ArgSpec> common = {
      {"mode", ArgType::kRaw, {}, false, {}, {}},
      {"owner", ArgType::kStr, {}, false, {}, {}},
      {"group", ArgType::kStr, {}, false, {}, {}},
      {"unsafe_writes", ArgType::kBool, Value(false), false, {}, {}},
      {"attributes", ArgType::kStr, {}, false, {"attr"}, {}},
      {"seuser", ArgType::kStr, {}, false, {}, {}},
      {"serole", ArgType::kStr, {}, false, {}, {}},
      {"setype", ArgType::kStr, {}, false, {}, {}},
      {"selevel", ArgType::kStr, {}, false, {}, {}},
  };
  spec.insert(spec.end(), common.begin(), common.end());
  return spec;
}

bool ToBool(const Value& v, bool* ok) {
  *ok = true;
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) {
    if (v.as_int() == 1 || v.as_int() == 0) return v.as_int() == 1;
  }
  if (v.is_float()) {
    if (v.as_float() == 1.0 || v.as_float() == 0.0) return v.as_float() == 1.0;
  }
  if (v.is_string()) {
    std::string s = Lower(v.as_string());
    for (const char* t : {"y", "yes", "on", "1", "true", "t"})
      if (s == t) return true;
    for (const char* f : {"n", "no", "off", "0", "false", "f"})
      if (s == f) return false;
  }
  *ok = false;
  return false;
}

Result<Map> ParseArgs(const std::string& module, const Map& args, const std::vector<ArgSpec>& spec,
                      const Location& where) {
  Map out;
  for (const ArgSpec& s : spec) out.set(s.name, Value());
  for (const auto& [key, value] : args) {
    const ArgSpec* match = nullptr;
    for (const ArgSpec& s : spec) {
      if (s.name == key || std::find(s.aliases.begin(), s.aliases.end(), key) != s.aliases.end()) {
        match = &s;
        break;
      }
    }
    if (!match) {
      std::vector<std::string_view> names;
      for (const ArgSpec& s : spec) {
        if (s.name.rfind("_", 0) != 0) names.push_back(s.name);
        for (const auto& a : s.aliases) names.push_back(a);
      }
      std::string supported;
      for (std::string_view n : names)
        supported += (supported.empty() ? "" : ", ") + std::string(n);
      return MakeError("unsupported argument '" + key + "' for module '" + module + "'" +
                           DidYouMean(key, names) + " (supported: " + supported + ")",
                       value.where().known() ? value.where() : where);
    }
    if (value.is_null()) continue;  // omitted
    Result<Value> coerced =
        Coerce(module, *match, value, value.where().known() ? value.where() : where);
    if (!coerced) return coerced.take_error();
    if (!match->choices.empty()) {
      std::string text = coerced->is_string() ? coerced->as_string() : ScalarText(*coerced);
      if (std::find(match->choices.begin(), match->choices.end(), text) == match->choices.end()) {
        std::string list;
        for (const auto& c : match->choices) list += (list.empty() ? "" : ", ") + c;
        return MakeError(
            "value of '" + match->name + "' must be one of: " + list + ", got: " + text, where);
      }
    }
    out.set(match->name, std::move(coerced).value());
  }
  for (const ArgSpec& s : spec) {
    Value* v = out.find(s.name);
    if (v->is_null() && !s.default_value.is_null()) *v = s.default_value;
    if (v->is_null() && s.required) {
      return MakeError("missing required argument '" + s.name + "' for module '" + module + "'",
                       where);
    }
  }
  return out;
}

}  // namespace drover::modules
