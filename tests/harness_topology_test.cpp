// Topology detection, thread placement, pinning and the machine context.
// The real machine may have 2 CPUs or 16, so the checks on it are about
// properties (usable, distinct, wrapping); exact orders are checked on hwloc
// synthetic machines, which look the same everywhere.

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/machine/topology.hpp"
#include "harness/results/context.hpp"

namespace qb {
namespace {

// Read independently of Topology so the tests do not grade its own answer.
std::set<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(getpid(), sizeof set, &set), 0);
  std::set<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.insert(cpu);
  return cpus;
}

// "2026-11-22T21:04:05Z". By hand rather than std::regex, whose GCC 12
// headers trip -Werror=maybe-uninitialized in optimised sanitizer builds.
bool matches_iso_utc(const std::string& date) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (date.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < date.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(date[i])) != 0;
    if (kShape[i] == 'd' ? !digit : date[i] != kShape[i]) return false;
  }
  return true;
}

TEST(Topology, detect_finds_at_least_one_usable_cpu) {
  const Topology topo = Topology::detect();
  EXPECT_GE(topo.cpu_count(), 1);
  EXPECT_EQ(topo.cpu_count(), static_cast<int>(allowed_cpus().size()));
  EXPECT_GE(topo.core_count(), 1);
  EXPECT_LE(topo.core_count(), topo.cpu_count());
  EXPECT_GE(topo.package_count(), 1);
  EXPECT_LE(topo.package_count(), topo.core_count());
  EXPECT_GE(topo.numa_count(), 1);
}

TEST(Topology, none_placement_leaves_every_thread_unpinned) {
  const Topology topo = Topology::detect();
  EXPECT_EQ(topo.cpu_map(Placement::none, 5), std::vector<int>(5, -1));
}

TEST(Topology, zero_threads_get_an_empty_map) {
  EXPECT_TRUE(Topology::detect().cpu_map(Placement::compact, 0).empty());
}

TEST(Topology, every_thread_gets_a_cpu_the_process_may_use) {
  const Topology topo = Topology::detect();
  const std::set<int> allowed = allowed_cpus();
  for (Placement p : {Placement::compact, Placement::scatter}) {
    for (int threads : {1, topo.cpu_count(), 2 * topo.cpu_count() + 1}) {
      const std::vector<int> map = topo.cpu_map(p, threads);
      ASSERT_EQ(map.size(), static_cast<std::size_t>(threads)) << to_string(p);
      for (int cpu : map) EXPECT_TRUE(allowed.count(cpu)) << to_string(p) << " gave cpu " << cpu;
    }
  }
}

TEST(Topology, threads_up_to_cpu_count_get_distinct_cpus) {
  const Topology topo = Topology::detect();
  for (Placement p : {Placement::compact, Placement::scatter}) {
    for (int threads = 1; threads <= topo.cpu_count(); ++threads) {
      const std::vector<int> map = topo.cpu_map(p, threads);
      EXPECT_EQ(std::set<int>(map.begin(), map.end()).size(), map.size()) << to_string(p) << " x" << threads;
    }
  }
}

TEST(Topology, threads_beyond_cpu_count_wrap_around) {
  const Topology topo = Topology::detect();
  const int n = topo.cpu_count();
  for (Placement p : {Placement::compact, Placement::scatter}) {
    const std::vector<int> map = topo.cpu_map(p, 3 * n + 1);
    for (std::size_t i = 0; i < map.size(); ++i)
      EXPECT_EQ(map[i], map[i % static_cast<std::size_t>(n)]) << to_string(p) << " thread " << i;
  }
}

TEST(Topology, describe_lists_the_compact_order_and_the_counts) {
  const Topology topo = Topology::detect();
  const nlohmann::json d = topo.describe();
  for (const char* key : {"pus", "cores", "packages", "numa_nodes", "smt", "pu_order_compact", "caches"})
    EXPECT_TRUE(d.contains(key)) << key;
  EXPECT_EQ(d["pus"], topo.cpu_count());
  EXPECT_EQ(d["pu_order_compact"].get<std::vector<int>>(), topo.cpu_map(Placement::compact, topo.cpu_count()));
  for (const auto& cache : d["caches"])
    for (const char* key : {"level", "type", "size_bytes", "line_bytes", "shared_by_pus"})
      EXPECT_TRUE(cache.contains(key)) << cache.dump();
}

