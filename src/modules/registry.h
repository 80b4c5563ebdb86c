// The list of implemented modules (one line per module in registry.cc).
#pragma once

#include <vector>

#include "modules/module.h"

namespace drover::modules {

const std::vector<const Module*>& AllModules();

// Each module file defines its accessor.
const Module& CommandModule();
const Module& ShellModule();
const Module& RawModule();
const Module& PingModule();
const Module& StatModule();
const Module& FileModule();
const Module& CopyModule();
const Module& TemplateModule();
const Module& LineinfileModule();
const Module& BlockinfileModule();
const Module& ReplaceModule();

}  // namespace drover::modules
