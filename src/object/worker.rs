//! The object's worker thread: renders, encodes, model loads and WAV writes run here, never
//! on the host's main thread.
//!
//! Requests go into slots, one per kind: render, encode and model load are
//! latest-request-wins (a new request replaces one still waiting), WAV writes queue up to
//! [`MAX_WRITES`]. Nothing queues without bound. Results go into a result list (again at most
//! one per kind, except writes) and the worker asks the host to call the object's `on_main`.
//!
//! The worker never calls the host except `schedule_main`, and never after the worker's
//! `Drop` has begun. `Drop` stops the thread and joins it; if a render or a model load is
//! still running after [`JOIN_TIMEOUT`] the thread is detached instead (it then finishes its
//! job, drops the result and exits on its own), so freeing the object never hangs the host.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use super::host::Host;
use crate::error::NdmError;
use crate::synth::{Encoded, GenerateRequest, Sound, Synth};

/// Loads a model bundle folder (the object's `model` message).
pub type Loader = Arc<dyn Fn(&Path) -> Result<Arc<dyn Synth>, NdmError> + Send + Sync>;

/// Most WAV writes waiting at once; more are refused with an error.
pub const MAX_WRITES: usize = 16;
/// How long `Drop` waits for a running job before detaching the thread.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct RenderJob {
    pub gen: u64,
    pub synth: Arc<dyn Synth>,
    pub req: GenerateRequest,
    /// Opaque to the worker: returned with the result.
    pub key: super::RenderKey,
}

pub(crate) struct EncodeJob {
    pub gen: u64,
    pub epoch: u64,
    pub synth: Arc<dyn Synth>,
    pub audio: Vec<f32>,
    pub sample_rate: u32,
    pub class: Option<usize>,
    pub buffer: String,
}

pub(crate) struct LoadJob {
    pub path: PathBuf,
}

pub(crate) struct WriteJob {
    pub path: PathBuf,
    pub sound: Arc<Sound>,
}

pub(crate) enum Outcome {
    Rendered {
        gen: u64,
        key: super::RenderKey,
        sound: Arc<Sound>,
    },
    RenderFailed {
        gen: u64,
        error: String,
    },
    Encoded {
        gen: u64,
        epoch: u64,
        buffer: String,
        result: Result<Encoded, String>,
    },
    Loaded {
        path: PathBuf,
        result: Result<Arc<dyn Synth>, String>,
    },
    Written {
        path: PathBuf,
        result: Result<(), String>,
    },
}

impl Outcome {
    fn kind(&self) -> u8 {
        match self {
            Outcome::Rendered { .. } | Outcome::RenderFailed { .. } => 0,
            Outcome::Encoded { .. } => 1,
            Outcome::Loaded { .. } => 2,
            Outcome::Written { .. } => 3,
        }
    }
}

enum Job {
    Render(RenderJob),
    Encode(EncodeJob),
    Load(LoadJob),
    Write(WriteJob),
}

#[derive(Default)]
struct Slots {
    render: Option<RenderJob>,
    encode: Option<EncodeJob>,
    load: Option<LoadJob>,
    writes: VecDeque<WriteJob>,
    shutdown: bool,
    /// A job has been taken and its result not yet published.
    running: bool,
}

impl Slots {
    fn next(&mut self) -> Option<Job> {
        if let Some(j) = self.load.take() {
            return Some(Job::Load(j));
        }
        if let Some(j) = self.encode.take() {
            return Some(Job::Encode(j));
        }
        if let Some(j) = self.writes.pop_front() {
            return Some(Job::Write(j));
        }
        self.render.take().map(Job::Render)
    }
}

struct Shared {
    slots: Mutex<Slots>,
    wake: Condvar,
    results: Mutex<Vec<Outcome>>,
    /// Set when results are waiting; adapters without thread-safe scheduling may poll it.
    ready: AtomicBool,
    /// The host, for `schedule_main` only; None once `Drop` has begun.
    notify: Mutex<Option<Arc<dyn Host>>>,
    exited: Mutex<bool>,
    exited_cv: Condvar,
}

/// The worker thread of one object.
pub(crate) struct Worker {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn new(host: Arc<dyn Host>, loader: Loader) -> Worker {
        let shared = Arc::new(Shared {
            slots: Mutex::new(Slots::default()),
            wake: Condvar::new(),
            results: Mutex::new(Vec::new()),
            ready: AtomicBool::new(false),
            notify: Mutex::new(Some(host)),
            exited: Mutex::new(false),
            exited_cv: Condvar::new(),
        });
        let s = shared.clone();
        let handle = std::thread::Builder::new()
            .name("ndm-worker".into())
            .spawn(move || run(s, loader))
            .ok();
        Worker { shared, handle }
    }

    /// False if the thread could not be started (the object then reports every request).
    pub fn is_running(&self) -> bool {
        self.handle.is_some()
    }

    /// Replaces any waiting render request.
    pub fn render(&self, job: RenderJob) {
        self.shared.slots.lock().render = Some(job);
        self.shared.wake.notify_one();
    }

    /// Replaces any waiting encode request.
    pub fn encode(&self, job: EncodeJob) {
        self.shared.slots.lock().encode = Some(job);
        self.shared.wake.notify_one();
    }

    /// Replaces any waiting model load.
    pub fn load(&self, job: LoadJob) {
        self.shared.slots.lock().load = Some(job);
        self.shared.wake.notify_one();
    }

    /// Queues a WAV write; false if [`MAX_WRITES`] are already waiting.
    pub fn write(&self, job: WriteJob) -> bool {
        let mut s = self.shared.slots.lock();
        if s.writes.len() >= MAX_WRITES {
            return false;
        }
        s.writes.push_back(job);
        drop(s);
        self.shared.wake.notify_one();
        true
    }

