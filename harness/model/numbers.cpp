#include "harness/model/numbers.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "harness/model/usage_error.hpp"

namespace qb {

namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::uint64_t parse_count(std::string_view where, std::string_view text, std::uint64_t min, std::uint64_t max) {
  const auto bad = [&](std::string_view why) { return UsageError(fmt::format("{}: '{}' {}", where, text, why)); };
  if (text.starts_with('-') && all_digits(text.substr(1))) throw bad("is negative");
  if (!all_digits(text)) throw bad("is not a whole number");
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && value > max)) {
    throw bad(fmt::format("is above {}", max));
  }
  if (ec != std::errc() || ptr != text.data() + text.size()) throw bad("is not a whole number");
  if (value < min) throw bad(value == 0 ? fmt::format("is zero (at least {})", min) : fmt::format("is below {}", min));
  return value;
}

std::chrono::nanoseconds parse_duration(std::string_view where, std::string_view text) {
  // The number: digits, a point, a sign, and an exponent ("1e3ms", and the
  // "1e+300" a scenario file's number of seconds is written as); the unit
  // starts at the first letter that is not an exponent's.
  const auto in_number = [&](std::size_t i) {
    const char c = text[i];
    if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+') return true;
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    return (c == 'e' || c == 'E') && i > 0 && ((next >= '0' && next <= '9') || next == '-' || next == '+');
  };
  std::size_t unit_at = 0;
  while (unit_at < text.size() && in_number(unit_at)) ++unit_at;
  const std::string number(text.substr(0, unit_at));
  const std::string_view unit = text.substr(unit_at);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(value)) {
    throw UsageError(fmt::format("{}: '{}' is not a duration (e.g. 2s, 200ms, 500us)", where, text));
  }
  if (value < 0) throw UsageError(fmt::format("{}: '{}' is negative", where, text));
  // A bare number is a guess at the unit ("--warmup 200": 200 ms or 200 s?):
  // refused, but for zero, which is zero in every unit.
  if (unit.empty() && value != 0) {
    throw UsageError(fmt::format("{}: '{}' has no unit; did you mean {}ms or {}s?", where, text, text, text));
  }
  double scale = 0;
  if (unit.empty()) scale = 1;  // zero
  else if (unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60e9;
  else throw UsageError(fmt::format("{}: '{}' has an unknown unit (use ns, us, ms, s or m)", where, text));
  // Compared before the conversion: a double past long long's range would
  // make llround's result undefined.
  const double ns = value * scale;
  if (ns > static_cast<double>(std::chrono::nanoseconds(kMaxDuration).count())) {
    throw UsageError(fmt::format("{}: '{}' is longer than {}h", where, text, kMaxDuration.count()));
  }
  return std::chrono::nanoseconds(std::llround(ns));
}

std::string format_bytes(double bytes) {
  if (bytes < 1e3) return fmt::format("{:.0f} B", bytes);
  if (bytes < 1e6) return fmt::format("{:.1f} KB", bytes / 1e3);
  if (bytes < 1e9) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.1f} GB", bytes / 1e9);
}

}  // namespace qb
