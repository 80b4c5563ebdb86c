// PyYAML's emitter (yaml.dump with allow_unicode=True), reduced to what
// drover values need: block and flow collections, plain/single/double
// quoted scalars with PyYAML's style choice and line folding at `width`.
#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "core/utf8.h"
#include "core/yaml.h"
#include "template/ansible_extras.h"
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

using U32 = std::u32string;

U32 Decode(const std::string& s) {
  U32 out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1F;
      n = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

bool IsBreak(char32_t c) {
  return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}
bool IsWs(char32_t c) {
  return c == 0 || c == ' ' || c == '\t' || c == '\r' || IsBreak(c);
}
bool Printable(char32_t ch) {
  return ch == '\n' || (ch >= 0x20 && ch <= 0x7E) || ch == 0x85 || (ch >= 0xA0 && ch <= 0xD7FF) ||
         (ch >= 0xE000 && ch <= 0xFFFD && ch != 0xFEFF) || (ch >= 0x10000 && ch < 0x10FFFF);
}

struct Analysis {
  bool empty = false, multiline = false, allow_flow_plain = true, allow_block_plain = true,
       allow_single_quoted = true, allow_double_quoted = true, allow_block = true;
};

Analysis Analyze(const U32& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    a.allow_flow_plain = false;
    a.allow_block = false;
    return a;
  }
  bool block_ind = false, flow_ind = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false;
  if (s.rfind(U"---", 0) == 0 || s.rfind(U"...", 0) == 0) block_ind = flow_ind = true;
  bool preceded_ws = true;
  bool followed_ws = s.size() == 1 || IsWs(s[1]);
  bool prev_space = false, prev_break = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t ch = s[i];
    if (i == 0) {
      if (std::u32string_view(U"#,[]{}&*!|>'\"%@`").find(ch) != std::u32string_view::npos)
        flow_ind = block_ind = true;
      if (ch == '?' || ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '-' && followed_ws) flow_ind = block_ind = true;
    } else {
      if (std::u32string_view(U",?[]{}").find(ch) != std::u32string_view::npos) flow_ind = true;
      if (ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '#' && preceded_ws) flow_ind = block_ind = true;
    }
    if (IsBreak(ch)) line_breaks = true;
    if (!Printable(ch)) special = true;
    if (ch == ' ') {
      if (i == 0) leading_space = true;
      if (i == s.size() - 1) trailing_space = true;
      if (prev_break) break_space = true;
      prev_space = true;
      prev_break = false;
    } else if (IsBreak(ch)) {
      if (i == 0) leading_break = true;
      if (i == s.size() - 1) trailing_break = true;
      if (prev_space) space_break = true;
      prev_space = false;
      prev_break = true;
    } else {
      prev_space = prev_break = false;
    }
    preceded_ws = IsWs(ch);
    followed_ws = i + 2 >= s.size() || IsWs(s[i + 2]);
  }
  if (leading_space || leading_break || trailing_space || trailing_break)
    a.allow_flow_plain = a.allow_block_plain = false;
  if (break_space) a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = false;
  if (trailing_space) a.allow_block = false;
  if (space_break || special)
    a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = a.allow_block = false;
  if (line_breaks) a.allow_flow_plain = a.allow_block_plain = false;
  if (flow_ind) a.allow_flow_plain = false;
  if (block_ind) a.allow_block_plain = false;
  a.multiline = line_breaks;
  return a;
}

// community.general.yaml's should_use_block.
bool ShouldUseBlock(const U32& s) {
  return s.find_first_of(U"\n\r\x1c\x1d\x1e\x85\u2028\u2029") != U32::npos;
}

// Python's str.isspace().
bool PyIsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

