// The one grammar for the numbers a user types, on the command line or in a
// scenario file: whole counts and durations. Each parser names where the
// value came from (the option, or "FILE: key") and the value in its one-line
// UsageError, and takes the bounds of the field it fills: a negative count,
// a fraction where a whole number is meant, zero where zero means nothing,
// and a value past the field's type or past a sane bound are all refused,
// never wrapped, clamped or truncated.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace qb {

// The longest duration any option takes: a window, a warm-up or a timeout
// past a day is a typo (and past ~292 years the nanoseconds overflow).
constexpr std::chrono::hours kMaxDuration{24};

// The bounds of the counts both the command line and scenario files take.
// Past these a value is a typo, not a plan: 2^40 items is hours of a fast
// queue; a capacity past 2^40 slots cannot be allocated.
constexpr std::uint64_t kMaxItems = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxCapacity = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxRepetitions = 1000;
constexpr std::uint64_t kMaxLatencySamplePeriod = std::uint64_t{1} << 30;
constexpr std::uint64_t kMaxOpSamplePeriod = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxRoundTrips = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxSeed = UINT64_MAX;
constexpr std::uint64_t kMaxConsumerWorkNs = 1'000'000'000;  // a second of work an item
// --batch: each thread holds one batch of items, so 65536 of the largest
// (256-byte) items is 16 MiB a thread, and a batch past that is longer than
// any queue's default capacity by far: only partial calls.
constexpr std::uint64_t kMaxBatch = std::uint64_t{1} << 16;
constexpr std::uint64_t kMaxSmallCount = std::uint64_t{1} << 20;  // thread counts, payload bytes, lanes' k, give-ups

// A whole number in [min, max], in decimal digits only: no sign, no fraction,
// no exponent, no spaces.
std::uint64_t parse_count(std::string_view where, std::string_view text, std::uint64_t min, std::uint64_t max);

// "2s", "200ms", "1.5s", "500us", "100ns", "1m". A number needs its unit
// ("200" is refused, suggesting 200ms or 200s), but for zero ("0").
// At most kMaxDuration; zero is allowed (the caller refuses it where zero
// means nothing). A scenario file's JSON number is seconds: its reader
// writes the unit (sweep/scenario.cpp).
std::chrono::nanoseconds parse_duration(std::string_view where, std::string_view text);

// 1536 -> "1.5 KB", 1.5e6 -> "1.5 MB" (powers of 1000, as `ls -lh --si`).
std::string format_bytes(double bytes);

}  // namespace qb
