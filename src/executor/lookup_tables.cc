// The lookups that read one value out of a controller file: ini (Python's
// configparser format, without %(name)s interpolation) and csvfile (the
// excel CSV dialect with a chosen delimiter).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "executor/lookup_plugins.h"
#include "playbook/kv.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::executor {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string OptionText(const Map& o, std::string_view key, const std::string& fallback) {
  const Value* v = o.find(key);
  if (!v || v->is_null()) return fallback;
  return v->is_string() ? v->as_string() : tmpl::PyStr(*v);
}

std::string ReadWhole(const std::string& path, const std::string& plugin) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw LookupFailure{LookupFailure::kUnhandled,
                        plugin + ": [Errno 2] No such file or directory: '" + path + "'"};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One ini section: its options in file order (key, value; value nullopt
// for a key without a value).
using Section = std::vector<std::pair<std::string, std::optional<std::string>>>;

std::map<std::string, Section> ParseIni(const std::string& text, bool case_sensitive,
                                        bool allow_no_value, const std::string& file) {
  std::map<std::string, Section> sections;
  Section* current = nullptr;
  std::string current_name;
  std::optional<std::string>* last_value = nullptr;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if ((line[0] == ' ' || line[0] == '\t') && last_value && *last_value) {
      **last_value += "\n" + t;  // continuation line
      continue;
    }
    if (t.front() == '[' && t.back() == ']') {
      current_name = t.substr(1, t.size() - 2);
      current = &sections[current_name];
      last_value = nullptr;
      continue;
    }
    if (!current)
      throw LookupFailure{
          LookupFailure::kUnhandled,
          "File contains no section headers.\nfile: '<\?\?\?>', line: 1\n'" + line + "'"};
    size_t sep = t.find_first_of("=:");
    std::string key = Trim(sep == std::string::npos ? t : t.substr(0, sep));
    if (!case_sensitive) key = Lower(key);
    std::optional<std::string> value;
    if (sep != std::string::npos) {
      value = Trim(t.substr(sep + 1));
    } else if (!allow_no_value) {
      throw LookupFailure{LookupFailure::kUnhandled, "Source contains parsing errors: '<\?\?\?>'"};
    }
    for (const auto& [k, v] : *current)
      if (k == key)
        throw LookupFailure{LookupFailure::kLookupError, "Duplicate option in '" + file +
                                                             "': While reading from '<\?\?\?>': "
                                                             "option '" +
                                                             key + "' in section '" + current_name +
                                                             "' already exists"};
    current->emplace_back(key, value);
    last_value = &current->back().second;
  }
  return sections;
}

List Ini(const LookupCall& c) {
  static const std::vector<std::string> kOptions = {
      "type",    "file",           "section",        "re",        "encoding",
      "default", "case_sensitive", "allow_no_value", "allow_none"};
  List out;
  for (const Value& t : c.terms) {
    Map opts = c.options;
    std::string term = t.is_string() ? t.as_string() : tmpl::PyStr(t);
    std::string key = term;
    if (term.find('=') != std::string::npos || Trim(term).find(' ') != std::string::npos) {
      // _parse_params: words; a word with "opt=" starts that option's value.
      std::vector<std::pair<std::string, std::string>> params;
      std::istringstream words(term);
      std::string word, this_key = "key";
      bool first = true;
      while (words >> word) {
        if (word.find('=') != std::string::npos)
          for (const std::string& k : kOptions)
            if (word.find(k + "=") != std::string::npos) this_key = k;
        auto it = std::find_if(params.begin(), params.end(),
                               [&](const auto& p) { return p.first == this_key; });
        if (first || it == params.end() || it->second.empty()) {
          if (it == params.end())
            params.emplace_back(this_key, word);
          else
            it->second = word;
        } else {
          it->second += " " + word;
        }
        first = false;
      }
      bool updated_key = false;
      for (const auto& [name, param] : params) {
        if (size_t eq = param.find('='); eq != std::string::npos) {
          std::string oname = param.substr(0, eq);
          if (std::find(kOptions.begin(), kOptions.end(), oname) == kOptions.end())
            throw LookupFailure{LookupFailure::kLookupError, oname + " is not a valid option."};
          opts.set(oname, Value(param.substr(eq + 1)));
        } else if (key == term) {
          key = param;
          updated_key = true;
        }
      }
      if (!updated_key)
        throw LookupFailure{LookupFailure::kOptions,
                            "No key to lookup was provided as first term with in string inline "
                            "options: " +
                                term};
    }
    const std::string type = OptionText(opts, "type", "ini");
    const std::string file = OptionText(opts, "file", "ansible.ini");
    std::string section = OptionText(opts, "section", "global");
    const bool is_re = OptionBool(opts, "re", false);
    const bool case_sensitive = OptionBool(opts, "case_sensitive", false);
    const bool allow_no_value =
        OptionBool(opts, "allow_no_value", OptionBool(opts, "allow_none", false));
    std::string path = FindInSearchPath(c.ctx, "files", file);
    std::string text = ReadWhole(path.empty() ? file : path, "ini");
    if (type == "properties") {
      text = "[java_properties]\n" + text;
      section = "java_properties";
    }
    auto sections = ParseIni(text, case_sensitive, allow_no_value, file);
    auto it = sections.find(section);
    if (it == sections.end())
      throw LookupFailure{LookupFailure::kLookupError, "No section '" + section + "' in " + file};
    if (is_re) {
      std::shared_ptr<const tmpl::Regex> re;
      try {
        re = tmpl::Regex::Compile(key);
      } catch (const tmpl::RenderError& e) {
        throw LookupFailure{LookupFailure::kUnhandled, e.message, "re.error"};
      }
      for (const auto& [k, v] : it->second) {
        tmpl::RegexMatch m;
        if (re->Search(k, 0, &m, /*anchored=*/true)) out.push_back(v ? Value(*v) : Value());
      }
      continue;
    }
    std::string wanted = case_sensitive ? key : Lower(key);
    auto found = std::find_if(it->second.begin(), it->second.end(),
                              [&](const auto& p) { return p.first == wanted; });
    if (found == it->second.end()) {
      const Value* d = opts.find("default");
      out.push_back(d ? *d : Value(""));
    } else if (found->second) {
      out.push_back(Value(*found->second));
    }
  }
  return out;
}

