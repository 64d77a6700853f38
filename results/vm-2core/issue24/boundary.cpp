// The C ABI's cost on one thread: push+pop pairs of an 8-byte item through
// qb::SequenceRing built in, and through the same ring behind the plugin ABI
// (queues/plugins/sequence_ring_plugin.cpp, loaded as qbench loads it, called
// through qb::PluginQueue, the adapter every plugin run uses).
//   boundary builtin N | boundary plugin N PLUGIN.so
// measure.sh runs it under callgrind at two N and takes the difference.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "harness/payload.hpp"
#include "harness/plugins/plugin_queue.hpp"
#include "queues/sequence_ring.hpp"

template <class Q>
__attribute__((noinline)) unsigned long pairs(Q& q, unsigned long n) {
  unsigned long sum = 0;
  for (unsigned long i = 0; i < n; ++i) {
    q.try_push(qb::Payload<8>{i});
    qb::Payload<8> out;
    q.try_pop(out);
    sum += out.tag;
  }
  return sum;
}

int main(int argc, char** argv) {
  const unsigned long n = std::strtoul(argv[2], nullptr, 10);
  if (std::strcmp(argv[1], "builtin") == 0) {
    qb::SequenceRing<qb::Payload<8>> q(1024);
    pairs(q, 10000);  // warm-up
    std::printf("%lu\n", pairs(q, n));
    return 0;
  }
  void* h = dlopen(argv[3], RTLD_NOW | RTLD_LOCAL);
  auto describe = reinterpret_cast<qbench_plugin_describe_fn>(dlsym(h, QBENCH_PLUGIN_ENTRY_POINT));
  const qbench_queue_ops* ops = &describe()->queues[0];
  qb::PluginQueue<qb::Payload<8>>::bind(ops, qb::QueueTraits{});
  qb::PluginQueue<qb::Payload<8>> q(1024);
  pairs(q, 10000);
  std::printf("%lu\n", pairs(q, n));
  return 0;
}
