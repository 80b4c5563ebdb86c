#include "output/warning_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <set>
#include <string_view>

#include "template/regex.h"

namespace drover::output {

namespace {

bool IsContinuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Length in code points (Python's len() of the str).
size_t Len(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

// Byte offset of the first `n` code points of `s`.
size_t ByteOffset(const std::string& s, size_t n) {
  size_t i = 0;
  for (size_t seen = 0; i < s.size(); ++i) {
    if (IsContinuation(s[i])) continue;
    if (seen++ == n) return i;
  }
  return s.size();
}

bool IsWrapSpace(char c) {
  return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

// str.expandtabs(8) then the translation of every whitespace character to a
// space (TextWrapper._munge_whitespace).
std::string MungeWhitespace(const std::string& text) {
  std::string out;
  size_t column = 0;
  for (char c : text) {
    if (c == '\t') {
      size_t spaces = 8 - column % 8;
      out.append(spaces, ' ');
      column += spaces;
      continue;
    }
    column = c == '\n' || c == '\r' ? 0 : column + (IsContinuation(c) ? 0 : 1);
    out += IsWrapSpace(c) ? ' ' : c;
  }
  return out;
}

bool IsBlank(const std::string& chunk) {
  return std::all_of(chunk.begin(), chunk.end(), [](char c) { return c == ' '; });
}

// TextWrapper.wordsep_re (break_on_hyphens=True), verbatim.
constexpr const char* kWordSep = R"((?x)
    ( # any whitespace
      [\t\n\x0b\x0c\r ]+
    | # em-dash between words
      (?<=[\w!"'&.,?]) -{2,} (?=\w)
    | # word, possibly hyphenated
      [^\t\n\x0b\x0c\r ]+? (?:
        # hyphenated word
          -(?: (?<=[^\d\W]{2}-) | (?<=[^\d\W]-[^\d\W]-))
          (?= [^\d\W] -? [^\d\W])
        | # end of word
          (?=[\t\n\x0b\x0c\r ]|\Z)
        | # em-dash
          (?<=[\w!"'&.,?]) (?=-{2,}\w)
        )
    ))";

// TextWrapper._split: the pieces of re.split with the capturing group,
// empty ones dropped.
std::vector<std::string> Chunks(const std::string& text) {
  static const auto re = tmpl::Regex::Compile(kWordSep);
  std::vector<std::string> chunks;
  size_t last = 0;
  for (const tmpl::RegexMatch& m : re->FindAll(text)) {
    const auto [start, end] = m.groups[0];
    if (static_cast<size_t>(start) > last) chunks.push_back(text.substr(last, start - last));
    if (end > start) chunks.push_back(text.substr(start, end - start));
    last = static_cast<size_t>(end);
  }
  if (last < text.size()) chunks.push_back(text.substr(last));
  return chunks;
}

// TextWrapper._handle_long_word with break_long_words and break_on_hyphens.
void HandleLongWord(std::vector<std::string>& reversed, std::vector<std::string>& line,
                    size_t cur_len, size_t width) {
  const size_t space_left = width < 1 ? 1 : width - cur_len;
  std::string& chunk = reversed.back();
  size_t end = space_left;
  if (Len(chunk) > space_left) {
    const size_t limit = ByteOffset(chunk, space_left);
    const size_t hyphen = limit == 0 ? std::string::npos : chunk.rfind('-', limit - 1);
    if (hyphen != std::string::npos && hyphen > 0 && chunk.find_first_not_of('-') < hyphen)
      end = Len(chunk.substr(0, hyphen)) + 1;
  }
  const size_t cut = ByteOffset(chunk, end);
  line.push_back(chunk.substr(0, cut));
  chunk = chunk.substr(cut);
}

}  // namespace

std::vector<std::string> TextWrap(const std::string& text, size_t width, bool drop_whitespace) {
  std::vector<std::string> reversed = Chunks(MungeWhitespace(text));
  std::reverse(reversed.begin(), reversed.end());
  std::vector<std::string> lines;
  while (!reversed.empty()) {
    std::vector<std::string> line;
    size_t cur_len = 0;
    if (drop_whitespace && IsBlank(reversed.back()) && !lines.empty()) reversed.pop_back();
    while (!reversed.empty() && cur_len + Len(reversed.back()) <= width) {
      cur_len += Len(reversed.back());
      line.push_back(std::move(reversed.back()));
      reversed.pop_back();
    }
    if (!reversed.empty() && Len(reversed.back()) > width) {
      HandleLongWord(reversed, line, cur_len, width);
      if (reversed.back().empty()) reversed.pop_back();
    }
    if (drop_whitespace && !line.empty() && IsBlank(line.back())) line.pop_back();
    std::string joined;
    for (const std::string& piece : line) joined += piece;
    if (!line.empty()) lines.push_back(std::move(joined));
  }
  return lines;
}

size_t DisplayColumns() {
  size_t tty = 0;
  winsize ws{};
  if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0) tty = ws.ws_col;
  return std::max<size_t>(79, tty > 0 ? tty - 1 : 0);
}

namespace {
std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}
}  // namespace

std::string WarningText(const std::string& msg, size_t columns) {
  return JoinLines(TextWrap("[WARNING]: " + msg, columns));
}

namespace {
constexpr std::string_view kDeprecationHead = "[DEPRECATION WARNING]: ";
std::atomic<bool> deprecations_on{true};

std::string Stripped(std::string text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}
}  // namespace

std::string DeprecationMessage(const std::string& msg, const std::string& version) {
  std::string text = Stripped(msg);
  if (!text.empty() && text.back() != '!' && text.back() != '?' && text.back() != '.') text += '.';
  const std::string when = version.empty() ? "in a future release." : "in version " + version + ".";
  return std::string(kDeprecationHead) + text + " This feature will be removed " + when +
         " Deprecation warnings can be disabled by setting deprecation_warnings=False in "
         "ansible.cfg.";
}

bool FirstShowing(const std::string& shown) {
  static std::mutex mu;
  static std::set<std::string> seen;
  std::lock_guard lock(mu);
  return seen.insert(shown).second;
}

bool IsDeprecation(const std::string& warning) {
  return warning.starts_with(kDeprecationHead);
}

void SetDeprecationWarnings(bool on) {
  deprecations_on = on;
}

std::string DisplayedWarning(const std::string& warning, size_t columns) {
  if (!IsDeprecation(warning)) return WarningText(warning, columns);
  if (!deprecations_on) return "";
  return Stripped(JoinLines(TextWrap(warning, columns, /*drop_whitespace=*/false)));
}

}  // namespace drover::output