// What community.general.yaml's MyDumper writes in a literal block instead
// of `s`: rstrip(), only string.printable or >= U+00A0 kept, expandtabs(),
// \v \f \r dropped, spaces before a line break dropped.
U32 BlockText(const U32& s) {
  size_t end = s.size();
  while (end > 0 && PyIsSpace(s[end - 1])) --end;
  U32 kept;
  size_t column = 0;
  for (size_t i = 0; i < end; ++i) {
    char32_t c = s[i];
    if (!((c >= 0x20 && c <= 0x7E) || (c >= 0x09 && c <= 0x0d) || c >= 0xA0)) continue;
    if (c == '\t') {
      size_t spaces = 8 - column % 8;
      kept.append(spaces, U' ');
      column += spaces;
      continue;
    }
    column = c == '\n' || c == '\r' ? 0 : column + 1;
    if (c == 0x0b || c == 0x0c || c == '\r') continue;
    if (c == '\n')
      while (!kept.empty() && kept.back() == ' ') kept.pop_back();
    kept += c;
  }
  return kept;
}

class Emitter {
 public:
  explicit Emitter(const YamlDumpStyle& st) : st_(st) {
    best_indent_ = (st.indent > 1 && st.indent < 10) ? st.indent : 2;
    best_width_ = st.width > best_indent_ * 2 ? st.width : 80;
  }

  std::string Run(const Value& v) {
    if (st_.explicit_start) {
      WriteIndicator(U"---", true);
    }
    root_ = true;
    Node(v, false, false, false);
    // document end (libyaml, which Ansible's dumper uses, writes no "..."
    // after a plain root scalar)
    WriteIndent();
    return out_;
  }

