// Warnings and deprecations as Ansible's display.warning()/deprecated()
// format them: "[WARNING]: msg" or "[DEPRECATION WARNING]: msg ..." wrapped
// by Python's textwrap.wrap to display.columns, written to stderr.
#pragma once

#include <string>
#include <vector>

namespace drover::output {

// Python 3.11's textwrap.wrap(text, width) with the defaults Ansible uses
// (tabs expanded, whitespace replaced by spaces, long words and hyphenated
// words broken); drop_whitespace as the keyword. Widths count code points.
std::vector<std::string> TextWrap(const std::string& text, size_t width,
                                  bool drop_whitespace = true);

// display.columns: max(79, width of the terminal on stdout - 1).
size_t DisplayColumns();

// display.warning(msg) as shown: "[WARNING]: msg" wrapped, lines joined by
// \n, without the trailing newline.
std::string WarningText(const std::string& msg, size_t columns = DisplayColumns());

// A deprecation travels as a warning whose text is DeprecationMessage():
// "[DEPRECATION WARNING]: msg. This feature will be removed in version V.
// Deprecation warnings can be disabled ..." (display.get_deprecation_message),
// unwrapped; DisplayedWarning() wraps it as display.deprecated() does.
std::string DeprecationMessage(const std::string& msg, const std::string& version);
bool IsDeprecation(const std::string& warning);

// deprecation_warnings (ANSIBLE_DEPRECATION_WARNINGS, [defaults]): when
// off, DisplayedWarning() returns "" for deprecations. On by default.
void SetDeprecationWarnings(bool on);

// A warning as display shows it: WarningText(), or a deprecation wrapped
// keeping whitespace and stripped; "" when it is not to be shown.
std::string DisplayedWarning(const std::string& warning, size_t columns = DisplayColumns());

// display's memory of what it showed (_warns, _deprecations): true the
// first time this process shows `shown`.
bool FirstShowing(const std::string& shown);

}  // namespace drover::output
