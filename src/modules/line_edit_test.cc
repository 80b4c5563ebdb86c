#include "modules/line_edit.h"

#include <doctest/doctest.h>

namespace drover::modules {

namespace {
LineEditResult Edit(const std::string& content, LineEditSpec spec) {
  Result<LineEditResult> r = EditLines(content, spec);
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("lineinfile present: regexp replaces the last match") {
  LineEditSpec s;
  s.regexp = "^port=";
  s.line = "port=22";
  LineEditResult r = Edit("a\nport=1\nb\nport=2\n", s);
  CHECK(r.changed);
  CHECK(r.msg == "line replaced");
  CHECK(r.content == "a\nport=1\nb\nport=22\n");
  s.firstmatch = true;
  CHECK(Edit("a\nport=1\nb\nport=2\n", s).content == "a\nport=22\nb\nport=2\n");
  CHECK_FALSE(Edit("port=22\n", s).changed);
}

TEST_CASE("lineinfile present: exact line, EOF, BOF, insertafter/insertbefore") {
  LineEditSpec s;
  s.line = "x=1";
  CHECK_FALSE(Edit("a\nx=1\nb\n", s).changed);
  CHECK(Edit("a\nb", s).content == "a\nb\nx=1\n");
  CHECK(Edit("", s).content == "x=1\n");
  s.insertbefore = "BOF";
  CHECK(Edit("a\n", s).content == "x=1\na\n");
  s.insertbefore.reset();
  s.insertafter = "^\\[main\\]";
  LineEditResult r = Edit("[main]\ny=2\n[other]\n", s);
  CHECK(r.content == "[main]\nx=1\ny=2\n[other]\n");
  CHECK(r.msg == "line added");
  CHECK_FALSE(Edit("[main]\nx=1\n", s).changed);
  s.insertafter.reset();
  s.insertbefore = "^\\[other\\]";
  CHECK(Edit("[main]\n[other]\n", s).content == "[main]\nx=1\n[other]\n");
  // No match for insertbefore: appended at the end.
  CHECK(Edit("[main]\n", s).content == "[main]\nx=1\n");
}

TEST_CASE("lineinfile backrefs") {
  LineEditSpec s;
  s.regexp = "^(\\w+)=old$";
  s.line = "\\1=new";
  s.backrefs = true;
  CHECK(Edit("key=old\n", s).content == "key=new\n");
  // No match: nothing changes (not appended).
  LineEditResult r = Edit("other\n", s);
  CHECK_FALSE(r.changed);
  CHECK(r.content == "other\n");
}

TEST_CASE("lineinfile absent removes every matching line") {
  LineEditSpec s;
  s.present = false;
  s.regexp = "^#";
  LineEditResult r = Edit("#a\nb\n#c\n", s);
  CHECK(r.content == "b\n");
  CHECK(r.found == 2);
  CHECK(r.msg == "2 line(s) removed");
  LineEditSpec t;
  t.present = false;
  t.line = "b";
  CHECK(Edit("a\nb\r\nc\n", t).content == "a\nc\n");
  LineEditSpec u;
  u.present = false;
  u.search_string = "$x";
  CHECK(Edit("a $x b\nc\n", u).content == "c\n");
}

TEST_CASE("lineinfile: a bad regexp is an error") {
  LineEditSpec s;
  s.regexp = "(";
  s.line = "x";
  CHECK_FALSE(EditLines("a\n", s));
}

}  // namespace drover::modules
