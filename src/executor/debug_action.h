// The debug action (ansible.builtin.debug's action plugin), run on the
// controller by playbooks and by `drover adhoc -m debug` alike.
#pragma once

#include "core/value.h"
#include "template/template.h"

namespace drover::executor {

// debug's result for `args` (msg, var, verbosity; already checked to hold
// nothing else, msg already templated): `var` evaluated in `scope`
// ("VARIABLE IS NOT DEFINED!" when it fails), else `msg` (default "Hello
// world!"), with _ansible_verbose_always; skipped ("Verbosity threshold not
// met.") when `verbosity` is above the run's.
Map DebugAction(const Map& args, const tmpl::Scope& scope, int run_verbosity);

}  // namespace drover::executor
