#include "harness/machine/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

namespace qb {

std::size_t terminal_columns() {
  constexpr std::size_t kFallback = 80, kNarrowest = 40;
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    const std::string_view text(env);
    std::size_t columns = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), columns);
    if (ec == std::errc() && end == text.data() + text.size() && columns > 0) return std::max(columns, kNarrowest);
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return std::max<std::size_t>(size.ws_col, kNarrowest);
  }
  return kFallback;
}

}  // namespace qb
