#include "modules/host_steps.h"

#include <algorithm>
#include <cstdlib>

#include "connection/shell.h"

namespace drover::modules {

bool HostSteps::HasMarker(const std::string& line) const {
  return std::find(markers.begin(), markers.end(), line) != markers.end();
}

std::string HostStepFunction() {
  return "__step() {\n"
         "  __so=$(mktemp) && __se=$(mktemp) || exit 1\n"
         "  \"$@\" >\"$__so\" 2>\"$__se\"; __rc=$?\n"
         "  printf 'DROVER_STEP|%d|%d|%d\\n' \"$__rc\" \"$(wc -c <\"$__so\")\" "
         "\"$(wc -c <\"$__se\")\"\n"
         "  cat \"$__so\" \"$__se\"; rm -f \"$__so\" \"$__se\"\n"
         "  return \"$__rc\"\n"
         "}\n";
}

std::string HostStepCall(const std::vector<std::string>& argv) {
  std::string out = "__step";
  for (const std::string& w : argv) out += " " + connection::ShellQuote(w);
  return out;
}

HostSteps ParseHostSteps(const std::string& text) {
  HostSteps r;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(at, nl - at);
    at = nl + 1;
    if (line.rfind("DROVER_STEP|", 0) != 0) {
      r.markers.push_back(line);
      continue;
    }
    HostStep s;
    const char* p = line.c_str() + 12;
    char* end = nullptr;
    s.rc = static_cast<int>(std::strtol(p, &end, 10));
    const size_t nout = std::strtoul(end + 1, &end, 10);
    const size_t nerr = std::strtoul(end + 1, &end, 10);
    if (at > text.size()) at = text.size();
    s.out = text.substr(at, nout);
    at = std::min(text.size(), at + nout);
    s.err = text.substr(at, nerr);
    at = std::min(text.size(), at + nerr);
    r.steps.push_back(std::move(s));
  }
  return r;
}

}  // namespace drover::modules
