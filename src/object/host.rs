//! The seam between the host-agnostic object and its host (Max, Pd, or the fake host of
//! the tests).
//!
//! Threading contract:
//! - Every method except [`Host::schedule_main`] is called only from a thread on which the
//!   object's own entry points (`handle`, `on_main`, ...) were called, never from the worker
//!   thread, and never while the object holds its internal lock for outlet calls (outlets
//!   may re-enter the object).
//! - [`Host::schedule_main`] is called from the worker thread. It must return quickly and
//!   must NOT block on a lock that the host's main thread may hold while it frees the object
//!   (Max: `qelem_set` is fine; Pd: do not take `sys_lock` here — set a flag that a clock
//!   polls, or use `sys_trylock` and retry from a polling clock). The object guarantees that
//!   it never calls `schedule_main` again once its `Drop` has begun.

use std::fmt;

/// What the host knows about a named sample buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferInfo {
    pub frames: usize,
    pub channels: usize,
    /// The buffer's own sample rate; 0 when the host does not know it (the object then uses
    /// the model's rate).
    pub sample_rate: u32,
}

/// Why a buffer could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("no buffer named `{0}`")]
    NoSuchBuffer(String),
    #[error("buffer `{0}` is empty")]
    EmptyBuffer(String),
    #[error("buffer `{name}`: {reason}")]
    Buffer { name: String, reason: String },
}

/// What a host provides to the object. Object-safe; implemented by the Max and Pd adapters
/// and by [`crate::object::testing::FakeHost`].
pub trait Host: Send + Sync {
    /// Size, channel count and sample rate of the named buffer, or None if it does not exist.
    fn buffer_info(&self, name: &str) -> Option<BufferInfo>;
    /// The buffer's samples mixed to mono (mean of the channels), with its sample rate
    /// (0 if unknown).
    fn read_buffer(&self, name: &str) -> Result<(Vec<f32>, u32), HostError>;
    /// Resizes the buffer to `samples.len()` frames and writes the mono sound into every
    /// channel, then tells the host the buffer changed (redraw). `sample_rate` is the rate the
    /// object rendered at, which is the buffer's own rate when it has one: the host does not
    /// resample.
    fn write_buffer(&self, name: &str, samples: &[f32], sample_rate: u32) -> Result<(), HostError>;
    /// Sends a bang out of outlet `outlet` (0 = left).
    fn outlet_bang(&self, outlet: usize);
    /// Sends `selector atoms...` out of outlet `outlet`.
    fn outlet_list(&self, outlet: usize, selector: &str, atoms: &[super::Atom]);
    /// Posts an error to the console (Max `object_error`, Pd `pd_error`).
    fn post_error(&self, msg: &str);
    /// Posts an informational line to the console.
    fn post(&self, msg: &str);
    /// Please call the object's `on_main()` soon on the main thread. Called from the worker
    /// thread; see the module docs for what it must not do.
    fn schedule_main(&self);
}

impl fmt::Debug for dyn Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dyn Host")
    }
}
