// qb_micro: the single-thread cost of every registered queue, with nothing
// else in the loop: a try_push + try_pop pair, and batches of 10, 100 and
// 1000 pushes followed by as many pops (the elastic crate claims 46.6M msg/s
// single-threaded; a pair is one msg here). Items/s counts items moved, one
// push and its pop each. And the uncontended mutex: lock + unlock with no
// other thread wanting it, measured after a second thread exists, since a
// process that never started one may take cheaper paths.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "harness/registry/queue_table.hpp"
#include "harness/run/payload.hpp"
#include "queues/registry.hpp"

namespace {

using Item = qb::Payload<8>;
using Registered = qb::apply_registry<std::tuple, Item>;

// Room for the largest batch in every queue that needs a capacity.
constexpr std::size_t kCapacity = 1024;

template <class Q>
std::size_t capacity_for() {
  // A ring that refuses 1024 (atomic_queue starts at 4096; ck_ring holds
  // 2^k - 1) names its own default, which still has room for 1000.
  if constexpr (requires { Q::kDefaultCapacity; }) {
    static_assert(Q::kDefaultCapacity >= 1000, "room for the largest batch");
    return Q::kDefaultCapacity;
  } else {
    return Q::traits.bounded || Q::traits.capacity_required ? kCapacity : 0;
  }
}

template <class Q>
void push_pop_pair(benchmark::State& state) {
  Q queue(capacity_for<Q>());
  Item out{};
  std::uint64_t i = 0;
  for (auto _ : state) {
    if (!queue.try_push(Item{i++})) state.SkipWithError("try_push failed on an empty queue");
    if (!queue.try_pop(out)) state.SkipWithError("try_pop failed after a push");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class Q>
void batch(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  Q queue(capacity_for<Q>());
  Item out{};
  std::uint64_t i = 0;
  for (auto _ : state) {
    for (std::uint64_t k = 0; k < n; ++k) {
      if (!queue.try_push(Item{i++})) state.SkipWithError("try_push failed below capacity");
    }
    for (std::uint64_t k = 0; k < n; ++k) {
      if (!queue.try_pop(out)) state.SkipWithError("try_pop failed with items queued");
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

template <std::size_t... I>
void register_queues(std::index_sequence<I...>) {
  auto one = [](auto tag) {
    using Q = typename decltype(tag)::type;
    const std::string name(Q::traits.name);
    benchmark::RegisterBenchmark((name + "/push_pop_pair").c_str(), &push_pop_pair<Q>);
    benchmark::RegisterBenchmark((name + "/batch").c_str(), &batch<Q>)->Arg(10)->Arg(100)->Arg(1000);
  };
  (one(std::type_identity<std::tuple_element_t<I, Registered>>{}), ...);
}

// Lock + unlock of an uncontended std::mutex, with a second thread alive
// (parked on a condition variable) for the whole measurement.
void uncontended_mutex(benchmark::State& state) {
  std::mutex park;
  std::condition_variable wake;
  bool done = false;
  std::thread second([&] {
    std::unique_lock lock(park);
    wake.wait(lock, [&] { return done; });
  });
  std::mutex m;
  for (auto _ : state) {
    m.lock();
    benchmark::ClobberMemory();
    m.unlock();
  }
  {
    std::lock_guard lock(park);
    done = true;
  }
  wake.notify_one();
  second.join();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

const bool registered = [] {
  register_queues(std::make_index_sequence<std::tuple_size_v<Registered>>());
  benchmark::RegisterBenchmark("uncontended_mutex/second_thread_alive", &uncontended_mutex);
  return true;
}();

}  // namespace
