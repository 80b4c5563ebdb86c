#pragma once

#include "version_config.h"

namespace drover {
inline constexpr const char* kDroverVersion = kDroverVersionRaw;
}
