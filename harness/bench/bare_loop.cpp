// qb_micro: the yardstick for the harness's own cost. BareLoop/<queue> moves
// items through one queue between two pinned threads with nothing else: no
// phases, no validation, no fork, no latency sample. It runs for sequence_ring
// and for the fastest 1P1C queues qbench knows (boost_spsc_queue,
// moodycamel_rwq, atomic_queue_b2_spsc, where their packages were found), on
// the item qbench moves by default (Payload<8>) and at the capacity qbench
// gives that queue by default. `qbench run --queue Q -p 1 -c 1` should reach
// at least 95% of its items/s (issue 27; results/vm-2core/issue27/).
// The loop waits as qbench does when each thread has a CPU of its own: one
// PAUSE between tries (harness/run/wait.hpp).
//
// BareLoopIr/<queue>/<items>/<capacity>: one iteration each, at a capacity no push ever
// fills, for counting instructions under callgrind against qbench's worker
// loops (results/vm-2core/issue27/footprint_ir.sh); bare_producer and
// bare_consumer are out of line so that callgrind names them. They wait with
// backoff, as the script runs qbench (--wait backoff): under valgrind the
// threads take turns, and a thread that yields after a few failed tries
// leaves few failed tries to tell apart from the items; the wait itself runs
// only after a failed try.
//
// Both workers are threads of their own, pinned as qbench pins them by
// default (--placement compact); the benchmark's thread only starts, joins and
// times them, and is never pinned. It once pinned itself as the producer,
// which narrowed the process's affinity mask, so from the second call on
// Topology::detect() saw one CPU and put both workers on it: the loop then
// timed two threads taking turns on one core (about 60M items/s on a 2-core
// VM, no cache line ever crossing cores), not what qbench measures.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "harness/machine/topology.hpp"
#include "harness/registry/queue_entry.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/wait.hpp"
#include "queues/registry.hpp"

namespace {

using Item = qb::Payload<8>;

// Read once, before any thread of this process is pinned.
const std::vector<int>& worker_cpus() {
  static const std::vector<int> cpus = qb::Topology::detect().cpu_map(qb::Placement::compact, 2);
  return cpus;
}

// flatten: the queue's calls are inlined into the loop, as they are into
// qbench's worker loops (timeline_workers.hpp), so neither side pays a call
// the other does not. Each returns its failed tries.
template <class Q, qb::WaitPolicy kWait>
[[gnu::noinline, gnu::flatten]] std::uint64_t bare_producer(Q& queue, std::uint64_t items) {
  qb::Waiter waiter(kWait);
  std::uint64_t failed = 0;
  for (std::uint64_t seq = 0; seq < items;) {
    if (queue.try_push(Item{qb::make_tag(0, seq)})) {
      ++seq;
      waiter.reset();
    } else {
      ++failed;
      waiter.wait();
    }
  }
  return failed;
}

template <class Q, qb::WaitPolicy kWait>
[[gnu::noinline, gnu::flatten]] std::uint64_t bare_consumer(Q& queue, std::uint64_t items) {
  Item item;
  qb::Waiter waiter(kWait);
  std::uint64_t failed = 0;
  for (std::uint64_t got = 0; got < items;) {
    if (queue.try_pop(item)) {
      ++got;
      waiter.reset();
    } else {
      ++failed;
      waiter.wait();
    }
  }
  benchmark::DoNotOptimize(item);
  return failed;
}

template <class Q, qb::WaitPolicy kWait>
void BareLoop(benchmark::State& state) {
  const auto items = static_cast<std::uint64_t>(state.range(0));
  const auto capacity = static_cast<std::size_t>(state.range(1));
  const auto& cpus = worker_cpus();
  if (cpus[0] == cpus[1]) {
    state.SkipWithError("needs two usable CPUs");
    return;
  }
  // Failed attempts, as qbench counts them per thread: a ring that runs full
  // (the producer trailing the consumer cell by cell) shows up here.
  std::uint64_t push_failed = 0, pop_failed = 0;
  for (auto _ : state) {
    Q queue(capacity);
    std::uint64_t consumer_failed = 0, producer_failed = 0;  // each written once, after its loop
    std::thread consumer([&] {
      qb::pin_current_thread(cpus[1]);
      consumer_failed = bare_consumer<Q, kWait>(queue, items);
    });
    std::thread producer([&] {
      qb::pin_current_thread(cpus[0]);
      producer_failed = bare_producer<Q, kWait>(queue, items);
    });
    producer.join();
    consumer.join();
    push_failed += producer_failed;
    pop_failed += consumer_failed;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items));
  state.counters["push_failed/item"] =
      benchmark::Counter(static_cast<double>(push_failed) / static_cast<double>(state.iterations() * items));
  state.counters["pop_failed/item"] =
      benchmark::Counter(static_cast<double>(pop_failed) / static_cast<double>(state.iterations() * items));
}

// Instruction counts want a capacity no push fills (2^21, a power of two as
// atomic_queue asks), so that only the consumer has failed tries to tell apart.
constexpr std::int64_t kIrCapacity = std::int64_t{1} << 21;

template <class Q>
void register_bare_loop() {
  const std::string name(Q::traits.name);
  // 10M items per iteration at qbench's default capacity for the queue.
  benchmark::RegisterBenchmark(("BareLoop/" + name).c_str(), &BareLoop<Q, qb::WaitPolicy::pause>)
      ->Args({10'000'000, static_cast<std::int64_t>(qb::default_capacity_of<Q>())})
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BareLoopIr/" + name).c_str(), &BareLoop<Q, qb::WaitPolicy::backoff>)
      ->Args({200'000, kIrCapacity})
      ->Args({400'000, kIrCapacity})
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

// Registered before main(), as BENCHMARK() does.
const bool kRegistered = [] {
  register_bare_loop<qb::SequenceRing<Item>>();
#if defined(QB_HAS_BOOST_LOCKFREE)
  register_bare_loop<qb::BoostSpscQueue<Item>>();
#endif
#if defined(QB_HAS_READERWRITERQUEUE)
  register_bare_loop<qb::MoodycamelRwq<Item>>();
#endif
#if defined(QB_HAS_ATOMIC_QUEUE)
  register_bare_loop<qb::AtomicB2Queue<Item, qb::AtomicQueueMode::spsc>>();
#endif
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
