// JSON in Python's json module's shapes, because Ansible's output, JSON
// events and filters (to_json, to_nice_json) are made by it.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/value.h"

namespace drover {

struct JsonStyle {
  int indent = -1;  // < 0: one line; >= 0: pretty, that many spaces
  bool sort_keys = false;
  bool ensure_ascii = true;  // escape non-ASCII as \uXXXX
  // Separators as json.dumps: (", ", ": ") on one line, ("," , ": ") pretty.
  std::string item_sep;  // empty = the default for the mode
  std::string key_sep = ": ";
};

// Serializes like Python's json.dumps(value, indent=..., sort_keys=...,
// ensure_ascii=...). Floats use Python's repr (1.0, 1e+16, NaN, Infinity).
// Vault values serialize as their text (callers redact on output).
std::string ToJson(const Value& value, const JsonStyle& style = {});

// Parses JSON text (objects keep their key order). `source` names the text
// in error messages.
Result<Value> ParseJson(std::string_view text, const std::string& source = "<json>");

// Python's repr() of a float: shortest round-trip digits, "1.0", "1e+16",
// "inf", "nan".
std::string PythonFloatRepr(double d);

}  // namespace drover
