/* The C side of queues/peers/ck.hpp: ck_ring MPMC operations on slots of
 * `size` bytes, out of line because ck_ring.h does not compile as C++ (see
 * ck_ring_shim.c). A ring of `slots` slots (a power of two) holds slots - 1
 * items. Each call is one ck_ring operation: enqueue returns false when the
 * ring is full, dequeue when it is empty. */
#ifndef QB_CK_RING_SHIM_H
#define QB_CK_RING_SHIM_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ck_ring;

struct ck_ring *qb_ck_ring_new(unsigned int slots); /* NULL when out of memory */
void qb_ck_ring_delete(struct ck_ring *ring);
bool qb_ck_ring_enqueue_mpmc(struct ck_ring *ring, void *slots, const void *entry, unsigned int size);
bool qb_ck_ring_dequeue_mpmc(struct ck_ring *ring, const void *slots, void *out, unsigned int size);

#ifdef __cplusplus
}
#endif

#endif
