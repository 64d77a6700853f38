// qb_micro: what the harness's blocking layer (run/harness_block.hpp, the
// `--wait block` of a queue without blocking calls) adds to a push + pop pair
// on its uncontended path: an item already there, room for one more, nobody
// asleep. One thread keeps the queue at kDepth items and pushes one, pops
// one, either with try_push / try_pop alone (`block_layer/Q/try`) or through
// harness_push / harness_pop (`block_layer/Q/layer`), which add a notify (one
// RMW on a waiter count, and for a bounded queue one more) and a branch.
//
// Run the two side by side, interleaved, for a ratio a loaded machine cannot
// bias much:
//   qb_micro --benchmark_filter='block_layer/sequence_ring/'
//            --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true
// (one command line)
// or under callgrind for the instructions themselves.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "harness/run/harness_block.hpp"
#include "harness/run/payload.hpp"
#include "queues/registry.hpp"

namespace {

using Item = qb::Payload<8>;
using Registered = qb::apply_registry<std::tuple, Item>;

// Items kept in the queue: the pop always finds one, the push always room.
constexpr std::uint64_t kDepth = 64;
constexpr std::size_t kCapacity = 1024;

template <class Q>
std::size_t capacity_for() {
  if constexpr (requires { Q::kDefaultCapacity; }) {
    return Q::kDefaultCapacity;
  } else {
    return Q::traits.bounded || Q::traits.capacity_required ? kCapacity : 0;
  }
}

template <class Q, bool kLayer>
void never_empty(benchmark::State& state) {
  Q queue(capacity_for<Q>());
  qb::BlockingWaits waits;
  waits.bounded = Q::traits.bounded;
  // Never reached: the fast path succeeds on a queue that is neither empty
  // nor full; a slow path taken would show as a try that failed below.
  constexpr auto kTimeout = std::chrono::seconds(1);
  std::uint64_t i = 0;
  for (; i < kDepth; ++i) {
    if (!queue.try_push(Item{i})) {
      state.SkipWithError("try_push failed while filling");
      return;
    }
  }
  Item out{};
  for (auto _ : state) {
    bool pushed = false;
    bool popped = false;
    if constexpr (kLayer) {
      pushed = qb::harness_push(queue, Item{i++}, waits, kTimeout);
      popped = qb::harness_pop(queue, out, waits, kTimeout);
    } else {
      pushed = queue.try_push(Item{i++});
      popped = queue.try_pop(out);
    }
    if (!pushed || !popped) state.SkipWithError("a push or pop failed on a queue neither empty nor full");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <std::size_t... I>
void register_queues(std::index_sequence<I...>) {
  auto one = [](auto tag) {
    using Q = typename decltype(tag)::type;
    const std::string name = "block_layer/" + std::string(Q::traits.name);
    benchmark::RegisterBenchmark((name + "/try").c_str(), &never_empty<Q, false>);
    benchmark::RegisterBenchmark((name + "/layer").c_str(), &never_empty<Q, true>);
  };
  (one(std::type_identity<std::tuple_element_t<I, Registered>>{}), ...);
}

const bool registered = [] {
  register_queues(std::make_index_sequence<std::tuple_size_v<Registered>>());
  return true;
}();

}  // namespace
