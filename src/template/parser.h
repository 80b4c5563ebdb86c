// Jinja2's grammar: tokens to the AST of ast.h. Throws SyntaxError.
#pragma once

#include <string_view>

#include "template/ast.h"
#include "template/lexer.h"

namespace drover::tmpl {

// Parses a whole template body. When `blocks` is given, the template's
// {% block %} nodes are appended to it (a name defined twice is an error).
Body ParseTemplate(std::string_view text, const Options& options,
                   std::vector<const Node*>* blocks = nullptr);

// Parses a bare expression (for conditionals); the whole text must be one
// expression.
ExprPtr ParseBareExpression(std::string_view text, const Options& options);

}  // namespace drover::tmpl
