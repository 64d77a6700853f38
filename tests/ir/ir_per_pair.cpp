// ir_per_pair: the single-thread instruction cost of one registered queue,
// for callgrind. One thread pushes an 8-byte item and pops it back, N times,
// after a warm-up of 10k such pairs (the first blocks, pages and lazy paths).
// scripts/ir_per_pair.sh runs it under callgrind at two N and divides the
// difference of the totals by the difference of N, which cancels start-up,
// construction and the warm-up: what is left is instructions per pair.
//
//   ir_per_pair --list          every registered queue: name TAB class TAB
//                               bulk (a qb::BulkQueue) or single
//   ir_per_pair NAME N          warm-up, then N pairs through NAME
//   ir_per_pair NAME N BATCH    the same N items through NAME's bulk calls,
//                               BATCH a call: N / BATCH rounds of a
//                               try_push_bulk of BATCH items and the
//                               try_pop_bulk calls that take them back
//
// Not a test: wall-clock numbers from it mean little, and it checks only that
// each push and pop succeeds (exit 1 otherwise; exit 2 on bad arguments, or
// a BATCH for a queue without bulk calls).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

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

// n items (a whole number of rounds) in rounds of `batch`: one bulk push of
// the round (a ring with less room takes the rest in later calls) and the
// bulk pops that take it back (a segmented pop stops at its block's end).
template <class Q>
__attribute__((noinline)) bool rounds(Q& q, unsigned long n, std::size_t batch, std::uint64_t& sum) {
  if constexpr (qb::BulkQueue<Q>) {
    std::vector<Item> in(batch), out(batch);
    for (unsigned long first = 0; first + batch <= n; first += batch) {
      for (std::size_t i = 0; i < batch; ++i) in[i] = Item{first + i};
      for (std::size_t pushed = 0, popped = 0; popped < batch;) {
        const std::size_t k = pushed < batch ? q.try_push_bulk(in.data() + pushed, batch - pushed) : 0;
        const std::size_t got = q.try_pop_bulk(out.data(), batch - popped);
        if (k == 0 && got == 0) return false;
        pushed += k;
        popped += got;
        for (std::size_t i = 0; i < got; ++i) sum += out[i].tag;
      }
    }
    return true;
  } else {
    return false;
  }
}

template <class Q>
int run(unsigned long n, std::size_t batch) {
  Q q(capacity_for<Q>());
  std::uint64_t sum = 0;
  if constexpr (!qb::BulkQueue<Q>) {
    if (batch != 0) {
      std::fprintf(stderr, "ir_per_pair: %s has no bulk calls (qb::BulkQueue)\n", std::string(Q::traits.name).c_str());
      return 2;
    }
  }
  const bool ok = batch == 0 ? pairs(q, kWarmUpPairs, sum) && pairs(q, n, sum)
                             : rounds(q, kWarmUpPairs, batch, sum) && rounds(q, n, batch, sum);
  if (!ok) {
    std::fprintf(stderr, "ir_per_pair: %s refused a push or a pop on one thread\n",
                 std::string(Q::traits.name).c_str());
    return 1;
  }
  std::printf("%llu\n", static_cast<unsigned long long>(sum));  // keeps the pops alive
  return 0;
}

template <std::size_t... I>
int dispatch(std::string_view name, unsigned long n, std::size_t batch, std::index_sequence<I...>) {
  int rc = 2;
  bool found = false;
  auto one = [&](auto tag) {
    using Q = typename decltype(tag)::type;
    if (found || Q::traits.name != name) return;
    found = true;
    rc = run<Q>(n, batch);
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
    std::printf("%s\t%s\t%s\n", std::string(Q::traits.name).c_str(), class_of(Q::traits).c_str(),
                qb::BulkQueue<Q> ? "bulk" : "single");
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
  // A whole decimal number and nothing else.
  auto number = [](const char* word, unsigned long& value) {
    char* end = nullptr;
    value = std::strtoul(word, &end, 10);
    return end != word && *end == '\0';
  };
  unsigned long n = 0, batch = 0;
  if ((argc != 3 && argc != 4) || !number(argv[2], n) || (argc == 4 && (!number(argv[3], batch) || batch == 0))) {
    std::fprintf(stderr, "usage: ir_per_pair --list | ir_per_pair NAME PAIRS [BATCH]\n");
    return 2;
  }
  return dispatch(argv[1], n, batch, kAll);
}
