#include "connection/facts.h"

#include <doctest/doctest.h>

#include "connection/local_connection.h"

namespace drover::connection {

namespace {
// What the script prints on a Debian 12 host (trimmed).
const char kDebianOutput[] = R"OUT(
@@drover:begin
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
Linux web1.example.com 6.1.0-18-amd64 x86_64
#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)
@@drover:hostname
web1.example.com
@@drover:fqdn
10.0.0.5 web1.example.com web1
@@drover:machine_id
/etc/machine-id=0123456789abcdef0123456789abcdef
@@drover:bits
64
@@drover:id
deploy
1000
1000
1000
1000
@@drover:passwd
deploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash
@@drover:env
HOME=/home/deploy
MULTI=a\nb\\c
@@drover:meminfo
MemTotal:        2030436 kB
MemFree:          912444 kB
Buffers:          102400 kB
Cached:           204800 kB
SwapCached:            0 kB
SwapTotal:       1048572 kB
SwapFree:        1048572 kB
@@drover:cpuinfo
processor	: 0
vendor_id	: GenuineIntel
model name	: Intel Xeon
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
@@drover:uptime
/proc/uptime=12345.67 23456.78
@@drover:mtab
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/vda1 /srv/my\040data ext4 rw,relatime 0 0
/dev/vda1 /srv/bound ext4 rw,relatime 0 0
@@drover:findmnt
/srv/bound /dev/vda1[/data] ext4 rw,relatime
@@drover:lsblk
/dev/vda
/dev/vda1 2f6c-uuid
@@drover:statfs
4096 4096 1000 400 300 500 200 /
@@rc 0
@@drover:devices
@dev vda
/sys/block/vda/removable=0
/sys/block/vda/queue/rotational=1
/sys/block/vda/queue/scheduler=[mq-deadline] none
/sys/block/vda/size=41943040
/sys/block/vda/queue/logical_block_size=512
/sys/block/vda/device/model!
@part vda1
/sys/block/vda/vda1/start=2048
/sys/block/vda/vda1/size=41940992
@@drover:disklinks
/dev/disk/by-uuid:
lrwxrwxrwx 1 root root 10 Mar  1 12:00 2f6c-uuid -> ../../vda1
@@drover:route4
8.8.8.8 via 10.0.0.1 dev ens3 src 10.0.0.5 uid 1000
@@drover:ipaddr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
    inet6 ::1/128 scope host
2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 10.0.0.5/24 brd 10.0.0.255 scope global ens3
    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary ens3:1
    inet6 fe80::5054:ff:fe12:3456/64 scope link
3: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN
    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0
@@drover:netdev
@if lo
/sys/class/net/lo/address=00:00:00:00:00:00
/sys/class/net/lo/mtu=65536
/sys/class/net/lo/operstate=unknown
/sys/class/net/lo/type=772
/sys/class/net/lo/flags=0x9
@if ens3
/sys/class/net/ens3/address=52:54:00:12:34:56
/sys/class/net/ens3/mtu=1500
/sys/class/net/ens3/operstate=up
/sys/class/net/ens3/type=1
/sys/class/net/ens3/speed=-1
/sys/class/net/ens3/flags=0x1103
@pciid ../../../virtio0
@module ../../../../module/virtio_net
@if docker0
/sys/class/net/docker0/address=02:42:ac:11:00:01
/sys/class/net/docker0/mtu=1500
/sys/class/net/docker0/operstate=down
/sys/class/net/docker0/type=1
/sys/class/net/docker0/speed!
@bridge
@@drover:virt
cg 0::/init.scope
env container=systemd-nspawn
/run/systemd/container=systemd-nspawn
@@drover:dmi
/sys/devices/virtual/dmi/id/product_name=Standard PC
/sys/devices/virtual/dmi/id/sys_vendor=QEMU
/sys/devices/virtual/dmi/id/chassis_type=1
@@drover:dns
# generated
nameserver 10.0.0.1
nameserver 10.0.0.2
search example.com corp.example.com
options edns0 ndots:2
@@drover:cmdline
/proc/cmdline=BOOT_IMAGE=/vmlinuz root=UUID=x ro quiet console=tty0 console=ttyS0
@@drover:apparmor
enabled
@@drover:local:app.fact
@file
{"version": "1.2", "ports": [80, 443]}
@@drover:local:db.fact
@file
[main]
Name = primary
@@drover:local:broken.fact
@rc 3
@@drover:local:bad.fact
@file
not json nor ini
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
  CHECK(*f->find("all_ipv4_addresses") ==
        Value(List{Value("10.0.0.5"), Value("10.0.0.6"), Value("172.17.0.1")}));
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

