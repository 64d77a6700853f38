//! crossbeam-queue's two queues, used as they are.
//!
//! SegQueue: an unbounded linked list of 31-slot blocks; a push claims a
//! slot by moving the tail index, then writes it and marks it written; a pop
//! that reaches a claimed slot not yet marked spins until it is, so a pusher
//! stalled between claim and mark stalls that popper: SLOT_BLOCKING.
//! Progress: try_push slot-blocking (and allocates a block every 31 pushes);
//! try_pop slot-blocking.
//!
//! ArrayQueue: a fixed ring of `capacity` slots, each with a stamp; "if the
//! stamp equals the tail, this slot will be next written to" (crossbeam's
//! invariant), and a pop spins on a slot whose stamp a stalled pusher has
//! not yet advanced: SLOT_BLOCKING, as crossbeam's Vyukov ring is.
//! Progress: try_push and try_pop slot-blocking, no allocation.

use crossbeam_queue::{ArrayQueue, SegQueue};

use crate::abi;
use crate::adapter::{Family, Fifo, Item256, Item64, Item8, Traits};

impl<T: Send> Fifo<T> for SegQueue<T> {
    fn with_capacity(_capacity: usize) -> Self {
        SegQueue::new()
    }
    fn try_push(&self, item: T) -> bool {
        self.push(item);
        true
    }
    fn try_pop(&self) -> Option<T> {
        self.pop()
    }
}

pub struct SegQueueFamily;

impl Family for SegQueueFamily {
    const TRAITS: Traits = Traits {
        name: b"crossbeam_seg_queue\0",
        bounded: false,
        producers: abi::MANY,
        consumers: abi::MANY,
        progress: abi::PROGRESS_SLOT_BLOCKING,
        order: abi::ORDER_FIFO,
        zero_capacity: None,
        default_capacity: 0,
    };
    type Q8 = SegQueue<Item8>;
    type Q64 = SegQueue<Item64>;
    type Q256 = SegQueue<Item256>;
}

impl<T: Send> Fifo<T> for ArrayQueue<T> {
    fn with_capacity(capacity: usize) -> Self {
        ArrayQueue::new(capacity)
    }
    fn try_push(&self, item: T) -> bool {
        self.push(item).is_ok()
    }
    fn try_pop(&self) -> Option<T> {
        self.pop()
    }
}

pub struct ArrayQueueFamily;

impl Family for ArrayQueueFamily {
    const TRAITS: Traits = Traits {
        name: b"crossbeam_array_queue\0",
        bounded: true,
        producers: abi::MANY,
        consumers: abi::MANY,
        progress: abi::PROGRESS_SLOT_BLOCKING,
        order: abi::ORDER_FIFO,
        zero_capacity: Some("ArrayQueue holds at least one item (ArrayQueue::new(0) panics)"),
        default_capacity: 1024,
    };
    type Q8 = ArrayQueue<Item8>;
    type Q64 = ArrayQueue<Item64>;
    type Q256 = ArrayQueue<Item256>;
}
