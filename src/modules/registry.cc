#include "modules/registry.h"

namespace drover::modules {

const std::vector<const Module*>& AllModules() {
  static const std::vector<const Module*> all = {
      &CommandModule(), &ShellModule(), &RawModule(),  &PingModule(),
      &StatModule(),    &FileModule(),  &CopyModule(), &TemplateModule(),
  };
  return all;
}

}  // namespace drover::modules
