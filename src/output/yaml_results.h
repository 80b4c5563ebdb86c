// How community.general's `yaml` stdout callback (stdout_callback = yaml,
// Debian's ansible 7.x) dumps a task result: the default callback's lines
// with the result as YAML instead of JSON.
#pragma once

#include <string>

#include "core/value.h"

namespace drover::output {

// The callback's _dump_results for `result`, already cleaned as the default
// callback cleans it (internal keys, invocation and diff removed, debug's
// trimmed): `changed=x ` and `skipped=x ` leading, stdout_lines and
// stderr_lines "<omitted>" beside stdout/stderr, exception dropped, the rest
// as yaml.dump(width=1000, block style, multi-line strings as `|` literal
// blocks) on the following lines, indented by 2; trailing whitespace
// removed. Empty when nothing is left (the line then reads `ok: [h] => `).
// A no_log result is dumped like any other, as ansible-playbook 2.14 shows
// it (the callback's JSON form for _ansible_no_log is not reached there).
std::string YamlDumpResult(const Map& cleaned);

}  // namespace drover::output
