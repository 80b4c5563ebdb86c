// Hardware facts (Ansible 2.14's LinuxHardware): memory, processors,
// uptime, mounts, block devices and their links, LVM; DMI facts.
#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "connection/facts_sections.h"

namespace drover::connection::facts {

namespace {

void AddMemory(const Sections& s, Map& f) {
  std::map<std::string, int64_t> mem;
  for (const std::string& line : Lines(s, "meminfo")) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    mem[line.substr(0, colon)] = std::atoll(Trim(line.substr(colon + 1)).c_str()) / 1024;
  }
  auto get = [&](const char* k) -> Value {
    auto it = mem.find(k);
    return it == mem.end() ? Value() : Value(it->second);
  };
  for (const char* k : {"MemTotal", "MemFree", "SwapTotal", "SwapFree"}) {
    std::string name = k;
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (mem.count(k)) f.set(name + "_mb", mem[k]);
  }
  auto diff = [&](const char* a, const char* b) -> Value {
    if (!mem.count(a) || !mem.count(b)) return Value();
    return Value(mem[a] - mem[b]);
  };
  Value nocache_free;
  if (mem.count("Cached") && mem.count("MemFree") && mem.count("Buffers"))
    nocache_free = Value(mem["Cached"] + mem["MemFree"] + mem["Buffers"]);
  Value nocache_used;
  if (mem.count("MemTotal") && nocache_free.is_int())
    nocache_used = Value(mem["MemTotal"] - nocache_free.as_int());
  f.set("memory_mb",
        Value(Map{{"nocache", Value(Map{{"free", nocache_free}, {"used", nocache_used}})},
                  {"real", Value(Map{{"free", get("MemFree")},
                                     {"total", get("MemTotal")},
                                     {"used", diff("MemTotal", "MemFree")}})},
                  {"swap", Value(Map{{"cached", get("SwapCached")},
                                     {"free", get("SwapFree")},
                                     {"total", get("SwapTotal")},
                                     {"used", diff("SwapTotal", "SwapFree")}})}}));
}

// As get_cpu_facts on x86/ARM: the processor list (processor index,
// vendor, model per CPU), sockets by physical id, cores per socket from
// "cpu cores", threads per core = siblings / cores.
void AddCpu(const Sections& s, Map& f) {
  List processor;
  int64_t processors = 0, cores = 0, siblings = 0;
  std::set<std::string> sockets;
  static const std::set<std::string> listed = {"model name", "Processor", "vendor_id",
                                               "cpu",        "Vendor",    "processor"};
  for (const std::string& line : Lines(s, "cpuinfo")) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = Trim(line.substr(0, colon));
    const std::string value = Trim(line.substr(colon + 1));
    if (listed.count(key)) processor.emplace_back(value);
    if (key == "processor") ++processors;
    if (key == "physical id") sockets.insert(value);
    if (key == "cpu cores") cores = std::atoll(value.c_str());
    if (key == "siblings") siblings = std::atoll(value.c_str());
  }
  const int64_t socket_count = sockets.empty() ? processors : static_cast<int64_t>(sockets.size());
  if (cores == 0) cores = 1;
  const int64_t threads = siblings > 0 ? std::max<int64_t>(1, siblings / cores) : 1;
  f.set("processor", Value(std::move(processor)));
  f.set("processor_count", socket_count);
  f.set("processor_cores", cores);
  f.set("processor_threads_per_core", threads);
  f.set("processor_vcpus", sockets.empty() ? processors : threads * cores * socket_count);
  f.set("processor_nproc", processors);
}

// Mount points may carry octal escapes (\040 for a space) in mtab.
std::string Unescape(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 3 < v.size() && std::isdigit(static_cast<unsigned char>(v[i + 1])) &&
        std::isdigit(static_cast<unsigned char>(v[i + 2])) &&
        std::isdigit(static_cast<unsigned char>(v[i + 3]))) {
      out += static_cast<char>(std::stoi(v.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += v[i];
    }
  }
  return out;
}

