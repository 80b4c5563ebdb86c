// `drover vault` (and `ansible-vault` through the link): ansible-vault's verbs
// and flags over src/vault/, plus `merge-driver` for git. Byte-compatible with
// ansible-vault: files each one writes, the other reads.
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/ansible_settings.h"
#include "cli/command.h"
#include "cli/report.h"
#include "core/file_util.h"
#include "vault/ansible_cfg.h"
#include "vault/atomic_write.h"
#include "vault/encrypt_string.h"
#include "vault/envelope.h"
#include "vault/keyring.h"
#include "vault/merge_driver.h"
#include "vault/password_source.h"
#include "vault/safe_edit.h"
#include "vault/vault_options.h"

namespace drover::cli {

namespace {

using vault::Keyring;
using vault::KeyringRequest;
using vault::VaultOptions;
using vault::VaultSecret;

constexpr char kSummary[] = "Create, view, edit and re-key ansible-vault encrypted files";

// Everything any verb can be given.
struct VaultArgs {
  VaultOptions vault;
  std::string encrypt_vault_id;
  std::string output;
  std::string new_password_file;
  std::string new_vault_id;
  std::vector<std::string> names;  // encrypt_string --name
  std::string stdin_name;
  bool prompt = false;
  bool show_input = false;
  int verbosity = 0;
  std::vector<std::string> args;
};

void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
}

std::string SourceName(const std::string& path) {
  return path == "-" ? "<stdin>" : path;
}

Result<std::string> ReadInput(const std::string& path) {
  if (path != "-") {
    Result<std::string> text = ReadFile(path);
    if (!text)
      return MakeError("Unable to read source file (" + path + "): " + text.error().message);
    return text;
  }
  std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return data;
}

// Writes to stdout for "-", else replaces the file atomically with mode 0600
// (ansible-vault recreates files 0600 on encrypt/decrypt).
Status WriteOutput(const std::string& path, std::string_view data) {
  if (path == "-") {
    if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout)) {
      return MakeError("could not write to standard output");
    }
    return {};
  }
  return vault::WriteFileAtomically(path, data, 0600, /*keep_mode=*/false);
}

