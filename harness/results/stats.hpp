// Summary statistics of a point's repetitions. Only repetitions whose status
// is "ok" count: an invalid or failed repetition has no throughput to report.
#pragma once

#include <vector>

#include "harness/model/run_types.hpp"

namespace qb {

// The items/s of every "ok" repetition, summarised: samples, median, min,
// max, mean, sample standard deviation (n - 1; 0 for one sample),
// cv = stddev / mean, and median_ns_per_item = 1e9 / median; the medians of
// CPU ns per item and items per CPU second when every "ok" repetition
// measured them (each its own median: they are not each other's inverse's
// median for an even count). With no "ok" repetition every field is 0;
// samples == 0 says so.
Aggregate aggregate(const std::vector<RepResult>& reps);

// Generic helpers; each returns 0 for an empty input.
double median(std::vector<double> xs);  // the mean of the middle two for an even count
double mean(const std::vector<double>& xs);
double sample_stddev(const std::vector<double>& xs);  // n - 1 in the denominator; 0 when n < 2

}  // namespace qb
