// Instructions per call of the op-sample decision: the old fixed countdown
// against OpSampler, each deciding for N calls (the decision only; what a
// timed call does after is the same in both).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include "harness/measure/op_sample.hpp"

struct Countdown { std::uint32_t value; };

__attribute__((noinline)) std::uint64_t old_way(std::uint64_t n, std::uint32_t period) {
  Countdown c{period};
  std::uint64_t timed = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (--c.value != 0) continue;
    c.value = period;
    ++timed;
  }
  return timed;
}

__attribute__((noinline)) std::uint64_t new_way(std::uint64_t n, std::uint32_t period) {
  qb::OpSampler s(period, 1);
  std::uint64_t timed = 0;
  for (std::uint64_t i = 0; i < n; ++i) timed += s.next();
  return timed;
}

int main(int argc, char** argv) {
  const std::uint64_t n = std::strtoull(argv[1], nullptr, 10);
  const bool use_new = argc > 2;
  std::printf("%llu\n", (unsigned long long)(use_new ? new_way(n, 64) : old_way(n, 64)));
}
