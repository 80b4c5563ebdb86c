// libFuzzer target: Ansible's free-form `k=v` argument syntax (split_args,
// parse_kv with quotes, escapes and Jinja2 blocks kept whole).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "playbook/kv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)drover::playbook::SplitArgs(text);
  (void)drover::playbook::ParseKeyValues(text, size % 2 == 0);
  return 0;
}
