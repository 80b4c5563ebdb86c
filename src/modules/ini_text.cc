#include "modules/ini_text.h"

#include <algorithm>

namespace drover::modules {

namespace {

// Python's text-mode read: the UTF-8 BOM dropped, \r\n and \r made \n,
// lines kept with their ends.
std::vector<std::string> ReadLines(const std::string& text) {
  size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(cur + "\n");
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l;
  return out;
}

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// re.match('[#;]?( |\t)*(OPT)( |\t)*(=|$)( |\t)*(.*)', line) (the '[#;]?'
// only when `commented_too`): the value (group 6), or nullopt.
std::optional<std::string> MatchOption(const std::string& option, const std::string& line,
                                       bool commented_too) {
  auto at = [&](size_t start) -> std::optional<std::string> {
    size_t i = start;
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (line.compare(i, option.size(), option) != 0) return std::nullopt;
    i += option.size();
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i < line.size() && line[i] == '=') {
      ++i;
    } else if (!(i == line.size() || (i + 1 == line.size() && line[i] == '\n'))) {
      return std::nullopt;
    }
    while (i < line.size() && IsBlank(line[i])) ++i;
    size_t end = line.find('\n', i);
    return line.substr(i, end == std::string::npos ? std::string::npos : end - i);
  };
  if (commented_too && !line.empty() && (line[0] == '#' || line[0] == ';'))
    if (std::optional<std::string> v = at(1)) return v;
  return at(0);
}

// ^[ \t]*([#;].*)?$ : a blank or comment line.
bool BlankOrComment(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && IsBlank(line[i])) ++i;
  if (i < line.size() && (line[i] == '#' || line[i] == ';')) return true;
  return i == line.size() || (i + 1 == line.size() && line[i] == '\n');
}

}  // namespace

IniEdit EditIni(const std::optional<std::string>& original, const IniRequest& req) {
  static const std::string kFake = "ad01e11446efb704fcdbdb21f2c43757423d91c5";
  IniEdit r;
  std::vector<std::string> values;
  for (const std::string& v : req.values)
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  const std::string option = req.option.value_or("");
  const bool has_option = !option.empty();

  std::vector<std::string> lines = original ? ReadLines(*original) : std::vector<std::string>{};
  r.before = Join(lines);
  bool changed = false;
  if (lines.empty()) lines.push_back("\n");
  if (lines.back().empty() || lines.back().back() != '\n') {
    lines.back() += "\n";
    changed = true;
  }
  lines.insert(lines.begin(), "[" + kFake + "]");
  lines.push_back("[");
  const std::string section = req.section.empty() ? kFake : req.section;
  bool within = false;
  size_t start = 0, end = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("[" + section + "]", 0) == 0) {
      within = true;
      start = i;
    } else if (lines[i].rfind("[", 0) == 0 && within) {
      end = i;
      break;
    }
  }
  std::vector<std::string> before(lines.begin(), lines.begin() + start);
  std::vector<std::string> sec(lines.begin() + start, lines.begin() + end);
  std::vector<std::string> after(lines.begin() + end, lines.end());
  std::vector<bool> touched(sec.size(), false);
  std::string msg = "OK";
  const std::string sep = req.no_extra_spaces ? "=" : " = ";
  auto assign = [&](const std::string& v) { return option + sep + v + "\n"; };
  auto update = [&](size_t i, const std::string& newline) {
    if (sec[i] != newline) {
      changed = true;
      msg = "option changed";
    }
    sec[i] = newline;
    touched[i] = true;
  };
  bool no_value_present = false;

  if (req.present && has_option) {
    for (size_t i = 0; i < sec.size(); ++i) {
      std::optional<std::string> m = MatchOption(option, sec[i], true);
      if (!m) continue;
      auto found = std::find(values.begin(), values.end(), *m);
      if (!values.empty() && found != values.end()) {
        if (m->empty() && req.allow_no_value) {
          update(i, option + "\n");
          no_value_present = true;
        } else {
          update(i, assign(*m));
        }
        values.erase(found);
      } else if (values.empty() && req.allow_no_value) {
        update(i, option + "\n");
        no_value_present = true;
        break;
      }
    }
  }
  if (req.present && req.exclusive && !req.allow_no_value) {
    if (!values.empty()) {
      for (size_t i = 0; i < sec.size(); ++i) {
        if (touched[i] || !MatchOption(option, sec[i], true)) continue;
        update(i, assign(values.front()));
        values.erase(values.begin());
        if (values.empty()) break;
      }
    }
    for (size_t i = sec.size(); i-- > 1;) {
      if (touched[i] || !MatchOption(option, sec[i], true)) continue;
      sec.erase(sec.begin() + static_cast<long>(i));
      touched.erase(touched.begin() + static_cast<long>(i));
      changed = true;
      msg = "option changed";
    }
  }
  if (req.present) {
    for (size_t i = sec.size(); i > 0; --i) {
      if (BlankOrComment(sec[i - 1])) continue;
      if (has_option && !values.empty()) {
        for (auto v = values.rbegin(); v != values.rend(); ++v)
          sec.insert(sec.begin() + static_cast<long>(i), assign(*v));
        msg = "option added";
        changed = true;
      } else if (has_option && values.empty() && req.allow_no_value && !no_value_present) {
        sec.insert(sec.begin() + static_cast<long>(i), option + "\n");
        msg = "option added";
        changed = true;
      }
      break;
    }
  }
  if (!req.present) {
    if (has_option) {
      std::vector<std::string> kept;
      for (const std::string& l : sec) {
        std::optional<std::string> m = MatchOption(option, l, false);
        bool drop =
            m && (req.exclusive || std::find(values.begin(), values.end(), *m) != values.end());
        if (!drop) kept.push_back(l);
      }
      if ((req.exclusive || !values.empty()) && kept != sec) {
        changed = true;
        msg = "option changed";
        sec = kept;
      }
    } else if (!sec.empty()) {
      sec.clear();
      msg = "section removed";
      changed = true;
    }
  }

  lines = before;
  lines.insert(lines.end(), sec.begin(), sec.end());
  lines.insert(lines.end(), after.begin(), after.end());
  lines.erase(lines.begin());
  lines.pop_back();
  if (!within && req.present) {
    lines.push_back("[" + section + "]\n");
    msg = "section and option added";
    if (has_option && !values.empty()) {
      for (const std::string& v : values) lines.push_back(assign(v));
    } else if (has_option && req.allow_no_value) {
      lines.push_back(option + "\n");
    } else {
      msg = "only section added";
    }
    changed = true;
  }
  r.after = Join(lines);
  r.changed = changed;
  r.msg = msg;
  return r;
}

}  // namespace drover::modules
