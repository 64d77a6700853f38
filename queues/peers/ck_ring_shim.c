/* ck_ring's MPMC operations, compiled as C for queues/peers/ck.hpp.
 *
 * ck_ring.h (libck-dev 0.7.1) is not valid C++: _ck_ring_enqueue_reserve_mp
 * returns `false` from a function returning void *, which C accepts as a
 * null pointer and C++ rejects. So the adapter cannot include it, and calls
 * these instead: the same internal functions that CK_RING_PROTOTYPE(name,
 * type) wraps for a named type, with the slot size passed at run time. */
#include <ck_ring.h>

#include <stdbool.h>
#include <stdlib.h>

#include "queues/peers/ck_ring_shim.h"

struct ck_ring *qb_ck_ring_new(unsigned int slots)
{
	/* aligned_alloc wants a multiple of the alignment. */
	size_t bytes = (sizeof(struct ck_ring) + CK_MD_CACHELINE - 1) / CK_MD_CACHELINE * CK_MD_CACHELINE;
	struct ck_ring *ring = aligned_alloc(CK_MD_CACHELINE, bytes);

	if (ring != NULL)
		ck_ring_init(ring, slots);
	return ring;
}

void qb_ck_ring_delete(struct ck_ring *ring)
{
	free(ring);
}

bool qb_ck_ring_enqueue_mpmc(struct ck_ring *ring, void *slots, const void *entry, unsigned int size)
{
	return _ck_ring_enqueue_mp(ring, slots, entry, size, NULL);
}

bool qb_ck_ring_dequeue_mpmc(struct ck_ring *ring, const void *slots, void *out, unsigned int size)
{
	return _ck_ring_dequeue_mc(ring, slots, out, size);
}
