// CPU cost per item, piece by piece: a thread's own CPU clock and context
// switches (measure/thread_cpu.hpp), the repetition's cpu record in the
// results JSON, the aggregate's medians and the console's columns. The
// figures of real runs are tested in harness_cpu_cost_process_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/console/table.hpp"
#include "harness/measure/thread_cpu.hpp"
#include "harness/model/result_json.hpp"
#include "harness/results/point_marks.hpp"
#include "harness/results/stats.hpp"

namespace qb {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

TEST(ThreadCpu, a_thread_that_computes_is_charged_its_cpu_time_and_no_more_than_the_wall_time) {
  const auto wall_start = SteadyClock::now();
  const ThreadCpu start = read_thread_cpu();
  ASSERT_TRUE(start.read);
  // Spin until this thread's own clock has moved 30 ms, however loaded the
  // machine: what is tested is that the reading and the difference agree
  // with the wall clock, not how fast the machine is.
  ThreadCpu now = start;
  while (now.cpu_ns - start.cpu_ns < 30'000'000) now = read_thread_cpu();
  const ThreadCpu spent = cpu_between(start, read_thread_cpu());
  const auto wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - wall_start).count();
  ASSERT_TRUE(spent.read);
  EXPECT_GE(spent.cpu_ns, 30'000'000u);
  EXPECT_LE(spent.cpu_ns, static_cast<std::uint64_t>(wall_ns));
}

TEST(ThreadCpu, a_sleeping_thread_is_charged_almost_nothing_and_counts_a_voluntary_switch) {
  const ThreadCpu start = read_thread_cpu();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const ThreadCpu spent = cpu_between(start, read_thread_cpu());
  ASSERT_TRUE(spent.read);
  EXPECT_LT(spent.cpu_ns, 10'000'000u);  // 10 ms of a 50 ms sleep: far more than a wake-up costs
  EXPECT_GE(spent.voluntary_switches, 1u);
}

TEST(ThreadCpu, a_window_with_an_unread_edge_is_not_read) {
  const ThreadCpu read = read_thread_cpu();
  EXPECT_FALSE(cpu_between(ThreadCpu{}, read).read);
  EXPECT_FALSE(cpu_between(read, ThreadCpu{}).read);
}

RepResult rep(double items_per_s, double cpu_ns_per_item, bool measured = true) {
  RepResult r;
  r.status = RepStatus::ok;
  r.items = 1000;
  r.elapsed_s = 1000 / items_per_s;
  r.items_per_s = items_per_s;
  r.ns_per_item = 1e9 / items_per_s;
  r.cpu.measured = measured;
  r.cpu.producers = {1, static_cast<std::uint64_t>(cpu_ns_per_item * 400), 0, 0};
  r.cpu.consumers = {1, static_cast<std::uint64_t>(cpu_ns_per_item * 600), 2, 1};
  r.cpu.cpu_ns_per_item = measured ? cpu_ns_per_item : 0;
  r.cpu.items_per_cpu_s = measured ? 1e9 / cpu_ns_per_item : 0;
  return r;
}

