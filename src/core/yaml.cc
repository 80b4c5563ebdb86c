#include "core/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <sstream>

#include "core/file_util.h"

namespace drover {

namespace {

// PyYAML's YAML 1.1 implicit resolvers (yaml/resolver.py), verbatim.
const std::regex& BoolPattern() {
  static const std::regex re(
      "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|"
      "Off|OFF)$");
  return re;
}
const std::regex& IntPattern() {
  static const std::regex re(
      "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
  return re;
}
const std::regex& FloatPattern() {
  static const std::regex re(
      "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
      "|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
      "|[-+]?\\.(?:inf|Inf|INF)"
      "|\\.(?:nan|NaN|NAN))$");
  return re;
}
bool IsNullText(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::string WithoutUnderscores(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// PyYAML construct_yaml_int. Values beyond int64 stay strings.
Value ConstructInt(const std::string& text) {
  std::string v = WithoutUnderscores(text);
  int sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  try {
    if (v == "0") return Value(int64_t{0});
    if (v.rfind("0b", 0) == 0) return Value(sign * std::stoll(v.substr(2), nullptr, 2));
    if (v.rfind("0x", 0) == 0) return Value(sign * std::stoll(v.substr(2), nullptr, 16));
    if (v[0] == '0') return Value(sign * std::stoll(v, nullptr, 8));
    if (v.find(':') != std::string::npos) {
      int64_t total = 0;
      std::stringstream parts(v);
      std::string part;
      while (std::getline(parts, part, ':')) total = total * 60 + std::stoll(part);
      return Value(sign * total);
    }
    return Value(sign * std::stoll(v));
  } catch (const std::out_of_range&) {
    return Value(text);
  }
}

// PyYAML construct_yaml_float.
Value ConstructFloat(const std::string& text) {
  std::string v = WithoutUnderscores(text);
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  if (v == ".inf") return Value(sign * std::numeric_limits<double>::infinity());
  if (v == ".nan") return Value(std::numeric_limits<double>::quiet_NaN());
  if (v.find(':') != std::string::npos) {
    double total = 0;
    std::stringstream parts(v);
    std::string part;
    while (std::getline(parts, part, ':')) total = total * 60 + std::stod(part);
    return Value(sign * total);
  }
  return Value(sign * std::stod(v));
}

Value ConstructBool(const std::string& text) {
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  if (c == 'y' || c == 't') return Value(true);
  if (c == 'n' || c == 'f') return Value(false);
  // on / off
  return Value(std::tolower(static_cast<unsigned char>(text[1])) == 'n');
}

constexpr const char* kTagStr = "tag:yaml.org,2002:str";
constexpr const char* kTagInt = "tag:yaml.org,2002:int";
constexpr const char* kTagFloat = "tag:yaml.org,2002:float";
constexpr const char* kTagBool = "tag:yaml.org,2002:bool";
constexpr const char* kTagNull = "tag:yaml.org,2002:null";
constexpr const char* kTagMap = "tag:yaml.org,2002:map";
constexpr const char* kTagSeq = "tag:yaml.org,2002:seq";

// Builds Values from yaml-cpp parse events. Errors found while building
// (unknown tags, bad merge values) are recorded and end the load.
class ValueBuilder : public YAML::EventHandler {
 public:
  ValueBuilder(std::shared_ptr<const std::string> file, Warnings* warnings)
      : file_(std::move(file)), warnings_(warnings) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override { done_ = true; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(Value().set_where(Loc(mark)), anchor, mark, "");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Fail(mark, "found undefined alias");
      return;
    }
    // An alias shares its value, but whoever walks the data (templating,
    // merging, printing) sees it expanded: bound what aliases add.
    const uint64_t size = anchor_sizes_[anchor];
    alias_nodes_ += size;
    if (alias_nodes_ > kMaxAliasNodes) {
      Fail(mark, "YAML aliases expand to more than " + std::to_string(kMaxAliasNodes) +
                     " nodes (a \"billion laughs\" document?); refusing to load it");
      return;
    }
    Add(it->second, 0, mark, "", size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    Value v;
    if (tag == "?") {
      v = ResolvePlainScalar(text);
    } else if (tag == "!" || tag == kTagStr) {
      v = Value(text);
    } else if (tag == "!unsafe") {
      v = Value(text);
      v.set_unsafe();
    } else if (tag == "!vault" || tag == "!vault-encrypted") {
      v = Value::Vault(text, Loc(mark));
    } else if (tag == kTagInt || tag == kTagFloat) {
      // Explicit tags construct without the implicit resolver's pattern,
      // as PyYAML does (`!!float '2'` is 2.0).
      try {
        v = tag == kTagInt ? ConstructInt(text) : ConstructFloat(text);
      } catch (const std::exception&) {
        Fail(mark, "invalid value for " + tag + ": '" + text + "'");
        return;
      }
    } else if (tag == kTagBool && std::regex_match(text, BoolPattern())) {
      v = ConstructBool(text);
    } else if (tag == kTagNull && IsNullText(text)) {
      v = Value();
    } else {
      Fail(mark, "could not determine a constructor for the tag '" + tag + "'");
      return;
    }
    v.set_where(Loc(mark));
    Add(std::move(v), anchor, mark, text);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    if (!CheckCollectionTag(mark, tag, kTagSeq)) return;
    Frame f;
    f.value = Value(List{});
    f.value.set_where(Loc(mark));
    f.anchor = anchor;
    f.mark = mark;
    stack_.push_back(std::move(f));
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    if (!CheckCollectionTag(mark, tag, kTagMap)) return;
    Frame f;
    f.value = Value(Map{});
    f.value.set_where(Loc(mark));
    f.is_map = true;
    f.anchor = anchor;
    f.mark = mark;
    stack_.push_back(std::move(f));
  }
  void OnMapEnd() override {
    if (failed_ || stack_.empty()) return;
    FinishMap(stack_.back());
    Close();
  }

  bool done() const { return done_; }
  bool failed() const { return failed_; }
  Error& failure() { return failure_; }
  Value& root() { return root_; }

 private:
  struct Pair {
    std::string key;
    Value value;
    YAML::Mark key_mark;
  };
  struct Frame {
    Value value;
    bool is_map = false;
    YAML::anchor_t anchor = 0;
    YAML::Mark mark;
    // Maps collect their pairs first, so `<<` merges can be applied as PyYAML
    // does (merged pairs first, explicit keys win) when the map closes.
    bool have_key = false;
    std::string key;
    YAML::Mark key_mark;
    bool key_is_merge = false;
    std::vector<Pair> pairs;
    std::vector<Value> merges;  // in source order
    uint64_t size = 1;          // nodes in it, aliases expanded
  };

  Location Loc(const YAML::Mark& mark) const {
    return Location{file_, mark.line + 1, mark.column + 1};
  }

  void Fail(const YAML::Mark& mark, std::string message) {
    if (failed_) return;
    failed_ = true;
    failure_ = MakeError(std::move(message), Loc(mark));
  }

  bool CheckCollectionTag(const YAML::Mark& mark, const std::string& tag, const char* plain) {
    if (tag.empty() || tag == "?" || tag == "!" || tag == plain) return true;
    Fail(mark, "could not determine a constructor for the tag '" + tag + "'");
    // Keep the stack balanced so later events stay consistent.
    Frame f;
    f.value = Value(List{});
    stack_.push_back(std::move(f));
    return false;
  }

  void Close() {
    if (stack_.empty()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(f.value), f.anchor, f.mark, "", f.size);
  }

  // Adds a finished node to its parent (or makes it the root).
  // `size` is the node's size with aliases expanded (1 for a scalar).
  void Add(Value v, YAML::anchor_t anchor, const YAML::Mark& mark, const std::string& text,
           uint64_t size = 1) {
    if (failed_) return;
    if (anchor) {
      anchors_[anchor] = v;
      anchor_sizes_[anchor] = size;
    }
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& top = stack_.back();
    top.size = std::min(top.size + size, kMaxAliasNodes + 1);
    if (!top.is_map) {
      top.value.as_list().push_back(std::move(v));
      return;
    }
    if (!top.have_key) {
      top.have_key = true;
      top.key_mark = mark;
      top.key_is_merge = v.is_string() && !v.is_vault() && v.as_string() == "<<" && text == "<<";
      top.key = KeyText(v, text);
      return;
    }
    top.have_key = false;
    if (top.key_is_merge) {
      if (v.is_map()) {
        top.merges.push_back(std::move(v));
      } else if (v.is_list()) {
        for (const Value& item : v.as_list()) {
          if (!item.is_map()) {
            Fail(top.key_mark, "expected a mapping or list of mappings for merging");
            return;
          }
          top.merges.push_back(item);
        }
      } else {
        Fail(top.key_mark, "expected a mapping or list of mappings for merging");
      }
      return;
    }
    top.pairs.push_back(Pair{std::move(top.key), std::move(v), top.key_mark});
  }

  // Map keys are strings in drover; a non-string scalar key keeps its text.
  static std::string KeyText(const Value& v, const std::string& text) {
    if (v.is_string() && !v.is_vault()) return v.as_string();
    return text;
  }

  void FinishMap(Frame& f) {
    Map& out = f.value.as_map();
    // PyYAML flatten_mapping: merged maps, last listed first, then the
    // explicit pairs; later assignments win but keep the first position.
    for (auto it = f.merges.rbegin(); it != f.merges.rend(); ++it)
      for (const auto& [k, v] : it->as_map()) out.set(k, v);
    std::map<std::string, bool> seen;
    for (Pair& p : f.pairs) {
      if (seen.count(p.key) && warnings_) {
        warnings_->push_back(
            MakeError("found a duplicate dict key (" + p.key + "); using last defined value only",
                      Loc(p.key_mark)));
      }
      seen[p.key] = true;
      out.set(std::move(p.key), std::move(p.value));
    }
  }

  std::shared_ptr<const std::string> file_;
  Warnings* warnings_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Value> anchors_;
  // Bound on the nodes aliases add to a document when expanded (PyYAML has
  // none; a "billion laughs" document would exhaust memory when walked).
  static constexpr uint64_t kMaxAliasNodes = 1'000'000;
  std::map<YAML::anchor_t, uint64_t> anchor_sizes_;
  uint64_t alias_nodes_ = 0;
  Value root_;
  bool done_ = false;
  bool failed_ = false;
  Error failure_;
};

}  // namespace

Value ResolvePlainScalar(const std::string& text) {
  if (IsNullText(text)) return Value();
  const char c = text[0];
  if (std::string_view("yYnNtTfFoO").find(c) != std::string_view::npos &&
      std::regex_match(text, BoolPattern()))
    return ConstructBool(text);
  if (std::string_view("-+0123456789.").find(c) != std::string_view::npos) {
    if (c != '.' && std::regex_match(text, IntPattern())) return ConstructInt(text);
    if (std::regex_match(text, FloatPattern())) return ConstructFloat(text);
  }
  return Value(text);
}

std::string SourceExcerpt(std::string_view text, int line, int col) {
  if (line <= 0) return {};
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view content = text.substr(start, end == std::string_view::npos ? end : end - start);
  std::string out(content);
  out += '\n';
  out.append(col > 1 ? static_cast<size_t>(col - 1) : 0, ' ');
  out += '^';
  return out;
}

Result<Value> LoadYaml(std::string_view text, const std::string& path, Warnings* warnings) {
  auto file = std::make_shared<const std::string>(path);
  std::istringstream in{std::string(text)};
  ValueBuilder builder(file, warnings);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    // Like PyYAML's single-document loader, refuse trailing content (yaml-cpp
    // would otherwise silently drop whatever follows a complete node).
    if (!builder.failed()) {
      ValueBuilder extra(file, nullptr);
      if (parser.HandleNextDocument(extra)) {
        Location where{file, 0, 0};
        if (extra.root().where().known()) where = extra.root().where();
        Error err = MakeError("expected a single document in the stream", where);
        err.detail = SourceExcerpt(text, where.line, where.col);
        return err;
      }
    }
  } catch (const YAML::Exception& e) {
    Error err = MakeError(e.msg, Location{file, e.mark.line + 1, e.mark.column + 1});
    if (e.mark.is_null()) err.where = Location{file, 0, 0};
    err.detail = SourceExcerpt(text, err.where.line, err.where.col);
    return err;
  }
  if (builder.failed()) {
    Error err = std::move(builder.failure());
    err.detail = SourceExcerpt(text, err.where.line, err.where.col);
    return err;
  }
  return std::move(builder.root());
}

Result<Value> LoadYamlFile(const std::string& path, Warnings* warnings) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text.take_error();
  return LoadYaml(*text, path, warnings);
}

}  // namespace drover
