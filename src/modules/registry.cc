#include "modules/registry.h"

namespace drover::modules {

// Each module's accessor, defined in its own file. A new module needs no
// line in registry.h (its declarations are for the files that call an
// accessor directly).
#define DROVER_MODULE(accessor) const Module& accessor();
#include "modules/module_list.inc"
#undef DROVER_MODULE

const std::vector<const Module*>& AllModules() {
  static const std::vector<const Module*> all = {
#define DROVER_MODULE(accessor) &accessor(),
#include "modules/module_list.inc"
#undef DROVER_MODULE
  };
  return all;
}

}  // namespace drover::modules
