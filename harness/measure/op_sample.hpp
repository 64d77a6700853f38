// Which calls --latency ops times: about one in `period` of a thread's calls,
// at gaps drawn uniformly from [1, 2 * period - 1] (mean: period).
//
// A fixed one-in-N countdown beats in step with anything a queue does
// periodically (a ring's lap, a new block every N items, a stall every
// 1,000th pop): with a cycle a multiple of N it times the same phase of every
// cycle and never the others, so a stall in an untimed phase is never seen.
// Random gaps reach every phase, each call with the same chance.
//
// Cost where it matters: a call that is not timed is one decrement and a
// compare, as the countdown was; a timed one adds one xorshift64* draw.
#pragma once

#include <algorithm>
#include <cstdint>

#include "queues/cache_line.hpp"

namespace qb {

// One a thread, each on its own cache line (threads never share one).
class alignas(kFalseSharingRange) OpSampler {
 public:
  // period >= 1 (0 is taken as 1: every call); seed picks the sequence of
  // gaps (different for every thread, the same from run to run).
  OpSampler(std::uint32_t period, std::uint64_t seed) noexcept
      : period_(std::max<std::uint32_t>(1, period)), state_((seed + 1) * 0x9e3779b97f4a7c15ull | 1) {
    left_ = gap();
  }

  // True when this call is to be timed.
  bool next() noexcept {
    if (--left_ != 0) return false;
    left_ = gap();
    return true;
  }

  std::uint32_t period() const noexcept { return period_; }

 private:
  std::uint32_t gap() noexcept {
    if (period_ == 1) return 1;
    state_ ^= state_ >> 12;  // xorshift64* (Vigna): full period over non-zero states
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const std::uint64_t high = (state_ * 0x2545f4914f6cdd1dull) >> 32;
    const std::uint64_t span = 2ull * period_ - 1;
    return 1 + static_cast<std::uint32_t>((high * span) >> 32);  // uniform on [1, span]
  }

  std::uint32_t period_;
  std::uint32_t left_ = 1;
  std::uint64_t state_;
};

}  // namespace qb