Result<Keyring> DecryptKeyring(const VaultArgs& a) {
  std::vector<Error> warnings;
  Result<Keyring> k = vault::BuildKeyring(
      a.vault, KeyringRequest{.new_password = false, .auto_prompt = true}, &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  return k;
}

// The keyring of encrypting verbs, and the secret they encrypt with.
struct EncryptKey {
  Keyring keyring;
  const VaultSecret* secret = nullptr;
};

Result<EncryptKey> EncryptKeyring(const VaultArgs& a) {
  std::vector<Error> warnings;
  Result<Keyring> k = vault::BuildKeyring(
      a.vault, KeyringRequest{.new_password = true, .auto_prompt = true}, &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  if (!k) return k.take_error();
  std::string id = a.encrypt_vault_id;
  if (id.empty()) {
    const char* env = std::getenv("ANSIBLE_VAULT_ENCRYPT_IDENTITY");
    id = env ? env : vault::ReadVaultConfig().encrypt_identity;
  }
  if (k->secrets().size() > 1 && id.empty()) {
    std::string ids;
    for (const VaultSecret& s : k->secrets()) ids += (ids.empty() ? "" : ",") + s.vault_id;
    Error e = MakeError("The vault-ids " + ids +
                        " are available to encrypt. Specify the vault-id to encrypt with "
                        "--encrypt-vault-id");
    e.code = ExitCode::kBadOptions;
    return e;
  }
  EncryptKey key{std::move(k).value(), nullptr};
  Result<const VaultSecret*> s = key.keyring.EncryptSecret(id);
  if (!s) return s.take_error();
  key.secret = *s;
  return key;
}

int Fail(Error e) {
  return ReportError(e);
}

// ansible-vault's display.display(message, stderr=True): logged too. The
// plaintext and ciphertext it writes are never shown this way.
void SayIfTerminal(const char* message) {
  if (isatty(STDOUT_FILENO)) Display(message, stderr);
}

int RunDecrypt(const VaultArgs& a) {
  Result<Keyring> k = DecryptKeyring(a);
  if (!k) return Fail(k.take_error());
  std::vector<std::string> files = a.args.empty() ? std::vector<std::string>{"-"} : a.args;
  if (a.args.empty() && isatty(STDIN_FILENO)) {
    Display("Reading ciphertext input from stdin", stderr);
  }
  for (const std::string& f : files) {
    Result<std::string> text = ReadInput(f);
    if (!text) return Fail(text.take_error());
    Result<vault::Decrypted> d = k->Decrypt(*text, SourceName(f));
    if (!d) return Fail(d.take_error());
    Status s = WriteOutput(a.output.empty() ? f : a.output, d->plaintext);
    Wipe(d->plaintext);
    if (!s) return Fail(s.take_error());
  }
  SayIfTerminal("Decryption successful");
  return 0;
}

int RunEncrypt(const VaultArgs& a) {
  Result<EncryptKey> key = EncryptKeyring(a);
  if (!key) return Fail(key.take_error());
  std::vector<std::string> files = a.args.empty() ? std::vector<std::string>{"-"} : a.args;
  if (a.args.empty() && isatty(STDIN_FILENO)) {
    Display("Reading plaintext input from stdin", stderr);
  }
  for (const std::string& f : files) {
    Result<std::string> plain = ReadInput(f);
    if (!plain) return Fail(plain.take_error());
    Result<std::string> text = vault::Encrypt(*plain, *key->secret, key->secret->vault_id);
    Wipe(*plain);
    if (!text) {
      Error e = text.take_error();
      e.message += " (" + SourceName(f) + ")";
      return Fail(e);
    }
    if (Status s = WriteOutput(a.output.empty() ? f : a.output, *text); !s) {
      return Fail(s.take_error());
    }
  }
  SayIfTerminal("Encryption successful");
  return 0;
}

// Shows text through $PAGER (default less) on a terminal, else writes it.
void Page(const std::string& text) {
  if (isatty(STDOUT_FILENO)) {
    const char* pager = std::getenv("PAGER");
    setenv("LESS", "FRSX", 0);
    if (FILE* p = popen(pager && *pager ? pager : "less", "w")) {
      std::fwrite(text.data(), 1, text.size(), p);
      if (pclose(p) == 0) return;
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

int RunView(const VaultArgs& a) {
  Result<Keyring> k = DecryptKeyring(a);
  if (!k) return Fail(k.take_error());
  for (const std::string& f : a.args) {
    Result<std::string> text = ReadInput(f);
    if (!text) return Fail(text.take_error());
    if (!vault::IsVaultText(*text)) {  // shown as is, so `view` works as a git textconv
      Page(*text);
      continue;
    }
    Result<vault::Decrypted> d = k->Decrypt(*text, SourceName(f));
    if (!d) return Fail(d.take_error());
    Page(d->plaintext);
    Wipe(d->plaintext);
  }
  return 0;
}

int RunEdit(const VaultArgs& a) {
  Result<Keyring> k = DecryptKeyring(a);
  if (!k) return Fail(k.take_error());
  for (const std::string& f : a.args) {
    if (Status s = vault::EditVaultFile(f, *k); !s) return Fail(s.take_error());
  }
  return 0;
}

int RunCreate(const VaultArgs& a) {
  if (a.args.size() != 1) {
    Error e = MakeError("ansible-vault create can take only one filename argument");
    e.code = ExitCode::kBadOptions;
    return Fail(e);
  }
  Result<EncryptKey> key = EncryptKeyring(a);
  if (!key) return Fail(key.take_error());
  Status s = vault::CreateVaultFile(a.args[0], *key->secret, key->secret->vault_id);
  return s ? 0 : Fail(s.take_error());
}

int RunRekey(const VaultArgs& a) {
  Result<Keyring> old_keys = DecryptKeyring(a);
  if (!old_keys) return Fail(old_keys.take_error());
  VaultOptions new_options;
  if (!a.new_vault_id.empty()) new_options.vault_ids.push_back(a.new_vault_id);
  if (!a.new_password_file.empty()) new_options.password_files.push_back(a.new_password_file);
  std::vector<Error> warnings;
  Result<Keyring> new_keys = vault::BuildKeyring(
      new_options,
      KeyringRequest{.new_password = true, .auto_prompt = true, .use_environment = false},
      &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  if (!new_keys) return Fail(new_keys.take_error());
  if (new_keys->empty()) {
    Error e = MakeError("A new vault password is required to use Ansible's Vault rekey");
    e.detail = "pass --new-vault-password-file FILE or --new-vault-id LABEL@SOURCE";
    e.code = ExitCode::kBadOptions;
    return Fail(e);
  }
  const VaultSecret& secret = new_keys->secrets().front();
  for (const std::string& f : a.args) {
    Result<std::string> text = ReadInput(f);
    if (!text) return Fail(text.take_error());
    Result<vault::Decrypted> d = old_keys->Decrypt(*text, f);
    if (!d) return Fail(d.take_error());
    Result<std::string> fresh = vault::Encrypt(d->plaintext, secret, secret.vault_id);
    Wipe(d->plaintext);
    if (!fresh) return Fail(fresh.take_error());
    if (Status s = vault::WriteFileAtomically(f, *fresh); !s) return Fail(s.take_error());
  }
  Display("Rekey successful", stderr);
  return 0;
}

int RunEncryptString(const VaultArgs& a) {
  struct Item {
    std::string plaintext;
    std::string source;
    std::string name;
  };
  const bool read_stdin = std::find(a.args.begin(), a.args.end(), "-") != a.args.end() ||
                          a.args.empty() || !a.stdin_name.empty();
  if (a.prompt && read_stdin) {
    Error e = MakeError("The --prompt option is not supported if also reading input from stdin");
    e.code = ExitCode::kBadOptions;
    return Fail(e);
  }
  Result<EncryptKey> key = EncryptKeyring(a);
  if (!key) return Fail(key.take_error());

  std::vector<Item> items;
  if (a.prompt) {
    Result<std::string> name = vault::PromptPassword("Variable name (enter for no name): ");
    // An empty name is a valid answer; PromptPassword rejects it as a password.
    std::string var = name ? *name : "";
    Result<std::string> value =
        vault::PromptPassword(a.show_input ? "String to encrypt:" : "String to encrypt (hidden): ");
    if (!value) {
      return Fail(MakeError("The plaintext provided from the prompt was empty, not encrypting"));
    }
    items.push_back({std::move(value).value(), "the interactive prompt", var});
  }
  if (read_stdin) {
    if (isatty(STDOUT_FILENO)) {
      Display(
          "Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does "
          "not already have a newline)",
          stderr);
    }
    Result<std::string> in = ReadInput("-");
    if (!in || in->empty()) {
      Error e = MakeError("stdin was empty, not encrypting");
      e.code = ExitCode::kBadOptions;
      return Fail(e);
    }
    items.push_back({std::move(in).value(), "stdin", a.stdin_name});
  }
  std::vector<std::string> args;
  for (const std::string& s : a.args) {
    if (s != "-") args.push_back(s);
  }
  if (!a.names.empty() && args.size() > a.names.size()) {
    Display("The number of --name options do not match the number of args.", stderr);
    Display(
        "The last named variable will be \"" + a.names.back() + "\". The rest will not have names.",
        stderr);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].empty()) {
      Error e =
          MakeError("The plaintext provided from the command line args was empty, not encrypting");
      e.code = ExitCode::kBadOptions;
      return Fail(e);
    }
    items.push_back({args[i], "the command line args", i < a.names.size() ? a.names[i] : ""});
  }

  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    Result<std::string> text =
        vault::Encrypt(items[i].plaintext, *key->secret, key->secret->vault_id);
    Wipe(items[i].plaintext);
    if (!text) return Fail(text.take_error());
    if (items.size() > 1) {
      if (!items[i].name.empty()) {
        std::fprintf(stderr,
                     "# The encrypted version of variable (\"%s\", the string #%zu from %s).\n",
                     items[i].name.c_str(), i + 1, items[i].source.c_str());
      } else {
        std::fprintf(stderr, "# The encrypted version of the string #%zu from %s.)\n", i + 1,
                     items[i].source.c_str());
      }
    }
    if (i > 0) out += "\n";
    out += vault::FormatCiphertextYaml(*text, items[i].name);
  }
  if (Status s = WriteOutput(a.output.empty() ? "-" : a.output, out); !s) {
    return Fail(s.take_error());
  }
  SayIfTerminal("Encryption successful");
  return 0;
}

int RunMergeDriver(const VaultArgs& a) {
  if (a.args.size() < 3 || a.args.size() > 4) {
    Error e = MakeError("merge-driver takes %O %A %B [%P] (ancestor, ours, theirs, path)");
    e.code = ExitCode::kBadOptions;
    return Fail(e);
  }
  std::vector<Error> warnings;
  Result<Keyring> k = vault::BuildKeyring(a.vault, KeyringRequest{}, &warnings);
  for (const Error& w : warnings) ReportWarning(w);
  if (!k) return Fail(k.take_error());
  const std::string label = a.args.size() == 4 ? a.args[3] : "vault";
  Result<vault::MergeOutcome> m =
      vault::MergeVaultFiles(a.args[0], a.args[1], a.args[2], label, *k);
  if (!m) return Fail(m.take_error());
  if (m->conflicts > 0) {
    std::fprintf(stderr,
                 "vault merge: %d conflict(s) in %s; the conflict markers are inside the "
                 "encrypted text: resolve with `drover vault edit %s`\n",
                 m->conflicts, label.c_str(), label.c_str());
    return 1;
  }
  return 0;
}

constexpr char kDescription[] =
    "encryption/decryption utility for Ansible data files (ansible-vault compatible)\n\n"
    "drover differences: `view` prints a file that is not encrypted as it is (so it works as a "
    "git textconv driver); `edit` keeps the plaintext in a private directory under "
    "$XDG_RUNTIME_DIR or /dev/shm and saves nothing when the editor fails; `merge-driver %O %A "
    "%B [%P]` merges vault files for git.";

int RunVault(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{kDescription, prog};
  app.footer(
      "Exit codes (as ansible-vault's): 0 ok; 1 error (a wrong or missing vault password, a "
      "file that is not there or not vaulted); 2 a command line the parser rejects; 5 bad or "
      "incomplete options; 250 unexpected error.");
  VaultArgs a;
  app.require_subcommand(1);
  app.add_flag("-v,--verbose", a.verbosity, "verbose mode (-vvv for more)");
  app.set_version_flag("--version", "drover vault (ansible-vault compatible)");

  auto verb = [&](const std::string& name, const std::string& help, bool output, bool encrypt,
                  const std::string& args_name) {
    CLI::App* sub = app.add_subcommand(name, help);
    vault::AddVaultOptions(*sub, a.vault);
    sub->add_flag("-v,--verbose", a.verbosity, "verbose mode");
    if (output) {
      sub->add_option("--output", a.output,
                      "output file name for encrypt or decrypt; use - for stdout");
    }
    if (encrypt) {
      sub->add_option("--encrypt-vault-id", a.encrypt_vault_id,
                      "the vault id used to encrypt (required if more than one vault-id is "
                      "provided)");
    }
    sub->add_option("args", a.args, args_name);
    return sub;
  };
  verb("create", "Create new vault encrypted file", false, true, "file_name");
  verb("decrypt", "Decrypt vault encrypted file", true, false, "file_name");
  verb("edit", "Edit vault encrypted file", false, true, "file_name");
  verb("view", "View vault encrypted file", false, false, "file_name");
  verb("encrypt", "Encrypt YAML file", true, true, "file_name");
  CLI::App* es = verb("encrypt_string", "Encrypt a string", true, true, "string_to_encrypt");
  es->add_flag("-p,--prompt", a.prompt, "Prompt for the string to encrypt");
  es->add_flag("--show-input", a.show_input, "Do not hide input when prompted for the string");
  es->add_option("-n,--name", a.names, "Specify the variable name")->allow_extra_args(false);
  es->add_option("--stdin-name", a.stdin_name, "Specify the variable name for stdin");
  CLI::App* rk = verb("rekey", "Re-key a vault encrypted file", false, true, "file_name");
  rk->add_option("--new-vault-password-file", a.new_password_file,
                 "new vault password file for rekey");
  rk->add_option("--new-vault-id", a.new_vault_id, "the new vault identity to use for rekey");
  verb("merge-driver", "git merge driver: merge-driver %O %A %B [%P]", false, false,
       "ancestor ours theirs [path]");
  for (CLI::App* sub : app.get_subcommands({})) sub->positionals_at_end(false);

  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return ReportUsageError(e.what());
  }
  // log_path, as ansible-vault's display logs: its errors and status lines.
  const AnsibleConfig cfg = ReadAnsibleConfig();
  std::unique_ptr<output::AnsibleLog> log = OpenConfiguredLog(cfg);
  if (Status ss = ReportSettings(AnsibleSettings(cfg)); !ss)
    return static_cast<int>(ss.error().code);
  if (!a.output.empty() && a.args.size() > 1) {
    Error e = MakeError("At most one input file may be used with the --output option");
    e.code = ExitCode::kBadOptions;
    return Fail(e);
  }
  umask(077);
  const std::string name = app.get_subcommands().front()->get_name();
  if (name == "decrypt") return RunDecrypt(a);
  if (name == "encrypt") return RunEncrypt(a);
  if (name == "view") return RunView(a);
  if (name == "edit") return RunEdit(a);
  if (name == "create") return RunCreate(a);
  if (name == "rekey") return RunRekey(a);
  if (name == "encrypt_string") return RunEncryptString(a);
  return RunMergeDriver(a);
}

}  // namespace

Command VaultCommand() {
  Command c;
  c.name = "vault";
  c.ansible_name = "ansible-vault";
  c.summary = kSummary;
  c.run = RunVault;
  return c;
}

}  // namespace drover::cli
