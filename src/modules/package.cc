// package (ansible.builtin.package) without Python on the host: the
// package manager is the one Ansible's pkg_mgr fact would name (`use`, or
// detected on the host: /usr/bin/apt-get means apt), and the task's other
// arguments go to that manager's module unchanged, as Ansible's package
// action passes them. Results are that module's.
//
// Partial: apt is the only manager drover implements; a host with another
// (dnf, yum, zypper, apk, pacman, ...) fails the task naming the manager.
// The detection is one extra short round trip when `use` is not given.
#include "modules/registry.h"

namespace drover::modules {

namespace {

// Ansible's PKG_MGRS (the last whose binary exists wins: the preferred
// one is listed last); a Debian host with apt-get is apt.
constexpr const char* kDetectScript =
    "__r=unknown\n"
    "for __m in /usr/bin/rpm-ostree:atomic_container /usr/bin/yum:yum /usr/bin/dnf:dnf "
    "/usr/bin/apt-get:apt /usr/bin/zypper:zypper /usr/sbin/urpmi:urpmi /usr/bin/pacman:pacman "
    "/bin/opkg:opkg /usr/pkg/bin/pkgin:pkgin /sbin/apk:apk /usr/sbin/pkg:pkgng "
    "/usr/bin/emerge:portage /usr/bin/xbps-install:xbps /usr/local/sbin/pkg:pkgng "
    "/usr/bin/swupd:swupd; do\n"
    "  [ -e \"${__m%%:*}\" ] && __r=${__m#*:}\n"
    "done\n"
    "[ -e /etc/debian_version ] && [ -e /usr/bin/apt-get ] && __r=apt\necho \"$__r\"\n";

class Package : public Module {
 public:
  std::string_view Name() const override { return "package"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = [] {
      std::vector<ArgSpec> s = AptModule().Spec();
      s.push_back({"use", ArgType::kStr, Value("auto"), false, {}, {}});
      return s;
    }();
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::string use = args.find("use")->as_string();
    if (use == "auto") {
      Result<connection::ExecResult> r = ctx.Exec(kDetectScript);
      if (!r) return r.take_error();
      use = r->stdout_data.substr(0, r->stdout_data.find('\n'));
      if (use == "unknown")
        return Failed(
            "Could not detect which package manager to use. Try gathering facts or setting the "
            "\"use\" option.");
    }
    if (use != "apt" && use != "ansible.builtin.apt" && use != "ansible.legacy.apt")
      return Failed("package: the host's package manager is '" + use +
                    "'; drover implements package only for apt so far");
    Map apt_args = args;
    apt_args.erase("use");
    return AptModule().Run(apt_args, ctx);
  }
};

}  // namespace

const Module& PackageModule() {
  static const Package m;
  return m;
}

}  // namespace drover::modules
