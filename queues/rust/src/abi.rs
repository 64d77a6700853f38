//! include/qbench/queue_plugin.h, ABI version 1, mirrored field for field.
//! The header is the contract: change this file only in step with it (the
//! layout assertions below catch a field added or dropped on LP64 targets).

use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

pub const ABI_VERSION: u32 = 1;

pub const MANY: c_int = 1;

pub const PROGRESS_BLOCKING: c_int = 0;
pub const PROGRESS_SLOT_BLOCKING: c_int = 1;

pub const ORDER_FIFO: c_int = 0;

pub const ITEM_8: u32 = 0x1;
pub const ITEM_64: u32 = 0x2;
pub const ITEM_256: u32 = 0x4;
pub const ITEM_ANY: u32 = ITEM_8 | ITEM_64 | ITEM_256;

pub type CreateFn = unsafe extern "C" fn(usize, usize, *mut c_char, usize) -> *mut c_void;
pub type DestroyFn = unsafe extern "C" fn(*mut c_void);
pub type TryPushFn = unsafe extern "C" fn(*mut c_void, *const c_void) -> c_int;
pub type TryPopFn = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
pub type CheckCapacityFn = unsafe extern "C" fn(usize, *mut c_char, usize) -> c_int;

/// `qbench_queue_ops`. The function pointers are not nullable in the header
/// except check_capacity, hence the one Option (which has the layout of a
/// nullable pointer).
#[repr(C)]
pub struct QueueOps {
    pub name: *const c_char,
    pub bounded: c_int,
    pub producers: c_int,
    pub consumers: c_int,
    pub progress: c_int,
    pub order: c_int,
    pub capacity_required: c_int,
    pub default_capacity: usize,
    pub item_sizes: u32,
    pub create: CreateFn,
    pub destroy: DestroyFn,
    pub try_push: TryPushFn,
    pub try_pop: TryPopFn,
    pub check_capacity: Option<CheckCapacityFn>,
}

// SAFETY: `name` points at a NUL-terminated byte string literal, 'static and
// immutable, and nothing ever writes through it; the function pointers are
// plain code addresses. Sharing a QueueOps between threads shares only reads
// of immutable data, which is what Sync requires.
unsafe impl Sync for QueueOps {}

/// `qbench_plugin`.
#[repr(C)]
pub struct Plugin {
    pub abi_version: u32,
    pub version: *const c_char,
    pub queue_count: usize,
    pub queues: *const QueueOps,
}

// SAFETY: `version` points at a 'static string literal and `queues` at a
// 'static immutable array (src/lib.rs); neither is ever written, so reads
// from any number of threads are sound.
unsafe impl Sync for Plugin {}

// The header's layout on LP64 (x86_64, aarch64): 6 ints after the name pad
// to 8, item_sizes pads to 8 before the five function pointers.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(std::mem::size_of::<QueueOps>() == 88);
    assert!(std::mem::size_of::<Plugin>() == 32);
    assert!(std::mem::size_of::<Option<CheckCapacityFn>>() == 8);
};

/// Writes a one-line reason into qbench's `error` buffer as the header asks:
/// NUL-terminated, cut to `size` bytes, nothing allocated.
///
/// # Safety
/// `error` is null or points at `size` writable bytes.
pub unsafe fn write_error(error: *mut c_char, size: usize, reason: fmt::Arguments<'_>) {
    if error.is_null() || size == 0 {
        return;
    }
    let mut buffer = ErrorBuffer { start: error.cast::<u8>(), room: size - 1, len: 0 };
    // ErrorBuffer never fails (it cuts instead), so the result says nothing.
    let _ = fmt::write(&mut buffer, reason);
    // SAFETY: len <= room = size - 1, so error + len is inside the `size`
    // writable bytes the caller promised.
    unsafe { *error.add(buffer.len) = 0 };
}

/// The caller's buffer as a fmt::Write that keeps what fits.
struct ErrorBuffer {
    start: *mut u8,
    room: usize,
    len: usize,
}

impl fmt::Write for ErrorBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.room - self.len);
        // SAFETY: len + n <= room, inside the buffer write_error's caller
        // promised; `s` is Rust-owned memory, never qbench's buffer, so the
        // two do not overlap.
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), self.start.add(self.len), n) };
        self.len += n;
        Ok(())
    }
}