void AddMounts(const Sections& s, Map& f) {
  std::set<std::string> binds;
  static const std::regex bind_source(R"(.*\]$)");
  for (const std::string& line : Lines(s, "findmnt")) {
    auto w = Words(line);
    if (w.size() >= 2 && std::regex_match(w[1], bind_source)) binds.insert(w[0]);
  }
  std::map<std::string, std::string> uuids;
  for (const std::string& line : Lines(s, "lsblk")) {
    auto w = Words(line);
    if (w.size() >= 2) uuids[w[0]] = w[1];
  }
  // "frsize bsize blocks bfree bavail files ffree mountpoint"
  std::map<std::string, std::vector<int64_t>> sizes;
  bool timed_out = false;
  for (const std::string& line : Lines(s, "statfs")) {
    if (line.rfind("@rc ", 0) == 0) {
      timed_out = line == "@rc 124";  // timeout(1) stopped stat: gather_timeout passed
      continue;
    }
    std::stringstream in(line);
    std::vector<int64_t> n(7);
    for (int64_t& x : n) in >> x;
    std::string mount;
    std::getline(in, mount);
    if (in.fail() && mount.empty()) continue;
    sizes[mount.empty() ? mount : mount.substr(1)] = n;
  }
  List mounts;
  std::map<std::string, size_t> position;
  for (const std::string& line : Lines(s, "mtab")) {
    auto raw = Words(line);
    if (raw.size() < 4) continue;
    std::vector<std::string> w;
    for (const std::string& x : raw) w.push_back(Unescape(x));
    const std::string &device = w[0], &mount = w[1], &fstype = w[2];
    const bool device_like =
        device[0] == '/' || device[0] == '\\' || device.find(":/") != std::string::npos;
    if (!device_like || fstype == "none") continue;
    std::string options = w[3];
    static const std::regex has_bind(R"(.*bind.*)");
    if (binds.count(mount) && !std::regex_match(options, has_bind)) options += ",bind";
    Map m{{"mount", mount}, {"device", device}, {"fstype", fstype}, {"options", options}};
    if (auto it = sizes.find(mount); it != sizes.end()) {
      const auto& n = it->second;
      m.set("size_total", n[0] * n[2]);
      m.set("size_available", n[0] * n[4]);
      m.set("block_size", n[1]);
      m.set("block_total", n[2]);
      m.set("block_available", n[4]);
      m.set("block_used", n[2] - n[4]);
      m.set("inode_total", n[5]);
      m.set("inode_available", n[6]);
      m.set("inode_used", n[5] - n[6]);
    } else if (timed_out) {
      m.set("note", "Could not get extra information due to timeout");
    }
    if (!m.contains("note")) {
      auto u = uuids.find(device);
      m.set("uuid", u == uuids.end() ? "N/A" : u->second);
    }
    // Keyed by mount point, as Ansible's results: a later entry for the
    // same point (an over-mount) replaces the earlier one in its place.
    if (auto seen = position.find(mount); seen != position.end()) {
      mounts[seen->second] = Value(std::move(m));
    } else {
      position[mount] = mounts.size();
      mounts.emplace_back(std::move(m));
    }
  }
  f.set("mounts", Value(std::move(mounts)));
}

// /dev/disk/by-* links (ls -l output) and /sys/block/*/slaves.
Map DeviceLinks(const Sections& s) {
  std::map<std::string, std::map<std::string, std::set<std::string>>> kinds;
  for (const char* k : {"ids", "labels", "masters", "uuids"}) kinds[k];
  std::string kind;
  for (const std::string& line : Lines(s, "disklinks")) {
    if (line.rfind("/dev/disk/by-", 0) == 0) {
      const std::string by = line.substr(13, line.find(':') - 13);
      kind = by == "id" ? "ids" : by == "uuid" ? "uuids" : by == "label" ? "labels" : "";
      continue;
    }
    const size_t arrow = line.find(" -> ");
    if (kind.empty() || arrow == std::string::npos) continue;
    auto before = Words(line.substr(0, arrow));
    if (before.empty()) continue;
    const std::string target = line.substr(arrow + 4);
    kinds[kind][target.substr(target.rfind('/') + 1)].insert(before.back());
  }
  for (const std::string& path : Lines(s, "slaves")) {
    // /sys/block/<device>/slaves/<target>
    std::vector<std::string> parts;
    std::stringstream in(path);
    for (std::string p; std::getline(in, p, '/');) parts.push_back(p);
    if (parts.size() >= 6) kinds["masters"][parts[5]].insert(parts[3]);
  }
  Map links;
  for (const auto& [k, targets] : kinds) {
    Map m;
    for (const auto& [target, names] : targets)
      m.set(target, Value(List(names.begin(), names.end())));
    links.set(k, Value(std::move(m)));
  }
  return links;
}

