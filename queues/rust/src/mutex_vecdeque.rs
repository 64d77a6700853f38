//! std's Mutex around a VecDeque: the seeds' baseline, the queue every
//! Rust program starts with.
//!
//! Invariant: the VecDeque, touched only under the lock, holds the pushed
//! and not yet popped items in push order. Unbounded; the capacity is
//! ignored (qbench's capacity means a bound, and this queue has none).
//! Progress: try_push and try_pop blocking (a stalled lock holder stalls
//! everyone); try_push allocates when the deque grows (amortised, and never
//! again once it has reached the run's largest backlog).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::abi;
use crate::adapter::{Family, Fifo, Item256, Item64, Item8, Traits};

pub struct MutexVecDeque<T>(Mutex<VecDeque<T>>);

impl<T> MutexVecDeque<T> {
    /// A poisoned lock cannot happen under panic = "abort" (the panic that
    /// would poison it ends the process first); taking the guard anyway keeps
    /// any panic off the C boundary should the profile ever change, and the
    /// deque is consistent: neither push_back nor pop_front leaves it torn.
    fn lock(&self) -> MutexGuard<'_, VecDeque<T>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Send> Fifo<T> for MutexVecDeque<T> {
    fn with_capacity(_capacity: usize) -> Self {
        MutexVecDeque(Mutex::new(VecDeque::new()))
    }
    fn try_push(&self, item: T) -> bool {
        self.lock().push_back(item);
        true
    }
    fn try_pop(&self) -> Option<T> {
        self.lock().pop_front()
    }
}

pub struct MutexVecDequeFamily;

impl Family for MutexVecDequeFamily {
    const TRAITS: Traits = Traits {
        name: b"rust_mutex_vecdeque\0",
        bounded: false,
        producers: abi::MANY,
        consumers: abi::MANY,
        progress: abi::PROGRESS_BLOCKING,
        order: abi::ORDER_FIFO,
        zero_capacity: None,
        default_capacity: 0,
    };
    type Q8 = MutexVecDeque<Item8>;
    type Q64 = MutexVecDeque<Item64>;
    type Q256 = MutexVecDeque<Item256>;
}