 private:
  void Write(const U32& s) {
    for (char32_t c : s) AppendUtf8(out_, static_cast<uint32_t>(c));
    column_ += static_cast<int>(s.size());
  }
  void WriteLineBreak() {
    out_ += '\n';
    whitespace_ = true;
    indention_ = true;
    column_ = 0;
  }
  void WriteIndicator(const U32& ind, bool need_ws, bool ws = false, bool indention = false) {
    U32 data = (whitespace_ || !need_ws) ? ind : U" " + ind;
    whitespace_ = ws;
    indention_ = indention_ && indention;
    open_ended_ = false;
    Write(data);
  }
  void WriteIndent() {
    int indent = indent_ < 0 ? 0 : indent_;
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) WriteLineBreak();
    if (column_ < indent) {
      whitespace_ = true;
      Write(U32(static_cast<size_t>(indent - column_), U' '));
    }
  }
  void IncreaseIndent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0)
      indent_ = flow ? best_indent_ : 0;
    else if (!indentless)
      indent_ += best_indent_;
  }
  void PopIndent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  static bool IsScalar(const Value& v) { return !v.is_list() && !v.is_map(); }

  bool FlowStyle(const Value& v) {
    if (st_.flow == 1) return true;
    if (st_.flow == 0) return false;
    if (v.is_list()) {
      for (const Value& e : v.as_list())
        if (!IsScalar(e)) return false;
    } else {
      for (auto& [k, e] : v.as_map())
        if (!IsScalar(e)) return false;
    }
    return true;
  }

  std::vector<const Map::Entry*> Entries(const Map& m) {
    std::vector<const Map::Entry*> e;
    for (auto& x : m) e.push_back(&x);
    if (st_.sort_keys)
      std::stable_sort(e.begin(), e.end(), [](auto* a, auto* b) { return a->first < b->first; });
    return e;
  }

  // Scalar text and whether it may be written plain (implicit resolution);
  // `literal` when the style asks for a literal block (the text is then
  // BlockText's).
  void ScalarText(const Value& v, U32* text, bool* implicit, bool* literal = nullptr) {
    *implicit = true;
    if (literal) *literal = false;
    switch (v.type()) {
      case Value::Type::kNull: *text = U"null"; return;
      case Value::Type::kBool: *text = v.as_bool() ? U"true" : U"false"; return;
      case Value::Type::kInt: *text = Decode(std::to_string(v.as_int())); return;
      case Value::Type::kFloat: {
        double d = v.as_float();
        std::string s;
        if (std::isnan(d))
          s = ".nan";
        else if (std::isinf(d))
          s = d > 0 ? ".inf" : "-.inf";
        else {
          s = PyLower(PythonFloatRepr(d));
          if (s.find('.') == std::string::npos && s.find('e') != std::string::npos)
            s.replace(s.find('e'), 1, ".0e");
        }
        *text = Decode(s);
        return;
      }
      default: {
        const std::string& s = v.as_string();
        *text = Decode(s);
        Value r = ResolvePlainScalar(s);
        *implicit = r.is_string() && !LooksLikeTimestamp(s) && s != "=" && s != "<<";
        if (st_.literal_multiline && ShouldUseBlock(*text)) {
          *text = BlockText(*text);
          if (literal) *literal = true;
        }
        return;
      }
    }
  }

  static bool LooksLikeTimestamp(const std::string& s) {
    // YAML 1.1 timestamps start with YYYY-M-D.
    if (s.size() < 8 || !isdigit(static_cast<unsigned char>(s[0]))) return false;
    size_t i = 0;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i != 4 || i >= s.size() || s[i] != '-') return false;
    size_t j = i + 1;
    while (j < s.size() && isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i + 1 || j - i - 1 > 2 || j >= s.size() || s[j] != '-') return false;
    size_t k = j + 1;
    while (k < s.size() && isdigit(static_cast<unsigned char>(s[k]))) ++k;
    if (k == j + 1 || k - j - 1 > 2) return false;
    if (k == s.size()) return (j - i - 1 == 2 && k - j - 1 == 2);
    return s[k] == 'T' || s[k] == 't' || s[k] == ' ' || s[k] == '\t';
  }

  void Node(const Value& v, bool sequence, bool mapping, bool simple_key) {
    (void)sequence;
    scalar_root_ = root_;
    root_ = false;
    mapping_context_ = mapping;
    simple_key_context_ = simple_key;
    if (v.is_list()) {
      if (flow_level_ > 0 || FlowStyle(v) || v.as_list().empty())
        FlowSequence(v.as_list());
      else
        BlockSequence(v.as_list());
    } else if (v.is_map()) {
      if (flow_level_ > 0 || FlowStyle(v) || v.as_map().empty())
        FlowMapping(v.as_map());
      else
        BlockMapping(v.as_map());
    } else {
      Scalar(v);
    }
  }

  void FlowSequence(const List& l) {
    WriteIndicator(U"[", true, true);
    ++flow_level_;
    IncreaseIndent(true, false);
    bool first = true;
    for (const Value& e : l) {
      if (!first) WriteIndicator(U",", false);
      if (column_ > best_width_) WriteIndent();
      first = false;
      Node(e, true, false, false);
    }
    PopIndent();
    --flow_level_;
    WriteIndicator(U"]", false);
  }

  void FlowMapping(const Map& m) {
    WriteIndicator(U"{", true, true);
    ++flow_level_;
    IncreaseIndent(true, false);
    bool first = true;
    for (auto* e : Entries(m)) {
      if (!first) WriteIndicator(U",", false);
      if (column_ > best_width_) WriteIndent();
      first = false;
      Value key(e->first);
      if (SimpleKey(key)) {
        Node(key, false, true, true);
        WriteIndicator(U":", false);
      } else {
        WriteIndicator(U"?", true);
        Node(key, false, true, false);
        WriteIndicator(U":", true);
      }
      Node(e->second, false, true, false);
    }
    PopIndent();
    --flow_level_;
    WriteIndicator(U"}", false);
  }

  void BlockSequence(const List& l) {
    bool indentless = mapping_context_ && !indention_;
    IncreaseIndent(false, indentless);
    for (const Value& e : l) {
      WriteIndent();
      WriteIndicator(U"-", true, false, true);
      Node(e, true, false, false);
    }
    PopIndent();
  }

  bool SimpleKey(const Value& key) {
    U32 text;
    bool implicit;
    ScalarText(key, &text, &implicit);
    return text.size() < 128 && !Analyze(text).multiline;
  }

  void BlockMapping(const Map& m) {
    IncreaseIndent(false, false);
    for (auto* e : Entries(m)) {
      WriteIndent();
      Value key(e->first);
      if (SimpleKey(key)) {
        Node(key, false, true, true);
        WriteIndicator(U":", false);
      } else {
        WriteIndicator(U"?", true, false, true);
        Node(key, false, true, false);
        WriteIndent();
        WriteIndicator(U":", true, false, true);
      }
      Node(e->second, false, true, false);
    }
    PopIndent();
  }

  void Scalar(const Value& v) {
    U32 text;
    bool implicit, literal;
    ScalarText(v, &text, &implicit, &literal);
    IncreaseIndent(true, false);
    Analysis a = Analyze(text);
    char style;
    if (literal) {  // libyaml: a block style it cannot write becomes double-quoted
      style = a.allow_block && !flow_level_ && !simple_key_context_ ? '|' : '"';
    } else if (implicit && !(simple_key_context_ && (a.empty || a.multiline)) &&
               ((flow_level_ && a.allow_flow_plain) || (!flow_level_ && a.allow_block_plain))) {
      style = 'p';
    } else if (a.allow_single_quoted && !(simple_key_context_ && a.multiline)) {
      style = '\'';
    } else {
      style = '"';
    }
    bool split = !simple_key_context_;
    if (style == '|')
      WriteLiteral(text);
    else if (style == 'p')
      WritePlain(text, split);
    else if (style == '\'')
      WriteSingle(text, split);
    else
      WriteDouble(text, split);
    PopIndent();
  }

  void WritePlain(const U32& text, bool split) {
    if (scalar_root_) open_ended_ = true;
    if (text.empty()) return;
    if (!whitespace_) Write(U" ");
    whitespace_ = false;
    indention_ = false;
    bool spaces = false, breaks = false;
    size_t start = 0, end = 0;
    while (end <= text.size()) {
      char32_t ch = end < text.size() ? text[end] : 0;
      bool none = end >= text.size();
      if (spaces) {
        if (none || ch != ' ') {
          if (start + 1 == end && column_ > best_width_ && split) {
            WriteIndent();
            whitespace_ = false;
            indention_ = false;
          } else {
            Write(text.substr(start, end - start));
          }
          start = end;
        }
      } else if (breaks) {
        if (none || !IsBreak(ch)) {
          if (text[start] == '\n') WriteLineBreak();
          for (size_t k = start; k < end; ++k) WriteLineBreak();
          WriteIndent();
          whitespace_ = false;
          indention_ = false;
          start = end;
        }
      } else {
        if (none || ch == ' ' || IsBreak(ch)) {
          Write(text.substr(start, end - start));
          start = end;
        }
      }
      if (!none) {
        spaces = ch == ' ';
        breaks = IsBreak(ch);
      }
      ++end;
    }
  }

  // libyaml's yaml_emitter_write_literal_scalar with its block hints.
  void WriteLiteral(const U32& text) {
    U32 hints;
    if (IsBreak(text[0]) || text[0] == ' ') hints += static_cast<char32_t>('0' + best_indent_);
    if (!IsBreak(text.back()))
      hints += U"-";
    else if (text.size() == 1 || IsBreak(text[text.size() - 2]))
      hints += U"+";
    WriteIndicator(U"|" + hints, true);
    WriteLineBreak();
    bool breaks = true;
    for (char32_t ch : text) {
      if (IsBreak(ch)) {
        if (ch == '\n') {
          WriteLineBreak();
        } else {
          AppendUtf8(out_, static_cast<uint32_t>(ch));
          column_ = 0;
        }
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) WriteIndent();
        Write(U32(1, ch));
        indention_ = false;
        breaks = false;
      }
    }
  }

  void WriteSingle(const U32& text, bool split) {
    WriteIndicator(U"'", true);
    bool spaces = false, breaks = false;
    size_t start = 0, end = 0;
    while (end <= text.size()) {
      bool none = end >= text.size();
      char32_t ch = none ? 0 : text[end];
      if (spaces) {
        if (none || ch != ' ') {
          if (start + 1 == end && column_ > best_width_ && split && start != 0 &&
              end != text.size()) {
            WriteIndent();
          } else {
            Write(text.substr(start, end - start));
          }
          start = end;
        }
      } else if (breaks) {
        if (none || !IsBreak(ch)) {
          if (text[start] == '\n') WriteLineBreak();
          for (size_t k = start; k < end; ++k) WriteLineBreak();
          WriteIndent();
          start = end;
        }
      } else {
        if (none || ch == ' ' || IsBreak(ch) || ch == '\'') {
          if (start < end) {
            Write(text.substr(start, end - start));
            start = end;
          }
        }
      }
      if (!none && ch == '\'') {
        Write(U"''");
        start = end + 1;
      }
      if (!none) {
        spaces = ch == ' ';
        breaks = IsBreak(ch);
      }
      ++end;
    }
    WriteIndicator(U"'", false);
  }

  // libyaml's yaml_emitter_write_double_quoted (Ansible dumps with libyaml):
  // escapes, and folding only at single spaces past the width.
  void WriteDouble(const U32& text, bool split) {
    WriteIndicator(U"\"", true);
    bool spaces = false;
    for (size_t i = 0; i < text.size(); ++i) {
      char32_t ch = text[i];
      bool printable = ch == '\n' || (ch >= 0x20 && ch <= 0x7E) || ch == 0x85 ||
                       (ch >= 0xA0 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD) ||
                       (ch >= 0x10000 && ch <= 0x10FFFF);
      if (!printable || ch == 0xFEFF || IsBreak(ch) || ch == '"' || ch == '\\') {
        std::string esc;
        switch (ch) {
          case 0: esc = "0"; break;
          case 7: esc = "a"; break;
          case 8: esc = "b"; break;
          case 9: esc = "t"; break;
          case 10: esc = "n"; break;
          case 11: esc = "v"; break;
          case 12: esc = "f"; break;
          case 13: esc = "r"; break;
          case 27: esc = "e"; break;
          case '"': esc = "\""; break;
          case '\\': esc = "\\"; break;
          case 0x85: esc = "N"; break;
          case 0xA0: esc = "_"; break;
          case 0x2028: esc = "L"; break;
          case 0x2029: esc = "P"; break;
          default: {
            char buf[16];
            if (ch <= 0xFF)
              std::snprintf(buf, sizeof buf, "x%02X", static_cast<unsigned>(ch));
            else if (ch <= 0xFFFF)
              std::snprintf(buf, sizeof buf, "u%04X", static_cast<unsigned>(ch));
            else
              std::snprintf(buf, sizeof buf, "U%08X", static_cast<unsigned>(ch));
            esc = buf;
          }
        }
        Write(Decode("\\" + esc));
        spaces = false;
      } else if (ch == ' ') {
        if (split && !spaces && column_ > best_width_ && i != 0 && i != text.size() - 1) {
          WriteIndent();
          if (i + 1 < text.size() && text[i + 1] == ' ') Write(U"\\");
        } else {
          Write(U" ");
        }
        spaces = true;
      } else {
        Write(U32(1, ch));
        spaces = false;
      }
    }
    WriteIndicator(U"\"", false);
  }

  YamlDumpStyle st_;
  std::string out_;
  int best_indent_ = 2;
  int best_width_ = 80;
  int indent_ = -1;
  std::vector<int> indents_;
  int column_ = 0;
  int flow_level_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  bool open_ended_ = false;
  bool root_ = false;
  bool scalar_root_ = false;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;
};

}  // namespace

std::string DumpYaml(const Value& value, const YamlDumpStyle& style) {
  return Emitter(style).Run(value);
}

}  // namespace drover::tmpl
