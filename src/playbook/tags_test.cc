#include "playbook/tags.h"

#include <doctest/doctest.h>

using namespace drover;
using namespace drover::playbook;

TEST_CASE("tag selection follows Ansible's evaluate_tags") {
  TagFilter none;
  CHECK(none.ShouldRun({}));
  CHECK(none.ShouldRun({"a"}));
  CHECK_FALSE(none.ShouldRun({"never", "a"}));  // `never` runs only when asked for
  CHECK(none.ShouldRun({"never", "always"}));

  TagFilter only_a{{"a"}, {}};
  CHECK(only_a.ShouldRun({"a", "b"}));
  CHECK_FALSE(only_a.ShouldRun({"b"}));
  CHECK(only_a.ShouldRun({"always"}));
  CHECK_FALSE(only_a.ShouldRun({}));
  CHECK(only_a.ShouldRun({"never", "a"}));

  TagFilter tagged{{"tagged"}, {}};
  CHECK(tagged.ShouldRun({"x"}));
  CHECK_FALSE(tagged.ShouldRun({}));
  CHECK_FALSE(tagged.ShouldRun({"never", "x"}));

  TagFilter untagged{{"untagged"}, {}};
  CHECK(untagged.ShouldRun({}));
  CHECK_FALSE(untagged.ShouldRun({"x"}));

  TagFilter skip_all{{}, {"all"}};
  CHECK_FALSE(skip_all.ShouldRun({"x"}));
  CHECK(skip_all.ShouldRun({"always"}));
  TagFilter skip_always{{}, {"all", "always"}};
  CHECK_FALSE(skip_always.ShouldRun({"always"}));
  TagFilter skip_b{{}, {"b"}};
  CHECK_FALSE(skip_b.ShouldRun({"a", "b"}));
  CHECK(skip_b.ShouldRun({"a"}));
}

TEST_CASE("tags keyword forms") {
  CHECK(ParseTags(Value("a, b,c")) == TagSet{"a", "b", "c"});
  CHECK(ParseTags(Value(List{"x", 3})) == TagSet{"x", "3"});
  CHECK(ParseTags(Value()).empty());
}
