// Value: the one data type that flows through the engine (variables, task
// arguments, facts, module results, template values).
//
// Semantics follow Python's, because Ansible's data is Python data:
//  - lists and maps are reference types: copying a Value shares the container
//    (as a Python name binding does); use deep_copy() for an independent one.
//  - maps keep insertion order; assigning an existing key keeps its position.
//  - equality and truthiness are Python's (1 == 1.0 == True, "" is false).
// Every value may carry the Location it was read from, and two marks:
//  - vault: a string encrypted with ansible-vault. It is decrypted lazily,
//    on first use of its text, through the process's VaultDecryptor.
//  - unsafe: a string that must never be templated (YAML `!unsafe`).
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"

namespace drover {

class Value;
using List = std::vector<Value>;

// Insertion-ordered string-keyed map with Python dict assignment semantics.
class Map {
 public:
  using Entry = std::pair<std::string, Value>;
  using iterator = std::vector<Entry>::iterator;
  using const_iterator = std::vector<Entry>::const_iterator;

  Map() = default;
  Map(std::initializer_list<Entry> entries);
  Map(const Map& other);
  Map& operator=(const Map& other);
  Map(Map&&) noexcept = default;
  Map& operator=(Map&&) noexcept = default;
  ~Map();

  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Inserts at the end, or replaces in place when the key exists.
  void set(std::string key, Value value);
  // Returns the value for key, inserting null at the end when missing.
  Value& operator[](std::string_view key);
  bool erase(std::string_view key);

  // Defined after Value (clang needs Entry complete to instantiate them).
  size_t size() const;
  bool empty() const;
  iterator begin();
  iterator end();
  const_iterator begin() const;
  const_iterator end() const;

 private:
  // Index from key to position, built once the map grows past a few entries.
  using Index = std::unordered_map<std::string, size_t>;
  void BuildIndexIfLarge() const;
  std::vector<Entry> entries_;
  mutable std::unique_ptr<Index> index_;
};

// Decrypts a vault envelope ("$ANSIBLE_VAULT;1.1;AES256\n...") to plaintext.
// Installed once by the CLI when vault passwords are known.
using VaultDecryptor =
    std::function<Result<std::string>(const std::string& envelope, const Location& where)>;
void SetVaultDecryptor(VaultDecryptor decryptor);

// Thrown (only) by lazy accessors that cannot return a Result, i.e. the text
// of a vault value that does not decrypt. Callers at API boundaries (template
// rendering, CLI) catch it and turn it back into an Error.
struct Failure : std::exception {
  explicit Failure(Error e) : error(std::move(e)) {}
  const char* what() const noexcept override { return error.message.c_str(); }
  Error error;
};

class Value {
 public:
  enum class Type : uint8_t { kNull, kBool, kInt, kFloat, kString, kList, kMap };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Value(I i)
      : data_(static_cast<int64_t>(i)) {}
  Value(double d) : data_(d) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(List list) : data_(std::make_shared<List>(std::move(list))) {}
  Value(Map map) : data_(std::make_shared<Map>(std::move(map))) {}

  // A vault-encrypted string; `envelope` is the full "$ANSIBLE_VAULT;..." text.
  static Value Vault(std::string envelope, Location where = {});

  Type type() const;
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_float() const { return type() == Type::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }

  // Accessors require the matching type (checked with assert in debug).
  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  // int or float as double.
  double as_number() const;
  // The string's text; for a vault value the decrypted plaintext (decrypted
  // on first use; throws Failure if it cannot be decrypted).
  const std::string& as_string() const;
  const List& as_list() const { return *std::get<std::shared_ptr<List>>(data_); }
  List& as_list() { return *std::get<std::shared_ptr<List>>(data_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<Map>>(data_); }
  Map& as_map() { return *std::get<std::shared_ptr<Map>>(data_); }

  // Vault mark. vault_envelope() is the ciphertext, safe to show.
  bool is_vault() const;
  const std::string& vault_envelope() const;
  // True once a vault value has been decrypted in this process.
  bool vault_revealed() const;

  // Tuple mark on a list: Python's repr prints it as (a, b) (filters such
  // as zip, dictsort and dict.items() produce tuples). Otherwise a list.
  bool is_tuple() const { return tuple_; }
  Value& set_tuple(bool tuple = true) {
    tuple_ = tuple;
    return *this;
  }

  bool is_unsafe() const { return unsafe_; }
  Value& set_unsafe(bool unsafe = true) {
    unsafe_ = unsafe;
    return *this;
  }

  const Location& where() const { return where_; }
  Value& set_where(Location where) {
    where_ = std::move(where);
    return *this;
  }

  // Python truthiness: null, false, 0, 0.0, "", [] and {} are false.
  bool truthy() const;
  // Python's type name: NoneType, bool, int, float, str, list, dict.
  std::string_view type_name() const;
  // An independent copy of nested lists and maps.
  Value deep_copy() const;

  // Python == (1 == 1.0 == True; lists and maps compare element-wise).
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  struct VaultData {
    std::string envelope;
    mutable std::once_flag decrypted;  // workers may reveal concurrently
    mutable std::string plaintext;
    mutable std::optional<Error> failure;
  };
  using Data =
      std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<List>,
                   std::shared_ptr<Map>, std::shared_ptr<const VaultData>>;
  Data data_;
  Location where_;
  bool unsafe_ = false;
  bool tuple_ = false;
};

inline size_t Map::size() const {
  return entries_.size();
}
inline bool Map::empty() const {
  return entries_.empty();
}
inline Map::iterator Map::begin() {
  return entries_.begin();
}
inline Map::iterator Map::end() {
  return entries_.end();
}
inline Map::const_iterator Map::begin() const {
  return entries_.begin();
}
inline Map::const_iterator Map::end() const {
  return entries_.end();
}

}  // namespace drover
