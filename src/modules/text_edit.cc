#include "modules/text_edit.h"

#include <memory>
#include <vector>

#include "modules/edit_file.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::modules {

namespace {

// Whether the pattern's leading inline flags ("(?m)", "(?im)", ...) include
// MULTILINE, as Python's compiled.flags & re.MULTILINE.
bool HasInlineMultiline(const std::string& pattern) {
  size_t i = 0;
  bool multiline = false;
  while (pattern.compare(i, 2, "(?") == 0) {
    size_t j = i + 2;
    bool m = false;
    while (j < pattern.size() && std::string_view("aiLmsux").find(pattern[j]) != std::string::npos)
      m |= pattern[j++] == 'm';
    if (j == i + 2 || j >= pattern.size() || pattern[j] != ')') break;
    multiline |= m;
    i = j + 1;
  }
  return multiline;
}

long CountNewlines(const std::string& s, size_t end) {
  long n = 0;
  for (size_t i = 0; i < end && i < s.size(); ++i) n += s[i] == '\n';
  return n;
}

}  // namespace

Result<TextEditResult> EditBlock(const std::optional<std::string>& original,
                                 const BlockSpec& spec) {
  try {
    const std::string text = original.value_or("");
    std::vector<std::string> lines = SplitLinesKeepEnds(text);
    std::optional<std::string> insertafter = spec.insertafter, insertbefore = spec.insertbefore;
    if (!insertafter && !insertbefore) insertafter = "EOF";
    std::shared_ptr<const tmpl::Regex> insertre;
    std::string insert_pattern;
    if (insertafter && *insertafter != "EOF") {
      insert_pattern = *insertafter;
      insertre = tmpl::Regex::Compile(insert_pattern);
    } else if (insertbefore && *insertbefore != "BOF") {
      insert_pattern = *insertbefore;
      insertre = tmpl::Regex::Compile(insert_pattern);
    }

    // re.sub(r'{mark}', marker_begin, marker): the replacement is a template.
    auto mark = tmpl::Regex::Compile(R"(\{mark\})");
    const std::string marker0 = mark->Sub(spec.marker, spec.marker_begin) + "\n";
    const std::string marker1 = mark->Sub(spec.marker, spec.marker_end) + "\n";
    std::vector<std::string> blocklines;
    if (spec.present && !spec.block.empty()) {
      std::string block = spec.block;
      if (block.back() != '\n') block += '\n';
      blocklines.push_back(marker0);
      for (std::string& l : SplitLinesKeepEnds(block)) blocklines.push_back(std::move(l));
      blocklines.push_back(marker1);
    }

    std::optional<long> n0, n1;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i] == marker0) n0 = static_cast<long>(i);
      if (lines[i] == marker1) n1 = static_cast<long>(i);
    }
    long at;
    if (!n0 || !n1) {
      std::optional<long> found;
      if (insertre) {
        if (HasInlineMultiline(insert_pattern)) {
          tmpl::RegexMatch m;
          if (insertre->Search(text, 0, &m)) {
            if (insertafter)
              found = CountNewlines(text, m.groups[0].second);
            else
              found = CountNewlines(text, m.groups[0].first);
          }
        } else {
          for (size_t i = 0; i < lines.size(); ++i) {
            tmpl::RegexMatch m;
            if (insertre->Search(lines[i], 0, &m)) found = static_cast<long>(i);
          }
        }
        if (!found)
          at = static_cast<long>(lines.size());
        else
          at = *found + (insertafter ? 1 : 0);
      } else if (insertbefore) {
        at = 0;  // BOF
      } else {
        at = static_cast<long>(lines.size());  // EOF
      }
    } else if (*n0 < *n1) {
      lines.erase(lines.begin() + *n0, lines.begin() + *n1 + 1);
      at = *n0;
    } else {
      lines.erase(lines.begin() + *n1, lines.begin() + *n0 + 1);
      at = *n1;
    }
    if (at > static_cast<long>(lines.size())) at = static_cast<long>(lines.size());
    if (at > 0 && lines[at - 1].back() != '\n') lines[at - 1] += '\n';
    lines.insert(lines.begin() + at, blocklines.begin(), blocklines.end());

    TextEditResult r;
    for (const std::string& l : lines) r.content += l;
    if (original && *original == r.content) {
      r.changed = false;
    } else if (!original) {
      r.changed = true;
      r.msg = "File created";
    } else if (blocklines.empty()) {
      r.changed = true;
      r.msg = "Block removed";
    } else {
      r.changed = true;
      r.msg = "Block inserted";
    }
    return r;
  } catch (const tmpl::RenderError& e) {
    return MakeError(e.message);
  }
}

Result<ReplaceResult> ReplaceText(const std::string& contents, const ReplaceSpec& spec) {
  try {
    ReplaceResult r;
    const std::string after = spec.after.value_or(""), before = spec.before.value_or("");
    std::string pattern;
    if (!after.empty() && !before.empty())
      pattern = after + "(?P<subsection>.*?)" + before;
    else if (!after.empty())
      pattern = after + "(?P<subsection>.*)";
    else if (!before.empty())
      pattern = "(?P<subsection>.*)" + before;
    size_t start = 0, end = contents.size();
    if (!pattern.empty()) {
      tmpl::RegexFlags flags;
      flags.dotall = true;
      auto section_re = tmpl::Regex::Compile(pattern, flags);
      tmpl::RegexMatch m;
      if (!section_re->Search(contents, 0, &m)) {
        r.unmatched_section = pattern;
        r.msg = "Pattern for before/after params did not match the given file: " + pattern;
        r.content = contents;
        return r;
      }
      const auto& g = m.groups[section_re->GroupIndex("subsection")];
      start = static_cast<size_t>(g.first);
      end = static_cast<size_t>(g.second);
    }
    const std::string section = contents.substr(start, end - start);
    tmpl::RegexFlags flags;
    flags.multiline = true;
    auto mre = tmpl::Regex::Compile(spec.regexp, flags);
    const size_t count = mre->FindAll(section).size();
    const std::string replaced = mre->Sub(section, spec.replace);
    if (count > 0 && replaced != section) {
      r.content = contents.substr(0, start) + replaced + contents.substr(end);
      r.changed = true;
      r.msg = std::to_string(count) + " replacements made";
    } else {
      r.content = contents;
    }
    return r;
  } catch (const tmpl::RenderError& e) {
    return MakeError(e.message);
  }
}

}  // namespace drover::modules
