// Ansible's strip_internal_keys for the results the stdout callbacks show:
// keys starting with _ansible_ (and drover's own _drover_) removed at every
// depth.
#pragma once

#include "core/value.h"

namespace drover::output {

// With `keep_callback_keys`, the ones TaskResult.clean_copy keeps for the
// callbacks stay (CLEAN_EXCEPTIONS: _ansible_verbose_always,
// _ansible_item_label, _ansible_no_log, _ansible_verbose_override).
Value StripInternalKeys(const Value& v, bool keep_callback_keys);

}  // namespace drover::output
