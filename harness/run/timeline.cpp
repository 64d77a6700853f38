#include "harness/run/timeline.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include "harness/counters/totals.hpp"
#include "harness/measure/thread_cpu.hpp"
#include "harness/model/warnings.hpp"

namespace qb::detail {

namespace {

// Marks each thread whose window count is under 10% of its role's fair share.
void add_threads(RepResult& rep, const std::vector<Worker>& workers, ThreadRole role,
                 const std::vector<int>& cpus, std::size_t first_cpu) {
  std::uint64_t role_total = 0;
  for (const auto& w : workers) role_total += w.at_stop - w.at_start;
  const double fair = static_cast<double>(role_total) / static_cast<double>(workers.size());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const Worker& w = workers[i];
    ThreadStats t;
    t.role = to_string(role);
    t.index = static_cast<int>(i);
    t.cpu = cpus[first_cpu + i];
    t.items = w.at_stop - w.at_start;
    t.failed_ops = w.failed_at_stop - w.failed_at_start;
    t.starved = workers.size() > 1 && static_cast<double>(t.items) < 0.1 * fair;
    if (t.starved) rep.warnings.push_back(Warning::starved_thread(role, t.index, t.items, fair));
    if (!w.error.empty()) rep.failure += fmt::format("{} {} threw: {}; ", to_string(role), i, w.error);
    if (w.hit_limit) rep.warnings.push_back(Warning::sequence_limit_hit(role, t.index));
    rep.threads.push_back(t);
  }
}

// The role's CPU time inside the window, summed over its threads; false
// when some thread could not read it.
bool add_cpu(RoleCpu& role, const std::vector<Worker>& workers) {
  bool all_read = true;
  for (const Worker& w : workers) {
    const ThreadCpu spent = cpu_between(w.cpu_at_start, w.cpu_at_stop);
    all_read = all_read && spent.read;
    role.threads += 1;
    role.cpu_ns += spent.cpu_ns;
    role.voluntary_switches += spent.voluntary_switches;
    role.involuntary_switches += spent.involuntary_switches;
  }
  return all_read;
}

}  // namespace

RepResult summarize_repetition(const QueueTraits& traits,
                               const std::vector<Worker>& producers,
                               const std::vector<Worker>& consumers,
                               const std::vector<SeqBitmap>& bitmaps,
                               std::span<const std::uint64_t> pushed_per_source, const std::vector<int>& cpus,
                               std::uint64_t left_over) {
  RepResult rep;
  rep.cpu_map = cpus;
  add_threads(rep, producers, ThreadRole::producer, cpus, 0);
  add_threads(rep, consumers, ThreadRole::consumer, cpus, producers.size());

  auto first_start = SteadyClock::time_point::max();
  auto last_stop = SteadyClock::time_point::min();
  for (const auto* group : {&producers, &consumers}) {
    for (const auto& w : *group) {
      first_start = std::min(first_start, w.start);
      last_stop = std::max(last_stop, w.stop);
    }
  }
  rep.elapsed_s = std::chrono::duration<double>(last_stop - first_start).count();
  // An item is one push and its pop: count the smaller side, so that a
  // backlog built up during warm-up (popped in the window) or left behind
  // (pushed in the window) never inflates the figure.
  std::uint64_t pushed_in_window = 0, popped_in_window = 0;
  for (const auto& w : producers) pushed_in_window += w.at_stop - w.at_start;
  for (const auto& w : consumers) popped_in_window += w.at_stop - w.at_start;
  rep.items = std::min(pushed_in_window, popped_in_window);
  const auto more = std::max(pushed_in_window, popped_in_window);
  if (pushed_in_window > popped_in_window + popped_in_window / 10 && popped_in_window > 0) {
    rep.backlog_ratio = static_cast<double>(pushed_in_window) / static_cast<double>(popped_in_window);
  }
  if (more > rep.items + rep.items / 10) {
    rep.warnings.push_back(Warning::unbalanced_window(pushed_in_window, popped_in_window, rep.items));
  }

  Validation& v = rep.validation;
  v.order_checked = promises_per_producer_order(traits);
  const std::size_t sources = pushed_per_source.size();
  std::vector<const SeqBitmap*> column(consumers.size());
  for (std::size_t p = 0; p < sources; ++p) {
    for (std::size_t c = 0; c < consumers.size(); ++c) column[c] = &bitmaps[c * sources + p];
    const auto pushed = pushed_per_source[p];
    const MergeCounts m = merge_bitmaps(column, pushed);
    v.pushed += pushed;
    v.lost += pushed - m.seen;
    v.duplicated += m.duplicated;
    v.unexpected += m.unexpected;
  }
  for (const auto& w : consumers) {
    v.popped += w.total;
    v.duplicated += w.duplicated;
    v.misordered += w.misordered;
    v.unexpected += w.unexpected;
    v.corrupted += w.corrupted;
  }
  v.unexpected += left_over;

  if (!rep.failure.empty()) {
    rep.status = RepStatus::failed;
  } else if (!v.valid()) {
    rep.status = RepStatus::invalid;
  } else if (rep.elapsed_s <= 0 || rep.items == 0) {
    rep.status = RepStatus::failed;
    rep.failure = "no item was popped inside the measured window";
  } else {
    rep.items_per_s = static_cast<double>(rep.items) / rep.elapsed_s;
    rep.ns_per_item = 1e9 * rep.elapsed_s / static_cast<double>(rep.items);
  }
  // Both roles' threads, so that a consumer spinning on an empty queue costs
  // the items what it burns: the CPU a queue needs to move them.
  const bool producers_read = add_cpu(rep.cpu.producers, producers);
  const bool consumers_read = add_cpu(rep.cpu.consumers, consumers);
  rep.cpu.measured = producers_read && consumers_read;
  const auto cpu_ns = static_cast<double>(rep.cpu.producers.cpu_ns + rep.cpu.consumers.cpu_ns);
  if (rep.cpu.measured && rep.status == RepStatus::ok && cpu_ns > 0) {
    rep.cpu.cpu_ns_per_item = cpu_ns / static_cast<double>(rep.items);
    rep.cpu.items_per_cpu_s = 1e9 * static_cast<double>(rep.items) / cpu_ns;
  }
  // rep.oversubscribed is the sweep's to set: it knows the usable CPUs (the topology).
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) rep.peak_rss_kib = usage.ru_maxrss;
  return rep;
}

}  // namespace qb::detail
