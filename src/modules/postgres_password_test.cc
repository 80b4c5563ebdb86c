#include "modules/postgres_password.h"

#include <doctest/doctest.h>

namespace drover::modules {

// Made with Python's hashlib (RFC 5802) for "pencil", salt
// "0123456789abcdef", 4096 iterations, as PostgreSQL stores it.
const char* kScram =
    "SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$nQpbZ77WudtqufPwikHXGRt6g2QJ4zns8bZLw273DRM=:"
    "jn2amWP1q1h+jgjy0YTO14S6/F02SV7taipOeB7ef20=";

TEST_CASE("postgres password: a SCRAM verifier is checked against the password") {
  const Value stored{std::string(kScram)};
  CHECK_FALSE(PgPasswordChanging(&stored, "alice", std::string("pencil"), true));
  CHECK(PgPasswordChanging(&stored, "alice", std::string("pencil2"), true));
  // A SCRAM hash given as the password is compared as text.
  CHECK_FALSE(PgPasswordChanging(&stored, "alice", std::string(kScram), true));
}

TEST_CASE("postgres password: md5 of password and user") {
  const Value stored{std::string("md5ee69efad287c7423caf0b3229d71f567")};
  CHECK_FALSE(PgPasswordChanging(&stored, "alice", std::string("pencil"), true));
  CHECK(PgPasswordChanging(&stored, "bob", std::string("pencil"), true));
  CHECK_FALSE(
      PgPasswordChanging(&stored, "x", std::string("md5ee69efad287c7423caf0b3229d71f567"), true));
}

TEST_CASE("postgres password: absent, empty and unreadable") {
  const Value none;
  const Value stored{std::string(kScram)};
  CHECK_FALSE(PgPasswordChanging(&stored, "alice", std::nullopt, true));
  CHECK(PgPasswordChanging(&stored, "alice", std::string(""), true));
  CHECK_FALSE(PgPasswordChanging(&none, "alice", std::string(""), true));
  CHECK(PgPasswordChanging(&none, "alice", std::string("pencil"), true));
  CHECK(PgPasswordChanging(nullptr, "alice", std::string("pencil"), true));
}

}  // namespace drover::modules
