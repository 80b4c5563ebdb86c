#include "modules/registry.h"

namespace drover::modules {

const std::vector<const Module*>& AllModules() {
  static const std::vector<const Module*> all = {
      &CommandModule(),  // one per line, so merges stay trivial
      &ShellModule(),   &RawModule(),  &PingModule(),     &StatModule(),
      &FileModule(),    &CopyModule(), &TemplateModule(), &LineinfileModule(),
  };
  return all;
}

}  // namespace drover::modules
