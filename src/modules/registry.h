// The list of implemented modules (one line per module in registry.cc).
#pragma once

#include <vector>

#include "modules/module.h"

namespace drover::modules {

const std::vector<const Module*>& AllModules();

// Each module file defines its accessor.
const Module& CommandModule();
const Module& ShellModule();
const Module& RawModule();
const Module& PingModule();
const Module& StatModule();
const Module& FileModule();
const Module& CopyModule();
const Module& TemplateModule();
const Module& LineinfileModule();
const Module& AptModule();
const Module& UserModule();
const Module& GroupModule();
const Module& SystemdModule();
const Module& SystemdServiceModule();
const Module& ServiceModule();
const Module& SlurpModule();
const Module& FetchModule();
const Module& GetUrlModule();
const Module& GitModule();
const Module& FindFilesModule();
const Module& TempfileModule();
const Module& ScriptModule();
const Module& UriModule();
const Module& WaitForModule();
const Module& UnarchiveModule();
const Module& BlockinfileModule();
const Module& ReplaceModule();
const Module& PostgresqlUserModule();
const Module& PostgresqlDbModule();
const Module& PostgresqlQueryModule();
const Module& PostgresqlPrivsModule();
const Module& PostgresqlExtModule();
const Module& PostgresqlPingModule();
const Module& SupervisorctlModule();
const Module& NpmModule();
const Module& PipModule();
const Module& HtpasswdModule();
const Module& CronModule();
const Module& PackageModule();
const Module& AptRepositoryModule();
const Module& AptKeyModule();
const Module& DebconfModule();
const Module& DpkgSelectionsModule();
const Module& ServiceFactsModule();
const Module& PackageFactsModule();
const Module& IptablesModule();
const Module& UfwModule();
const Module& AuthorizedKeyModule();
const Module& IniFileModule();
const Module& GetentModule();
const Module& KnownHostsModule();
const Module& GitConfigModule();
const Module& HostnameModule();
const Module& TimezoneModule();
const Module& LocaleGenModule();
const Module& SysctlModule();
const Module& PamLimitsModule();
const Module& ModprobeModule();
const Module& MakeModule();
const Module& DjangoManageModule();
const Module& DeployHelperModule();
const Module& SnapModule();
const Module& ArchiveModule();
const Module& AlternativesModule();
const Module& MountModule();
const Module& RebootModule();

}  // namespace drover::modules
