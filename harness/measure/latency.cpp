#include "harness/measure/latency.hpp"

#include <algorithm>

namespace qb {

namespace {

constexpr const char* kClosedLoopNote =
    "closed loop: producers push as fast as the queue accepts, so end-to-end latency includes the time an "
    "item waits behind the queue's occupancy (coordinated omission); the paced workload measures it open loop";

nlohmann::json block(const Histogram& h, std::optional<std::uint64_t> negative = std::nullopt) {
  nlohmann::json j = h.to_json();
  if (negative) j["negative_clamped"] = *negative;
  return j;
}

}  // namespace

std::string_view to_string(LatencyMode m) {
  switch (m) {
    case LatencyMode::off: return "off";
    case LatencyMode::e2e: return "e2e";
    case LatencyMode::ops: return "ops";
    case LatencyMode::all: return "all";
  }
  return "?";
}

std::optional<LatencyMode> parse_latency_mode(std::string_view text) {
  for (auto m : kLatencyModes) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

nlohmann::json latency_json(LatencyMode mode, std::uint32_t sample_period, const std::vector<ThreadLatency>& producers,
                            const std::vector<ThreadLatency>& consumers, const E2eSample* e2e) {
  nlohmann::json j{{"mode", to_string(mode)}};
  if (mode == LatencyMode::off) return j;
  j["unit"] = "ns";
  if (wants_e2e(mode) && e2e != nullptr) {
    j["e2e"] = block(e2e->e2e, e2e->negative);
    j["e2e"]["sample"] = sample_json(*e2e);
  }
  if (wants_ops(mode)) {
    Histogram push, push_failed, pop, pop_failed;
    for (const auto& t : producers) {
      push.merge(t.op_ok);
      push_failed.merge(t.op_failed);
    }
    for (const auto& t : consumers) {
      pop.merge(t.op_ok);
      pop_failed.merge(t.op_failed);
    }
    j["op_sample_period"] = sample_period;
    // How the timed calls were chosen (op_sample.hpp), so a reader knows the
    // sample cannot beat in step with a queue's periodic behaviour.
    j["op_sample"] = {{"gaps", "uniform on [1, 2 * op_sample_period - 1], mean op_sample_period"},
                      {"generator", "xorshift64*, one per thread, seeded from params.seed"}};
    j["push"] = block(push);
    j["push_failed"] = block(push_failed);
    j["pop"] = block(pop);
    j["pop_failed"] = block(pop_failed);
  }
  return j;
}

nlohmann::json merge_latency(const std::vector<const nlohmann::json*>& reps) {
  if (reps.empty()) return nullptr;
  nlohmann::json out = *reps.front();
  for (auto& [key, value] : out.items()) {
    if (!value.is_object() || !value.contains("hdr")) continue;
    Histogram merged;
    std::uint64_t negative = 0;
    for (const auto* rep : reps) {
      const auto& b = rep->at(key);
      merged.merge(Histogram::from_json(b));
      negative += b.value("negative_clamped", std::uint64_t{0});
    }
    nlohmann::json merged_block = merged.summary();
    if (value.contains("negative_clamped")) merged_block["negative_clamped"] = negative;
    if (value.contains("sample")) {
      // Counts add up; the periods are the widest any repetition thinned to.
      nlohmann::json sample = value.at("sample");
      std::uint64_t sampled = 0, unmatched = 0, effective = 0;
      int thinned = 0;
      for (const auto* rep : reps) {
        const auto& s = rep->at(key).at("sample");
        sampled += s.value("sampled", std::uint64_t{0});
        unmatched += s.value("unmatched", std::uint64_t{0});
        effective = std::max(effective, s.value("effective_period", std::uint64_t{0}));
        thinned = std::max(thinned, s.value("thinned", 0));
      }
      sample["sampled"] = sampled;
      sample["unmatched"] = unmatched;
      sample["effective_period"] = effective;
      sample["thinned"] = thinned;
      merged_block["sample"] = sample;
    }
    value = std::move(merged_block);
  }
  // Said once per point, not per repetition.
  if (out.contains("e2e")) out["note"] = kClosedLoopNote;
  out["repetitions_merged"] = reps.size();
  return out;
}

std::optional<LatencyHeadline> latency_headline(const nlohmann::json& block) {
  if (!block.is_object()) return std::nullopt;
  for (const char* source : {"e2e", "pop"}) {
    if (block.contains(source)) {
      const auto& b = block.at(source);
      return LatencyHeadline{source, b.at("p50_ns"), b.at("p99_ns"), b.at("p99_9_ns")};
    }
  }
  return std::nullopt;
}

}  // namespace qb
