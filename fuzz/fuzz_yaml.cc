// libFuzzer target: the YAML loader (yaml-cpp plus drover's YAML 1.1
// resolution, tags, anchors and merge keys). Any input must give a Value or
// an Error, never a crash. Built by `make fuzz` only (fuzz/meson.build).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  drover::Warnings warnings;
  (void)drover::LoadYaml(text, "fuzz.yml", &warnings);
  return 0;
}
