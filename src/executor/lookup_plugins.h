// Internal to the lookup plugins (lookups.cc, lookup_files.cc): the call a
// plugin receives and the option helpers they share.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "executor/lookups.h"

namespace drover::executor {

struct LookupCall {
  const List& terms;
  const Map& options;
  const tmpl::Scope& scope;
  const LookupContext& ctx;
  const LookupWarn& warn;  // may be empty
};

// Returns the plugin's list; throws LookupFailure.
using LookupPlugin = std::function<List(const LookupCall&)>;

// A boolean option as Ansible's config converts it; throws kOptions.
bool OptionBool(const Map& options, std::string_view key, bool fallback);

void AddDataPlugins(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddFilePlugins(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddTablePlugins(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddInventoryPlugin(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddConfigPlugin(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddPasswordPlugin(std::map<std::string, LookupPlugin, std::less<>>& m);
void AddUrlPlugin(std::map<std::string, LookupPlugin, std::less<>>& m);

}  // namespace drover::executor
