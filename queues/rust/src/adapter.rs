//! How a Rust queue becomes one `qbench_queue_ops` entry: a queue type per
//! item size (the `Fifo` trait), its traits (`Traits`), and the generic
//! extern "C" functions that `ops::<F>()` puts in the table.
//!
//! Item sizes: qbench moves 8, 64 or 256 bytes, here `[u64; 1]`, `[u64; 8]`
//! and `[u64; 32]`, so each queue holds its items by value, with no
//! allocation or boxing per item. The ABI has one try_push per queue name,
//! so the size is picked per call: the handle is an enum of the three
//! variants (`BySize`) matched on every call. Its discriminant never changes
//! after create, so the branch is always predicted and each arm inlines the
//! queue's own push or pop, where a function pointer stored in the handle
//! would cost an indirect call that cannot inline.

use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use crate::abi::{self, QueueOps};

pub type Item8 = [u64; 1];
pub type Item64 = [u64; 8];
pub type Item256 = [u64; 32];

const _: () = {
    assert!(std::mem::size_of::<Item8>() == 8);
    assert!(std::mem::size_of::<Item64>() == 64);
    assert!(std::mem::size_of::<Item256>() == 256);
};

/// qbench's own bound on --capacity (harness/model/numbers.hpp, kMaxCapacity):
/// past it, slot counts cannot be allocated, and `bounded`'s lap arithmetic
/// ((cap + 1).next_power_of_two() * 2) would overflow and panic.
const MAX_CAPACITY: usize = 1 << 40;

/// A queue of `T` as qbench drives one, from many threads through `&self`.
/// try_push and try_pop return at once when the queue is full or empty;
/// waiting is qbench's.
pub trait Fifo<T>: Send + Sync + Sized {
    /// `capacity` is one check_capacity accepted.
    fn with_capacity(capacity: usize) -> Self;
    fn try_push(&self, item: T) -> bool;
    fn try_pop(&self) -> Option<T>;
}

/// A queue's traits, as `qbench_queue_ops` states them.
pub struct Traits {
    /// NUL-terminated; the naming rule is checked at compile time by ops().
    pub name: &'static [u8],
    pub bounded: bool,
    pub producers: c_int,
    pub consumers: c_int,
    pub progress: c_int,
    pub order: c_int,
    /// Why capacity 0 is refused (one line), or None when it is accepted.
    pub zero_capacity: Option<&'static str>,
    pub default_capacity: usize,
}

/// One queue, a type per item size.
pub trait Family {
    const TRAITS: Traits;
    type Q8: Fifo<Item8>;
    type Q64: Fifo<Item64>;
    type Q256: Fifo<Item256>;
}

/// What create hands qbench: the variant for the item size it asked for.
enum BySize<F: Family> {
    S8(F::Q8),
    S64(F::Q64),
    S256(F::Q256),
}

/// The table entry for family F. const, so the statics of src/lib.rs hold
/// it and the naming rule below fails the build, not a run.
pub const fn ops<F: Family>() -> QueueOps {
    let t = F::TRAITS;
    let name = t.name;
    assert!(name.len() >= 2 && name.len() <= 65 && name[name.len() - 1] == 0);
    assert!(name[0] >= b'a' && name[0] <= b'z');
    let mut i = 0;
    while i < name.len() - 1 {
        let c = name[i];
        assert!((c >= b'a' && c <= b'z') || (c >= b'0' && c <= b'9') || c == b'_');
        i += 1;
    }
    // The header: default_capacity is 0 only where capacity 0 is accepted.
    assert!(t.zero_capacity.is_none() || t.default_capacity > 0);
    QueueOps {
        name: name.as_ptr().cast::<c_char>(),
        bounded: t.bounded as c_int,
        producers: t.producers,
        consumers: t.consumers,
        progress: t.progress,
        order: t.order,
        capacity_required: t.zero_capacity.is_some() as c_int,
        default_capacity: t.default_capacity,
        item_sizes: abi::ITEM_ANY,
        create: create::<F>,
        destroy: destroy::<F>,
        try_push: try_push::<F>,
        try_pop: try_pop::<F>,
        check_capacity: Some(check_capacity::<F>),
    }
}

/// The queue's name without its NUL, for messages.
fn display_name<F: Family>() -> &'static str {
    let name = F::TRAITS.name;
    std::str::from_utf8(&name[..name.len() - 1]).unwrap_or("rust queue")
}

/// Whether `capacity` is accepted; if not, the reason goes into `error`.
/// The one check create and check_capacity share.
///
/// # Safety
/// `error` is null or points at `error_size` writable bytes.
unsafe fn accepts<F: Family>(capacity: usize, error: *mut c_char, error_size: usize) -> bool {
    let t = F::TRAITS;
    let name = display_name::<F>();
    if capacity == 0 {
        if let Some(why) = t.zero_capacity {
            // SAFETY: our caller's promise on `error`, passed on.
            unsafe {
                abi::write_error(
                    error,
                    error_size,
                    format_args!("{}: capacity 0 refused: {}", name, why),
                )
            };
            return false;
        }
    }
    if t.bounded && capacity > MAX_CAPACITY {
        // SAFETY: as above.
        unsafe {
            abi::write_error(
                error,
                error_size,
                format_args!("{}: capacity {} is past 2^40 slots", name, capacity),
            )
        };
        return false;
    }
    true
}

