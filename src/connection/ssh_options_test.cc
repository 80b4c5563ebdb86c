#include "connection/ssh_options.h"

#include <doctest/doctest.h>

namespace drover::connection {

TEST_CASE("inventory variables win over command-line defaults") {
  ConnectionDefaults d;
  d.remote_user = "deploy";
  d.private_key = "/k/cli";
  d.timeout_s = 7;
  Map vars{{"ansible_host", Value("10.0.0.5")},
           {"ansible_port", Value(2222)},
           {"ansible_user", Value("admin")},
           {"ansible_ssh_private_key_file", Value("/k/inv")},
           {"ansible_password", Value("pw")}};
  auto t = ResolveSshTarget("web1", vars, d);
  REQUIRE(t.ok());
  CHECK(t->name == "web1");
  CHECK(t->address == "10.0.0.5");
  CHECK(t->port == 2222);
  CHECK(t->user == "admin");
  CHECK(t->identity_files == std::vector<std::string>{"/k/inv", "/k/cli"});
  CHECK(t->password == "pw");
  CHECK(t->connect_timeout_s == 7);
  auto plain = ResolveSshTarget("db1", {}, d);
  CHECK(plain->address == "db1");
  CHECK(plain->user == "deploy");
  CHECK_FALSE(plain->port.has_value());
}

TEST_CASE("-o options map onto the target; others are reported") {
  SshTarget t;
  REQUIRE(
      ApplySshArgs("-o UserKnownHostsFile=/tmp/kh -oStrictHostKeyChecking=accept-new "
                   "-o 'ConnectTimeout 3' -o ProxyJump=bastion -o ControlMaster=auto "
                   "-o ServerAliveInterval=7 -o ServerAliveCountMax=2 -o Compression=yes -p 2200 "
                   "-i /k -C -v -F ~/cfg",
                   &t)
          .ok());
  CHECK(t.known_hosts_file == "/tmp/kh");
  CHECK(t.host_key_policy == HostKeyPolicy::kAcceptNew);
  CHECK(t.connect_timeout_s == 3);
  CHECK(t.proxy_jump == "bastion");
  CHECK(t.keepalive_interval_s == 7);
  CHECK(t.keepalive_count_max == 2);
  CHECK(t.compression == true);
  CHECK(t.port == 2200);
  CHECK(t.config_file == "~/cfg");
  CHECK(t.identity_files == std::vector<std::string>{"/k"});
  CHECK(t.ignored_options == std::vector<std::string>{"-o ControlMaster=auto", "-v"});
  SshTarget off;
  REQUIRE(ApplySshArgs("-o StrictHostKeyChecking=no", &off).ok());
  CHECK(off.host_key_policy == HostKeyPolicy::kOff);
  CHECK_FALSE(ApplySshArgs("-o Port=abc", &off).ok());
  CHECK_FALSE(ApplySshArgs("-o StrictHostKeyChecking=maybe", &off).ok());
}

TEST_CASE("ansible_ssh_common_args replaces --ssh-common-args") {
  ConnectionDefaults d;
  d.ssh_common_args = "-o Port=1111";
  auto t = ResolveSshTarget("h", Map{{"ansible_ssh_common_args", Value("-o User=x")}}, d);
  REQUIRE(t.ok());
  CHECK_FALSE(t->port.has_value());
  CHECK(t->user == "x");
  CHECK(ResolveSshTarget("h", {}, d)->port == 1111);
}

TEST_CASE("ConnectionKind maps Ansible plugin names") {
  CHECK(ConnectionKind({}, {}).value() == "ssh");
  CHECK(ConnectionKind(Map{{"ansible_connection", Value("local")}}, {}).value() == "local");
  CHECK(ConnectionKind(Map{{"ansible_connection", Value("paramiko")}}, {}).value() == "ssh");
  CHECK_FALSE(ConnectionKind(Map{{"ansible_connection", Value("docker")}}, {}).ok());
}

}  // namespace drover::connection
