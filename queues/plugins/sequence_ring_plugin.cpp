// sequence_ring_plugin: qb::SequenceRing, the ring qbench builds in as
// `sequence_ring`, exposed through the C ABI (include/qbench/queue_plugin.h)
// as `sequence_ring_plugin`. Run beside the built-in one, the difference is
// what the plugin boundary costs: the same ring, the same items, the same
// traits, reached through a function pointer instead of inlined.
//
// So the call path is kept as thin as the ABI allows. A plugin queue has one
// name and so one qbench_queue_ops for every item size; each handle therefore
// starts with its item size, and try_push/try_pop switch on it. Per call:
//   - one indirect call from qbench (the ops table's function pointer), which
//     also stops qbench from inlining the ring into its loop;
//   - one load of the handle's item_size and a switch whose branch is always
//     taken the same way for a queue (predicted after the first few calls);
//   - one copy of the item between qbench's buffer and a local (the ring
//     takes a T&&; for a trivially copyable T the compiler usually folds it
//     into the copy into the cell).
// The alternative, a per-queue vtable in the handle, costs a second,
// dependent indirect call instead of the predicted branch, and hides the
// ring's code behind it, so the switch is the thinner of the two.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <utility>

#include "qbench/queue_plugin.h"
#include "queues/sequence_ring.hpp"

