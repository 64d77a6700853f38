// Single-thread cost of mpsc_elastic against the MPMC rings: push+pop pairs
// of an 8-byte item, 10k pairs of warm-up, then N pairs.
//   elastic_ir QUEUE N     QUEUE: mpsc_elastic | sequence_ring | xenium_vyukov_bounded
// elastic_ir.sh runs it under callgrind at two N and takes the difference.
// Capacities are qbench's defaults: 0 (the default elastic config: 1024 to
// 65536) for mpsc_elastic, 1024 for the rings.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "harness/run/payload.hpp"
#include "queues/mpsc_elastic.hpp"
#include "queues/sequence_ring.hpp"
#include "queues/peers/xenium.hpp"

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

template <class Q>
int run(std::size_t capacity, unsigned long n) {
  Q q(capacity);
  pairs(q, 10000);  // warm-up
  std::printf("%lu\n", pairs(q, n));
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const unsigned long n = std::strtoul(argv[2], nullptr, 10);
  if (std::strcmp(argv[1], "mpsc_elastic") == 0) return run<qb::MpscElastic<qb::Payload<8>>>(0, n);
  if (std::strcmp(argv[1], "sequence_ring") == 0) return run<qb::SequenceRing<qb::Payload<8>>>(1024, n);
  if (std::strcmp(argv[1], "xenium_vyukov_bounded") == 0) {
    return run<qb::XeniumVyukovBounded<qb::Payload<8>>>(1024, n);
  }
  return 2;
}
