// Jinja2's lexer: splits template text into data and tag tokens, applying
// whitespace control (`-`, `+`, trim_blocks, lstrip_blocks) and `raw`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "template/template.h"

namespace drover::tmpl {

struct Token {
  enum class Type : uint8_t {
    kData,
    kVarBegin,
    kVarEnd,
    kBlockBegin,
    kBlockEnd,
    kName,
    kString,
    kInt,
    kFloat,
    kOp,
    kEof,
  };
  Type type;
  int line = 0;
  int col = 0;
  std::string text;  // data, name, operator, or the decoded string literal
  Value number;
};

// Thrown by the lexer and parser; converted to an Error at the API boundary.
struct SyntaxError {
  std::string message;
  int line = 0;
  int col = 0;
};

// Tokenizes the whole template (throws SyntaxError).
std::vector<Token> Tokenize(std::string_view text, const Options& options);

// Ansible's _escape_backslashes: doubles the backslashes inside string
// literals of {{ }} expressions, so "\\n" typed in YAML stays a backslash-n.
// Returns the (newline-normalized) text to parse instead.
std::string EscapeBackslashesInVariables(std::string_view text, const Options& options);

}  // namespace drover::tmpl
