// The console's summary table (harness/console/table) and the lines under
// it (harness/console/summary): the figures of each kind of point, the
// marks with their worst cases, and the width they keep to.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/console/summary.hpp"
#include "harness/console/table.hpp"
#include "harness/results/stats.hpp"
#include "tests/result_points.hpp"

namespace qb {
namespace {

using test::point;
using test::rep_with_rate;
using test::rows_of;

std::string table_of(const std::vector<PointResult>& points, bool wide = false) {
  return summary_table(points, point_marks(points), TableOptions{.wide = wide}).text;
}

TEST(SummaryTable, shows_the_figures_of_an_ok_point) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(12345678), rep_with_rate(12345678)});
  p.aggregate = aggregate(p.repetitions);
  const std::string table = table_of({p}, true);
  EXPECT_EQ(table.rfind("queue", 0), 0u);
  EXPECT_NE(table.find("items/s (median)"), std::string::npos);
  const auto rows = rows_of(table, "sequence_ring");
  ASSERT_EQ(rows.size(), 1u);
  // No latency, counters or warnings recorded: those columns are left out.
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sequence_ring", "2", "3", "12,345,678", "81.00", "12,345,678",
                                               "12,345,678", "0.0", "2", "ok"}))
      << table;
  EXPECT_EQ(table.find("p50 ns"), std::string::npos) << table;
  EXPECT_EQ(table.find("flags"), std::string::npos) << table;
}

TEST(SummaryTable, shows_latency_percentiles_and_leaves_out_cache_misses_counted_nowhere) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(1000000)});
  p.aggregate = aggregate(p.repetitions);
  p.latency = {{"mode", "e2e"},
               {"e2e", {{"p50_ns", 120}, {"p99_ns", 4500}, {"p99_9_ns", 31000}}}};
  p.counters = {{"events", {{"cache-misses", {{"status", "not_supported"}, {"reason", "no hardware PMU: ENOENT"}}}}},
                {"per_item", {{"cache_misses", nullptr}}}};
  const std::vector<PointResult> points{p};
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks);
  const auto rows = rows_of(table.text, "sequence_ring");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sequence_ring", "2", "3", "1,000,000", "0.0", "120", "4,500",
                                               "31,000", "ok"}))
      << table.text;
  EXPECT_EQ(table.text.find("cache-misses"), std::string::npos) << table.text;
  const auto lines = summary_lines(points, marks, table, {});
  std::string said;
  for (const auto& line : lines) said += line + "\n";
  EXPECT_NE(said.find("counted: none; not counted: cache-misses (no hardware PMU)"), std::string::npos) << said;
  EXPECT_NE(said.find("latency: end to end"), std::string::npos) << said;
}

TEST(SummaryTable, a_percentile_no_point_sampled_enough_for_is_said_to_be_short_of_samples) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(1000000)});
  p.aggregate = aggregate(p.repetitions);
  p.latency = {{"mode", "e2e"}, {"e2e", {{"p50_ns", 120}, {"p99_ns", 4500}, {"p99_9_ns", nullptr}}}};
  const std::vector<PointResult> points{p};
  const auto table = summary_table(points, point_marks(points));
  ASSERT_FALSE(table.dropped.empty());
  EXPECT_EQ(table.dropped[0].first, "p99.9 ns");
  EXPECT_NE(table.dropped[0].second.find("too few latency samples"), std::string::npos) << table.dropped[0].second;
}

TEST(SummaryTable, shows_no_throughput_for_an_invalid_failed_or_skipped_point) {
  PointResult invalid = point(PointStatus::invalid, {rep_with_rate(12345678, RepStatus::invalid)});
  invalid.repetitions[0].validation.lost = 3;
  invalid.aggregate = aggregate({rep_with_rate(12345678)});  // even if one slipped through
  PointResult failed = point(PointStatus::failed, {rep_with_rate(0, RepStatus::failed)});
  failed.repetitions[0].failure = "timeout after 5s";
  PointResult skipped = point(PointStatus::skipped, {});
  skipped.skip_reason = "queue allows one consumer";
  const std::string table = table_of({invalid, failed, skipped}, true);
  EXPECT_EQ(table.find("12,345,678"), std::string::npos) << table;
  EXPECT_NE(table.find("invalid (lost 3, dup 0, misordered 0)"), std::string::npos) << table;
  EXPECT_NE(table.find("failed: timeout after 5s"), std::string::npos) << table;
  EXPECT_NE(table.find("skipped: queue allows one consumer"), std::string::npos) << table;
  const auto rows = rows_of(table, "sequence_ring");
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 4u);
    EXPECT_EQ(row[1], "2");
    EXPECT_EQ(row[2], "3");
    EXPECT_TRUE(row[3] == "invalid" || row[3] == "failed:" || row[3] == "skipped:") << table;
  }
  // Not wide: the skipped point's row is left out, and the count says so.
  const std::vector<PointResult> points{invalid, failed, skipped};
  const auto narrow = summary_table(points, point_marks(points), TableOptions{.width = 120});
  EXPECT_EQ(rows_of(narrow.text, "sequence_ring").size(), 2u) << narrow.text;
  EXPECT_EQ(narrow.hidden_skipped, 1);
  const auto lines = summary_lines(points, point_marks(points), narrow, {});
  EXPECT_EQ(lines.at(0), "points: 2 measured (0 ok, 1 invalid, 1 failed), 1 skipped by their traits (--wide lists them); 1 repetition "
            "each");
}

