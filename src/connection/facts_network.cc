// Network facts (Ansible 2.14's LinuxNetwork): interfaces from
// /sys/class/net in directory order, their addresses from `ip addr show`,
// default_ipv4/6 from `ip route get`, ethtool data when ethtool exists;
// fibre channel, iSCSI and NVMe initiator names.
#include <cstdlib>
#include <regex>
#include <sstream>

#include "connection/facts_sections.h"

namespace drover::connection::facts {

namespace {

uint32_t ParseIpv4(const std::string& address) {
  uint32_t a = 0;
  std::stringstream in(address);
  std::string part;
  for (int i = 0; i < 4 && std::getline(in, part, '.'); ++i)
    a = (a << 8) | static_cast<uint32_t>(std::atoi(part.c_str()));
  return a;
}

std::string FormatIpv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

// "ip -4/-6 route get X": interface, address, gateway (as Ansible reads them).
Map DefaultRoute(const Sections& s, const std::string& name, const std::string& target) {
  Map d;
  auto w = Words(Line(s, name));
  if (w.empty() || w[0] != target) return d;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == "dev") d.set("interface", w[i + 1]);
    if (w[i] == "src") d.set("address", w[i + 1]);
    if (w[i] == "via" && w[i + 1] != target) d.set("gateway", w[i + 1]);
  }
  return d;
}

struct Iface {
  std::string name;
  Map facts;
};

// The netdev section: "@if NAME", then its sysfs values and markers.
std::vector<Iface> ReadInterfaces(const Sections& s) {
  static const std::map<std::string, std::string> types = {{"1", "ether"},
                                                           {"32", "infiniband"},
                                                           {"512", "ppp"},
                                                           {"772", "loopback"},
                                                           {"65534", "tunnel"}};
  std::vector<Iface> out;
  std::vector<std::string> lines;
  auto finish = [&] {
    if (out.empty()) return;
    Iface& i = out.back();
    const std::string d = "/sys/class/net/" + i.name + "/";
    auto files = FileValues(lines);
    Map& m = i.facts;
    m.set("device", i.name);
    const std::string mac = FileValue(files, d + "address");
    if (!mac.empty() && mac != "00:00:00:00:00:00") m.set("macaddress", mac);
    if (files.count(d + "mtu")) m.set("mtu", std::atoll(FileValue(files, d + "mtu").c_str()));
    if (files.count(d + "operstate")) m.set("active", FileValue(files, d + "operstate") != "down");
    List brif, features_k, ts;
    bool bridge = false;
    Map features;
    List timestamping, filters;
    std::optional<int64_t> phc;
    for (const std::string& l : lines) {
      if (l.rfind("@module ", 0) == 0) m.set("module", l.substr(l.rfind('/') + 1));
      if (l == "@bridge") bridge = true;
      if (l.rfind("@brif ", 0) == 0) brif.emplace_back(l.substr(6));
      if (l.rfind("@k ", 0) == 0) {
        const std::string kv = l.substr(3);
        if (kv.empty() || kv.back() == ':') continue;
        const size_t sep = kv.find(": ");
        if (sep == std::string::npos) continue;
        std::string key = Trim(kv.substr(0, sep));
        for (char& c : key)
          if (c == '-') c = '_';
        const std::string value = Trim(kv.substr(sep + 2));
        if (!value.empty()) features.set(key, value);
      }
      if (l.rfind("@T ", 0) == 0) {
        static const std::regex so(R"(SOF_TIMESTAMPING_(\w+))"), hw(R"(HWTSTAMP_FILTER_(\w+))"),
            clock(R"(PTP Hardware Clock: (\d+))");
        std::smatch x;
        auto lower = [](std::string v) {
          for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return v;
        };
        if (std::regex_search(l, x, so)) timestamping.emplace_back(lower(x[1]));
        if (std::regex_search(l, x, hw)) filters.emplace_back(lower(x[1]));
        if (std::regex_search(l, x, clock)) phc = std::atoll(std::string(x[1]).c_str());
      }
    }
    if (files.count(d + "type")) {
      auto t = types.find(FileValue(files, d + "type"));
      m.set("type", t == types.end() ? "unknown" : t->second);
    }
    if (bridge) {
      m.set("type", "bridge");
      m.set("interfaces", Value(std::move(brif)));
      if (files.count(d + "bridge/bridge_id"))
        m.set("id", FileValue(files, d + "bridge/bridge_id"));
      if (files.count(d + "bridge/stp_state"))
        m.set("stp", FileValue(files, d + "bridge/stp_state") == "1");
    }
    if (files.count(d + "bonding/mode")) {
      m.set("type", "bonding");
      List slaves;
      for (const std::string& w : Words(FileValue(files, d + "bonding/slaves")))
        slaves.emplace_back(w);
      m.set("slaves", Value(std::move(slaves)));
      auto first = [&](const std::string& k) {
        auto w = Words(FileValue(files, d + "bonding/" + k));
        return w.empty() ? std::string() : w[0];
      };
      m.set("mode", first("mode"));
      m.set("miimon", first("miimon"));
      m.set("lacp_rate", first("lacp_rate"));
      const std::string primary = FileValue(files, d + "bonding/primary");
      if (!primary.empty()) {
        m.set("primary", primary);
        if (files.count(d + "bonding/all_slaves_active"))
          m.set("all_slaves_active", FileValue(files, d + "bonding/all_slaves_active") == "1");
      }
    }
    if (files.count(d + "bonding_slave/perm_hwaddr"))
      m.set("perm_macaddress", FileValue(files, d + "bonding_slave/perm_hwaddr"));
    for (const std::string& l : lines)
      if (l.rfind("@pciid ", 0) == 0) m.set("pciid", l.substr(l.rfind('/') + 1));
    if (auto sp = files.find(d + "speed"); sp != files.end() && sp->second)
      m.set("speed", std::atoll(sp->second->c_str()));
    if (files.count(d + "flags"))
      m.set("promisc",
            (std::strtoll(FileValue(files, d + "flags", "0").c_str(), nullptr, 16) & 0x100) != 0);
    for (const std::string& l : lines)
      if (l == "@ethtool-k") m.set("features", Value(features));
    for (const std::string& l : lines)
      if (l == "@ethtool-T") {
        m.set("timestamping", Value(timestamping));
        m.set("hw_timestamp_filters", Value(filters));
        if (phc) m.set("phc_index", *phc);
      }
    lines.clear();
  };
  for (const std::string& line : Lines(s, "netdev")) {
    if (line.rfind("@if ", 0) == 0) {
      finish();
      out.push_back(Iface{line.substr(4), {}});
    } else {
      lines.push_back(line);
    }
  }
  finish();
  return out;
}

}  // namespace

