// Cache-line geometry used to keep hot atomics apart.
#pragma once

#include <cstddef>

namespace qb {

// 128, not std::hardware_destructive_interference_size (64 on GCC/x86): Intel's
// spatial prefetcher pulls 64-byte lines in pairs, so two words 64 bytes apart
// still ping-pong between cores (crossbeam's CachePadded makes the same call).
inline constexpr std::size_t kFalseSharingRange = 128;

// For a queue's layout static_asserts: whether byte offsets a and b of an
// object aligned to kFalseSharingRange lie in different ranges, so that a
// write to one never takes the other's lines from another core.
constexpr bool in_different_ranges(std::size_t a, std::size_t b) noexcept {
  return a / kFalseSharingRange != b / kFalseSharingRange;
}

}  // namespace qb