/// `create`: the queue for `item_size`, boxed once.
///
/// # Safety
/// The header's: `error` points at `error_size` writable bytes.
unsafe extern "C" fn create<F: Family>(
    capacity: usize,
    item_size: usize,
    error: *mut c_char,
    error_size: usize,
) -> *mut c_void {
    // SAFETY: the header's promise on `error`, passed on.
    if !unsafe { accepts::<F>(capacity, error, error_size) } {
        return ptr::null_mut();
    }
    let queue: BySize<F> = match item_size {
        8 => BySize::S8(F::Q8::with_capacity(capacity)),
        64 => BySize::S64(F::Q64::with_capacity(capacity)),
        256 => BySize::S256(F::Q256::with_capacity(capacity)),
        _ => {
            // qbench passes only sizes in item_sizes; a caller that does not
            // gets a reason, never a queue of the wrong size.
            let name = display_name::<F>();
            // SAFETY: as above.
            unsafe {
                abi::write_error(
                    error,
                    error_size,
                    format_args!("{}: item size {} refused: 8, 64 or 256 bytes", name, item_size),
                )
            };
            return ptr::null_mut();
        }
    };
    Box::into_raw(Box::new(queue)).cast::<c_void>()
}

/// `destroy`: drops the queue and any items left in it (plain data).
///
/// # Safety
/// `queue` is null or a pointer create::<F> returned, not yet destroyed,
/// with no other call on it in flight (the header's rule).
unsafe extern "C" fn destroy<F: Family>(queue: *mut c_void) {
    if !queue.is_null() {
        // SAFETY: `queue` came from Box::into_raw in create::<F> for this
        // same F, and qbench gives it back once, with no call in flight, so
        // we own it again.
        drop(unsafe { Box::from_raw(queue.cast::<BySize<F>>()) });
    }
}

/// The item qbench hands try_push.
///
/// # Safety
/// `item` points at size_of::<T>() readable bytes, and any bit pattern of
/// them is a valid T ([u64; N] here).
unsafe fn read_item<T>(item: *const c_void) -> T {
    // SAFETY: the caller's promise; qbench's buffer need not be aligned for
    // T, hence read_unaligned.
    unsafe { ptr::read_unaligned(item.cast::<T>()) }
}

/// Hands try_pop's item back to qbench.
///
/// # Safety
/// `item` points at size_of::<T>() writable bytes.
unsafe fn write_item<T>(item: *mut c_void, value: T) {
    // SAFETY: the caller's promise; write_unaligned as in read_item.
    unsafe { ptr::write_unaligned(item.cast::<T>(), value) }
}

/// `try_push`. Progress: the queue's own (its Traits).
///
/// # Safety
/// `queue` is a live pointer from create::<F>; `item` points at item_size
/// readable bytes, the size create was given.
unsafe extern "C" fn try_push<F: Family>(queue: *mut c_void, item: *const c_void) -> c_int {
    // SAFETY: `queue` is a live BySize<F> from create::<F>; many threads may
    // hold this shared reference at once because every Fifo is Sync.
    let queue = unsafe { &*queue.cast::<BySize<F>>() };
    // SAFETY (each arm): the variant was chosen from the item_size qbench
    // passes its items at, so `item` has exactly size_of::<ItemN>() bytes.
    let pushed = match queue {
        BySize::S8(q) => q.try_push(unsafe { read_item::<Item8>(item) }),
        BySize::S64(q) => q.try_push(unsafe { read_item::<Item64>(item) }),
        BySize::S256(q) => q.try_push(unsafe { read_item::<Item256>(item) }),
    };
    pushed as c_int
}

/// `try_pop`. Progress: the queue's own (its Traits).
///
/// # Safety
/// `queue` is a live pointer from create::<F>; `item` points at item_size
/// writable bytes, the size create was given.
unsafe extern "C" fn try_pop<F: Family>(queue: *mut c_void, item: *mut c_void) -> c_int {
    // SAFETY: as in try_push.
    let queue = unsafe { &*queue.cast::<BySize<F>>() };
    // SAFETY (each arm): as in try_push, writable.
    let popped = match queue {
        BySize::S8(q) => q.try_pop().map(|v| unsafe { write_item::<Item8>(item, v) }),
        BySize::S64(q) => q.try_pop().map(|v| unsafe { write_item::<Item64>(item, v) }),
        BySize::S256(q) => q.try_pop().map(|v| unsafe { write_item::<Item256>(item, v) }),
    };
    popped.is_some() as c_int
}

/// `check_capacity`: create's answer, nothing allocated.
///
/// # Safety
/// The header's: `error` points at `error_size` writable bytes.
unsafe extern "C" fn check_capacity<F: Family>(
    capacity: usize,
    error: *mut c_char,
    error_size: usize,
) -> c_int {
    // SAFETY: the header's promise on `error`, passed on.
    !unsafe { accepts::<F>(capacity, error, error_size) } as c_int
}
