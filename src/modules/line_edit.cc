#include "modules/line_edit.h"

#include <memory>
#include <vector>

#include "modules/file_common.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::modules {

namespace {

std::string RStripEol(const std::string& s) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r')) --end;
  return s.substr(0, end);
}

bool EndsWithEol(const std::string& s) {
  return !s.empty() && (s.back() == '\n' || s.back() == '\r');
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

}  // namespace

Result<LineEditResult> EditLines(const std::string& content, const LineEditSpec& spec) {
  try {
    std::vector<std::string> lines = LinesKeepEnds(content);
    LineEditResult r;
    std::shared_ptr<const tmpl::Regex> re;
    if (spec.regexp) re = tmpl::Regex::Compile(*spec.regexp);
    if (!spec.present) {
      std::vector<std::string> kept;
      for (const std::string& l : lines) {
        bool match;
        tmpl::RegexMatch m;
        if (re)
          match = re->Search(l, 0, &m);
        else if (spec.search_string)
          match = l.find(*spec.search_string) != std::string::npos;
        else
          match = spec.line && *spec.line == RStripEol(l);
        if (match)
          ++r.found;
        else
          kept.push_back(l);
      }
      r.changed = r.found > 0;
      if (r.changed) r.msg = std::to_string(r.found) + " line(s) removed";
      r.content = Join(kept);
      return r;
    }
    const std::string line = spec.line.value_or("");
    std::shared_ptr<const tmpl::Regex> ins;
    const auto& ia = spec.insertafter;
    const auto& ib = spec.insertbefore;
    if (ia && *ia != "BOF" && *ia != "EOF")
      ins = tmpl::Regex::Compile(*ia);
    else if (ib && *ib != "BOF")
      ins = tmpl::Regex::Compile(*ib);
    long index0 = -1, index1 = -1;
    std::optional<tmpl::RegexMatch> match;
    std::string match_subject;
    bool found = false;
    if (re) {
      for (size_t i = 0; i < lines.size(); ++i) {
        tmpl::RegexMatch m;
        if (re->Search(lines[i], 0, &m)) {
          index0 = static_cast<long>(i);
          match = m;
          match_subject = lines[i];
          found = true;
          if (spec.firstmatch) break;
        }
      }
    }
    if (spec.search_string) {
      for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(*spec.search_string) != std::string::npos) {
          index0 = static_cast<long>(i);
          found = true;
          if (spec.firstmatch) break;
        }
      }
    }
    if (!found) {
      for (size_t i = 0; i < lines.size(); ++i) {
        tmpl::RegexMatch m;
        if (line == RStripEol(lines[i])) {
          index0 = static_cast<long>(i);
        } else if (ins && ins->Search(lines[i], 0, &m)) {
          if (ia) {
            index1 = static_cast<long>(i) + 1;
            if (spec.firstmatch) break;
          }
          if (ib) {
            index1 = static_cast<long>(i);
            if (spec.firstmatch) break;
          }
        }
      }
    }
    const std::string sep = "\n";
    auto add = [&](std::string msg) {
      r.msg = std::move(msg);
      r.changed = true;
    };
    if (index0 != -1) {
      std::string new_line =
          spec.backrefs && match ? re->Expand(match_subject, *match, line) : line;
      if (new_line.size() < sep.size() || new_line.substr(new_line.size() - 1) != sep)
        new_line += sep;
      if (lines[index0] != new_line) {
        lines[index0] = new_line;
        add("line replaced");
      }
    } else if (spec.backrefs) {
      // Nothing: the line cannot be built without a match.
    } else if ((ib && *ib == "BOF") || (ia && *ia == "BOF")) {
      lines.insert(lines.begin(), line + sep);
      add("line added");
    } else if ((ia && *ia == "EOF") || index1 == -1) {
      if (!lines.empty() && !EndsWithEol(lines.back())) lines.push_back(sep);
      lines.push_back(line + sep);
      add("line added");
    } else if (ia && index1 != -1) {
      if (static_cast<long>(lines.size()) == index1) {
        if (RStripEol(lines[index1 - 1]) != line) {
          lines.push_back(line + sep);
          add("line added");
        }
      } else if (line != RStripEol(lines[index1])) {
        lines.insert(lines.begin() + index1, line + sep);
        add("line added");
      }
    } else {
      lines.insert(lines.begin() + index1, line + sep);
      add("line added");
    }
    r.content = Join(lines);
    return r;
  } catch (const tmpl::RenderError& e) {
    return MakeError("lineinfile: bad regular expression: " + e.message);
  }
}

}  // namespace drover::modules
