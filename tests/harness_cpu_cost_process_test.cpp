// CPU cost per item through the real qbench: a consumer that polls an empty
// queue burns about a CPU second per wall second, one that sleeps in the
// queue's own blocking pop next to nothing. The producer is paced at a slow
// rate, so the consumers wait nearly all the window.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/qbench_process.hpp"

namespace {

using nlohmann::json;
using qb::test::run_qbench;
using qb::test::scratch_dir;

// One repetition of a paced 1P1C run of `queue` waiting as `wait`: its
// results file's only repetition.
json paced_repetition(const std::string& queue, const std::string& wait) {
  const json scenario{{"name", "cpu-cost-test"},
                      {"description", "paced: 1 producer sends 200 items/s to 1 consumer"},
                      {"queues", json::array({queue})},
                      {"producers", 1},
                      {"consumers", 1},
                      {"duration", "500ms"},
                      {"warmup", "100ms"},
                      {"repetitions", 1},
                      {"latency", "off"},
                      {"wait", wait},
                      {"workload", {{"kind", "paced"}, {"rate_per_s", 200}}}};
  const auto dir = scratch_dir();
  const auto scenario_path = dir / ("cpu-" + queue + "-" + wait + ".json");
  const auto out = dir / ("cpu-" + queue + "-" + wait + "-out.json");
  std::ofstream(scenario_path) << scenario.dump();
  const auto r = run_qbench({"run", "--scenario", scenario_path.string(), "--out", out.string(), "--force"});
  EXPECT_EQ(r.status, 0) << r.err << r.out;
  std::ifstream in(out);
  const json doc = json::parse(in);
  const json& run = doc.at("runs").at(0);
  EXPECT_EQ(run.at("status"), "ok") << run.dump();
  return run.at("repetitions").at(0);
}

TEST(CpuCostRun, a_consumer_polling_an_empty_queue_burns_about_a_cpu_second_per_second) {
  // About 1.0 on an idle machine. Other work on the machine takes CPU time
  // from a polling thread (it yields after a long run of failed tries), so
  // the band is generous and a loaded moment gets two more tries; never
  // above 1, which would mean more than this thread's own time was read.
  json rep, cpu;
  double busy = 0;
  for (int attempt = 0; attempt < 3 && busy <= 0.5; ++attempt) {
    rep = paced_repetition("sequence_ring", "pause");
    cpu = rep.at("cpu");
    ASSERT_TRUE(cpu.is_object()) << rep.dump();
    busy = cpu.at("consumers").at("cpus_busy").get<double>();
    EXPECT_LE(busy, 1.02) << cpu.dump();
  }
  EXPECT_GT(busy, 0.5) << cpu.dump();
  EXPECT_EQ(rep.at("wait_policy"), "pause");
  EXPECT_EQ(cpu.at("consumers").at("threads"), 1);
  // The figures agree with each other: CPU per item is the roles' CPU over the items.
  const double items = rep.at("items").get<double>();
  const double cpu_ns = cpu.at("producers").at("cpu_ns").get<double>() + cpu.at("consumers").at("cpu_ns").get<double>();
  EXPECT_NEAR(cpu.at("cpu_ns_per_item").get<double>(), cpu_ns / items, 1e-6 * cpu_ns / items);
  EXPECT_NEAR(cpu.at("items_per_cpu_s").get<double>() * cpu.at("cpu_ns_per_item").get<double>(), 1e9, 1.0);
  // 200 items a second with a CPU half busy or more: over a million ns each.
  EXPECT_GT(cpu.at("cpu_ns_per_item").get<double>(), 1e6) << cpu.dump();
}

TEST(CpuCostRun, a_consumer_blocked_in_the_queues_own_pop_burns_far_less) {
  const json rep = paced_repetition("locked_ring", "block");
  ASSERT_EQ(rep.at("wait_policy"), "block");
  const json& cpu = rep.at("cpu");
  ASSERT_TRUE(cpu.is_object()) << rep.dump();
  EXPECT_LT(cpu.at("consumers").at("cpus_busy").get<double>(), 0.2) << cpu.dump();
  // It slept for each of the ~100 items, so it gave up its CPU about as often.
  EXPECT_GE(cpu.at("consumers").at("voluntary_switches").get<double>(), 25) << cpu.dump();
}

}  // namespace
