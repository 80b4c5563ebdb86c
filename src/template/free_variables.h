// Static analysis of a template: which variables it reads, and which of
// them it certainly needs. Used before a run to find undefined variables
// without rendering anything (executor/undefined_check.h).
//
// The analysis is conservative in one direction: a name is "required" only
// when every render of the template evaluates it in a way that fails when
// it is undefined (printed, compared, iterated, tested for truth, used in
// arithmetic, called, or its attribute/item used so). Names reached only
// conditionally (an `{% if %}` body, a `for` body, the right side of
// `and`/`or`, a branch of `a if c else b`, macro bodies, filter arguments,
// list/dict literals, `{% set %}` values) are read but not required.
// Template globals (range, lookup, query, q, now, dict, lipsum, cycler,
// joiner, namespace, undef) are not variables.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "template/template.h"

namespace drover::tmpl {

struct NameUse {
  std::string name;
  int line = 0;  // 1-based, within the template text
  int col = 0;
  // The use is `name | mandatory`: fails with Ansible's "Mandatory
  // variable ... not defined" rather than "is undefined".
  bool mandatory = false;
};

struct TemplateNames {
  // Uses that fail when the name is undefined, in source order (a name may
  // appear more than once).
  std::vector<NameUse> required;
  // Names guarded somewhere in the template: the operand (or argument) of
  // `is defined`, `is undefined`, `| default(...)` / `| d(...)`.
  std::set<std::string> guarded;
  // Names bound inside the template ({% set %}, {% for %} targets and
  // `loop`, macro names and parameters, `caller`/`varargs`/`kwargs`,
  // {% with %}, import aliases).
  std::set<std::string> bound;
  // Every free name read anywhere (required or not).
  std::set<std::string> read;

  // The required uses of names neither guarded nor bound.
  std::vector<NameUse> Unguarded() const;
};

// Analyses a templated string (task argument, loop, template file): the
// whole text with {{ }} / {% %} as Ansible's templar parses it. A syntax
// error is returned as an Error.
Result<TemplateNames> AnalyzeTemplate(std::string_view text,
                                      const Options& options = Options::Templar());

// Analyses a conditional (when:, changed_when:, failed_when:, until:,
// assert's that:): a bare expression whose truth is taken, or a template
// when it contains {{ }} (as EvaluateConditional treats it).
Result<TemplateNames> AnalyzeConditional(std::string_view expr);

}  // namespace drover::tmpl
