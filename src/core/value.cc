#include "core/value.h"

#include <cassert>
#include <cmath>

#include "core/secrets.h"

namespace drover {

namespace {
constexpr size_t kIndexThreshold = 12;

VaultDecryptor& InstalledDecryptor() {
  static VaultDecryptor decryptor;
  return decryptor;
}
}  // namespace

std::string Location::str() const {
  if (!file) return {};
  std::string out = *file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (col > 0) out += ":" + std::to_string(col);
  }
  return out;
}

std::string Error::headline() const {
  std::string loc = where.str();
  return loc.empty() ? message : loc + ": " + message;
}

std::string Error::full() const {
  std::string out = headline();
  if (!detail.empty()) {
    out += "\n" + detail;
    if (out.back() == '\n') out.pop_back();
  }
  return out;
}

// ---- Map ----

Map::Map(std::initializer_list<Entry> entries) {
  for (const auto& e : entries) set(e.first, e.second);
}
Map::Map(const Map& other) : entries_(other.entries_) {}
Map& Map::operator=(const Map& other) {
  if (this != &other) {
    entries_ = other.entries_;
    index_.reset();
  }
  return *this;
}
Map::~Map() = default;

void Map::BuildIndexIfLarge() const {
  if (index_ || entries_.size() < kIndexThreshold) return;
  index_ = std::make_unique<Index>();
  index_->reserve(entries_.size() * 2);
  for (size_t i = 0; i < entries_.size(); ++i) index_->emplace(entries_[i].first, i);
}

const Value* Map::find(std::string_view key) const {
  BuildIndexIfLarge();
  if (index_) {
    auto it = index_->find(std::string(key));
    return it == index_->end() ? nullptr : &entries_[it->second].second;
  }
  for (const auto& e : entries_)
    if (e.first == key) return &e.second;
  return nullptr;
}

Value* Map::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Map*>(this)->find(key));
}

void Map::set(std::string key, Value value) {
  if (Value* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  if (index_) index_->emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
}

Value& Map::operator[](std::string_view key) {
  if (Value* existing = find(key)) return *existing;
  set(std::string(key), Value());
  return entries_.back().second;
}

bool Map::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      index_.reset();
      return true;
    }
  }
  return false;
}

// ---- Value ----

void SetVaultDecryptor(VaultDecryptor decryptor) {
  InstalledDecryptor() = std::move(decryptor);
}

Value Value::Vault(std::string envelope, Location where) {
  Value v;
  auto data = std::make_shared<VaultData>();
  data->envelope = std::move(envelope);
  v.data_ = std::shared_ptr<const VaultData>(std::move(data));
  v.where_ = std::move(where);
  return v;
}

Value::Type Value::type() const {
  switch (data_.index()) {
    case 0: return Type::kNull;
    case 1: return Type::kBool;
    case 2: return Type::kInt;
    case 3: return Type::kFloat;
    case 4: return Type::kString;
    case 5: return Type::kList;
    case 6: return Type::kMap;
    default: return Type::kString;  // vault
  }
}

double Value::as_number() const {
  if (is_int()) return static_cast<double>(as_int());
  if (is_bool()) return as_bool() ? 1.0 : 0.0;
  return as_float();
}

bool Value::is_vault() const {
  return std::holds_alternative<std::shared_ptr<const VaultData>>(data_);
}

const std::string& Value::vault_envelope() const {
  return std::get<std::shared_ptr<const VaultData>>(data_)->envelope;
}

bool Value::vault_revealed() const {
  if (!is_vault()) return false;
  const auto& vd = *std::get<std::shared_ptr<const VaultData>>(data_);
  return !vd.plaintext.empty() || vd.failure.has_value();
}

const std::string& Value::as_string() const {
  if (const auto* s = std::get_if<std::string>(&data_)) return *s;
  const auto& vd = *std::get<std::shared_ptr<const VaultData>>(data_);
  std::call_once(vd.decrypted, [&] {
    const VaultDecryptor& decrypt = InstalledDecryptor();
    if (!decrypt) {
      vd.failure = MakeError(
          "a vault-encrypted value is used but no vault password was given; "
          "pass --vault-password-file FILE, --vault-id LABEL@SOURCE or "
          "--ask-vault-pass",
          where_);
      return;
    }
    Result<std::string> plain = decrypt(vd.envelope, where_);
    if (!plain) {
      vd.failure = plain.error();
      if (!vd.failure->where.known()) vd.failure->where = where_;
      return;
    }
    vd.plaintext = std::move(plain).value();
    RegisterSecret(vd.plaintext);
  });
  if (vd.failure) throw Failure(*vd.failure);
  return vd.plaintext;
}

bool Value::truthy() const {
  switch (type()) {
    case Type::kNull: return false;
    case Type::kBool: return as_bool();
    case Type::kInt: return as_int() != 0;
    case Type::kFloat: return as_float() != 0.0;
    case Type::kString: return !as_string().empty();
    case Type::kList: return !as_list().empty();
    case Type::kMap: return !as_map().empty();
  }
  return false;
}

std::string_view Value::type_name() const {
  switch (type()) {
    case Type::kNull: return "NoneType";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kString: return is_vault() ? "AnsibleVaultEncryptedUnicode" : "str";
    case Type::kList: return "list";
    case Type::kMap: return "dict";
  }
  return "object";
}

Value Value::deep_copy() const {
  Value out;
  switch (type()) {
    case Type::kList: {
      List copy;
      copy.reserve(as_list().size());
      for (const auto& item : as_list()) copy.push_back(item.deep_copy());
      out = Value(std::move(copy));
      break;
    }
    case Type::kMap: {
      Map copy;
      for (const auto& [k, v] : as_map()) copy.set(k, v.deep_copy());
      out = Value(std::move(copy));
      break;
    }
    default: return *this;
  }
  out.where_ = where_;
  out.unsafe_ = unsafe_;
  out.tuple_ = tuple_;
  return out;
}

bool operator==(const Value& a, const Value& b) {
  using T = Value::Type;
  const T ta = a.type(), tb = b.type();
  const bool na = ta == T::kBool || ta == T::kInt || ta == T::kFloat;
  const bool nb = tb == T::kBool || tb == T::kInt || tb == T::kFloat;
  if (na && nb) {
    if (ta != T::kFloat && tb != T::kFloat) {
      auto as_i = [](const Value& v) {
        return v.is_bool() ? static_cast<int64_t>(v.as_bool()) : v.as_int();
      };
      return as_i(a) == as_i(b);
    }
    return a.as_number() == b.as_number();
  }
  if (ta != tb) return false;
  switch (ta) {
    case T::kNull: return true;
    case T::kString: return a.as_string() == b.as_string();
    case T::kList: {
      const List& la = a.as_list();
      const List& lb = b.as_list();
      if (&la == &lb) return true;
      if (la.size() != lb.size()) return false;
      for (size_t i = 0; i < la.size(); ++i)
        if (la[i] != lb[i]) return false;
      return true;
    }
    case T::kMap: {
      const Map& ma = a.as_map();
      const Map& mb = b.as_map();
      if (&ma == &mb) return true;
      if (ma.size() != mb.size()) return false;
      for (const auto& [k, v] : ma) {
        const Value* other = mb.find(k);
        if (!other || *other != v) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace drover
