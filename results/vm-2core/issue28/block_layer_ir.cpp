// Issue 28: the harness's blocking layer on the uncontended path (an item or
// a free slot already there, nobody asleep), in instructions per push+pop
// pair on one thread, against the same queue's try_push/try_pop. Built and
// run under callgrind by block_layer_ir.sh.
//
//   block_layer_ir QUEUE MODE N    QUEUE: sequence_ring | segmented; MODE: plain | layer
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "harness/run/harness_block.hpp"
#include "harness/run/payload.hpp"
#include "queues/segmented.hpp"
#include "queues/sequence_ring.hpp"

namespace {

using Item = qb::Payload<8>;
constexpr auto kSlice = std::chrono::milliseconds(5);

template <class Q>
__attribute__((noinline, flatten)) bool plain(Q& q, unsigned long n, std::uint64_t& sum) {
  for (unsigned long i = 0; i < n; ++i) {
    if (!q.try_push(Item{i})) return false;
    Item out;
    if (!q.try_pop(out)) return false;
    sum += out.tag;
  }
  return true;
}

// flatten, as the harness's worker loops are (timeline_workers.hpp).
template <class Q>
__attribute__((noinline, flatten)) bool layer(Q& q, qb::BlockingWaits& w, unsigned long n, std::uint64_t& sum) {
  for (unsigned long i = 0; i < n; ++i) {
    if (!qb::harness_push(q, Item{i}, w, kSlice)) return false;
    Item out;
    if (!qb::harness_pop(q, out, w, kSlice)) return false;
    sum += out.tag;
  }
  return true;
}

template <class Q>
int run(bool through_layer, unsigned long n) {
  Q q(1024);
  qb::BlockingWaits w;
  w.bounded = Q::traits.bounded;
  std::uint64_t sum = 0;
  const bool ok = through_layer ? layer(q, w, 10'000, sum) && layer(q, w, n, sum)
                                : plain(q, 10'000, sum) && plain(q, n, sum);
  std::printf("%llu\n", static_cast<unsigned long long>(sum));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string_view queue = argv[1], mode = argv[2];
  const unsigned long n = std::strtoul(argv[3], nullptr, 10);
  const bool through_layer = mode == "layer";
  if (queue == "sequence_ring") return run<qb::SequenceRing<Item>>(through_layer, n);
  if (queue == "segmented") return run<qb::Segmented<Item>>(through_layer, n);
  return 2;
}
