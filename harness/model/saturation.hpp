// When a paced workload is "saturated": the one rule the repetition's flag,
// the point's warning and the console share.
#pragma once

namespace qb {

// How far under its target a rate may fall and still count as reaching it:
// the pacing loop and the two windows (offered, achieved) each measured over
// its own span leave about this much either way.
inline constexpr double kRateTolerance = 0.01;

// Achieved under the target by more than kRateTolerance. Reaching the
// target, or passing it, is never saturated.
constexpr bool short_of_target(double achieved_per_s, double target_per_s) {
  return target_per_s > 0 && achieved_per_s < (1 - kRateTolerance) * target_per_s;
}

}  // namespace qb
