#include "harness/results/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace qb {

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  const std::size_t mid = xs.size() / 2;
  std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(mid), xs.end());
  const double upper = xs[mid];
  if (xs.size() % 2 == 1) return upper;
  // After nth_element everything before mid is <= upper, so the lower middle
  // value is the largest of that half.
  const double lower = *std::max_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double mean(const std::vector<double>& xs) {
  if (xs.empty()) return 0;
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

double sample_stddev(const std::vector<double>& xs) {
  if (xs.size() < 2) return 0;
  // Two passes (mean first, then squared deviations) rather than the
  // sum-of-squares shortcut, which cancels catastrophically when the spread
  // is small against values of 1e8 items/s.
  const double m = mean(xs);
  double sum_sq = 0;
  for (double x : xs) sum_sq += (x - m) * (x - m);
  return std::sqrt(sum_sq / static_cast<double>(xs.size() - 1));
}

Aggregate aggregate(const std::vector<RepResult>& reps) {
  std::vector<double> rates;
  for (const RepResult& r : reps) {
    if (r.status == RepStatus::ok) rates.push_back(r.items_per_s);
  }
  Aggregate a;
  if (rates.empty()) return a;
  a.samples = static_cast<int>(rates.size());
  a.median = median(rates);
  const auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
  a.min = *lo;
  a.max = *hi;
  a.mean = mean(rates);
  a.stddev = sample_stddev(rates);
  a.cv = a.mean > 0 ? a.stddev / a.mean : 0;
  a.median_ns_per_item = a.median > 0 ? 1e9 / a.median : 0;
  std::vector<double> cpu_ns, per_cpu_s;
  for (const RepResult& r : reps) {
    if (r.status != RepStatus::ok) continue;
    if (!r.cpu.measured || r.cpu.items_per_cpu_s <= 0) return a;  // a median of some repetitions would mislead
    cpu_ns.push_back(r.cpu.cpu_ns_per_item);
    per_cpu_s.push_back(r.cpu.items_per_cpu_s);
  }
  a.median_cpu_ns_per_item = median(cpu_ns);
  a.median_items_per_cpu_s = median(per_cpu_s);
  return a;
}

}  // namespace qb