// A sweep of one queue at several shapes, each point with what makes a mark;
// its p4c1 point moves `collapsed_rate` items/s against the best's 2e7.
std::vector<PointResult> marked_sweep(double collapsed_rate = 1e4) {
  std::vector<PointResult> points;
  auto add = [&](int p, int c, double rate) {
    PointResult x = point(PointStatus::ok, {rep_with_rate(rate), rep_with_rate(rate)});
    x.params.producers = p;
    x.params.consumers = c;
    x.id = fmt::format("quick/sequence_ring/p{}c{}", p, c);
    x.aggregate = aggregate(x.repetitions);
    for (auto& r : x.repetitions) {
      for (int i = 0; i < p + c; ++i) {
        ThreadStats t;
        t.items = 1000;
        r.threads.push_back(t);
      }
    }
    points.push_back(std::move(x));
    return &points.back();
  };
  add(1, 1, 2e7);
  auto* backlog = add(2, 1, 1e7);
  backlog->repetitions[1].threads[2].items = 40;  // 2000 pushed, 40 popped: 50x
  backlog->repetitions[1].warnings.push_back(Warning::unbalanced_window(2000, 40, 40));
  auto* starved = add(2, 2, 1.5e7);
  starved->repetitions[0].threads[1].items = 20;
  starved->repetitions[0].threads[1].starved = true;
  starved->repetitions[0].warnings.push_back(Warning::starved_thread(ThreadRole::producer, 1, 20, 510));
  auto* collapsed = add(4, 1, collapsed_rate);  // 2,000x below 1x1 by default
  collapsed->warnings = {Warning::noisy_repetitions(9.0), Warning::oversubscribed_cpus()};
  auto* odd = add(4, 2, 1.2e7);
  odd->warnings = {Warning::sequence_limit_hit(ThreadRole::producer, 3)};
  for (auto& x : points) {  // as finalize_point lifts them
    for (const auto& r : x.repetitions) {
      for (const auto& w : r.warnings) x.warnings.push_back(w.of_repetition(r.repetition));
    }
  }
  return points;
}

TEST(PointMarks, mark_each_kind_with_its_worst_case_and_a_collapse_against_the_queues_best_shape) {
  const auto points = marked_sweep();
  const auto marks = point_marks(points);
  ASSERT_EQ(marks.size(), 5u);
  EXPECT_EQ(flag_letters(marks[0]), "");
  EXPECT_EQ(flag_letters(marks[1]), "B");
  EXPECT_DOUBLE_EQ(marks[1].unbalanced_ratio, 50.0);
  EXPECT_TRUE(marks[1].pushed_more);
  EXPECT_EQ(flag_letters(marks[2]), "S");
  EXPECT_EQ(marks[2].starved_thread, "producer 1");
  EXPECT_NEAR(marks[2].starved_share, 20.0 / 510.0, 1e-9);
  EXPECT_EQ(flag_letters(marks[3]), "XNO");
  EXPECT_TRUE(marks[3].collapse);
  EXPECT_DOUBLE_EQ(marks[3].collapse_factor, 2000.0);
  EXPECT_EQ(marks[3].best_shape, "1x1");
  EXPECT_EQ(flag_letters(marks[4]), "W");
  EXPECT_FALSE(marks[4].collapse) << "1.7x below the best shape is not a collapse";
}

