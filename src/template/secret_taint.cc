#include "template/secret_taint.h"

#include <string_view>
#include <unordered_set>

#include "core/secrets.h"

namespace drover::tmpl {

namespace {

// Strings of a value (map keys and values, list items), at most kMaxStrings:
// a derived value that large is registered no further than that.
constexpr size_t kMaxStrings = 10000;
constexpr size_t kMinRegisteredLength = 8;

void CollectStrings(const Value& v, std::vector<std::string_view>& out) {
  if (out.size() >= kMaxStrings) return;
  switch (v.type()) {
    case Value::Type::kString: out.push_back(v.as_string()); return;
    case Value::Type::kList:
      for (const Value& item : v.as_list()) CollectStrings(item, out);
      return;
    case Value::Type::kMap:
      for (const auto& [key, item] : v.as_map()) {
        out.push_back(key);
        CollectStrings(item, out);
      }
      return;
    default: return;
  }
}

struct Inputs {
  std::vector<std::string_view> strings;
  void Add(const Value& v) { CollectStrings(v, strings); }
  void Add(const TVal& t) {
    if (t.kind == TVal::Kind::kValue) Add(t.v);
  }
  bool MentionSecret() const {
    for (std::string_view s : strings)
      if (ContainsSecret(s)) return true;
    return false;
  }
};

}  // namespace

bool FilterKeepsSecretMark(std::string_view filter_name) {
  static constexpr std::string_view kOneWay[] = {"hash", "checksum", "md5", "sha1",
                                                 "password_hash"};
  if (const size_t dot = filter_name.rfind('.'); dot != std::string_view::npos)
    filter_name.remove_prefix(dot + 1);  // ansible.builtin.hash
  for (std::string_view f : kOneWay)
    if (filter_name == f) return false;
  return true;
}

void InheritSecretMark(const TVal& result, const Value* self, const TVal* input,
                       const CallArgs* args) {
  if (!AnySecretRegistered() || result.kind != TVal::Kind::kValue) return;
  Inputs inputs;
  if (self) inputs.Add(*self);
  if (input) inputs.Add(*input);
  if (args) {
    for (const TVal& a : args->pos) inputs.Add(a);
    for (const auto& [name, a] : args->kw) inputs.Add(a);
  }
  if (!inputs.MentionSecret()) return;
  const std::unordered_set<std::string_view> seen(inputs.strings.begin(), inputs.strings.end());
  std::vector<std::string_view> produced;
  CollectStrings(result.v, produced);
  for (std::string_view s : produced)
    if (s.size() >= kMinRegisteredLength && !seen.contains(s)) RegisterSecret(s);
}

}  // namespace drover::tmpl