// One CSV record (excel dialect: "..." quoting with "" escapes).
std::vector<std::string> CsvRow(std::istream& in, char delimiter, bool* ok) {
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  int ch;
  while ((ch = in.get()) != EOF) {
    any = true;
    char c = static_cast<char>(ch);
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          field += '"';
          in.get();
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == delimiter) {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  *ok = any;
  if (any && !(row.empty() && field.empty())) row.push_back(field);
  return row;
}

List CsvFile(const LookupCall& c) {
  List out;
  for (const Value& t : c.terms) {
    std::string term = t.is_string() ? t.as_string() : tmpl::PyStr(t);
    Result<Map> kv = playbook::ParseKeyValues(term, false);
    if (!kv) throw LookupFailure{LookupFailure::kUnhandled, kv.error().message};
    const Value* raw = kv->find("_raw_params");
    if (!raw)
      throw LookupFailure{LookupFailure::kUnhandled, "Search key is required but was not found"};
    std::string key = raw->as_string();
    Map opts = c.options;
    for (const auto& [name, value] : *kv) {
      if (name == "_raw_params") continue;
      if (name != "col" && name != "default" && name != "delimiter" && name != "file" &&
          name != "encoding")
        throw LookupFailure{LookupFailure::kUnhandled, name + " is not a valid option"};
      opts.set(name, value);
    }
    std::string delimiter = OptionText(opts, "delimiter", "TAB");
    if (delimiter == "TAB") delimiter = "\t";
    if (delimiter.size() != 1)
      throw LookupFailure{LookupFailure::kUnhandled,
                          "csvfile: \"delimiter\" must be a 1-character string"};
    const std::string file = OptionText(opts, "file", "ansible.csv");
    std::string path = FindInSearchPath(c.ctx, "files", file);
    std::istringstream in(ReadWhole(path.empty() ? file : path, "csvfile"));
    int64_t col = 1;
    try {
      col = std::stoll(OptionText(opts, "col", "1"));
    } catch (const std::exception&) {
      throw LookupFailure{LookupFailure::kUnhandled,
                          "csvfile: invalid literal for int() with base 10"};
    }
    std::optional<Value> found;
    bool ok = true;
    while (ok) {
      std::vector<std::string> row = CsvRow(in, delimiter[0], &ok);
      if (!ok) break;
      if (!row.empty() && row[0] == key) {
        if (col < 0) col += static_cast<int64_t>(row.size());
        if (col < 0 || col >= static_cast<int64_t>(row.size()))
          throw LookupFailure{LookupFailure::kUnhandled, "csvfile: list index out of range"};
        found = Value(row[static_cast<size_t>(col)]);
        break;
      }
    }
    if (!found)
      if (const Value* d = opts.find("default"); d && !d->is_null()) found = *d;
    if (found) out.push_back(*found);
  }
  return out;
}

}  // namespace

void AddTablePlugins(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["ini"] = Ini;
  m["csvfile"] = CsvFile;
}

}  // namespace drover::executor
