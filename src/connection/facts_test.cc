#include "connection/facts.h"

#include <doctest/doctest.h>

#include "connection/local_connection.h"

namespace drover::connection {

namespace {
// What the script prints on a Debian 12 host (trimmed).
const char kDebianOutput[] = R"OUT(
@@drover:os_release
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
@@drover:debian_version
12.5
@@drover:lsb
@@drover:uname
Linux
6.1.0-18-amd64
#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)
x86_64
web1.example.com
@@drover:hostname
web1.example.com
@@drover:fqdn
10.0.0.5 web1.example.com web1
@@drover:id
deploy
1000
1000
deploy
@@drover:passwd
deploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash
@@drover:env
HOME=/home/deploy
MULTI=a\nb\\c
@@drover:meminfo
MemTotal:        2030436 kB
MemFree:          912444 kB
SwapTotal:       1048572 kB
SwapFree:        1048572 kB
@@drover:cpuinfo
processor	: 0
physical id	: 0
siblings	: 4
core id		: 0
cpu cores	: 2
processor	: 1
physical id	: 0
siblings	: 4
core id		: 0
cpu cores	: 2
processor	: 2
physical id	: 0
siblings	: 4
core id		: 1
cpu cores	: 2
processor	: 3
physical id	: 0
siblings	: 4
core id		: 1
cpu cores	: 2
@@drover:route
8.8.8.8 via 10.0.0.1 dev ens3 src 10.0.0.5 uid 1000
@@drover:addr
1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
2: ens3    inet 10.0.0.5/24 brd 10.0.0.255 scope global ens3\       valid_lft forever
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0
@@drover:link
52:54:00:12:34:56
1500
1
@@drover:pkg
apt-get
@@drover:init
systemd
/lib/systemd/systemd
systemctl
/run/systemd/system
/etc/init.d
@@drover:date
2024|03|01|12|30|05|CET|+0100|1709292605|Friday|5|09|123456789
2024-03-01T11:30:05|20240301T113005
@@drover:end
)OUT";
}  // namespace

TEST_CASE("ParseFacts reads a Debian host as Ansible does") {
  auto f = ParseFacts(kDebianOutput);
  REQUIRE(f.ok());
  auto s = [&](const char* k) { return f->find(k)->as_string(); };
  auto i = [&](const char* k) { return f->find(k)->as_int(); };
  CHECK(s("distribution") == "Debian");
  CHECK(s("distribution_version") == "12.5");
  CHECK(s("distribution_major_version") == "12");
  CHECK(s("distribution_release") == "bookworm");
  CHECK(s("os_family") == "Debian");
  CHECK(s("hostname") == "web1");
  CHECK(s("nodename") == "web1.example.com");
  CHECK(s("fqdn") == "web1.example.com");
  CHECK(s("domain") == "example.com");
  CHECK(s("system") == "Linux");
  CHECK(s("kernel") == "6.1.0-18-amd64");
  CHECK(s("architecture") == "x86_64");
  CHECK(s("user_id") == "deploy");
  CHECK(s("user_dir") == "/home/deploy");
  CHECK(i("user_uid") == 1000);
  CHECK(i("memtotal_mb") == 1982);
  CHECK(i("swaptotal_mb") == 1023);
  CHECK(i("processor_vcpus") == 4);
  CHECK(i("processor_cores") == 2);
  CHECK(i("processor_count") == 1);
  CHECK(i("processor_threads_per_core") == 2);
  const Map& def = f->find("default_ipv4")->as_map();
  CHECK(def.find("address")->as_string() == "10.0.0.5");
  CHECK(def.find("interface")->as_string() == "ens3");
  CHECK(def.find("gateway")->as_string() == "10.0.0.1");
  CHECK(def.find("netmask")->as_string() == "255.255.255.0");
  CHECK(def.find("network")->as_string() == "10.0.0.0");
  CHECK(def.find("mtu")->as_int() == 1500);
  CHECK(*f->find("all_ipv4_addresses") == Value(List{Value("10.0.0.5"), Value("172.17.0.1")}));
  CHECK(s("pkg_mgr") == "apt");
  CHECK(s("service_mgr") == "systemd");
  const Map& env = f->find("env")->as_map();
  CHECK(env.find("HOME")->as_string() == "/home/deploy");
  CHECK(env.find("MULTI")->as_string() == "a\nb\\c");
  const Map& dt = f->find("date_time")->as_map();
  CHECK(dt.find("iso8601")->as_string() == "2024-03-01T11:30:05Z");
  CHECK(dt.find("tz_offset")->as_string() == "+0100");
  CHECK(dt.find("weekday")->as_string() == "Friday");
  CHECK(f->find("lsb")->as_map().empty());
}

TEST_CASE("facts become host variables with and without the prefix") {
  Map facts{{"hostname", Value("web1")}};
  Map vars = FactsAsHostVars(facts);
  CHECK(vars.find("ansible_hostname")->as_string() == "web1");
  CHECK(vars.find("ansible_facts")->as_map().find("hostname")->as_string() == "web1");
}

TEST_CASE("ParseFacts rejects output that is not the script's") {
  CHECK_FALSE(ParseFacts("sh: syntax error").ok());
}

TEST_CASE("GatherFacts runs the script on this machine in one round trip") {
  LocalConnection local;
  auto f = GatherFacts(local);
  REQUIRE(f.ok());
  CHECK(local.RoundTrips() == 1);
  CHECK_FALSE(f->find("system")->as_string().empty());
  CHECK(f->find("env")->as_map().contains("PATH"));
}

}  // namespace drover::connection
