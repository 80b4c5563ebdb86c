// Python datetime/timedelta objects as templates see them (to_datetime,
// now()): attributes (year, ..., days, seconds), str(), subtraction and
// comparison. Naive datetimes (no time zone), second resolution.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "template/runtime.h"

namespace drover::tmpl {

// A naive datetime from broken-down time (tm_year etc. as struct tm).
TVal MakeDateTime(const struct tm& t, int microsecond = 0);

// Python's datetime.strftime on a naive datetime: the C library's
// directives, plus %f (microseconds, 6 digits); %z and %Z are empty.
std::string PyStrftime(std::string_view format, const struct tm& t, int microsecond);

}  // namespace drover::tmpl
