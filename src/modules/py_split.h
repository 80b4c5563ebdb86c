// Python's str.split() without arguments, as the modules' Python sources
// split fstab, sysctl and known_hosts lines: runs of whitespace separate
// fields, and there are no empty fields.
#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace drover::modules {

inline std::vector<std::string> PySplit(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace drover::modules
