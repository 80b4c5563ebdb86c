// Jinja2's grammar: tokens to the AST of ast.h. Throws SyntaxError.
#pragma once

#include <string_view>

#include "template/ast.h"
#include "template/lexer.h"

namespace drover::tmpl {

// Parses a whole template body.
Body ParseTemplate(std::string_view text, const Options& options);

// Parses a bare expression (for conditionals); the whole text must be one
// expression.
ExprPtr ParseBareExpression(std::string_view text, const Options& options);

}  // namespace drover::tmpl
