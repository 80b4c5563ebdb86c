#include "modules/text_edit.h"

#include <doctest/doctest.h>

#include "modules/edit_file.h"

namespace drover::modules {

namespace {
TextEditResult Block(const std::optional<std::string>& original, const BlockSpec& spec) {
  Result<TextEditResult> r = EditBlock(original, spec);
  REQUIRE(r);
  return *r;
}
ReplaceResult Replaced(const std::string& contents, const ReplaceSpec& spec) {
  Result<ReplaceResult> r = ReplaceText(contents, spec);
  REQUIRE(r);
  return *r;
}
const char* kB = "# BEGIN ANSIBLE MANAGED BLOCK\n";
const char* kE = "# END ANSIBLE MANAGED BLOCK\n";
}  // namespace

TEST_CASE("blockinfile: created, appended at EOF with a newline added, then unchanged") {
  BlockSpec s;
  s.block = "a=1\nb=2";
  TextEditResult r = Block(std::nullopt, s);
  CHECK(r.changed);
  CHECK(r.msg == "File created");
  CHECK(r.content == std::string(kB) + "a=1\nb=2\n" + kE);
  r = Block("x", s);
  CHECK(r.msg == "Block inserted");
  CHECK(r.content == std::string("x\n") + kB + "a=1\nb=2\n" + kE);
  TextEditResult again = Block(r.content, s);
  CHECK_FALSE(again.changed);
  CHECK(again.msg.empty());
  CHECK(again.content == r.content);
}

TEST_CASE("blockinfile: an existing block is replaced in place; absent or empty removes it") {
  BlockSpec s;
  s.block = "new\n";
  const std::string file = std::string("top\n") + kB + "old\n" + kE + "bottom\n";
  TextEditResult r = Block(file, s);
  CHECK(r.msg == "Block inserted");
  CHECK(r.content == std::string("top\n") + kB + "new\n" + kE + "bottom\n");
  s.present = false;
  r = Block(file, s);
  CHECK(r.msg == "Block removed");
  CHECK(r.content == "top\nbottom\n");
  s.present = true;
  s.block = "";
  CHECK(Block(file, s).content == "top\nbottom\n");
  // Markers in the wrong order: the span between them goes, block at END's place.
  s.block = "n";
  r = Block(std::string("a\n") + kE + "b\n" + kB + "c\n", s);
  CHECK(r.content == std::string("a\n") + kB + "n\n" + kE + "c\n");
}

TEST_CASE("blockinfile: insertafter / insertbefore, regex, BOF, (?m)") {
  BlockSpec s;
  s.block = "n";
  const std::string body = std::string(kB) + "n\n" + kE;
  s.insertbefore = "BOF";
  CHECK(Block("a\nb\n", s).content == body + "a\nb\n");
  s.insertbefore = "^b";
  CHECK(Block("a\nb\nb\nc\n", s).content == "a\nb\n" + body + "b\nc\n");  // last match
  s.insertbefore = "^zz";
  CHECK(Block("a\n", s).content == "a\n" + body);  // no match: EOF
  s.insertbefore.reset();
  s.insertafter = "^a";
  CHECK(Block("a\nb\n", s).content == "a\n" + body + "b\n");
  // A (?m) pattern searches the whole text; the line after the match's end.
  s.insertafter = "(?m)^b\\nc$";
  CHECK(Block("a\nb\nc\nd\n", s).content == "a\nb\nc\n" + body + "d\n");
  s.insertafter = "[";
  CHECK_FALSE(EditBlock("a\n", s));
}

TEST_CASE("blockinfile: custom markers with {mark}, marker_begin, marker_end") {
  BlockSpec s;
  s.block = "x";
  s.marker = "<!-- {mark} managed -->";
  s.marker_begin = "START";
  s.marker_end = "STOP";
  CHECK(Block("", s).content == "<!-- START managed -->\nx\n<!-- STOP managed -->\n");
  CHECK(Block("", s).msg == "Block inserted");
}

TEST_CASE("replace: all matches, MULTILINE, backrefs, counted as Python's subn") {
  ReplaceSpec s;
  s.regexp = "^(\\w+)=old$";
  s.replace = "\\1=new";
  ReplaceResult r = Replaced("a=old\nb=old\nc=keep\n", s);
  CHECK(r.changed);
  CHECK(r.msg == "2 replacements made");
  CHECK(r.content == "a=new\nb=new\nc=keep\n");
  s.regexp = "(?P<k>\\w+)=new";
  s.replace = "\\g<k>: new";
  CHECK(Replaced(r.content, s).content == "a: new\nb: new\nc=keep\n");
  // Matches whose replacement equals the text: unchanged, no msg.
  s.regexp = "keep";
  s.replace = "keep";
  r = Replaced("keep\n", s);
  CHECK_FALSE(r.changed);
  CHECK(r.msg.empty());
  // Python's ^ in MULTILINE also matches after a final newline.
  s.regexp = "^";
  s.replace = "# ";
  r = Replaced("a\nb\n", s);
  CHECK(r.content == "# a\n# b\n# ");
  CHECK(r.msg == "3 replacements made");
}

TEST_CASE("replace: after / before limit the section") {
  ReplaceSpec s;
  s.regexp = "x";
  s.replace = "y";
  s.after = "start";
  s.before = "stop";
  ReplaceResult r = Replaced("x start x\nx stop x start x stop", s);
  CHECK(r.content == "x start y\ny stop x start x stop");
  CHECK(r.msg == "2 replacements made");
  s.before.reset();
  CHECK(Replaced("x start x stop x", s).content == "x start y stop y");
  s.after.reset();
  s.before = "stop";
  CHECK(Replaced("x stop x", s).content == "y stop x");
  s.before = "nomatch";
  r = Replaced("x", s);
  CHECK_FALSE(r.changed);
  REQUIRE(r.unmatched_section);
  CHECK(r.msg ==
        "Pattern for before/after params did not match the given file: "
        "(?P<subsection>.*)nomatch");
}

TEST_CASE("replace: bytes that are not UTF-8 are kept") {
  ReplaceSpec s;
  s.regexp = "b";
  s.replace = "c";
  ReplaceResult r = Replaced("a\xff\nb\n", s);
  CHECK(r.content == "a\xff\nc\n");
}

TEST_CASE("validate: %s becomes the temp file, words quoted, no %s is an error") {
  Result<std::string> c = ValidateCommand("visudo -cf %s", "/etc/x y/.t");
  REQUIRE(c);
  CHECK(*c == "visudo -cf '/etc/x y/.t'");
  c = ValidateCommand("sh -c 'test -s \"$1\"' -- --file=%s 100%%", "/t");
  REQUIRE(c);
  CHECK(*c == "sh -c 'test -s \"$1\"' -- --file=/t 100%");
  CHECK_FALSE(ValidateCommand("true", "/t"));
  CHECK(ValidateCommand("true", "/t").error().message == "validate must contain %s: true");
}

TEST_CASE("SplitLinesKeepEnds: bytes.splitlines(True)") {
  CHECK(SplitLinesKeepEnds("a\r\nb\rc\nd") == std::vector<std::string>{"a\r\n", "b\r", "c\n", "d"});
  CHECK(SplitLinesKeepEnds("").empty());
}

}  // namespace drover::modules
