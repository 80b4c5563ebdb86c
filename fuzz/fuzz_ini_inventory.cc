// libFuzzer target: the INI inventory parser (sections, host ranges,
// key=value host variables with Python literals, :children and :vars).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/ini_source.h"
#include "inventory/inventory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  drover::inventory::Inventory inventory;
  (void)drover::inventory::LoadIniInventory(text, "fuzz_hosts", &inventory);
  return 0;
}
