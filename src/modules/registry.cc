#include "modules/registry.h"

namespace drover::modules {

// The community.crypto modules (declared here, not in registry.h, so adding
// them does not rebuild every module).
const Module& OpensslPrivatekeyModule();
const Module& X509CertificateModule();
const Module& OpensslDhparamModule();
const Module& OpensshKeypairModule();
const Module& OpensslCsrModule();

const std::vector<const Module*>& AllModules() {
  // One module per line, so merges stay trivial.
  // clang-format off
  static const std::vector<const Module*> all = {
      &CommandModule(),
      &ShellModule(),
      &RawModule(),
      &PingModule(),
      &StatModule(),
      &FileModule(),
      &CopyModule(),
      &TemplateModule(),
      &LineinfileModule(),
      &AptModule(),
      &UserModule(),
      &GroupModule(),
      &SystemdModule(),
      &SystemdServiceModule(),
      &ServiceModule(),
      &SlurpModule(),
      &FetchModule(),
      &GetUrlModule(),
      &GitModule(),
      &FindFilesModule(),
      &TempfileModule(),
      &ScriptModule(),
      &UriModule(),
      &WaitForModule(),
      &UnarchiveModule(),
      &BlockinfileModule(),
      &ReplaceModule(),
      &PostgresqlUserModule(),
      &PostgresqlDbModule(),
      &PostgresqlQueryModule(),
      &PostgresqlPrivsModule(),
      &PostgresqlExtModule(),
      &PostgresqlPingModule(),
      &SupervisorctlModule(),
      &NpmModule(),
      &PipModule(),
      &HtpasswdModule(),
      &CronModule(),
      &PackageModule(),
      &AptRepositoryModule(),
      &AptKeyModule(),
      &DebconfModule(),
      &DpkgSelectionsModule(),
      &ServiceFactsModule(),
      &PackageFactsModule(),
      &IptablesModule(),
      &UfwModule(),
      &AuthorizedKeyModule(),
      &IniFileModule(),
      &GetentModule(),
      &KnownHostsModule(),
      &GitConfigModule(),
      &HostnameModule(),
      &TimezoneModule(),
      &LocaleGenModule(),
      &SysctlModule(),
      &PamLimitsModule(),
      &ModprobeModule(),
      &MakeModule(),
      &DjangoManageModule(),
      &DeployHelperModule(),
      &SnapModule(),
      &ArchiveModule(),
      &OpensslPrivatekeyModule(),
      &X509CertificateModule(),
      &OpensslDhparamModule(),
      &OpensshKeypairModule(),
      &OpensslCsrModule(),
      &AlternativesModule(),
      &MountModule(),
      &RebootModule(),
  };
  // clang-format on
  return all;
}

}  // namespace drover::modules
