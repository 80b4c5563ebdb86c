#include "modules/ini_text.h"

#include <doctest/doctest.h>

namespace drover::modules {

namespace {
IniEdit Ini(const std::optional<std::string>& original, const std::string& section,
            std::optional<std::string> option, std::vector<std::string> values, bool present = true,
            bool exclusive = true, bool no_extra_spaces = false, bool allow_no_value = false) {
  IniRequest r{section, option, values, present, exclusive, no_extra_spaces, allow_no_value};
  return EditIni(original, r);
}
void Expect(const IniEdit& e, bool changed, const std::string& msg, const std::string& after) {
  CHECK(e.changed == changed);
  CHECK(e.msg == msg);
  CHECK(e.after == after);
}
}  // namespace

// Expected results are what community.general 6's do_ini gave.
TEST_CASE("ini_file: a new file starts with a blank line, then the section") {
  Expect(Ini(std::nullopt, "s", "a", {"1"}), true, "section and option added", "\n[s]\na = 1\n");
  Expect(Ini("[s]\na = 1\n", "s", "a", {"1"}), false, "OK", "[s]\na = 1\n");
  Expect(Ini("[s]\na=1\n", "s", "a", {"2"}), true, "option changed", "[s]\na = 2\n");
}

TEST_CASE("ini_file: a commented option is reused; a missing last newline added") {
  Expect(Ini("[s]\n# a = 1\nb = 2\n\n[t]\nc = 3", "s", "a", {"1"}), true, "option changed",
         "[s]\na = 1\nb = 2\n\n[t]\nc = 3\n");
}

TEST_CASE("ini_file: exclusive keeps one line; non-exclusive adds values at the end") {
  Expect(Ini("[s]\na = 1\na = 2\na = 3\n", "s", "a", {"2"}), true, "option changed",
         "[s]\na = 2\n");
  Expect(Ini("[s]\na = 1\na = 2\n", "s", "a", {"3", "1"}, true, false), true, "option added",
         "[s]\na = 1\na = 2\na = 3\n");
}

TEST_CASE("ini_file: absent removes an option or a whole section") {
  Expect(Ini("[s]\na = 1\nb=2\n", "s", "a", {}, false), true, "option changed", "[s]\nb=2\n");
  Expect(Ini("x = 0\n[s]\na = 1\n", "s", std::nullopt, {}, false), true, "section removed",
         "x = 0\n");
}

TEST_CASE("ini_file: options before any section; no_extra_spaces; allow_no_value; CRLF") {
  Expect(Ini("x = 0\n[s]\na = 1\n", "", "x", {"5"}, true, true, true), true, "option changed",
         "x=5\n[s]\na = 1\n");
  Expect(Ini("[s]\r\nb = 1\r\n", "s", "flag", {}, true, true, false, true), true, "option added",
         "[s]\nb = 1\nflag\n");
}

}  // namespace drover::modules