  CHECK(i("effective_user_id") == 1000);
  CHECK(s("machine_id") == "0123456789abcdef0123456789abcdef");
  CHECK(s("userspace_bits") == "64");
  CHECK(s("distribution_minor_version") == "5");
  CHECK(*f->find("processor") == Value(List{Value("0"), Value("GenuineIntel"), Value("Intel Xeon"),
                                            Value("1"), Value("2"), Value("3")}));
  CHECK(i("uptime_seconds") == 12345);
  const Map& mem = f->find("memory_mb")->as_map();
  CHECK(mem.find("nocache")->as_map().find("free")->as_int() == 891 + 100 + 200);
}

TEST_CASE("ParseFacts: mounts, devices, network, virtualization, dns, local facts") {
  auto f = ParseFacts(kDebianOutput);
  REQUIRE(f.ok());
  const List& mounts = f->find("mounts")->as_list();
  REQUIRE(mounts.size() == 3);  // proc is not a device
  const Map& root = mounts[0].as_map();
  CHECK(root.find("mount")->as_string() == "/");
  CHECK(root.find("size_total")->as_int() == 4096 * 1000);
  CHECK(root.find("size_available")->as_int() == 4096 * 300);
  CHECK(root.find("block_used")->as_int() == 700);
  CHECK(root.find("inode_used")->as_int() == 300);
  CHECK(root.find("uuid")->as_string() == "2f6c-uuid");
  CHECK(mounts[1].as_map().find("mount")->as_string() == "/srv/my data");
  CHECK(mounts[2].as_map().find("options")->as_string() == "rw,relatime,bind");
  const Map& vda = f->find("devices")->as_map().find("vda")->as_map();
  CHECK(vda.find("size")->as_string() == "20.00 GB");
  CHECK(vda.find("scheduler_mode")->as_string() == "mq-deadline");
  CHECK(vda.find("model")->is_null());
  CHECK(vda.find("virtual")->as_int() == 1);
  const Map& part = vda.find("partitions")->as_map().find("vda1")->as_map();
  CHECK(part.find("start")->as_string() == "2048");
  CHECK(part.find("uuid")->as_string() == "2f6c-uuid");

  CHECK(*f->find("interfaces") ==
        Value(List{Value("lo"), Value("ens3"), Value("docker0"), Value("ens3_1")}));
  const Map& ens3 = f->find("ens3")->as_map();
  CHECK(ens3.find("ipv4")->as_map().find("address")->as_string() == "10.0.0.5");
  CHECK(ens3.find("ipv6")->as_list().size() == 1);
  CHECK(ens3.find("ipv4_secondaries")->as_list().size() == 1);
  CHECK(ens3.find("pciid")->as_string() == "virtio0");
  CHECK(ens3.find("module")->as_string() == "virtio_net");
  CHECK(ens3.find("promisc")->as_bool());
  CHECK(ens3.find("speed")->as_int() == -1);
  CHECK(f->find("docker0")->as_map().find("type")->as_string() == "bridge");
  CHECK(!f->find("docker0")->as_map().find("active")->as_bool());
  CHECK(!f->find("lo")->as_map().contains("macaddress"));
  const Map& def = f->find("default_ipv4")->as_map();
  CHECK(def.find("alias")->as_string() == "ens3");
  CHECK(def.find("macaddress")->as_string() == "52:54:00:12:34:56");
  CHECK(f->find("default_ipv6")->as_map().empty());
  CHECK(*f->find("all_ipv6_addresses") == Value(List{Value("fe80::5054:ff:fe12:3456")}));

  CHECK(f->find("virtualization_type")->as_string() == "container");
  CHECK(f->find("virtualization_role")->as_string() == "guest");
  CHECK(*f->find("virtualization_tech_guest") ==
        Value(List{Value("container"), Value("kvm"), Value("systemd-nspawn")}));
  CHECK(f->find("system_vendor")->as_string() == "QEMU");
  CHECK(f->find("form_factor")->as_string() == "Other");

  const Map& dns = f->find("dns")->as_map();
  CHECK(dns.find("nameservers")->as_list().size() == 2);
  CHECK(dns.find("options")->as_map().find("ndots")->as_string() == "2");
  CHECK(dns.find("options")->as_map().find("edns0")->as_bool());
  CHECK(f->find("cmdline")->as_map().find("console")->as_string() == "ttyS0");
  CHECK(f->find("proc_cmdline")->as_map().find("console")->as_list().size() == 2);
  CHECK(f->find("apparmor")->as_map().find("status")->as_string() == "enabled");

  const Map& local = f->find("local")->as_map();
  CHECK(local.find("app")->as_map().find("version")->as_string() == "1.2");
  CHECK(local.find("db")->as_map().find("main")->as_map().find("name")->as_string() == "primary");
  CHECK(local.find("broken")->as_string().find("rc: 3") != std::string::npos);
  CHECK(local.find("bad")->as_string().find("error loading facts as JSON or ini") == 0);
}

TEST_CASE("gather_subset selects collectors as Ansible's setup does") {
  auto req = [](const char* subset) {
    auto r = FactsRequestFromArgs(Map{{"gather_subset", subset}});
    REQUIRE(r.ok());
    return *r;
  };
  FactsRequest net = req("!all,!min,network");
  CHECK(net.collectors == std::set<std::string>{"distribution", "network", "platform"});
  FactsRequest min = req("!all");
  CHECK(min.Has("date_time"));
  CHECK(!min.Has("hardware"));
  CHECK(req("!all,!min").collectors.empty());
  CHECK(req("!all,!min,devices").collectors == std::set<std::string>{"hardware", "platform"});
  CHECK(req("all,!hardware").collectors.count("hardware") == 0);
  auto bad = FactsRequestFromArgs(Map{{"gather_subset", "bogus"}});
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("Bad subset 'bogus' given to Ansible") == 0);
  // Only the selected collectors' facts are parsed.
  auto f = ParseFacts(kDebianOutput, net);
  REQUIRE(f.ok());
  CHECK(f->contains("default_ipv4"));
  CHECK(!f->contains("date_time"));
  CHECK(!f->contains("mounts"));
  CHECK(*f->find("gather_subset") == Value(List{Value("!all"), Value("!min"), Value("network")}));
  // filter keeps the matching names.
  auto filtered = FactsRequestFromArgs(Map{{"filter", "ansible_dist*"}});
  REQUIRE(filtered.ok());
  auto g = ParseFacts(kDebianOutput, *filtered);
  REQUIRE(g.ok());
  CHECK(g->contains("distribution"));
  CHECK(!g->contains("hostname"));
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
