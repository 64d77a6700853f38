// mpsc_elastic's ring generations: serial numbers modulo 2^24, kept in the
// bits of its capacity word that the capacity leaves (mpsc_elastic.hpp).
#pragma once

#include <cstdint>

namespace qb::detail {

// MpscElastic keeps the ring's generation in the 24 bits of its capacity
// word that the capacity leaves, so after 2^24 resizes (a stress run makes
// 400k in 3 s) it wraps. Generations are compared as serial numbers, modulo
// 2^24: `generation` is newer than `stored` when it is less than 2^23 ahead.
// Two advances that race are a generation or two apart, never 2^23.
inline constexpr std::uint64_t kGenerationMask = (std::uint64_t{1} << 24) - 1;

constexpr bool generation_is_newer(std::uint64_t generation, std::uint64_t stored) noexcept {
  const std::uint64_t ahead = (generation - stored) & kGenerationMask;
  return ahead != 0 && ahead <= kGenerationMask / 2;
}

}  // namespace qb::detail
