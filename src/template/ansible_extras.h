// Helpers behind Ansible's filters that need more than a few lines:
// PyYAML-compatible dumping, Python's random.Random, SHA-crypt, UUIDv5,
// urlsplit.
#pragma once

#include <cstdint>
#include <string>

#include "core/value.h"

namespace drover::tmpl {

// yaml.dump options as Ansible's to_yaml/to_nice_yaml pass them.
struct YamlDumpStyle {
  int indent = 2;
  int flow = -1;  // default_flow_style: -1 None, 0 False, 1 True
  int width = 80;
  bool sort_keys = true;
  bool explicit_start = false;
  // community.general.yaml's dumper: a string holding a line break (or
  // \r, \x1c-\x1e, \x85, \u2028, \u2029) is written as a `|` literal
  // block, after trailing whitespace, unprintable characters, \v\f\r and
  // spaces before line ends are dropped and tabs expanded.
  bool literal_multiline = false;
};

// PyYAML's yaml.dump(value, allow_unicode=True, ...) output.
std::string DumpYaml(const Value& value, const YamlDumpStyle& style);

// Python's random.Random: MT19937 seeded as CPython seeds it (ints, and
// str via sha512, version 2), so seeded results match Ansible's.
class PyRandom {
 public:
  explicit PyRandom(const Value& seed);
  static PyRandom FromEntropy();
  uint64_t GetRandBits(int k);
  uint64_t RandBelow(uint64_t n);
  int64_t RandRange(int64_t start, int64_t stop, int64_t step);
  void Shuffle(List& l);

 private:
  PyRandom() = default;
  void InitGenrand(uint32_t s);
  void InitByArray(const std::vector<uint32_t>& key);
  uint32_t Next();
  uint32_t mt_[624];
  int mti_ = 625;
};

// crypt(3) SHA-512 ($6$) or SHA-256 ($5$) of `password`.
std::string ShaCrypt(const std::string& password, const std::string& salt, int64_t rounds,
                     bool sha512);
// A random salt of crypt's alphabet.
std::string RandomSalt(size_t n);
// uuid.uuid5(UUID(namespace_uuid), name) as text.
std::string Uuid5(const std::string& namespace_uuid, const std::string& name);
// urllib.parse.urlsplit as Ansible's urlsplit filter returns it.
Map UrlSplit(const std::string& url);

}  // namespace drover::tmpl
