#include "modules/find_filter.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("find age and size arguments as Ansible parses them") {
  CHECK(ParseFindAge("30") == 30);
  CHECK(ParseFindAge("-1d") == -86400);
  CHECK(ParseFindAge("2W") == 2 * 604800);
  CHECK_FALSE(ParseFindAge("1y").has_value());
  CHECK_FALSE(ParseFindAge("d").has_value());
  CHECK(ParseFindSize("1k") == 1024);
  CHECK(ParseFindSize("-2m") == -2 * 1024 * 1024);
  CHECK_FALSE(ParseFindSize("1.5k").has_value());
}

TEST_CASE("find name filter: fnmatch globs, regexes, excludes") {
  CHECK(FnmatchTranslate("*.t?t") == ".*\\.t.t");
  CHECK(FnmatchTranslate("[!a]x[") == "[^a]x\\[");
  CHECK(FindNameMatches("a.txt", {"*.txt"}, {}, false));
  CHECK_FALSE(FindNameMatches("a.txt.bak", {"*.txt"}, {}, false));
  CHECK(FindNameMatches("A.txt", {"*.txt"}, {}, false));
  CHECK_FALSE(FindNameMatches("A.TXT", {"*.txt"}, {}, false));
  CHECK_FALSE(FindNameMatches("b.log", {"*"}, {"*.log"}, false));
  CHECK(FindNameMatches("a.txt.bak", {"a\\.txt"}, {}, true));  // re.match: start only
  CHECK_FALSE(FindNameMatches("xa.txt", {"a"}, {}, true));
}

TEST_CASE("find age and size filters") {
  CHECK(FindAgeMatches(1000, 100, 900));
  CHECK_FALSE(FindAgeMatches(1000, 101, 900));
  CHECK(FindAgeMatches(1000, 950, -60));
  CHECK_FALSE(FindAgeMatches(1000, 900, -60));
  CHECK(FindSizeMatches(10, std::nullopt));
  CHECK(FindSizeMatches(1024, 1024));
  CHECK_FALSE(FindSizeMatches(1025, -1024));
}

TEST_CASE("WalkOrder visits entries as os.walk does") {
  // find's depth-first listing: d1, d1/x, f1, d2, d2/y
  std::vector<std::string> paths = {"/t/d1", "/t/d1/x", "/t/f1", "/t/d2", "/t/d2/y"};
  std::vector<bool> dirs = {true, false, false, true, false};
  std::vector<size_t> order = WalkOrder("/t", paths, dirs);
  CHECK(order == std::vector<size_t>{2, 0, 3, 1, 4});
  CHECK(WalkOrder("/", {"/a", "/b"}, {false, false}) == std::vector<size_t>{0, 1});
}

}  // namespace drover::modules
