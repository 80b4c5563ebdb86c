#include "modules/authorized_keys_text.h"

#include <doctest/doctest.h>

namespace drover::modules {

namespace {
const std::string kK1 = "ssh-ed25519 AAAA1 one@x";
const std::string kK2 = "ssh-rsa BBBB2 two";

AuthorizedKeysEdit Edit(const std::string& existing, const std::string& keys, bool present = true,
                        bool exclusive = false, std::optional<std::string> options = std::nullopt,
                        std::optional<std::string> comment = std::nullopt) {
  AuthorizedKeysRequest r{keys, present, exclusive, options, comment};
  Result<AuthorizedKeysEdit> e = EditAuthorizedKeys(existing, r);
  REQUIRE(e);
  return *e;
}
}  // namespace

// Expected texts are what ansible.posix 1.5's enforce_state wrote.
TEST_CASE("authorized_key: several keys added in order, then unchanged") {
  AuthorizedKeysEdit e = Edit("", kK1 + "\n" + kK2);
  CHECK(e.changed);
  CHECK(e.content == kK1 + "\n" + kK2 + "\n");
  CHECK_FALSE(Edit(e.content, kK1 + "\n" + kK2).changed);
  CHECK_FALSE(Edit("ssh-rsa BBBB2\n", "ssh-rsa BBBB2").changed);
}

TEST_CASE("authorized_key: exclusive drops every other line, comments and blanks too") {
  AuthorizedKeysEdit e = Edit("# hi\n" + kK1 + "\n\n\n", kK2, true, true);
  CHECK(e.changed);
  CHECK(e.content == kK2 + "\n");
}

TEST_CASE("authorized_key: options compare as a dict; a different one rewrites the key") {
  AuthorizedKeysEdit e = Edit("no-pty,from=\"a,b\" " + kK1 + "\n", kK1);
  CHECK(e.changed);
  CHECK(e.content == kK1 + "\n");
  CHECK_FALSE(
      Edit("from=\"a,b\",no-pty " + kK1 + "\n", kK1, true, false, "no-pty,from=\"a,b\"").changed);
}

TEST_CASE("authorized_key: absent removes the key; the rest is normalised") {
  AuthorizedKeysEdit e = Edit(kK2 + "  extra   words\n" + kK1 + "\n", kK1, false);
  CHECK(e.changed);
  CHECK(e.content == "ssh-rsa BBBB2 two extra words\n");
}

TEST_CASE("authorized_key: comment replaces the key's; an unterminated last line stays") {
  AuthorizedKeysEdit e = Edit("garbage\n" + kK1, kK2, true, false, std::nullopt, "new comment");
  CHECK(e.content == "garbage\n" + kK1 + "\nssh-rsa BBBB2 new comment\n");
}

TEST_CASE("authorized_key: a line without a key type is an error") {
  AuthorizedKeysRequest r{"not a key", true, false, std::nullopt, std::nullopt};
  Result<AuthorizedKeysEdit> e = EditAuthorizedKeys("", r);
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "invalid key specified: not a key");
}

}  // namespace drover::modules
