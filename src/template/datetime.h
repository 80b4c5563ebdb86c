// Python datetime/timedelta objects as templates see them (to_datetime,
// now()): attributes (year, ..., days, seconds), str(), subtraction and
// comparison. Naive datetimes (no time zone), second resolution.
#pragma once

#include <ctime>
#include <memory>

#include "template/runtime.h"

namespace drover::tmpl {

// A naive datetime from broken-down time (tm_year etc. as struct tm).
TVal MakeDateTime(const struct tm& t, int microsecond = 0);

}  // namespace drover::tmpl
