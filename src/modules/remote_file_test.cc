#include "modules/remote_file.h"

#include <doctest/doctest.h>

namespace drover::modules {

TEST_CASE("PythonNormPath matches os.path.normpath") {
  CHECK(PythonNormPath("") == ".");
  CHECK(PythonNormPath("/a//b/./c/") == "/a/b/c");
  CHECK(PythonNormPath("/a/b/../c") == "/a/c");
  CHECK(PythonNormPath("/../a") == "/a");
  CHECK(PythonNormPath("../a/../../b") == "../../b");
  CHECK(PythonNormPath("//a") == "//a");
  CHECK(PythonNormPath("///a") == "/a");
  CHECK(PythonNormPath("a/..") == ".");
}

TEST_CASE("FetchLocalDest lays files out as Ansible's fetch") {
  CHECK(FetchLocalDest("/etc/motd", "out", false, "h1", "/pb") == "/pb/out/h1/etc/motd");
  CHECK(FetchLocalDest("rel/f", "/abs/", false, "h1", "/pb") == "/abs/h1/rel/f");
  CHECK(FetchLocalDest("/etc/motd", "/x/y/", true, "h1", "/pb") == "/x/y/motd");
  CHECK(FetchLocalDest("/etc/motd", "copy.txt", true, "h1", "/pb") == "/pb/copy.txt");
  CHECK(FetchLocalDest("/a b/$x 'q'", "d", false, "h 1", "/pb") == "/pb/d/h 1/a b/$x 'q'");
}

TEST_CASE("RemoteReadScript only sends the bytes when asked") {
  RemoteReadOptions o;
  o.checksum = true;
  o.unless_sha1 = "abc";
  CHECK(RemoteReadScript("/f", o).find("exec cat") != std::string::npos);
  CHECK(RemoteReadScript("/f", o).find("= abc ]") != std::string::npos);
  o.send_content = false;
  CHECK(RemoteReadScript("/f", o).find("exec cat") == std::string::npos);
}

TEST_CASE("Base64Encode is Python's b64encode") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("a") == "YQ==");
  CHECK(Base64Encode(std::string("\xff\x00\xfe", 3)) == "/wD+");
}

}  // namespace drover::modules
