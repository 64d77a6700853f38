/* qbench's queue plugin ABI, version 1: how a shared library written in any
 * language hands qbench its queues. This header is the whole contract; it
 * includes nothing of qbench's and may be copied into a plugin's own tree.
 *
 * A plugin exports one function with C linkage,
 *
 *     const qbench_plugin* qbench_plugin_describe(void);
 *
 * which returns a pointer to static data that lives as long as the library
 * is loaded. `qbench run --plugin PATH` (or a scenario file's "plugins" key)
 * dlopens PATH, calls it once, checks what it returns (abi_version first: a
 * plugin built against another version of this header is refused with both
 * versions named) and registers each queue beside qbench's own. They then run
 * through the same timeline, validation, process isolation and timeouts: a
 * queue that crashes or hangs fails its point, not the sweep.
 *
 * The rules a plugin follows:
 *  - try_push and try_pop never wait, never retry, never sleep: waiting and
 *    backoff are qbench's, so every queue waits the same way. try_push copies
 *    item_size bytes from `item` and returns 1, or returns 0 when the queue
 *    is full (only a bounded queue may); try_pop copies item_size bytes into
 *    `item` and returns 1, or returns 0 when the queue is empty. Items are
 *    plain bytes: keep no pointer into `item` after the call returns.
 *  - They are called concurrently by as many threads as the traits allow
 *    (producers and consumers). create, destroy and check_capacity are called
 *    with no other call on that queue in flight.
 *  - create(capacity, item_size, error, error_size): a bounded queue holds
 *    `capacity` items; an unbounded one takes it as an optional cap (0: none)
 *    or ignores it. On a capacity or item size it refuses, create returns
 *    NULL and writes a one-line reason (NUL-terminated, at most error_size
 *    bytes) into `error`. item_size is always one the queue's item_sizes
 *    mask names.
 *  - check_capacity may be NULL; when given, it answers what create would
 *    without allocating (0: accepted; otherwise the reason in `error`), so
 *    qbench can refuse a bad --capacity in one line before any run.
 *  - Nothing unwinds across this boundary: no C++ exception, no Rust panic
 *    (build Rust plugins with panic = "abort"), no longjmp.
 *  - Names are 1-64 characters of [a-z0-9_], starting with a letter, and
 *    must not clash with any other queue qbench knows.
 */
#ifndef QBENCH_QUEUE_PLUGIN_H
#define QBENCH_QUEUE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever a layout or a rule below changes; qbench loads only
 * plugins that report the version it was built with. */
#define QBENCH_PLUGIN_ABI_VERSION 1u

/* producers, consumers: how many threads may push (pop) at once. */
#define QBENCH_ONE 0
#define QBENCH_MANY 1

/* progress: what a stalled thread does to the others.
 *   BLOCKING: a lock; a stalled lock holder stalls everyone.
 *   SLOT_BLOCKING: no lock, but a thread stalled between claiming a slot and
 *     finishing it stalls the peer that needs that slot (the Vyukov ring,
 *     crossbeam's SegQueue).
 *   LOCK_FREE: some thread always completes in a bounded number of steps.
 *   WAIT_FREE: every thread does. */
#define QBENCH_PROGRESS_BLOCKING 0
#define QBENCH_PROGRESS_SLOT_BLOCKING 1
#define QBENCH_PROGRESS_LOCK_FREE 2
#define QBENCH_PROGRESS_WAIT_FREE 3

/* order: what a consumer may assume of the order of the items it pops;
 * qbench checks per-producer order for FIFO and PER_PRODUCER_FIFO.
 *   FIFO: linearizable FIFO.
 *   PER_PRODUCER_FIFO: only one producer's items keep their push order.
 *   NONE: no order promised. */
#define QBENCH_ORDER_FIFO 0
#define QBENCH_ORDER_PER_PRODUCER_FIFO 1
#define QBENCH_ORDER_NONE 2

/* item_sizes: which of qbench's item sizes (bytes) the queue moves, a mask;
 * a point at a size the queue does not take is skipped with that reason. */
#define QBENCH_ITEM_8 0x1u
#define QBENCH_ITEM_64 0x2u
#define QBENCH_ITEM_256 0x4u
#define QBENCH_ITEM_ANY (QBENCH_ITEM_8 | QBENCH_ITEM_64 | QBENCH_ITEM_256)

typedef struct qbench_queue_ops {
  const char* name;           /* see the naming rule above */
  int bounded;                /* 0 or 1: try_push can fail because it is full */
  int producers;              /* QBENCH_ONE or QBENCH_MANY */
  int consumers;              /* QBENCH_ONE or QBENCH_MANY */
  int progress;               /* QBENCH_PROGRESS_* */
  int order;                  /* QBENCH_ORDER_* */
  int capacity_required;      /* 0 or 1: create refuses capacity 0 */
  size_t default_capacity;    /* the capacity used when the user gives none;
                                 0 (none) only when capacity_required is 0 */
  uint32_t item_sizes;        /* QBENCH_ITEM_* mask, not 0 */
  void* (*create)(size_t capacity, size_t item_size, char* error, size_t error_size);
  void (*destroy)(void* queue);
  int (*try_push)(void* queue, const void* item);
  int (*try_pop)(void* queue, void* item);
  int (*check_capacity)(size_t capacity, char* error, size_t error_size); /* may be NULL */
} qbench_queue_ops;

typedef struct qbench_plugin {
  uint32_t abi_version;       /* QBENCH_PLUGIN_ABI_VERSION, first so any version can read it */
  const char* version;        /* the plugin's own version, recorded in every results file */
  size_t queue_count;         /* 1 or more */
  const qbench_queue_ops* queues;
} qbench_plugin;

typedef const qbench_plugin* (*qbench_plugin_describe_fn)(void);
#define QBENCH_PLUGIN_ENTRY_POINT "qbench_plugin_describe"

#ifdef __cplusplus
}
#endif

#endif /* QBENCH_QUEUE_PLUGIN_H */
