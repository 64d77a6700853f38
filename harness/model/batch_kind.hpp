// How a --batch N repetition (N > 1) moved its items: through the queue's own
// bulk calls (native: the queue models qb::BulkQueue, include/qbench/queue.hpp)
// or through the harness's loop of try_push / try_pop, one call an item
// (looped). Recorded as the repetition's batch_kind; none for --batch 1.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace qb {

enum class BatchKind { none, native, looped };

inline constexpr std::array kBatchKinds{BatchKind::none, BatchKind::native, BatchKind::looped};

constexpr std::string_view to_string(BatchKind k) {
  switch (k) {
    case BatchKind::none: return "none";
    case BatchKind::native: return "native";
    case BatchKind::looped: return "looped";
  }
  return "?";
}

constexpr std::optional<BatchKind> parse_batch_kind(std::string_view text) {
  for (auto k : kBatchKinds) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace qb
