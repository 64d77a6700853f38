//! qbench-rust: crossbeam's queues and channels and std's Mutex<VecDeque> as
//! a qbench plugin (include/qbench/queue_plugin.h, ABI version 1).
//!
//! The one export is `qbench_plugin_describe`; everything it points at is a
//! static. Nothing panics across the boundary: the crate is built with
//! panic = "abort", and the extern "C" functions refuse, with a reason, the
//! capacities under which the queues' constructors would panic.

#![deny(unsafe_op_in_unsafe_fn)]

mod abi;
mod adapter;
mod crossbeam_channels;
mod crossbeam_queues;
mod mutex_vecdeque;

use std::os::raw::c_char;

use abi::{Plugin, QueueOps};
use adapter::ops;
use crossbeam_channels::{BoundedChannelFamily, UnboundedChannelFamily};
use crossbeam_queues::{ArrayQueueFamily, SegQueueFamily};
use mutex_vecdeque::MutexVecDequeFamily;

/// Recorded in every results file; the crossbeam versions come from
/// Cargo.lock (build.rs), so they are the ones built.
const VERSION: &str = concat!(
    env!("CARGO_PKG_NAME"),
    " ",
    env!("CARGO_PKG_VERSION"),
    " (crossbeam-queue ",
    env!("QB_CROSSBEAM_QUEUE_VERSION"),
    ", crossbeam-channel ",
    env!("QB_CROSSBEAM_CHANNEL_VERSION"),
    ")\0"
);

/// The registry: one line per queue.
static QUEUES: [QueueOps; 5] = [
    ops::<SegQueueFamily>(),
    ops::<ArrayQueueFamily>(),
    ops::<BoundedChannelFamily>(),
    ops::<UnboundedChannelFamily>(),
    ops::<MutexVecDequeFamily>(),
];

static PLUGIN: Plugin = Plugin {
    abi_version: abi::ABI_VERSION,
    version: VERSION.as_ptr().cast::<c_char>(),
    queue_count: QUEUES.len(),
    queues: QUEUES.as_ptr(),
};

/// The plugin's entry point (QBENCH_PLUGIN_ENTRY_POINT). Never panics: it
/// returns the address of a static.
#[no_mangle]
pub extern "C" fn qbench_plugin_describe() -> *const Plugin {
    &PLUGIN
}
