#include "output/warning_text.h"

#include <doctest/doctest.h>

using namespace drover::output;

using Lines = std::vector<std::string>;

// Expected lines are Python 3.11's textwrap.wrap for the same arguments.
TEST_CASE("TextWrap matches Python's textwrap.wrap") {
  CHECK(TextWrap("[WARNING]: conditional statements should not include jinja2 templating "
                 "delimiters such as {{ }} or {% %}. Found: {{ v == 1 }}",
                 79) == Lines{"[WARNING]: conditional statements should not include jinja2 "
                              "templating",
                              "delimiters such as {{ }} or {% %}. Found: {{ v == 1 }}"});
  CHECK(TextWrap("a-very-long-hyphenated-word-that-goes-past-the-width-of-the-line-and-more-"
                 "and-more-x yes",
                 30) == Lines{"a-very-long-hyphenated-word-", "that-goes-past-the-width-of-",
                              "the-line-and-more-and-more-x", "yes"});
  CHECK(TextWrap("tab\there  and   spaces\nnew line", 10) ==
        Lines{"tab", "here  and", "spaces new", "line"});
  CHECK(TextWrap("héllo wörld ünïcode ëverywhere here", 12) ==
        Lines{"héllo wörld", "ünïcode", "ëverywhere", "here"});
  CHECK(TextWrap(std::string(25, 'x'), 10) == Lines{"xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"});
  CHECK(TextWrap("an em--dash between words and well-known --options", 15) ==
        Lines{"an em--dash", "between words", "and well-known", "--options"});
}

TEST_CASE("deprecations wrap keeping whitespace, as display.deprecated") {
  CHECK(TextWrap("[DEPRECATION WARNING]: \"include\" is deprecated, use include_tasks/"
                 "import_tasks instead. See https://docs.ansible.com/ansible-core/2.14/"
                 "user_guide/playbooks_reuse_includes.html for details.",
                 79, false) ==
        Lines{"[DEPRECATION WARNING]: \"include\" is deprecated, use include_tasks/import_tasks ",
              "instead. See https://docs.ansible.com/ansible-",
              "core/2.14/user_guide/playbooks_reuse_includes.html for details."});
  const std::string d = DeprecationMessage("x is old", "2.16");
  CHECK(IsDeprecation(d));
  CHECK(DisplayedWarning(d, 79) ==
        "[DEPRECATION WARNING]: x is old. This feature will be removed in version 2.16. \n"
        "Deprecation warnings can be disabled by setting deprecation_warnings=False in \n"
        "ansible.cfg.");
  SetDeprecationWarnings(false);
  CHECK(DisplayedWarning(d, 79).empty());
  SetDeprecationWarnings(true);
  CHECK(DisplayedWarning("short", 79) == "[WARNING]: short");
}
