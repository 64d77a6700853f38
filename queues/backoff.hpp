// Spin-then-yield waiting, shared by every place in qbench that waits on
// another thread. Tests and sweeps run with more threads than cores, so a
// waiter spins only briefly (exponentially more PAUSEs per step) and then
// yields the CPU on every further step; nothing spins forever.
#pragma once

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace qb {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

class Backoff {
 public:
  // One step of waiting for another thread: 1, 2, 4, ... 64 PAUSEs, then
  // sched_yield on every call from the eighth on.
  void snooze() noexcept {
    if (step_ <= kSpinLimit) {
      for (unsigned i = 0; i < (1u << step_); ++i) cpu_relax();
      ++step_;
    } else {
      std::this_thread::yield();
    }
  }

  // After a lost compare-and-swap: spin only, the winner is making progress.
  void spin() noexcept {
    const unsigned n = step_ < kSpinLimit ? step_ : kSpinLimit;
    for (unsigned i = 0; i < (1u << n); ++i) cpu_relax();
    if (step_ <= kSpinLimit) ++step_;
  }

  // True once snooze() has started yielding: a caller polling for work may
  // take that as "nothing is coming soon".
  bool is_yielding() const noexcept { return step_ > kSpinLimit; }
  void reset() noexcept { step_ = 0; }

 private:
  static constexpr unsigned kSpinLimit = 6;
  unsigned step_ = 0;
};

}  // namespace qb
