// The machine's state around a sweep, read from fake /proc and sysfs trees:
// the load average, the frequency governors and boost, and the warnings a
// busy or frequency-scaled machine gets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/machine/machine_state.hpp"

namespace qb {
namespace {

namespace fs = std::filesystem;

class FakeTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("qb-machine-state-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  fs::path root_;
};

TEST_F(FakeTree, load_average_reads_the_three_figures_and_is_null_where_unreadable) {
  write("loadavg", "3.07 4.17 3.83 3/92 1109\n");
  const auto load = load_average(root_);
  ASSERT_TRUE(load);
  EXPECT_DOUBLE_EQ(load->one, 3.07);
  EXPECT_DOUBLE_EQ(load->fifteen, 3.83);
  EXPECT_EQ(to_json(load).at("5m"), 4.17);
  EXPECT_FALSE(load_average(root_ / "missing"));
  EXPECT_TRUE(to_json(std::optional<LoadAverage>{}).is_null());
}

TEST_F(FakeTree, a_vm_without_cpufreq_says_so_and_gets_no_scaling_warning) {
  fs::create_directories(root_ / "cpu0");
  const auto f = frequency_scaling(root_);
  EXPECT_FALSE(f.exposed);
  EXPECT_EQ(to_json(f).at("exposed"), false);
  EXPECT_TRUE(machine_state_warnings(LoadAverage{0.1, 0.1, 0.1}, f, 2).empty());
}

TEST_F(FakeTree, governors_are_collected_over_the_cpus_and_boost_read_from_either_driver) {
  write("cpu0/cpufreq/scaling_governor", "performance\n");
  write("cpu1/cpufreq/scaling_governor", "performance\n");
  write("cpufreq/boost", "0\n");
  fs::create_directories(root_ / "cpufreq2");  // not a CPU
  auto f = frequency_scaling(root_);
  EXPECT_TRUE(f.exposed);
  EXPECT_EQ(f.governors, std::vector<std::string>{"performance"});
  EXPECT_EQ(f.boost, false);
  EXPECT_FALSE(f.scaling());
  write("cpu1/cpufreq/scaling_governor", "powersave\n");
  fs::remove(root_ / "cpufreq/boost");
  write("intel_pstate/no_turbo", "0\n");  // turbo allowed
  f = frequency_scaling(root_);
  EXPECT_EQ(f.governors, (std::vector<std::string>{"performance", "powersave"}));
  EXPECT_EQ(f.boost, true);
  EXPECT_TRUE(f.scaling());
  const auto warnings = machine_state_warnings(std::nullopt, f, 2);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("CPU frequency scaling is on (governor performance, powersave, boost on)"),
            std::string::npos)
      << warnings[0];
}

TEST(MachineState, a_load_of_half_the_cpus_or_more_at_the_start_is_busy) {
  const FrequencyScaling none;
  EXPECT_TRUE(machine_state_warnings(LoadAverage{0.9, 0, 0}, none, 2).empty());
  const auto busy = machine_state_warnings(LoadAverage{1.0, 0, 0}, none, 2);
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_EQ(busy[0], "warning: the machine is busy: load average 1.00 over the last minute on 2 usable CPUs; "
                     "expect noisy figures");
  EXPECT_EQ(machine_state_warnings(LoadAverage{7.9, 0, 0}, none, 16).size(), 0u);
}

}  // namespace
}  // namespace qb