Map LinksOf(const Map& links, const std::string& name) {
  Map out;
  for (const auto& [kind, targets] : links) {
    const Value* v = targets.as_map().find(name);
    out.set(kind, v ? *v : Value(List{}));
  }
  return out;
}

void AddDevices(const Sections& s, Map& f) {
  const Map links = DeviceLinks(s);
  Map devices;
  struct Block {
    std::string name;
    std::vector<std::string> lines;
  };
  // Split the section at "@dev"; partitions and holders inside.
  std::vector<Block> blocks;
  for (const std::string& line : Lines(s, "devices")) {
    if (line.rfind("@dev ", 0) == 0) {
      blocks.push_back(Block{line.substr(5), {}});
    } else if (!blocks.empty()) {
      blocks.back().lines.push_back(line);
    }
  }
  for (const Block& b : blocks) {
    const std::string sys = "/sys/block/" + b.name;
    // Lines up to the first "@part" are the disk's; each "@part" starts a partition.
    std::vector<std::vector<std::string>> parts;
    std::vector<std::string> disk;
    std::vector<std::string> part_names;
    for (const std::string& line : b.lines) {
      if (line.rfind("@part ", 0) == 0) {
        part_names.push_back(line.substr(6));
        parts.emplace_back();
      } else {
        (parts.empty() ? disk : parts.back()).push_back(line);
      }
    }
    auto holders = [](const std::vector<std::string>& lines) {
      List out;
      for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("@holder ", 0) != 0) continue;
        std::string name = lines[i].substr(8);
        if (i + 1 < lines.size() && lines[i + 1].find("/dm/name=") != std::string::npos)
          name = Trim(lines[i + 1].substr(lines[i + 1].find('=') + 1));
        out.emplace_back(name);
      }
      return out;
    };
    auto files = FileValues(disk);
    auto opt = [&](const std::string& path) -> Value {
      auto it = files.find(path);
      if (it == files.end() || !it->second) return Value();
      return Value(*it->second);
    };
    Map d;
    d.set("virtual", 1);
    d.set("links", Value(LinksOf(links, b.name)));
    for (const char* k : {"vendor", "model", "sas_address", "sas_device_handle"})
      d.set(k, opt(sys + "/device/" + k));
    if (Value serial = opt(sys + "/device/serial"); !serial.is_null()) d.set("serial", serial);
    d.set("removable", opt(sys + "/removable"));
    d.set("support_discard", opt(sys + "/queue/discard_granularity"));
    Map partitions;
    const std::regex pattern("(" + b.name + "[p]?\\d+)");
    for (size_t i = 0; i < parts.size(); ++i) {
      std::smatch m;
      if (!std::regex_search(part_names[i], m, pattern)) continue;
      const std::string pname = m[1];
      const std::string psys = sys + "/" + part_names[i];
      auto pf = FileValues(parts[i]);
      Map p;
      p.set("links", Value(LinksOf(links, pname)));
      p.set("start", FileValue(pf, psys + "/start", "0"));
      const std::string sectors = FileValue(pf, psys + "/size", "0");
      p.set("sectors", sectors);
      std::string sectorsize = FileValue(pf, psys + "/queue/logical_block_size");
      if (sectorsize.empty()) sectorsize = FileValue(pf, psys + "/queue/hw_sector_size", "512");
      p.set("sectorsize", sectorsize);
      p.set("size", BytesToHuman(std::atof(sectors.c_str()) * 512.0));
      Value uuid;
      const Value* uuids = links.find("uuids");
      for (const auto& [target, names] : uuids->as_map())
        if (target == pname && !names.as_list().empty()) uuid = names.as_list()[0];
      p.set("uuid", uuid);
      p.set("holders", Value(holders(parts[i])));
      partitions.set(pname, Value(std::move(p)));
    }
    d.set("partitions", Value(std::move(partitions)));
    d.set("rotational", opt(sys + "/queue/rotational"));
    std::string scheduler;
    static const std::regex sched(R"(.*?(\[(.*)\]).*)");
    std::smatch m;
    const std::string sched_line = FileValue(files, sys + "/queue/scheduler");
    if (std::regex_match(sched_line, m, sched)) scheduler = m[2];
    d.set("scheduler_mode", scheduler);
    const std::string sectors = FileValue(files, sys + "/size", "0");
    d.set("sectors", sectors);
    std::string sectorsize = FileValue(files, sys + "/queue/logical_block_size");
    if (sectorsize.empty()) sectorsize = FileValue(files, sys + "/queue/hw_sector_size", "512");
    d.set("sectorsize", sectorsize);
    d.set("size", BytesToHuman(std::atof(sectors.c_str()) * 512.0));
    d.set("host", "");
    d.set("holders", Value(holders(disk)));
    devices.set(b.name, Value(std::move(d)));
  }
  f.set("devices", Value(std::move(devices)));
  f.set("device_links", Value(links));
}

