/* c_ring: the C plugin example. A bounded MPMC FIFO ring behind one pthread
 * mutex, handed to qbench through include/qbench/queue_plugin.h. Outside
 * qbench's tree it builds with
 *     cc -std=c11 -O2 -shared -fPIC -I include c_ring.c -o libc_ring.so -pthread
 * and runs with `qbench run --plugin ./libc_ring.so`. A plugin in any language
 * has the same shape: a handle behind void*, four operations, one static
 * description, one exported function.
 *
 * Invariants, all under `lock`: the ring holds `count` items, the oldest in
 * slot `head`, the next in slot (head + 1) % capacity, and so on; each slot
 * is item_size bytes of `slots`.
 * Progress: try_push and try_pop are blocking (a preempted lock holder stalls
 * every other thread), but neither ever waits for space or for an item. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbench/queue_plugin.h"

typedef struct c_ring {
  pthread_mutex_t lock;
  size_t capacity, item_size; /* fixed by create */
  size_t head, count;          /* read and written under lock */
  unsigned char slots[]; /* capacity * item_size bytes */
} c_ring;

/* The widest item qbench moves; check_capacity does not know the item size,
 * so it refuses any capacity whose slots would overflow at this one. */
#define C_RING_MAX_ITEM 256u

static int check_capacity(size_t capacity, char* error, size_t error_size) {
  if (capacity == 0) {
    snprintf(error, error_size, "c_mutex_ring needs a capacity of at least 1");
    return 1;
  }
  if (capacity > (SIZE_MAX - sizeof(c_ring)) / C_RING_MAX_ITEM) {
    snprintf(error, error_size, "c_mutex_ring capacity %zu is too large to allocate", capacity);
    return 1;
  }
  return 0;
}

static void* create(size_t capacity, size_t item_size, char* error, size_t error_size) {
  if (check_capacity(capacity, error, error_size) != 0) return NULL;
  c_ring* ring = malloc(sizeof(c_ring) + capacity * item_size);
  if (ring == NULL || pthread_mutex_init(&ring->lock, NULL) != 0) {
    free(ring);
    snprintf(error, error_size, "c_mutex_ring: cannot allocate a ring of %zu items", capacity);
    return NULL;
  }
  ring->capacity = capacity;
  ring->item_size = item_size;
  ring->head = 0;
  ring->count = 0;
  return ring;
}

static void destroy(void* queue) {
  c_ring* ring = queue;
  pthread_mutex_destroy(&ring->lock);
  free(ring);
}

static unsigned char* slot(c_ring* ring, size_t index) {
  return ring->slots + (index % ring->capacity) * ring->item_size;
}

/* Full and empty return 0 at once: waiting is qbench's job, not ours. */
static int try_push(void* queue, const void* item) {
  c_ring* ring = queue;
  int pushed = 0;
  pthread_mutex_lock(&ring->lock);
  if (ring->count < ring->capacity) {
    memcpy(slot(ring, ring->head + ring->count), item, ring->item_size);
    ring->count++;
    pushed = 1;
  }
  pthread_mutex_unlock(&ring->lock);
  return pushed;
}

static int try_pop(void* queue, void* item) {
  c_ring* ring = queue;
  int popped = 0;
  pthread_mutex_lock(&ring->lock);
  if (ring->count > 0) {
    memcpy(item, slot(ring, ring->head), ring->item_size);
    ring->head = (ring->head + 1) % ring->capacity;
    ring->count--;
    popped = 1;
  }
  pthread_mutex_unlock(&ring->lock);
  return popped;
}

static const qbench_queue_ops c_ring_ops = {
    .name = "c_mutex_ring",
    .bounded = 1,
    .producers = QBENCH_MANY,
    .consumers = QBENCH_MANY,
    .progress = QBENCH_PROGRESS_BLOCKING,
    .order = QBENCH_ORDER_FIFO,
    .capacity_required = 1,
    .default_capacity = 1024,
    .item_sizes = QBENCH_ITEM_ANY, /* stores item_size bytes per slot, whatever it is */
    .create = create,
    .destroy = destroy,
    .try_push = try_push,
    .try_pop = try_pop,
    .check_capacity = check_capacity,
};

static const qbench_plugin c_ring_plugin = {
    .abi_version = QBENCH_PLUGIN_ABI_VERSION,
    .version = "c_ring example 1",
    .queue_count = 1,
    .queues = &c_ring_ops,
};

/* The one exported symbol; everything above is static. */
const qbench_plugin* qbench_plugin_describe(void) { return &c_ring_plugin; }
