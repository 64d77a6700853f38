#include "harness/workloads/engine_support.hpp"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/model/saturation.hpp"
#include "queues/backoff.hpp"

namespace qb::workload {

namespace {

constexpr std::uint64_t kSpinNs = 2'000;    // closer than this: spin
constexpr std::uint64_t kSleepNs = 200'000;  // farther than this: sleep (the kernel's slack is ~50-100 us)

// A lane's latency in a repetition: the summary with the counts, so that
// the parent can merge repetitions (aggregate_workload_metrics).
nlohmann::json lane_latency_json(const Histogram& h) { return h.to_json(); }

}  // namespace

bool wait_until(const Clock& clock, std::uint64_t due, const std::atomic<Phase>& phase, Phase stop_phase) {
  for (;;) {
    const std::uint64_t now = clock.now_unfenced();
    if (now >= due) return true;
    // relaxed: a hint to stop waiting; the caller re-reads the phase.
    if (phase.load(std::memory_order_relaxed) >= stop_phase) return false;
    const std::uint64_t left_ns = clock.to_ns(due - now);
    if (left_ns > kSleepNs) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::uint64_t>(left_ns - kSleepNs / 2, 1'000'000)));
    } else if (left_ns > kSpinNs) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
}

void idle_for(std::chrono::nanoseconds idle, const std::atomic<Phase>& phase, Phase stop_phase) {
  const auto end = std::chrono::steady_clock::now() + idle;
  for (auto now = std::chrono::steady_clock::now(); now < end; now = std::chrono::steady_clock::now()) {
    if (phase.load(std::memory_order_relaxed) >= stop_phase) return;  // relaxed: a hint, as above
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(end - now, std::chrono::milliseconds(1)));
  }
}

void busy_work(const Clock& clock, std::uint64_t ticks) noexcept {
  const std::uint64_t start = clock.now_unfenced();
  while (clock.now_unfenced() - start < ticks) cpu_relax();
}

LanePicker::LanePicker(const std::array<LaneParams, kLaneCount>& lanes) {
  double total = 0;
  for (const auto& l : lanes) total += l.weight;
  double cumulative = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    cumulative += total > 0 ? lanes[i].weight / total : 1.0 / kLaneCount;
    bounds_[i] = static_cast<std::uint64_t>(std::min(cumulative, 1.0) * 4294967296.0);
  }
}

std::array<int, kLaneCount> LaneOrder::order() const noexcept {
  std::array<int, kLaneCount> out{};
  std::size_t n = 0;
  if (fair_) {  // lanes passed over fair_k times first, in priority order
    for (int l = 0; l < kLaneCount; ++l) {
      if (passed_[static_cast<std::size_t>(l)] >= k_) out[n++] = l;
    }
  }
  for (int l = 0; l < kLaneCount; ++l) {
    if (!fair_ || passed_[static_cast<std::size_t>(l)] < k_) out[n++] = l;
  }
  return out;
}

void LaneOrder::served(int lane) noexcept {
  for (int l = 0; l < kLaneCount; ++l) {
    auto& p = passed_[static_cast<std::size_t>(l)];
    p = l == lane ? 0 : p + 1;
  }
}

void LaneOrder::found_empty(int lane) noexcept { passed_[static_cast<std::size_t>(lane)] = 0; }

std::chrono::nanoseconds sample_interval(const WorkloadParams& w, std::chrono::nanoseconds window) {
  return std::max(w.sample_interval, window / 4000);
}