    /// Takes the finished results (oldest kind first: loads, encodes, renders, writes).
    pub fn take_results(&self) -> Vec<Outcome> {
        self.shared.ready.store(false, Ordering::Release);
        let mut r = std::mem::take(&mut *self.shared.results.lock());
        r.sort_by_key(|o| match o.kind() {
            2 => 0,
            1 => 1,
            0 => 2,
            _ => 3,
        });
        r
    }

    /// Nothing queued, nothing running, no result waiting.
    pub fn is_idle(&self) -> bool {
        let s = self.shared.slots.lock();
        let queued =
            s.render.is_some() || s.encode.is_some() || s.load.is_some() || !s.writes.is_empty();
        !queued && !s.running && self.shared.results.lock().is_empty()
    }

    pub fn has_results(&self) -> bool {
        self.shared.ready.load(Ordering::Acquire)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // From here on the worker never calls the host.
        self.shared.notify.lock().take();
        {
            let mut s = self.shared.slots.lock();
            s.shutdown = true;
            s.render = None;
            s.encode = None;
            s.load = None;
            s.writes.clear();
        }
        self.shared.wake.notify_all();
        let Some(handle) = self.handle.take() else {
            return;
        };
        let mut exited = self.shared.exited.lock();
        if !*exited {
            self.shared.exited_cv.wait_for(&mut exited, JOIN_TIMEOUT);
        }
        let done = *exited;
        drop(exited);
        if done {
            let _ = handle.join();
        }
        // else: detached; it holds only `Shared` and its job, and exits after the job.
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

fn run(shared: Arc<Shared>, loader: Loader) {
    loop {
        let job = {
            let mut s = shared.slots.lock();
            loop {
                if s.shutdown {
                    break None;
                }
                if let Some(j) = s.next() {
                    s.running = true;
                    break Some(j);
                }
                shared.wake.wait(&mut s);
            }
        };
        let Some(job) = job else { break };
        let outcome = execute(job, &loader);
        if shared.slots.lock().shutdown {
            break;
        }
        {
            let mut results = shared.results.lock();
            let kind = outcome.kind();
            if kind != 3 {
                results.retain(|o| o.kind() != kind);
            }
            results.push(outcome);
        }
        shared.slots.lock().running = false;
        shared.ready.store(true, Ordering::Release);
        if let Some(host) = shared.notify.lock().as_ref() {
            // A panicking host callback must not kill the worker (the object would never
            // render again and its Drop would wait JOIN_TIMEOUT): the result stays readable
            // through `has_results`/`on_main`.
            let _ = catch_unwind(AssertUnwindSafe(|| host.schedule_main()));
        }
    }
    *shared.exited.lock() = true;
    shared.exited_cv.notify_all();
}

fn execute(job: Job, loader: &Loader) -> Outcome {
    match job {
        Job::Render(j) => {
            let (gen, key) = (j.gen, j.key.clone());
            let r = catch_unwind(AssertUnwindSafe(|| j.synth.generate(&j.req)));
            match r {
                Ok(Ok(sound)) => {
                    if sound.samples.is_empty() {
                        Outcome::RenderFailed {
                            gen,
                            error: "render produced an empty sound".into(),
                        }
                    } else if sound.samples.iter().any(|v| !v.is_finite()) {
                        Outcome::RenderFailed {
                            gen,
                            error: "render produced non-finite samples (NaN or infinity)".into(),
                        }
                    } else {
                        Outcome::Rendered {
                            gen,
                            key,
                            sound: Arc::new(sound),
                        }
                    }
                }
                Ok(Err(e)) => Outcome::RenderFailed {
                    gen,
                    error: e.to_string(),
                },
                Err(p) => Outcome::RenderFailed {
                    gen,
                    error: format!(
                        "internal error (panic) while rendering: {}",
                        panic_text(&*p)
                    ),
                },
            }
        }
        Job::Encode(j) => {
            let r = catch_unwind(AssertUnwindSafe(|| {
                j.synth.encode(&j.audio, j.sample_rate, j.class)
            }));
            let result = match r {
                Ok(Ok(e)) => Ok(e),
                Ok(Err(e)) => Err(e.to_string()),
                Err(p) => Err(format!(
                    "internal error (panic) while encoding: {}",
                    panic_text(&*p)
                )),
            };
            Outcome::Encoded {
                gen: j.gen,
                epoch: j.epoch,
                buffer: j.buffer,
                result,
            }
        }
        Job::Load(j) => {
            let r = catch_unwind(AssertUnwindSafe(|| loader(&j.path)));
            let result = match r {
                Ok(Ok(s)) => Ok(s),
                Ok(Err(e)) => Err(e.to_string()),
                Err(p) => Err(format!(
                    "internal error (panic) while loading: {}",
                    panic_text(&*p)
                )),
            };
            Outcome::Loaded {
                path: j.path,
                result,
            }
        }
        Job::Write(j) => {
            let r = catch_unwind(AssertUnwindSafe(|| write_wav(&j.path, &j.sound)));
            let result = match r {
                Ok(r) => r,
                Err(p) => Err(format!(
                    "internal error (panic) while writing: {}",
                    panic_text(&*p)
                )),
            };
            Outcome::Written {
                path: j.path,
                result,
            }
        }
    }
}

/// Writes a mono 32-bit float WAV.
pub(crate) fn write_wav(path: &Path, sound: &Sound) -> Result<(), String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: sound.sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(|e| e.to_string())?;
    for &s in &sound.samples {
        w.write_sample(s).map_err(|e| e.to_string())?;
    }
    w.finalize().map_err(|e| e.to_string())
}
