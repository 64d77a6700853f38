// The malformed plugins, one library per mistake, for the loader's error
// paths: qbench must refuse each with one line naming the mistake and exit 2,
// before any run. One source; tests/plugins/CMakeLists.txt builds it once per
// variant with one of these defined:
//   QB_BAD_NO_ENTRY    libqb_test_no_entry.so: no qbench_plugin_describe at all;
//   QB_BAD_ABI99       libqb_test_abi99.so: abi_version 99;
//   QB_BAD_CLASH       libqb_test_clash.so: a queue named sequence_ring, qbench's own;
//   QB_BAD_TRAITS      libqb_test_bad_traits.so: progress 7, no such value;
//   QB_BAD_SIZES       libqb_test_bad_sizes.so: item_sizes 0x8, a size qbench does not move;
//   QB_BAD_NAME        libqb_test_bad_name.so: a queue named "Bad Name!".
// Everything else is a working mutex ring, so the one mistake is all there is
// to refuse.
#include <cstdint>

#include "mutex_ring.hpp"

namespace {

constexpr std::uint32_t kAbiVersion =
#ifdef QB_BAD_ABI99
    99;
#else
    QBENCH_PLUGIN_ABI_VERSION;
#endif

constexpr qbench_queue_ops bad_ops() {
#if defined(QB_BAD_CLASH)
  auto ops = qb::test_plugin::mutex_ring_ops("sequence_ring");
#elif defined(QB_BAD_NAME)
  auto ops = qb::test_plugin::mutex_ring_ops("Bad Name!");
#else
  auto ops = qb::test_plugin::mutex_ring_ops("bad_plugin_ring");
#endif
#ifdef QB_BAD_TRAITS
  ops.progress = 7;
#endif
#ifdef QB_BAD_SIZES
  ops.item_sizes = 0x8;
#endif
  return ops;
}

constexpr qbench_queue_ops kOps = bad_ops();

constexpr qbench_plugin kPlugin{
    .abi_version = kAbiVersion,
    .version = "qbench test plugin: malformed 1",
    .queue_count = 1,
    .queues = &kOps,
};

}  // namespace

#ifdef QB_BAD_NO_ENTRY
// A plausible near-miss of the entry point's name, so the library is not
// empty and the refusal is for the missing symbol alone.
QB_TEST_PLUGIN_EXPORT const qbench_plugin* qbench_describe_plugin(void) { return &kPlugin; }
#else
QB_TEST_PLUGIN_EXPORT const qbench_plugin* qbench_plugin_describe(void) { return &kPlugin; }
#endif