TEST(CpuJson, a_repetitions_cpu_record_states_each_role_and_the_cpus_it_kept_busy) {
  const json j = rep(1e6, 1500);  // 1 ms window; consumers 0.9 ms of CPU, producers 0.6 ms
  const json& cpu = j.at("cpu");
  EXPECT_EQ(cpu.at("consumers").at("cpu_ns"), 900000u);
  EXPECT_EQ(cpu.at("consumers").at("voluntary_switches"), 2u);
  EXPECT_EQ(cpu.at("consumers").at("involuntary_switches"), 1u);
  EXPECT_DOUBLE_EQ(cpu.at("consumers").at("cpus_busy").get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(cpu.at("producers").at("cpus_busy").get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(cpu.at("cpu_ns_per_item").get<double>(), 1500);
  EXPECT_DOUBLE_EQ(cpu.at("items_per_cpu_s").get<double>(), 1e9 / 1500);
  EXPECT_TRUE(json(rep(1e6, 1500, false)).at("cpu").is_null());
}

TEST(CpuJson, a_repetition_written_before_cpu_was_measured_reads_back_unmeasured) {
  json j = rep(1e6, 1500);
  j.erase("cpu");
  EXPECT_FALSE(j.get<RepResult>().cpu.measured);
  j["cpu"] = nullptr;
  EXPECT_FALSE(j.get<RepResult>().cpu.measured);
}

TEST(CpuAggregate, the_medians_are_each_figures_own_and_absent_when_a_repetition_did_not_measure) {
  const Aggregate a = aggregate({rep(1e6, 100), rep(2e6, 300), rep(3e6, 200), rep(4e6, 400)});
  ASSERT_TRUE(a.median_cpu_ns_per_item && a.median_items_per_cpu_s);
  EXPECT_DOUBLE_EQ(*a.median_cpu_ns_per_item, 250);
  EXPECT_DOUBLE_EQ(*a.median_items_per_cpu_s, (1e9 / 200 + 1e9 / 300) / 2);
  const json j = a;
  EXPECT_DOUBLE_EQ(j.at("median_cpu_ns_per_item").get<double>(), 250);

  const Aggregate partial = aggregate({rep(1e6, 100), rep(2e6, 300, false)});
  EXPECT_FALSE(partial.median_cpu_ns_per_item);
  EXPECT_TRUE(json(partial).at("median_items_per_cpu_s").is_null());
}

PointResult point_with_cpu(double cpu_ns_per_item) {
  PointResult p;
  p.params.queue = "sequence_ring";
  p.id = "run/sequence_ring/p1c1";
  p.repetitions = {rep(1e6, cpu_ns_per_item), rep(1e6, cpu_ns_per_item)};
  p.aggregate = aggregate(p.repetitions);
  return p;
}

std::string header_of(const SummaryTable& table) { return table.text.substr(0, table.text.find('\n')); }

TEST(CpuColumns, cpu_ns_per_item_is_in_a_120_column_table_and_items_per_cpu_second_only_in_the_wide_one) {
  const std::vector<PointResult> points{point_with_cpu(45.5), point_with_cpu(1234.5)};
  const auto marks = point_marks(points);
  const SummaryTable table = summary_table(points, marks, TableOptions{.width = 120});
  EXPECT_NE(header_of(table).find("CPU ns/item"), std::string::npos) << table.text;
  EXPECT_EQ(header_of(table).find("items/CPU-s"), std::string::npos) << table.text;
  EXPECT_NE(table.text.find(" 45.5 "), std::string::npos) << table.text;  // small: a tenth of a ns
  EXPECT_NE(table.text.find(" 1,235 "), std::string::npos) << table.text;  // large: grouped

  const SummaryTable wide = summary_table(points, marks, TableOptions{.wide = true});
  EXPECT_NE(header_of(wide).find("items/CPU-s"), std::string::npos) << wide.text;
  EXPECT_NE(wide.text.find("810,045"), std::string::npos) << wide.text;     // 1e9 / 1234.5
  EXPECT_NE(wide.text.find("21,978,022"), std::string::npos) << wide.text;  // 1e9 / 45.5
}

TEST(CpuColumns, a_narrow_table_gives_up_cpu_ns_per_item_first) {
  const std::vector<PointResult> points{point_with_cpu(1234.5)};
  const SummaryTable table = summary_table(points, point_marks(points), TableOptions{.width = 40});
  ASSERT_FALSE(table.narrowed.empty());
  EXPECT_EQ(table.narrowed.front(), "CPU ns/item");
  EXPECT_EQ(header_of(table).find("CPU ns/item"), std::string::npos) << table.text;
}

TEST(CpuColumns, records_without_cpu_figures_leave_the_columns_out_without_a_line) {
  PointResult p = point_with_cpu(100);
  for (auto& r : p.repetitions) r.cpu = CpuCost{};
  p.aggregate = aggregate(p.repetitions);
  const std::vector<PointResult> points{p};
  const SummaryTable table = summary_table(points, point_marks(points), TableOptions{.wide = true});
  EXPECT_EQ(header_of(table).find("CPU ns/item"), std::string::npos) << table.text;
  EXPECT_EQ(header_of(table).find("items/CPU-s"), std::string::npos) << table.text;
  for (const auto& [column, why] : table.dropped) EXPECT_EQ(column.find("CPU"), std::string::npos) << column;
}

}  // namespace
}  // namespace qb