nlohmann::json workload_metrics(const WorkloadParams& w, const Tallies& t) {
  using nlohmann::json;
  json m = json::object();
  std::uint64_t attempted = 0, given_up = 0, max_lag_ticks = 0;
  std::array<std::uint64_t, kLaneCount> offered{}, rejected{}, delivered{};
  for (const auto& p : *t.producers) {
    attempted += p.attempted;
    given_up += p.given_up;
    max_lag_ticks = std::max(max_lag_ticks, p.max_lag_ticks);
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      offered[l] += p.offered[l];
      rejected[l] += p.rejected[l];
    }
  }
  for (const auto& c : *t.consumers) {
    for (std::size_t l = 0; l < kLaneCount; ++l) delivered[l] += c.delivered[l];
  }
  const double secs = t.elapsed_s > 0 ? t.elapsed_s : 1.0;
  const Series& s = *t.series;
  if (w.paced()) {
    const double achieved = static_cast<double>(t.popped_in_window) / (t.consumer_span_s > 0 ? t.consumer_span_s : secs);
    m["target_rate_per_s"] = w.rate_per_s;
    m["offered_rate_per_s"] = static_cast<double>(t.pushed_in_window) / (t.producer_span_s > 0 ? t.producer_span_s : secs);
    m["achieved_rate_per_s"] = achieved;
    m["max_lag_ns"] = static_cast<double>(max_lag_ticks) * t.ns_per_tick;
    m["saturated"] = short_of_target(achieved, w.rate_per_s);
    m["rate_series"] = {{"t_s", s.t_s}, {"target_per_s", std::vector<double>(s.t_s.size(), w.rate_per_s)},
                        {"achieved_per_s", s.achieved_per_s}};
  }
  if (w.kind == WorkloadKind::admission) {
    const std::int64_t max_depth = s.depth.empty() ? 0 : *std::max_element(s.depth.begin(), s.depth.end());
    const double threshold = w.backpressure_threshold * static_cast<double>(w.soft_capacity);
    const auto above = std::count_if(s.depth.begin(), s.depth.end(),
                                     [&](std::int64_t d) { return static_cast<double>(d) > threshold; });
    m["soft_capacity"] = w.soft_capacity;
    m["rejections"] = rejected[0];
    m["attempted"] = attempted;
    m["max_depth"] = max_depth;
    m["backpressure_threshold"] = w.backpressure_threshold;
    m["backpressure_fraction"] = s.depth.empty() ? 0.0 : static_cast<double>(above) / static_cast<double>(s.depth.size());
    m["depth_series"] = {{"t_s", s.t_s}, {"depth", s.depth}};
  }
  if (w.kind == WorkloadKind::priority_lanes) {
    m["policy"] = w.policy == LanePolicy::strict ? "strict" : "fair";
    m["fair_k"] = w.fair_k;
    std::uint64_t total_delivered = 0;
    double total_weight = 0;
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      total_delivered += delivered[l];
      total_weight += w.lanes[l].weight;
    }
    json lanes = json::array();
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      Histogram merged;
      for (const auto& c : *t.consumers) merged.merge(c.lane_latency[l]);
      // Starved: the lane was offered items but got under a tenth of the
      // share of deliveries its weight asks for.
      const double share = total_weight > 0 ? w.lanes[l].weight / total_weight : 0.0;
      const bool starved = offered[l] > 0 && static_cast<double>(delivered[l]) < 0.1 * share * static_cast<double>(total_delivered);
      lanes.push_back({{"name", kLaneNames[l]}, {"soft_capacity", w.lanes[l].soft_capacity}, {"weight", w.lanes[l].weight},
                       {"offered", offered[l]}, {"rejected", rejected[l]}, {"delivered", delivered[l]},
                       {"starved", starved}, {"latency", lane_latency_json(merged)}});
    }
    m["lanes"] = lanes;
  }
  if (w.kind == WorkloadKind::give_up) {
    m["give_up_after"] = w.give_up_after;
    m["attempted"] = attempted;
    m["given_up"] = given_up;
    m["delivered"] = std::min(t.pushed_in_window, t.popped_in_window);  // as the run's items
    // Every item accepted was delivered exactly once (validation checks it),
    // so accepted / attempted is the share that got through.
    m["success_rate"] = attempted > 0 ? static_cast<double>(attempted - given_up) / static_cast<double>(attempted) : 1.0;
  }
  if (w.kind == WorkloadKind::burst) {
    m["burst_items"] = w.burst_items;
    m["idle_ms"] = std::chrono::duration<double, std::milli>(w.idle).count();
    m["capacity_series"] = {{"t_s", s.t_s}, {"capacity", s.capacity}, {"depth", s.depth}};
  }
  return m;
}

namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Numbers become medians, flags "any", strings stay; arrays and objects are
// left to the caller.
nlohmann::json aggregate_scalars(const std::vector<const nlohmann::json*>& objs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, first] : objs.front()->items()) {
    if (first.is_number()) {
      std::vector<double> values;
      for (const auto* o : objs) {
        if (o->contains(key) && (*o)[key].is_number()) values.push_back((*o)[key].get<double>());
      }
      out[key] = median_of(values);
    } else if (first.is_boolean()) {
      bool any = false;
      for (const auto* o : objs) any = any || o->value(key, false);
      out[key] = any;
    } else if (first.is_string()) {
      out[key] = first;
    }
  }
  return out;
}

}  // namespace

nlohmann::json aggregate_workload_metrics(const std::vector<const nlohmann::json*>& reps) {
  std::vector<const nlohmann::json*> objs;
  for (const auto* r : reps) {
    if (r != nullptr && r->is_object()) objs.push_back(r);
  }
  if (objs.empty()) return nullptr;
  nlohmann::json out = aggregate_scalars(objs);
  const nlohmann::json& first = *objs.front();
  if (first.contains("lanes")) {
    nlohmann::json lanes = nlohmann::json::array();
    for (std::size_t l = 0; l < first["lanes"].size(); ++l) {
      std::vector<const nlohmann::json*> per_rep;
      Histogram merged;
      for (const auto* o : objs) {
        const auto& lane = (*o)["lanes"][l];
        per_rep.push_back(&lane);
        merged.merge(Histogram::from_json(lane["latency"]));
      }
      nlohmann::json lane = aggregate_scalars(per_rep);
      lane["latency"] = merged.summary();  // the counts stay in the repetitions
      lanes.push_back(lane);
    }
    out["lanes"] = lanes;
  }
  return out;
}

}  // namespace qb::workload
