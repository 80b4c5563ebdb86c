// Python's ast.literal_eval, which Ansible's INI inventory applies to every
// variable value: `1` is an int, `1.5` a float, `True`/`False`/`None`,
// '...'/"..." strings (with escapes, r'' raw, adjacent ones concatenated),
// [lists], (tuples, as lists), {dicts}, unary +/- on numbers, 0x/0o/0b and
// `_` digit separators, comments (`1 # note` is 1). Anything else is not a
// literal and the INI value stays the original string.
// Not representable here, so also kept as the original string: complex
// numbers, sets, Ellipsis, and ints beyond 64 bits.
#pragma once

#include <optional>
#include <string_view>

#include "core/value.h"

namespace drover::inventory {

// The value of `text` as a Python literal, or nothing when it is not one.
std::optional<Value> ParsePythonLiteral(std::string_view text);

// The INI plugin's _parse_value: the literal's value, or `text` unchanged.
Value ParseIniValue(std::string_view text);

}  // namespace drover::inventory