void AddLvm(const Sections& s, Map& f) {
  const auto& lines = Lines(s, "lvm");
  if (lines.empty()) {
    f.set("lvm", "N/A");
    return;
  }
  Map vgs, lvs, pvs;
  std::string kind;
  for (const std::string& line : lines) {
    if (line == "vgs" || line == "lvs" || line == "pvs") {
      kind = line;
      continue;
    }
    std::vector<std::string> items;
    std::stringstream in(Trim(line));
    for (std::string x; std::getline(in, x, ',');) items.push_back(x);
    if (kind == "vgs" && items.size() >= 3)
      vgs.set(items[0], Value(Map{{"size_g", items[items.size() - 2]},
                                  {"free_g", items.back()},
                                  {"num_lvs", items[2]},
                                  {"num_pvs", items[1]}}));
    if (kind == "lvs" && items.size() >= 4)
      lvs.set(items[0], Value(Map{{"size_g", items[3]}, {"vg", items[1]}}));
    if (kind == "pvs" && items.size() >= 6)
      pvs.set(items[0], Value(Map{{"size_g", items[4]}, {"free_g", items[5]}, {"vg", items[1]}}));
  }
  f.set("lvm", Value(Map{{"lvs", Value(lvs)}, {"vgs", Value(vgs)}, {"pvs", Value(pvs)}}));
}

}  // namespace

void AddHardware(const Sections& s, Map& f) {
  AddMemory(s, f);
  AddCpu(s, f);
  auto up = FileValues(Lines(s, "uptime"));
  const std::string uptime = FileValue(up, "/proc/uptime");
  if (!uptime.empty()) f.set("uptime_seconds", static_cast<int64_t>(std::atof(uptime.c_str())));
  AddMounts(s, f);
  AddDevices(s, f);
  AddLvm(s, f);
}

void AddDmi(const Sections& s, Map& f) {
  auto dmi = FileValues(Lines(s, "dmi"));
  auto get = [&](const std::string& k) {
    return FileValue(dmi, "/sys/devices/virtual/dmi/id/" + k, "NA");
  };
  for (const char* k :
       {"bios_date", "bios_vendor", "bios_version", "board_asset_tag", "board_name", "board_serial",
        "board_vendor", "board_version", "chassis_asset_tag", "chassis_serial", "chassis_vendor",
        "chassis_version", "product_name", "product_serial", "product_uuid", "product_version"})
    f.set(k, get(k));
  f.set("system_vendor", get("sys_vendor"));
  static const char* const kForms[] = {"Unknown",
                                       "Other",
                                       "Unknown",
                                       "Desktop",
                                       "Low Profile Desktop",
                                       "Pizza Box",
                                       "Mini Tower",
                                       "Tower",
                                       "Portable",
                                       "Laptop",
                                       "Notebook",
                                       "Hand Held",
                                       "Docking Station",
                                       "All In One",
                                       "Sub Notebook",
                                       "Space-saving",
                                       "Lunch Box",
                                       "Main Server Chassis",
                                       "Expansion Chassis",
                                       "Sub Chassis",
                                       "Bus Expansion Chassis",
                                       "Peripheral Chassis",
                                       "RAID Chassis",
                                       "Rack Mount Chassis",
                                       "Sealed-case PC",
                                       "Multi-system",
                                       "CompactPCI",
                                       "AdvancedTCA",
                                       "Blade",
                                       "Blade Enclosure",
                                       "Tablet",
                                       "Convertible",
                                       "Detachable",
                                       "IoT Gateway",
                                       "Embedded PC",
                                       "Mini PC",
                                       "Stick PC"};
  const std::string type = get("chassis_type");
  std::string form = "NA";
  if (type != "NA") {
    const int n = std::atoi(type.c_str());
    form = n >= 0 && n < static_cast<int>(std::size(kForms)) ? kForms[n] : "NA";
  }
  f.set("form_factor", form);
}

}  // namespace drover::connection::facts
