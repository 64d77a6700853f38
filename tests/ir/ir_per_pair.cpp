// ir_per_pair: the single-thread instruction cost of one registered queue,
// for callgrind. One thread pushes an 8-byte item and pops it back, N times,
// after a warm-up of 10k such pairs (the first blocks, pages and lazy paths).
// scripts/ir_per_pair.sh runs it under callgrind at two N and divides the
// difference of the totals by the difference of N, which cancels start-up,
// construction and the warm-up: what is left is instructions per pair.
//
//   ir_per_pair --list          every registered queue: name TAB class
//   ir_per_pair NAME N          warm-up, then N pairs through NAME
//
// Not a test: wall-clock numbers from it mean little, and it checks only that
// each push and pop succeeds (exit 1 otherwise; exit 2 on bad arguments).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "harness/run/payload.hpp"
#include "queues/registry.hpp"

namespace {

using Item = qb::Payload<8>;
using Registered = qb::apply_registry<std::tuple, Item>;

constexpr unsigned long kWarmUpPairs = 10'000;

// The size qb_micro gives each queue (harness/bench/queue_ops.cpp): a ring's
// own default where it names one, else 1024 where a capacity is needed.
template <class Q>
std::size_t capacity_for() {
  if constexpr (requires { Q::kDefaultCapacity; }) {
    return Q::kDefaultCapacity;
  } else {
    return Q::traits.bounded || Q::traits.capacity_required ? 1024 : 0;
  }
}

// "bounded MPMC", "unbounded SPSC", ...: the class a queue is compared within.
std::string class_of(const qb::QueueTraits& t) {
  std::string c = t.bounded ? "bounded " : "unbounded ";
  c += t.producers == qb::Multiplicity::many ? "MP" : "SP";
  c += t.consumers == qb::Multiplicity::many ? "MC" : "SC";
  return c;
}

// noinline, so that callgrind_annotate shows the queue's code under this one
// frame, and the loop is the same code for every queue.
template <class Q>
__attribute__((noinline)) bool pairs(Q& q, unsigned long n, std::uint64_t& sum) {
  for (unsigned long i = 0; i < n; ++i) {
    if (!q.try_push(Item{i})) return false;
    Item out;
    if (!q.try_pop(out)) return false;
    sum += out.tag;
  }
  return true;
}

template <class Q>
int run(unsigned long n) {
  Q q(capacity_for<Q>());
  std::uint64_t sum = 0;
  if (!pairs(q, kWarmUpPairs, sum) || !pairs(q, n, sum)) {
    std::fprintf(stderr, "ir_per_pair: %s refused a push or a pop on one thread\n",
                 std::string(Q::traits.name).c_str());
    return 1;
  }
  std::printf("%llu\n", static_cast<unsigned long long>(sum));  // keeps the pops alive
  return 0;
}

template <std::size_t... I>
int dispatch(std::string_view name, unsigned long n, std::index_sequence<I...>) {
  int rc = 2;
  bool found = false;
  auto one = [&](auto tag) {
    using Q = typename decltype(tag)::type;
    if (found || Q::traits.name != name) return;
    found = true;
    rc = run<Q>(n);
  };
  (one(std::type_identity<std::tuple_element_t<I, Registered>>{}), ...);
  if (!found) std::fprintf(stderr, "ir_per_pair: no registered queue named '%.*s'\n",
                           static_cast<int>(name.size()), name.data());
  return rc;
}

template <std::size_t... I>
void list(std::index_sequence<I...>) {
  auto one = [](auto tag) {
    using Q = typename decltype(tag)::type;
    std::printf("%s\t%s\n", std::string(Q::traits.name).c_str(), class_of(Q::traits).c_str());
  };
  (one(std::type_identity<std::tuple_element_t<I, Registered>>{}), ...);
}

}  // namespace

int main(int argc, char** argv) {
  constexpr auto kAll = std::make_index_sequence<std::tuple_size_v<Registered>>();
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    list(kAll);
    return 0;
  }
  char* end = nullptr;
  const unsigned long n = argc == 3 ? std::strtoul(argv[2], &end, 10) : 0;
  if (argc != 3 || end == argv[2] || *end != '\0') {
    std::fprintf(stderr, "usage: ir_per_pair --list | ir_per_pair NAME PAIRS\n");
    return 2;
  }
  return dispatch(argv[1], n, kAll);
}
