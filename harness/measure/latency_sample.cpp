#include "harness/measure/latency_sample.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace qb {

namespace {

std::uint64_t threshold_for(std::uint64_t period) {
  return period <= 1 ? std::numeric_limits<std::uint64_t>::max() : std::numeric_limits<std::uint64_t>::max() / period;
}

}  // namespace

// Value-initialised: every page is written here, before the window, so the
// first notes inside it take no page faults.
SampleLog::SampleLog(std::uint64_t period) : entries_(kCapacity), threshold_(threshold_for(period)) {}

void SampleLog::thin() noexcept {
  threshold_ /= 2;
  ++thinned_;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (wants(entries_[i].tag)) entries_[kept++] = entries_[i];
  }
  size_ = kept;
}

E2eSample join_samples(const std::vector<SampleLog>& senders, const std::vector<SampleLog>& receivers,
                       std::uint64_t period, const Clock& clock, bool keep_pairs) {
  E2eSample out;
  out.period = std::max<std::uint64_t>(period, 1);
  std::uint64_t threshold = threshold_for(out.period);
  for (const auto* logs : {&senders, &receivers}) {
    for (const auto& log : *logs) {
      threshold = std::min(threshold, log.threshold());
      out.thinned = std::max(out.thinned, log.thinned());
    }
  }
  out.effective_period = out.period << out.thinned;
  auto in_sample = [&](std::uint64_t tag) { return sample_hash(tag) <= threshold; };

  std::vector<SampleLog::Entry> sent;
  for (const auto& log : senders) {
    for (const auto& e : log) {
      if (in_sample(e.tag)) sent.push_back(e);
    }
  }
  auto by_tag = [](const SampleLog::Entry& a, const SampleLog::Entry& b) { return a.tag < b.tag; };
  std::sort(sent.begin(), sent.end(), by_tag);
  for (const auto& log : receivers) {
    for (const auto& e : log) {
      if (!in_sample(e.tag)) continue;
      const auto it = std::lower_bound(sent.begin(), sent.end(), e, by_tag);
      if (it == sent.end() || it->tag != e.tag) {
        ++out.unmatched;
        continue;
      }
      ++out.matched;
      std::uint64_t ns = 0;
      if (e.ticks < it->ticks) {
        ++out.negative;
      } else {
        ns = clock.to_ns(e.ticks - it->ticks);
      }
      out.e2e.record(ns);
      if (keep_pairs) out.pairs.push_back({e.tag, ns});
    }
  }
  return out;
}

nlohmann::json sample_json(const E2eSample& s) {
  return {{"period", s.period},
          {"effective_period", s.effective_period},
          {"thinned", s.thinned},
          {"sampled", s.matched},
          {"unmatched", s.unmatched}};
}

}  // namespace qb
