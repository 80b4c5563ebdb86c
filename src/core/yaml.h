// YAML loading with Ansible's semantics: yaml-cpp parses, drover resolves
// plain scalars as PyYAML's YAML 1.1 resolver does (the loader Ansible uses):
//   - `0644` is the octal int 420, `0x1F` hex, `0b101` binary, `1_000` 1000,
//     `1:30` sexagesimal 90; `0o644` is *not* special in YAML 1.1 and stays
//     the string "0o644" (modules that take a mode parse it themselves).
//   - yes/no/on/off/true/false (lower, Title or UPPER case) are booleans;
//     y/n are strings, as in PyYAML.
//   - `~`, `null` (Null, NULL) and the empty scalar are null.
//   - floats need a dot (`1.5`, `1.0e+3`, `.inf`, `.nan`); `1e3` is a string.
//   - quoted scalars are always strings; `!unsafe` marks a string unsafe and
//     `!vault` makes a vault value; `!!str`/`!!int`/... force a type.
//   - anchors, aliases and `<<` merge keys work (aliases share the node, as in
//     Python); a duplicate key warns and the last value wins.
// Timestamps stay strings (PyYAML would build a date); sets are not supported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover {

// Warnings found while loading (e.g. duplicate keys); loading still succeeds.
using Warnings = std::vector<Error>;

// Parses the first document of `text`. `path` names the source in locations
// and messages. An empty document is null. A syntax error is reported as
// "path:line:col: message" with the offending line and a caret as detail.
Result<Value> LoadYaml(std::string_view text, const std::string& path,
                       Warnings* warnings = nullptr);

// Reads and parses a file. A missing or unreadable file is an error naming it.
Result<Value> LoadYamlFile(const std::string& path, Warnings* warnings = nullptr);

// Resolves the text of a plain (unquoted, untagged) scalar as YAML 1.1 does.
Value ResolvePlainScalar(const std::string& text);

// The source line `line` (1-based) of text, followed by a caret under `col`.
std::string SourceExcerpt(std::string_view text, int line, int col);

}  // namespace drover