TEST(ConsoleSummary, says_each_kind_once_with_its_count_and_worst_case_within_the_width) {
  auto points = marked_sweep();
  PointResult skipped = point(PointStatus::skipped, {});
  points.push_back(skipped);
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks, TableOptions{.width = 120});
  SummaryContext context;
  context.usable_cpus = 2;
  context.results = "results/x.json";
  const auto lines = summary_lines(points, marks, table, context);
  const std::vector<std::string> expected = {
      "points: 5 measured (5 ok, 0 invalid, 0 failed), 1 skipped by their traits (--wide lists them); 2 repetitions each",
      "X collapse: 1 point at <1/100 of their queue's best; worst quick/sequence_ring/p4c1: 2,000x below 1x1",
      "B backlog: 1 point with pushes and pops >10% apart; worst quick/sequence_ring/p2c1: 50x more pushes",
      "S starved: 1 point with a thread <10% of fair share; worst quick/sequence_ring/p2c2: producer 1 at 3.9%",
      "N noisy: 1 point whose repetitions' CV is over 5%; worst quick/sequence_ring/p4c1: CV 0.0%",
      "O oversubscribed: 1 point ran more threads than the 2 usable CPUs (up to 5): the scheduler is in those figures",
      "W other warnings on 1 point; first quick/sequence_ring/p4c2: producer 3 reached the sequence limit and stopped "
      "early",
      "not shown: p50 ns, p99 ns, p99.9 ns (latency not measured); cache-misses/item (not counted)",
      "results: results/x.json (every warning, point by point: runs[].warnings)"};
  EXPECT_EQ(lines, expected);
  for (const auto& line : lines) EXPECT_LE(line.size(), 120u) << line;
}

// Past 100,000x a factor is said in thousands or millions ("17.6Mx"), so a
// warning line keeps to one line of a 120-column terminal whatever the factor
// (a 10-digit "17,608,575x" made the demo's collapse line wrap, 2026-12-07).
TEST(ConsoleSummary, says_a_factor_past_100000x_in_thousands_or_millions) {
  for (const auto& [rate, said] : {std::pair{2e7 / 250'000, "250Kx"}, std::pair{2e7 / 17'608'575.0, "17.6Mx"},
                                   std::pair{2e7 / 99'999.0, "99,999x"}}) {
    const auto points = marked_sweep(rate);
    const auto marks = point_marks(points);
    const auto lines = summary_lines(points, marks, summary_table(points, marks, TableOptions{.width = 120}), {});
    EXPECT_EQ(lines.at(1), fmt::format("X collapse: 1 point at <1/100 of their queue's best; worst "
                                       "quick/sequence_ring/p4c1: {} below 1x1", said));
  }
}

// The demo's summary has a budget of lines (tests/python/check_demo_report.py),
// and which queue is worst at a mark changes from run to run: so each mark's
// line keeps to 120 columns with the longest id of a one-wait sweep of every
// queue, its widest figures and many points. With the old wording each of
// the X, B and S lines wrapped at an id that long, 3 lines of the 14.
TEST(ConsoleSummary, each_mark_keeps_to_one_line_with_the_longest_queue_name) {
  auto points = marked_sweep(2e7 / 17'608'575.0);
  for (auto& x : points) {
    x.id = "quick/crossbeam_channel_unbounded/p4c4";  // 38 characters
    x.params.queue = "crossbeam_channel_unbounded";
  }
  std::vector<PointResult> many;
  for (int copy = 0; copy < 40; ++copy) many.insert(many.end(), points.begin(), points.end());
  const auto marks = point_marks(many);
  const auto lines = summary_lines(many, marks, summary_table(many, marks, TableOptions{.width = 120}), {});
  for (const char* letter : {"X ", "B ", "S ", "N "}) {
    const auto at = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(letter); });
    ASSERT_NE(at, lines.end()) << letter << "mark missing";
    ASSERT_NE(at + 1, lines.end());
    EXPECT_FALSE(at[1].starts_with("  ")) << "the " << letter << "line wrapped: " << *at << "\n" << at[1];
  }
}

TEST(SummaryTable, fits_the_width_by_shortening_the_status_to_its_first_word_and_wide_prints_it_whole) {
  PointResult invalid = point(PointStatus::invalid, {rep_with_rate(1, RepStatus::invalid)});
  invalid.params.queue = invalid.id = "xenium_ramalhete_queue";
  invalid.repetitions[0].validation = {.lost = 123456789, .duplicated = 987654321, .misordered = 55555555};
  invalid.repetitions[0].warnings = {Warning::starved_thread(ThreadRole::consumer, 1, 0, 1)};
  PointResult ok = point(PointStatus::ok, {rep_with_rate(123456789012.0)});
  ok.aggregate = aggregate(ok.repetitions);
  // The widest figures a row can have: latency clamps at 60 s.
  ok.latency = {{"mode", "e2e"}, {"e2e", {{"p50_ns", 6e10}, {"p99_ns", 6e10}, {"p99_9_ns", 6e10}}}};
  ok.warnings = {Warning::noisy_repetitions(7), Warning::oversubscribed_cpus()};
  ok.repetitions[0].warnings = {Warning::unbalanced_window(3, 1, 1)};
  const std::string narrow = table_of({invalid, ok});
  std::istringstream lines(narrow);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), kTableWidth) << line;
  EXPECT_NE(narrow.find("  invalid\n"), std::string::npos) << narrow;
  EXPECT_NE(table_of({invalid, ok}, true).find("misordered 55555555)"), std::string::npos);
}

}  // namespace
}  // namespace qb
