#include "modules/registry.h"

namespace drover::modules {

const std::vector<const Module*>& AllModules() {
  static const std::vector<const Module*> all = {
      &CommandModule(),
      &ShellModule(),
      &RawModule(),
      &PingModule(),
  };
  return all;
}

}  // namespace drover::modules