void AddNetwork(const Sections& s, Map& f) {
  Map v4 = DefaultRoute(s, "route4", "8.8.8.8");
  Map v6 = DefaultRoute(s, "route6", "2404:6800:400a:800::1012");
  std::vector<Iface> ifaces = ReadInterfaces(s);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < ifaces.size(); ++i) index[ifaces[i].name] = i;
  // `ip addr show`, grouped by device ("N: name[@peer]: <...>").
  std::map<std::string, std::vector<std::vector<std::string>>> addr_lines;
  std::string current;
  for (const std::string& line : Lines(s, "ipaddr")) {
    auto w = Words(line);
    if (w.empty()) continue;
    if (line[0] != ' ' && w.size() >= 2 && w[0].back() == ':') {
      current = w[1].substr(0, w[1].size() - 1);
      current = current.substr(0, current.find('@'));
      continue;
    }
    if (!current.empty()) addr_lines[current].push_back(w);
  }
  List all4, all6;
  auto ipv4_entry = [](const std::vector<std::string>& w, std::string* address) {
    std::string prefix = "32", broadcast;
    *address = w[1];
    if (const size_t slash = w[1].find('/'); slash != std::string::npos) {
      *address = w[1].substr(0, slash);
      prefix = w[1].substr(slash + 1);
      if (w.size() > 3 && w[2] == "brd") broadcast = w[3];
    }
    const int bits = std::atoi(prefix.c_str());
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return Map{{"address", *address},
               {"broadcast", broadcast},
               {"netmask", FormatIpv4(mask)},
               {"network", FormatIpv4(ParseIpv4(*address) & mask)},
               {"prefix", prefix}};
  };
  // Per device, primary addresses first, then secondaries (Ansible asks
  // `ip addr show primary dev X`, then `secondary`).
  for (size_t n = 0; n < ifaces.size(); ++n) {
    Iface& iface = ifaces[n];
    const std::string device = iface.name;
    for (const bool secondary : {false, true}) {
      for (const auto& w : addr_lines[device]) {
        const bool is_secondary = std::find(w.begin(), w.end(), "secondary") != w.end();
        if (w[0] == "inet" && w.size() >= 2 && is_secondary == secondary) {
          std::string address;
          Map entry = ipv4_entry(w, &address);
          std::string label = w.back();
          Map* target = &iface.facts;
          if (label != device) {
            // An alias label (eth0:1) becomes an interface of its own.
            if (!index.count(label)) {
              index[label] = ifaces.size();
              ifaces.push_back(Iface{label, {}});
            }
          }
          target = &ifaces[index[label]].facts;
          Iface& dev = ifaces[n];
          if (!secondary && !target->contains("ipv4")) {
            target->set("ipv4", Value(entry));
          } else {
            Value* list = target->find("ipv4_secondaries");
            if (!list) {
              target->set("ipv4_secondaries", Value(List{}));
              list = target->find("ipv4_secondaries");
            }
            list->as_list().push_back(Value(entry));
          }
          if (secondary) {
            if (!dev.facts.contains("ipv4_secondaries"))
              dev.facts.set("ipv4_secondaries", Value(List{}));
            if (label != device)
              dev.facts.find("ipv4_secondaries")->as_list().push_back(Value(entry));
          }
          if (const Value* a = v4.find("address"); a && a->as_string() == address) {
            for (const char* k : {"broadcast", "netmask", "network", "prefix"})
              v4.set(k, *entry.find(k));
            if (const Value* mac = dev.facts.find("macaddress")) v4.set("macaddress", *mac);
            if (const Value* mtu = dev.facts.find("mtu")) v4.set("mtu", *mtu);
            const Value* type = dev.facts.find("type");
            v4.set("type", type ? *type : Value("unknown"));
            v4.set("alias", label);
          }
          if (address.rfind("127.", 0) != 0) all4.emplace_back(address);
        } else if (w[0] == "inet6" && w.size() >= 4 && is_secondary == secondary) {
          std::string address, prefix, scope;
          if (w[2] == "peer" && w.size() >= 6) {
            address = w[1];
            prefix = w[3].substr(w[3].find('/') + 1);
            scope = w[5];
          } else {
            address = w[1].substr(0, w[1].find('/'));
            prefix = w[1].substr(w[1].find('/') + 1);
            scope = w[3];
          }
          Iface& dev = ifaces[n];
          Value* list = dev.facts.find("ipv6");
          if (!list) {
            dev.facts.set("ipv6", Value(List{}));
            list = dev.facts.find("ipv6");
          }
          list->as_list().push_back(
              Value(Map{{"address", address}, {"prefix", prefix}, {"scope", scope}}));
          if (const Value* a = v6.find("address"); a && a->as_string() == address) {
            v6.set("prefix", prefix);
            v6.set("scope", scope);
            if (const Value* mac = dev.facts.find("macaddress")) v6.set("macaddress", *mac);
            if (const Value* mtu = dev.facts.find("mtu")) v6.set("mtu", *mtu);
            const Value* type = dev.facts.find("type");
            v6.set("type", type ? *type : Value("unknown"));
          }
          if (address != "::1") all6.emplace_back(address);
        }
      }
    }
  }
  List names;
  for (Iface& i : ifaces) {
    std::string name = i.name;
    for (char& c : name)
      if (c == ':') c = '_';
    names.emplace_back(name);
    // The fact's own name, as Ansible's namespace transform: '-' -> '_'.
    for (char& c : name)
      if (c == '-') c = '_';
    f.set(name, Value(std::move(i.facts)));
  }
  f.set("interfaces", Value(std::move(names)));
  f.set("default_ipv4", Value(std::move(v4)));
  f.set("default_ipv6", Value(std::move(v6)));
  f.set("all_ipv4_addresses", Value(std::move(all4)));
  f.set("all_ipv6_addresses", Value(std::move(all6)));
}

void AddNetworkExtras(const Sections& s, const FactsRequest& r, Map& f) {
  if (r.Has("fibre_channel_wwn")) {
    List wwns;
    for (const auto& [path, value] : FileValues(Lines(s, "fc")))
      if (value) wwns.emplace_back(value->rfind("0x", 0) == 0 ? value->substr(2) : *value);
    f.set("fibre_channel_wwn", Value(std::move(wwns)));
  }
  if (r.Has("iscsi")) {
    std::string iqn;
    for (const std::string& line : Lines(s, "iscsi"))
      if (line.rfind("InitiatorName=", 0) == 0) iqn = Trim(line.substr(14));
    f.set("iscsi_iqn", iqn);
  }
  if (r.Has("nvme")) f.set("hostnqn", FileValue(FileValues(Lines(s, "nvme")), "/etc/nvme/hostnqn"));
}

}  // namespace drover::connection::facts
