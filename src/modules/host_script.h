// The frame of the scripts that run a host's own tool and report what it
// did (supervisorctl, npm, pip): a POSIX sh prelude with a private
// temporary directory and helpers, and the parser of the fields the script
// prints. Fields are "NAME LENGTH\nVALUE\n" (LENGTH in bytes, LC_ALL=C),
// so any output (newlines, binary) survives.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::modules {

// Shell text defining, after `set` of nothing else:
//   T             a private temporary directory, removed at exit
//   field N V     prints one field
//   run CMD...    runs CMD; OUT, ERR (exact text) and RC of it
//   fail MSG      prints field `fail` and exits 0 (the controller fails)
// `c_locale` exports LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C (what
// Ansible's modules set when they parse a tool's messages).
std::string HostScriptPrelude(bool c_locale);

// Shell text defining `attrs PATH NEW` (after `change` is defined):
// brings PATH's owner, group and mode to $OWNER, $GROUP, $MODE (each empty
// to leave; MODE octal digits or chmod's symbolic text) and calls
// `change` once when any differed, as Ansible's set_fs_attributes_if_
// different reports. NEW=1: the path was just made (already counted). With
// CHECK=1 only compares (a symbolic MODE is not foreseen).
std::string HostAttrsFunction();
// The `mode` argument as attrs' MODE: octal digits for an int (YAML 0755)
// or octal text, chmod's symbolic text as given, "" when absent.
Result<std::string> HostModeText(const Value* mode);

using HostFields = std::vector<std::pair<std::string, std::string>>;

// The fields the script printed, in order.
HostFields ParseHostFields(const std::string& out);
// Words quoted and joined as Python's shlex.join (how Ansible's results
// show a command: `cmd`).
std::string ShellJoin(const std::vector<std::string>& words);
// Python's str.rstrip().
std::string RStrip(std::string text);
// The last value of field `name`, or nullopt.
std::optional<std::string> FieldValue(const HostFields& fields, const std::string& name);

}  // namespace drover::modules
