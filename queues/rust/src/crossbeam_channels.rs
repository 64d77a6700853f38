//! crossbeam-channel's channels through try_send and try_recv.
//!
//! Invariant: a `Channel` holds both ends for its whole life, so the channel
//! is never disconnected: try_send fails only when the channel is full,
//! try_recv only when it is empty.
//!
//! bounded(cap) is the array flavour, the same stamped ring as ArrayQueue: a
//! receiver reaching a slot whose sender claimed it but has not yet stamped
//! it snoozes until it is stamped, so a stalled sender stalls it:
//! SLOT_BLOCKING. bounded(0) would be the zero flavour, a rendezvous where
//! try_send fails unless a receiver is already waiting in recv, which qbench
//! never does; so capacity 0 is refused.
//! unbounded() is the list flavour, SegQueue's blocks of slots, with the
//! same slot wait: SLOT_BLOCKING.
//! Progress: try_push and try_pop slot-blocking; each also checks the other
//! side's waker (one atomic load while no thread blocks in send or recv,
//! which qbench never does). The list flavour allocates a block every 31
//! sends.

use crossbeam_channel::{Receiver, Sender};

use crate::abi;
use crate::adapter::{Family, Fifo, Item256, Item64, Item8, Traits};

struct Channel<T> {
    sender: Sender<T>,
    receiver: Receiver<T>,
}

impl<T> Channel<T> {
    fn new((sender, receiver): (Sender<T>, Receiver<T>)) -> Self {
        Channel { sender, receiver }
    }
    fn try_push(&self, item: T) -> bool {
        self.sender.try_send(item).is_ok()
    }
    fn try_pop(&self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}

pub struct BoundedChannel<T>(Channel<T>);

impl<T: Send> Fifo<T> for BoundedChannel<T> {
    fn with_capacity(capacity: usize) -> Self {
        BoundedChannel(Channel::new(crossbeam_channel::bounded(capacity)))
    }
    fn try_push(&self, item: T) -> bool {
        self.0.try_push(item)
    }
    fn try_pop(&self) -> Option<T> {
        self.0.try_pop()
    }
}

pub struct BoundedChannelFamily;

impl Family for BoundedChannelFamily {
    const TRAITS: Traits = Traits {
        name: b"crossbeam_channel_bounded\0",
        bounded: true,
        producers: abi::MANY,
        consumers: abi::MANY,
        progress: abi::PROGRESS_SLOT_BLOCKING,
        order: abi::ORDER_FIFO,
        zero_capacity: Some(
            "bounded(0) is a rendezvous channel (try_send fails unless a receiver waits)",
        ),
        default_capacity: 1024,
    };
    type Q8 = BoundedChannel<Item8>;
    type Q64 = BoundedChannel<Item64>;
    type Q256 = BoundedChannel<Item256>;
}

pub struct UnboundedChannel<T>(Channel<T>);

impl<T: Send> Fifo<T> for UnboundedChannel<T> {
    fn with_capacity(_capacity: usize) -> Self {
        UnboundedChannel(Channel::new(crossbeam_channel::unbounded()))
    }
    fn try_push(&self, item: T) -> bool {
        self.0.try_push(item)
    }
    fn try_pop(&self) -> Option<T> {
        self.0.try_pop()
    }
}

pub struct UnboundedChannelFamily;

impl Family for UnboundedChannelFamily {
    const TRAITS: Traits = Traits {
        name: b"crossbeam_channel_unbounded\0",
        bounded: false,
        producers: abi::MANY,
        consumers: abi::MANY,
        progress: abi::PROGRESS_SLOT_BLOCKING,
        order: abi::ORDER_FIFO,
        zero_capacity: None,
        default_capacity: 0,
    };
    type Q8 = UnboundedChannel<Item8>;
    type Q64 = UnboundedChannel<Item64>;
    type Q256 = UnboundedChannel<Item256>;
}
