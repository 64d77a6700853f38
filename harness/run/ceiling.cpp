#include "harness/run/ceiling.hpp"

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>


#include "harness/machine/topology.hpp"
#include "harness/model/warnings.hpp"
#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"

namespace qb {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct alignas(kFalseSharingRange) Counter {
  std::atomic<std::uint64_t> value{0};
};

struct alignas(kFalseSharingRange) Claimer {
  std::uint64_t total = 0, at_start = 0, at_stop = 0;
  SteadyClock::time_point start{}, stop{};
};

std::uint64_t claim(CeilingOp op, std::atomic<std::uint64_t>& counter) {
  if (op == CeilingOp::faa) {
    // relaxed: only the counter's own atomicity is measured; a queue's claim
    // would add ordering for the slot, not for the counter.
    return counter.fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t seen = counter.load(std::memory_order_relaxed);  // relaxed: as above
  Backoff backoff;
  // relaxed: as for the fetch-add, only the counter's own atomicity is at stake.
  while (!counter.compare_exchange_weak(seen, seen + 1, std::memory_order_relaxed)) backoff.spin();
  return seen;
}

}  // namespace

RepResult run_ceiling(CeilingOp op, const PointParams& params, const std::vector<int>& cpus) {
  const int np = params.producers;
  const int nc = params.consumers;
  Counter tail, head;
  std::vector<Claimer> claimers(static_cast<std::size_t>(np + nc));
  alignas(kFalseSharingRange) std::atomic<int> phase{0};  // 0 warm-up, 1 measure, 2 stop
  std::barrier start_line(np + nc + 1);
  auto body = [&](int i) {
    pin_current_thread(cpus[static_cast<std::size_t>(i)]);
    Claimer& me = claimers[static_cast<std::size_t>(i)];
    std::atomic<std::uint64_t>& counter = i < np ? tail.value : head.value;
    start_line.arrive_and_wait();
    int seen = 0;
    for (;;) {
      const int ph = phase.load(std::memory_order_relaxed);  // relaxed: a signal to snapshot, no data
      if (ph != seen) {
        if (ph >= 1 && seen < 1) {
          me.start = SteadyClock::now();
          me.at_start = me.total;
        }
        if (ph >= 2) {
          me.stop = SteadyClock::now();
          me.at_stop = me.total;
          break;
        }
        seen = ph;
      }
      claim(op, counter);
      ++me.total;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < np + nc; ++i) threads.emplace_back(body, i);
  start_line.arrive_and_wait();
  std::this_thread::sleep_for(params.warmup);
  phase.store(1, std::memory_order_relaxed);
  std::this_thread::sleep_for(params.items > 0 ? std::chrono::nanoseconds(std::chrono::seconds(1)) : params.duration);
  phase.store(2, std::memory_order_relaxed);
  for (auto& t : threads) t.join();

  RepResult rep;
  rep.cpu_map = cpus;
  auto first = SteadyClock::time_point::max();
  auto last = SteadyClock::time_point::min();
  std::uint64_t claims[2] = {0, 0};
  for (int i = 0; i < np + nc; ++i) {
    const Claimer& c = claimers[static_cast<std::size_t>(i)];
    first = std::min(first, c.start);
    last = std::max(last, c.stop);
    claims[i < np ? 0 : 1] += c.at_stop - c.at_start;
    ThreadStats t;
    t.role = i < np ? "producer" : "consumer";
    t.index = i < np ? i : i - np;
    t.cpu = cpus[static_cast<std::size_t>(i)];
    t.items = c.at_stop - c.at_start;
    rep.threads.push_back(t);
  }
  rep.elapsed_s = std::chrono::duration<double>(last - first).count();
  rep.items = std::min(claims[0], claims[1]);
  if (rep.items == 0 || rep.elapsed_s <= 0) {
    rep.status = RepStatus::failed;
    rep.failure = "no claim was made inside the measured window";
  } else {
    rep.items_per_s = static_cast<double>(rep.items) / rep.elapsed_s;
    rep.ns_per_item = 1e9 * rep.elapsed_s / static_cast<double>(rep.items);
  }
  rep.item_bytes = 0;
  rep.latency = nlohmann::json{{"mode", "off"}};
  rep.warnings.push_back(Warning::reference_ceiling(op));
  return rep;
}

}  // namespace qb