namespace {

// Plain bytes with the alignment of qbench's own payloads (harness/run/payload.hpp:
// uint64_t words), so a cell has the same layout as the built-in ring's.
template <std::size_t kBytes>
struct alignas(8) Bytes {
  unsigned char data[kBytes];
};
static_assert(sizeof(Bytes<8>) == 8 && sizeof(Bytes<64>) == 64 && sizeof(Bytes<256>) == 256);

template <std::size_t kBytes>
using Ring = qb::SequenceRing<Bytes<kBytes>>;

// What every handle starts with: try_push and try_pop read item_size to find
// the ring's type. Written once by create, read-only afterwards.
struct Handle {
  std::size_t item_size;
};

template <std::size_t kBytes>
struct Box : Handle {
  explicit Box(std::size_t capacity) : Handle{kBytes}, ring(capacity) {}
  Ring<kBytes> ring;
};

void write_error(char* error, std::size_t error_size, const char* message) noexcept {
  if (error != nullptr && error_size > 0) std::snprintf(error, error_size, "%s", message);
}

// Exceptions stop here: the constructor's std::invalid_argument (the same text
// check_capacity gives) and std::bad_alloc become NULL and a reason.
template <std::size_t kBytes>
void* create_box(std::size_t capacity, char* error, std::size_t error_size) noexcept {
  try {
    return static_cast<Handle*>(new Box<kBytes>(capacity));
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return nullptr;
  }
}

void* create(std::size_t capacity, std::size_t item_size, char* error,
             std::size_t error_size) noexcept {
  switch (item_size) {
    case 8: return create_box<8>(capacity, error, error_size);
    case 64: return create_box<64>(capacity, error, error_size);
    case 256: return create_box<256>(capacity, error, error_size);
  }
  // qbench only asks for sizes the mask names; this is for other hosts.
  write_error(error, error_size, "sequence_ring_plugin moves 8-, 64- and 256-byte items only");
  return nullptr;
}

void destroy(void* queue) noexcept {
  auto* handle = static_cast<Handle*>(queue);
  switch (handle->item_size) {
    case 8: delete static_cast<Box<8>*>(handle); break;
    case 64: delete static_cast<Box<64>*>(handle); break;
    case 256: delete static_cast<Box<256>*>(handle); break;
  }
}

// noexcept on the hot calls: SequenceRing's try_push and try_pop throw nothing
// for a trivially copyable T, and were one to, terminate() (abort) is what
// the ABI asks for rather than unwinding into qbench; a try block would cost
// nothing either, but would have no honest answer to return.
template <std::size_t kBytes>
int push_as(Handle* handle, const void* item) noexcept {
  Bytes<kBytes> value;
  std::memcpy(&value, item, kBytes);
  return static_cast<Box<kBytes>*>(handle)->ring.try_push(std::move(value)) ? 1 : 0;
}

template <std::size_t kBytes>
int pop_as(Handle* handle, void* item) noexcept {
  Bytes<kBytes> value;
  if (!static_cast<Box<kBytes>*>(handle)->ring.try_pop(value)) return 0;
  std::memcpy(item, &value, kBytes);
  return 1;
}

int try_push(void* queue, const void* item) noexcept {
  auto* handle = static_cast<Handle*>(queue);
  switch (handle->item_size) {
    case 8: return push_as<8>(handle, item);
    case 64: return push_as<64>(handle, item);
    default: return push_as<256>(handle, item);  // create made no other size
  }
}

int try_pop(void* queue, void* item) noexcept {
  auto* handle = static_cast<Handle*>(queue);
  switch (handle->item_size) {
    case 8: return pop_as<8>(handle, item);
    case 64: return pop_as<64>(handle, item);
    default: return pop_as<256>(handle, item);
  }
}

// Word for word what SequenceRing::check_capacity says: its message is copied,
// not restated, so the two cannot drift apart.
int check_capacity(std::size_t capacity, char* error, std::size_t error_size) noexcept {
  try {
    Ring<8>::check_capacity(capacity);
    return 0;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return 1;
  }
}

constexpr int to_abi(qb::Multiplicity m) { return m == qb::Multiplicity::one ? QBENCH_ONE : QBENCH_MANY; }

constexpr int to_abi(qb::Progress p) {
  switch (p) {
    case qb::Progress::blocking: return QBENCH_PROGRESS_BLOCKING;
    case qb::Progress::slot_blocking: return QBENCH_PROGRESS_SLOT_BLOCKING;
    case qb::Progress::lock_free: return QBENCH_PROGRESS_LOCK_FREE;
    case qb::Progress::wait_free: return QBENCH_PROGRESS_WAIT_FREE;
  }
  return -1;  // an enumerator added to queue.hpp and not here: see the static_assert
}

constexpr int to_abi(qb::Order o) {
  switch (o) {
    case qb::Order::fifo: return QBENCH_ORDER_FIFO;
    case qb::Order::per_producer_fifo: return QBENCH_ORDER_PER_PRODUCER_FIFO;
    case qb::Order::none: return QBENCH_ORDER_NONE;
  }
  return -1;
}

// The traits do not depend on the item type; read them from one instantiation.
constexpr qb::QueueTraits kTraits = Ring<8>::traits;
// qbench's default for a queue that requires a capacity and names none
// (queues/queue.hpp's kDefaultCapacity), so both rings run at the same size.
constexpr std::size_t kDefaultCapacity = 1024;

constexpr qbench_queue_ops kOps{
    .name = "sequence_ring_plugin",
    .bounded = kTraits.bounded ? 1 : 0,
    .producers = to_abi(kTraits.producers),
    .consumers = to_abi(kTraits.consumers),
    .progress = to_abi(kTraits.progress),
    .order = to_abi(kTraits.order),
    .capacity_required = kTraits.capacity_required ? 1 : 0,
    .default_capacity = kDefaultCapacity,
    .item_sizes = QBENCH_ITEM_ANY,
    .create = create,
    .destroy = destroy,
    .try_push = try_push,
    .try_pop = try_pop,
    .check_capacity = check_capacity,
};
static_assert(kOps.progress >= 0 && kOps.order >= 0, "a qb::Progress or qb::Order with no ABI value");

constexpr qbench_plugin kPlugin{
    .abi_version = QBENCH_PLUGIN_ABI_VERSION,
    .version = "qbench example plugin 1",
    .queue_count = 1,
    .queues = &kOps,
};

}  // namespace

// The one exported symbol: the library is built with hidden visibility (see
// CMakeLists.txt), so the ring's inline code cannot be interposed by, or
// interpose, qbench's own instantiations of the same templates.
extern "C" __attribute__((visibility("default"))) const qbench_plugin* qbench_plugin_describe(void) {
  return &kPlugin;
}
