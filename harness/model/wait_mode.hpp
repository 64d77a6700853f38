// The vocabulary of waiting: what --wait asks for (WaitMode) and the policy a
// repetition's threads used (WaitPolicy, recorded as its wait_policy). The
// waiting itself is harness/run/wait.hpp.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace qb {

enum class WaitPolicy { pause, backoff, block };

constexpr std::string_view to_string(WaitPolicy p) {
  switch (p) {
    case WaitPolicy::pause: return "pause";
    case WaitPolicy::backoff: return "backoff";
    case WaitPolicy::block: return "block";
  }
  return "?";
}

// Whose blocking calls a --wait block repetition made: the queue's own
// (native) or the harness's over try_* (harness, harness/run/harness_block.hpp).
enum class BlockKind { none, native, harness };

constexpr std::string_view to_string(BlockKind k) {
  switch (k) {
    case BlockKind::none: return "none";
    case BlockKind::native: return "native";
    case BlockKind::harness: return "harness";
  }
  return "?";
}

// What --wait asked for: spin chooses pause or backoff by the placement
// (choose_wait_policy); pause, backoff and block ask for that policy always
// (block only where the workload's steps can block; else as spin).
enum class WaitMode { spin, pause, backoff, block };

inline constexpr std::array kWaitModes{WaitMode::spin, WaitMode::pause, WaitMode::backoff, WaitMode::block};

constexpr std::string_view to_string(WaitMode m) {
  switch (m) {
    case WaitMode::spin: return "spin";
    case WaitMode::pause: return "pause";
    case WaitMode::backoff: return "backoff";
    case WaitMode::block: return "block";
  }
  return "?";
}

constexpr std::optional<WaitMode> parse_wait_mode(std::string_view text) {
  for (auto m : kWaitModes) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

}  // namespace qb