TEST(SyntheticTopology, compact_fills_smt_siblings_then_cores_then_packages) {
  const Topology topo = Topology::synthetic("Package:2 Core:4 PU:2");
  EXPECT_EQ(topo.cpu_count(), 16);
  EXPECT_EQ(topo.core_count(), 8);
  EXPECT_EQ(topo.package_count(), 2);
  EXPECT_TRUE(topo.smt());
  EXPECT_EQ(topo.cpu_map(Placement::compact, 5), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(SyntheticTopology, scatter_takes_one_pu_per_core_across_packages_before_siblings) {
  const Topology topo = Topology::synthetic("Package:2 Core:4 PU:2");
  // PU os index = 8 * package + 2 * core + sibling.
  const std::vector<int> expected = {0, 8, 2, 10, 4, 12, 6, 14, 1, 9, 3, 11, 5, 13, 7, 15};
  EXPECT_EQ(topo.cpu_map(Placement::scatter, 16), expected);
  EXPECT_EQ(topo.cpu_map(Placement::scatter, 18)[17], 8);
}

TEST(SyntheticTopology, scatter_without_smt_on_one_package_is_the_compact_order) {
  const Topology topo = Topology::synthetic("Package:1 Core:6 PU:1");
  EXPECT_FALSE(topo.smt());
  EXPECT_EQ(topo.cpu_map(Placement::scatter, 6), topo.cpu_map(Placement::compact, 6));
}

TEST(SyntheticTopology, caches_are_listed_once_per_kind_with_their_count) {
  const Topology topo =
      Topology::synthetic("Package:2 L3Cache:1(size=33554432) Core:4 L2Cache:1(size=1MB) L1dCache:1(size=48KB) PU:2");
  const nlohmann::json caches = topo.describe()["caches"];
  ASSERT_EQ(caches.size(), 3u) << caches.dump();
  EXPECT_EQ(caches[0]["level"], 1);
  EXPECT_EQ(caches[0]["count"], 8);
  EXPECT_EQ(caches[0]["shared_by_pus"], 2);
  EXPECT_EQ(caches[2]["level"], 3);
  EXPECT_EQ(caches[2]["type"], "unified");
  EXPECT_EQ(caches[2]["size_bytes"], 32u << 20);
  EXPECT_EQ(caches[2]["shared_by_pus"], 8);
  EXPECT_EQ(caches[2]["count"], 2);
}

TEST(SyntheticTopology, a_description_hwloc_rejects_throws) {
  EXPECT_THROW(Topology::synthetic("Bogus:3 Thing"), std::invalid_argument);
  EXPECT_THROW(Topology::synthetic(""), std::invalid_argument);
}

TEST(Pinning, a_thread_pinned_to_the_first_allowed_cpu_runs_there) {
  const int first = *allowed_cpus().begin();
  bool pinned = false;
  int ran_on = -2;
  // A fresh thread, so the test runner's own thread keeps its mask.
  std::thread worker([&] {
    pinned = pin_current_thread(first);
    ran_on = sched_getcpu();
  });
  worker.join();
  EXPECT_TRUE(pinned);
  EXPECT_EQ(ran_on, first);
}

TEST(Pinning, minus_one_is_a_no_op_that_succeeds) {
  EXPECT_TRUE(pin_current_thread(-1));
}

TEST(Pinning, a_cpu_the_process_may_not_use_is_refused) {
  std::thread worker([] { EXPECT_FALSE(pin_current_thread(CPU_SETSIZE * 4)); });
  worker.join();
}

TEST(PlacementNames, every_name_round_trips) {
  for (Placement p : {Placement::none, Placement::compact, Placement::scatter})
    EXPECT_EQ(parse_placement(to_string(p)), p) << to_string(p);
  EXPECT_EQ(to_string(Placement::scatter), "scatter");
}

TEST(PlacementNames, unknown_names_are_rejected) {
  EXPECT_EQ(parse_placement("bogus"), std::nullopt);
  EXPECT_EQ(parse_placement(""), std::nullopt);
}

TEST(MachineContext, has_every_documented_key_and_an_iso_date) {
  const std::vector<std::string> command = {"qbench", "run", "--queue", "all"};
  const nlohmann::json ctx = machine_context(command);
  for (const char* key : {"host", "cpu_model", "cpus_online", "topology", "kernel", "clocksource",
                          "cpu_flags_of_note", "compiler", "cxx_flags", "build_type", "sanitizer",
                          "libraries", "git_sha", "date_utc", "command_line"})
    EXPECT_TRUE(ctx.contains(key)) << key;
  for (const char* key : {"fmt", "nlohmann_json", "cli11", "hwloc", "glibc"})
    EXPECT_TRUE(ctx["libraries"].contains(key)) << key;
  for (const char* key : {"constant_tsc", "nonstop_tsc"})
    EXPECT_TRUE(ctx["cpu_flags_of_note"].contains(key)) << key;
  EXPECT_GE(ctx["topology"]["pus"].get<int>(), 1);
  EXPECT_TRUE(matches_iso_utc(ctx["date_utc"].get<std::string>())) << ctx["date_utc"];
  EXPECT_EQ(ctx["command_line"].get<std::vector<std::string>>(), command);
}

TEST(MachineContext, warns_exactly_when_the_build_cannot_measure) {
  const std::string warning = build_warning();
  EXPECT_EQ(warning.empty(), is_measurement_build());
  if (!warning.empty()) {
    EXPECT_EQ(warning.rfind("WARNING: ", 0), 0u) << warning;
  }
}

}  // namespace
}  // namespace qb
