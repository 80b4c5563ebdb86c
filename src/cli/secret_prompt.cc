#include "cli/secret_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/secrets.h"

namespace drover::cli {

Result<std::string> PromptSecret(const std::string& prompt) {
  std::string answer;
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty >= 0) {
    termios old{};
    const bool is_tty = tcgetattr(tty, &old) == 0;
    if (write(tty, prompt.data(), prompt.size()) < 0) {
      close(tty);
      return MakeError("cannot write to the terminal");
    }
    if (is_tty) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    char c;
    while (read(tty, &c, 1) == 1 && c != '\n') answer += c;
    if (is_tty) tcsetattr(tty, TCSAFLUSH, &old);
    if (write(tty, "\n", 1) < 0) {
      // The answer was read; a failed newline is cosmetic.
    }
    close(tty);
  } else {
    std::fprintf(stderr, "%s\n", prompt.c_str());
    if (!std::getline(std::cin, answer)) {
      return MakeError("no terminal to ask for a password (" + prompt + ")");
    }
  }
  RegisterSecret(answer);
  return answer;
}

}  // namespace drover::cli
