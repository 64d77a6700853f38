// hdr_fixture: the C++ half of the HdrHistogram interoperability test
// (tests/java/run_interop.sh drives both halves).
//
//   hdr_fixture                   prints one TSV line per fixed histogram:
//                                 name, encode_hdr(), count, the buckets and
//                                 the percentiles HdrHistogram must report;
//                                 HdrDecodeCheck.java decodes and compares.
//   hdr_fixture --check-java FILE decodes each histogram Java encoded into
//                                 FILE (name, base64, count, value:times list)
//                                 and compares it bucket by bucket.
//
// The expectations are computed from the recorded values themselves, never
// from the Histogram under test, so a bug in the counts or in the encoding
// shows up as a disagreement instead of being copied into the expectation.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "harness/measure/histogram.hpp"

namespace {

using qb::Histogram;

// A histogram to encode: each value recorded once, then the whole histogram
// merged into itself `doublings` times, so every count is multiplied by
// 2^doublings. record() alone cannot reach counts that need all nine bytes
// of HdrHistogram's LEB128; doubling can.
struct Case {
  std::string name;
  std::vector<std::uint64_t> values;
  int doublings = 0;
};

// Java prints the percentile it is given; k is it in ten-thousandths, so the
// rank below is exact integer arithmetic.
struct Percentile {
  const char* text;
  std::uint64_t k;
};
constexpr Percentile kPercentiles[] = {{"0.5", 5000}, {"0.9", 9000},     {"0.99", 9900},
                                       {"0.999", 9990}, {"0.9999", 9999}, {"1.0", 10000}};

// The mt19937_64 sequence is fixed by the standard; the <random>
// distributions are not, so a uniform double is made from the raw bits.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

std::vector<Case> fixed_cases() {
  std::vector<Case> cases;
  cases.push_back({"empty", {}});
  cases.push_back({"single_zero", {0}});
  cases.push_back({"single_value", {123'456}});

  Case exact{"exact_region", {}};
  for (std::uint64_t v = 1; v < 2048; ++v) exact.values.push_back(v);
  cases.push_back(exact);

  // 1 ns to 200 s, uniform in log: every bucket is touched, and the values
  // above 60 s are recorded as kHighestNs.
  Case spread{"log_uniform_to_200s", {}};
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 5000; ++i) {
    spread.values.push_back(static_cast<std::uint64_t>(std::exp(uniform(rng) * std::log(200e9))));
  }
  spread.values.push_back(Histogram::kHighestNs);
  spread.values.push_back(Histogram::kHighestNs + 1);
  cases.push_back(spread);

  // A queue's latency: a tight cluster at ~350 ns and a 1% tail to ~0.4 s.
  Case cluster{"cluster_350ns_long_tail", {}};
  rng.seed(350);
  for (int i = 0; i < 20'000; ++i) {
    const bool tail = rng() % 100 == 0;
    cluster.values.push_back(tail ? static_cast<std::uint64_t>(350.0 * std::exp2(uniform(rng) * 20.0))
                                  : 330 + rng() % 41);
  }
  cases.push_back(cluster);

  // Counts of tens of thousands (three LEB128 bytes) and long zero runs
  // between the body and the sparse tail.
  Case many{"many_200k", {}};
  rng.seed(200'000);
  for (int i = 0; i < 200'000; ++i) {
    const std::uint64_t r = rng() % 10;
    if (r < 3) {
      many.values.push_back(1000);
    } else if (r < 9) {
      many.values.push_back(100 + rng() % 3000);
    } else {
      many.values.push_back(static_cast<std::uint64_t>(std::exp(uniform(rng) * std::log(1e9))));
    }
  }
  cases.push_back(many);

  // 7 values times 2^60: a total just under 2^63 (a Java long holds it) and
  // a bucket count of 2^62, whose ZigZag form, 2^63, needs all eight bits
  // of the ninth LEB128 byte.
  cases.push_back({"huge_counts", {0, 5, 5, 5, 5, 3000, Histogram::kHighestNs + 5}, 60});
  return cases;
}

std::uint64_t clamp_high(std::uint64_t v) { return std::min(v, Histogram::kHighestNs); }

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

void print_case(const Case& c) {
  Histogram h;
  for (const std::uint64_t v : c.values) h.record(v);
  for (int i = 0; i < c.doublings; ++i) h.merge(h);

  std::map<std::size_t, std::uint64_t> buckets;
  for (const std::uint64_t v : c.values) buckets[Histogram::index_of(clamp_high(v))] += std::uint64_t{1} << c.doublings;
  std::vector<std::string> recorded;
  for (const auto& [index, n] : buckets) recorded.push_back(fmt::format("{}:{}", Histogram::highest_at(index), n));

  // HdrHistogram's rank is max(1, ceil(p * total)); its value is the top of
  // the rank-th sample's sub-bucket, not capped to the exact min and max
  // (it has only the buckets). Each sorted value stands for 2^doublings
  // samples, hence the shift.
  const std::uint64_t total = static_cast<std::uint64_t>(c.values.size()) << c.doublings;
  std::vector<std::uint64_t> sorted;
  for (const std::uint64_t v : c.values) sorted.push_back(clamp_high(v));
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> percentiles;
  if (total > 0) {
    for (const auto& [text, k] : kPercentiles) {
      // ceil(k * total / 10000) without overflowing 64 bits.
      const std::uint64_t rank = std::max<std::uint64_t>(1, k * (total / 10000) + (k * (total % 10000) + 9999) / 10000);
      const std::uint64_t sample = sorted[(rank - 1) >> c.doublings];
      percentiles.push_back(fmt::format("{}:{}", text, Histogram::highest_at(Histogram::index_of(sample))));
    }
  }
  fmt::print("{}\t{}\t{}\t{}\t{}\n", c.name, h.encode_hdr(), total, join(recorded), join(percentiles));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(s);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// One line of Java's file: name, base64, count, value:times,... (the raw
// values Java recorded). Returns false, having said why, on a mismatch.
bool check_java_line(const std::string& line) {
  const auto fields = split(line, '\t');
  if (fields.size() != 4) {
    fmt::print(stderr, "malformed line ({} fields): {}\n", fields.size(), line);
    return false;
  }
  const std::string& name = fields[0];
  const std::uint64_t count = std::stoull(fields[2]);
  std::map<std::uint64_t, std::uint64_t> expected;  // lowest_at(bucket) -> count
  if (!fields[3].empty()) {
    for (const auto& item : split(fields[3], ',')) {
      const auto colon = item.find(':');
      const std::uint64_t value = std::stoull(item.substr(0, colon));
      expected[Histogram::lowest_at(Histogram::index_of(clamp_high(value)))] += std::stoull(item.substr(colon + 1));
    }
  }

  Histogram h;
  try {
    h = Histogram::decode_hdr(fields[1]);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: decode_hdr refused Java's encoding: {}\n", name, e.what());
    return false;
  }
  bool ok = true;
  if (h.count() != count) {
    fmt::print(stderr, "{}: count {} decoded, Java recorded {}\n", name, h.count(), count);
    ok = false;
  }
  std::map<std::uint64_t, std::uint64_t> decoded;
  for (const auto& pair : h.buckets()) decoded[pair[0].get<std::uint64_t>()] = pair[1].get<std::uint64_t>();
  if (decoded != expected) {
    ok = false;
    for (const auto& [lowest, n] : expected) {
      const auto it = decoded.find(lowest);
      const std::uint64_t got = it == decoded.end() ? 0 : it->second;
      if (got != n) fmt::print(stderr, "{}: bucket from {} ns holds {}, Java recorded {}\n", name, lowest, got, n);
    }
    for (const auto& [lowest, n] : decoded) {
      if (!expected.contains(lowest)) fmt::print(stderr, "{}: bucket from {} ns holds {}, Java recorded none\n", name, lowest, n);
    }
  }
  if (ok) fmt::print("ok {} (Java's encoding): {} samples, {} buckets\n", name, count, decoded.size());
  return ok;
}

int check_java(const char* path) {
  std::ifstream in(path);
  if (!in) {
    fmt::print(stderr, "cannot read {}\n", path);
    return 2;
  }
  int lines = 0;
  bool ok = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ++lines;
    ok = check_java_line(line) && ok;
  }
  if (lines == 0) {
    fmt::print(stderr, "{} holds no histograms\n", path);
    return 1;
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    for (const Case& c : fixed_cases()) print_case(c);
    return 0;
  }
  if (args.size() == 2 && args[0] == "--check-java") return check_java(argv[2]);
  fmt::print(stderr, "usage: hdr_fixture [--check-java FILE]\n");
  return 2;
}
