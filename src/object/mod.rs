//! The host-agnostic `ndm~` object: a state machine that the Max and Pd adapters wrap.
//!
//! - [`messages`]: THE message table and its parser.
//! - [`host`]: the seam trait a host implements.
//! - `worker`: the render thread (latest request wins).
//! - [`testing`]: a fake host and a fake synth for tests and benchmarks.
//! - [`corpus`]: the parser of the malformed-message corpus that the hardening tests replay.
//! - [`adapter`]: host-independent helpers of the Max and Pd adapters (finding the model and
//!   ONNX Runtime next to the external, shared engines, atoms and buffers, clock polling).
//!
//! Threading: [`DrumObject`]'s entry points take `&self` and may be called from any host
//! thread (Max may deliver messages on its scheduler thread). They hold the object's state
//! lock only briefly and never while calling an outlet, so a patch that feeds an outlet
//! back into an inlet re-enters safely. Every entry point catches panics and reports them
//! with `post_error`; the state lock (parking_lot) is never poisoned.
//!
//! Render rules:
//! - `bang`, `random`, `vary`, `morph` and `encode` always render; with `autorender 1`,
//!   `xy`, `fine`, `z`, `class`, `axes`, `range` and `recall` render too, throttled: while a
//!   render runs, further changes only mark the state dirty, and one render of the latest
//!   state follows when it finishes.
//! - An explicit request (a bang, ...) replaces any render still waiting (one slot, latest
//!   request wins). A render already running finishes and its sound is written if nothing
//!   newer was written meanwhile (generation counter): renders run in request order, so a
//!   storm of requests faster than the renders still updates the buffer (no starvation), an
//!   older sound never overwrites a newer one, and after a burst the buffer holds the sound
//!   of the last parameters.
//! - Identical parameters (model, class, latent, vocoder, trim, sample rate) reuse the last
//!   sound without rendering.
//! - The sound is rendered at the target buffer's own sample rate (the model's rate when the
//!   buffer reports 0 or does not exist). A missing buffer is an error; the sound is kept for
//!   `write` and for the next bang.

pub mod adapter;
pub mod corpus;
pub mod host;
pub mod messages;
pub mod testing;
mod worker;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use host::{BufferInfo, Host, HostError};
pub use messages::{parse, Atom, AxesCmd, ClassRef, Command, ParseError, VocoderCmd};
pub use worker::Loader;

use crate::synth::{GenerateRequest, ModelInfo, Sound, Synth, Vocoder};
use worker::{EncodeJob, LoadJob, Outcome, RenderJob, Worker, WriteJob};

use crate::latent;

/// Most named latent slots (`store`).
pub const MAX_SLOTS: usize = 64;

/// Sample rates a sound may be rendered at. A buffer reporting a rate outside this range
/// (a corrupt or hostile patch: `buffer~` at 4 GHz would need gigabytes per sound) is an error.
pub const RENDER_RATES: std::ops::RangeInclusive<u32> = 1_000..=768_000;

/// Longest console error, in characters: longer ones (a 4 kB path echoed by the OS error, a
/// host error quoting a long buffer name) are cut.
pub const MAX_ERROR_CHARS: usize = 1000;

/// One console line: control characters escaped, at most [`MAX_ERROR_CHARS`].
fn console_line(msg: &str) -> String {
    messages::short(msg, MAX_ERROR_CHARS)
}

/// Identifies a rendered sound: same key, same sound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderKey {
    epoch: u64,
    class: usize,
    z_bits: Vec<u32>,
    vocoder: Vocoder,
    trim: bool,
    sample_rate: u32,
}

/// A copy of the object's state, for tests, `dump` and adapters.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub model: Option<String>,
    pub class: usize,
    pub x: f64,
    pub y: f64,
    pub fine: f64,
    /// The latent a bang renders (None without a model).
    pub z: Option<Vec<f32>>,
    pub explicit_z: bool,
    pub axes: AxesCmd,
    pub range: f64,
    pub seed: u64,
    pub vocoder: VocoderCmd,
    pub autorender: bool,
    pub trim: bool,
    pub buffer: Option<String>,
    /// A class name given before any model was loaded (`class snare`, `@class snare`): it is
    /// resolved when a model loads (an error then if the model has no such class).
    pub pending_class: Option<String>,
    pub slots: Vec<String>,
    /// True while a render is requested and its result not yet handled.
    pub rendering: bool,
    pub has_sound: bool,
}

struct State {
    synth: Option<Arc<dyn Synth>>,
    /// Increments when the model changes; results of an older epoch are dropped.
    epoch: u64,
    class: usize,
    /// A class name given while no model was loaded; resolved by the next successful load.
    pending_class: Option<String>,
    axes: AxesCmd,
    x: f64,
    y: f64,
    fine: f64,
    range: f64,
    z_explicit: Option<Vec<f32>>,
    vocoder: VocoderCmd,
    trim: bool,
    autorender: bool,
    seed: u64,
    rng: ChaCha8Rng,
    slots: BTreeMap<String, (usize, Vec<f32>)>,
    buffer: Option<String>,
    last: Option<(RenderKey, Arc<Sound>)>,
    requested_gen: u64,
    completed_gen: u64,
    /// Generation of the newest sound written (or re-sent from the cache); an older result
    /// arriving later is dropped.
    delivered_gen: u64,
    pending_autorender: bool,
    encode_gen: u64,
}

impl State {
    fn busy(&self) -> bool {
        self.completed_gen < self.requested_gen
    }
    fn info(&self) -> Option<&ModelInfo> {
        self.synth.as_ref().map(|s| s.info())
    }
}

/// What an entry point does once the state lock is released, in order.
enum Effect {
    Error(String),
    Post(String),
    List(usize, String, Vec<Atom>),
    /// Write the sound into the buffer, then bang the left outlet if that worked.
    Write {
        buffer: String,
        sound: Arc<Sound>,
    },
}

#[derive(Default)]
struct Effects(Vec<Effect>);

impl Effects {
    fn error(&mut self, msg: impl Into<String>) {
        self.0.push(Effect::Error(console_line(&msg.into())));
    }
    fn post(&mut self, msg: impl Into<String>) {
        self.0.push(Effect::Post(msg.into()));
    }
    fn list(&mut self, outlet: usize, sel: &str, atoms: Vec<Atom>) {
        self.0.push(Effect::List(outlet, sel.to_string(), atoms));
    }
}

/// The `ndm~` object, independent of its host.
pub struct DrumObject {
    host: Arc<dyn Host>,
    state: Mutex<State>,
    worker: Worker,
}

impl std::fmt::Debug for DrumObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrumObject")
            .field("state", &self.snapshot())
            .finish()
    }
}

/// Default seed of the random generator.
pub const DEFAULT_SEED: u64 = 0;

impl DrumObject {
    /// A new object. `synth` is the model to start with (None: the object works but every
    /// render reports that no model is loaded until `model <folder>` succeeds); `loader` loads
    /// bundles for `model`; `box_args` are the box's arguments (see [`Self::handle_box_args`]).
    pub fn new(
        host: Arc<dyn Host>,
        synth: Option<Arc<dyn Synth>>,
        loader: Loader,
        box_args: &[Atom],
    ) -> DrumObject {
        let worker = Worker::new(host.clone(), loader);
        let obj = DrumObject {
            host,
            state: Mutex::new(State {
                synth,
                epoch: 0,
                class: 0,
                pending_class: None,
                axes: AxesCmd::Pca,
                x: 0.5,
                y: 0.5,
                fine: 0.5,
                range: 1.0,
                z_explicit: None,
                vocoder: VocoderCmd::Model,
                trim: true,
                autorender: false,
                seed: DEFAULT_SEED,
                rng: ChaCha8Rng::seed_from_u64(DEFAULT_SEED),
                slots: BTreeMap::new(),
                buffer: None,
                last: None,
                requested_gen: 0,
                completed_gen: 0,
                delivered_gen: 0,
                pending_autorender: false,
                encode_gen: 0,
            }),
            worker,
        };
        if !obj.worker.is_running() {
            obj.host
                .post_error("could not start the worker thread: this object will not render");
        }
        obj.handle_box_args(box_args);
        obj
    }

    /// Applies box arguments: an optional first symbol (the target buffer), then
    /// `@attribute value...` groups. Bad groups are reported and skipped. Never renders.
    pub fn handle_box_args(&self, args: &[Atom]) {
        self.guard("box arguments", |this, st, fx| {
            let mut rest = args;
            if let Some(Atom::Symbol(s)) = rest.first() {
                if !s.starts_with('@') {
                    this.apply(st, fx, Command::Set(s.clone()), false);
                    rest = &rest[1..];
                }
            }
            let mut i = 0;
            while i < rest.len() {
                let name = match &rest[i] {
                    Atom::Symbol(s) if s.starts_with('@') && s.len() > 1 => s[1..].to_string(),
                    other => {
                        // One error for the whole run of stray atoms, not one per atom (a
                        // box with thousands of numbers must not flood the console).
                        let skip = rest[i..]
                            .iter()
                            .position(|a| matches!(a, Atom::Symbol(s) if s.starts_with('@') && s.len() > 1))
                            .unwrap_or(rest.len() - i);
                        let more = if skip > 1 {
                            format!(" (and {} more atoms ignored)", skip - 1)
                        } else {
                            String::new()
                        };
                        fx.error(format!(
                            "box arguments: expected @attribute, got `{}`{more}",
                            short(&other.to_string())
                        ));
                        i += skip;
                        continue;
                    }
                };
                let end = rest[i + 1..]
                    .iter()
                    .position(|a| matches!(a, Atom::Symbol(s) if s.starts_with('@')))
                    .map_or(rest.len(), |p| i + 1 + p);
                let vals = &rest[i + 1..end];
                i = end;
                if !messages::ATTRIBUTES.iter().any(|a| a.name == name) {
                    fx.error(format!("box arguments: unknown attribute @{name}"));
                    continue;
                }
                match parse(messages::LEFT, &name, vals) {
                    Ok(cmd) => this.apply(st, fx, cmd, false),
                    Err(e) => fx.error(format!("@{e}")),
                }
            }
        });
    }

    /// Handles one message arriving at `inlet` (0 left, 1 middle, 2 right). Never panics;
    /// a bad message is reported with `post_error` and leaves the state unchanged.
    pub fn handle(&self, inlet: usize, selector: &str, atoms: &[Atom]) {
        self.guard(selector, |this, st, fx| {
            match parse(inlet, selector, atoms) {
                Ok(cmd) => this.apply(st, fx, cmd, true),
                Err(e) => fx.error(e.message),
            }
        });
    }

    /// Called by the host on its main thread after `Host::schedule_main`: takes the worker's
    /// results, writes the buffer and sends the outlets. Cheap when there is nothing to do.
    pub fn on_main(&self) {
        self.guard("on_main", |this, st, fx| {
            for outcome in this.worker.take_results() {
                this.handle_outcome(st, fx, outcome);
            }
        });
    }

    /// True when results are waiting for `on_main` (for adapters that poll with a clock).
    pub fn has_results(&self) -> bool {
        self.worker.has_results()
    }

    /// True when no work is queued, running, or waiting for `on_main` (tests, benchmarks).
    pub fn is_idle(&self) -> bool {
        self.worker.is_idle() && !self.state.lock().pending_autorender
    }

    /// A copy of the state.
    pub fn snapshot(&self) -> Snapshot {
        let st = self.state.lock();
        Snapshot {
            model: st.info().map(|i| i.name.clone()),
            class: st.class,
            x: st.x,
            y: st.y,
            fine: st.fine,
            z: current_z(&st).ok(),
            explicit_z: st.z_explicit.is_some(),
            axes: st.axes.clone(),
            range: st.range,
            seed: st.seed,
            vocoder: st.vocoder,
            autorender: st.autorender,
            trim: st.trim,
            buffer: st.buffer.clone(),
            pending_class: st.pending_class.clone(),
            slots: st.slots.keys().cloned().collect(),
            rendering: st.busy(),
            has_sound: st.last.is_some(),
        }
    }

    /// The last rendered sound, if any.
    pub fn last_sound(&self) -> Option<Arc<Sound>> {
        self.state.lock().last.as_ref().map(|(_, s)| s.clone())
    }

    /// The generation request a bang would send now (for tests and benchmarks that compare
    /// with a direct render), or why there is none.
    pub fn current_request(&self) -> Result<GenerateRequest, String> {
        let st = self.state.lock();
        let rate = target_rate(&*self.host, &st).ok_or("no model loaded")?;
        let z = current_z(&st)?;
        Ok(GenerateRequest {
            class: st.class,
            z,
            vocoder: vocoder_of(st.vocoder),
            sample_rate: rate,
            trim: st.trim,
        })
    }

    /// The current value of an attribute of [`messages::ATTRIBUTES`], as the atoms that set it
    /// again (`@name atoms...`); None for a name that is not an attribute. `buffer` without a
    /// target is the empty list; `class` is the class's name when a model is loaded (the pending
    /// name, else the index, without one); `axes random` and `vocoder mcnn|pghi|griffinlim`
    /// carry their seed, rounds or iteration count only when one was given.
    pub fn attribute_value(&self, name: &str) -> Option<Vec<Atom>> {
        let st = self.state.lock();
        let int = |v: u64| Atom::Int(v.min(i64::MAX as u64) as i64);
        Some(match name {
            "buffer" => st.buffer.iter().map(|b| Atom::sym(b.clone())).collect(),
            "class" => vec![class_atom(&st)],
            "axes" => match &st.axes {
                AxesCmd::Pca => vec![Atom::sym("pca")],
                AxesCmd::Random { seed } => std::iter::once(Atom::sym("random"))
                    .chain(seed.map(int))
                    .collect(),
                AxesCmd::Explicit(d) => d.iter().map(|&i| int(i as u64)).collect(),
            },
            "range" => vec![Atom::Float(st.range)],
            "seed" => vec![int(st.seed)],
            "autorender" => vec![int(st.autorender as u64)],
            "vocoder" => vocoder_atoms(st.vocoder),
            "trim" => vec![int(st.trim as u64)],
            _ => return None,
        })
    }

    fn guard(&self, what: &str, f: impl FnOnce(&Self, &mut State, &mut Effects)) {
        let r = catch_unwind(AssertUnwindSafe(|| {
            let mut fx = Effects::default();
            {
                let mut st = self.state.lock();
                f(self, &mut st, &mut fx);
            }
            self.run_effects(fx);
        }));
        if let Err(p) = r {
            let text = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let _ = catch_unwind(AssertUnwindSafe(|| {
                self.host.post_error(&format!(
                    "internal error (panic) in {what}: {text}; the object keeps working"
                ))
            }));
        }
    }

    fn run_effects(&self, fx: Effects) {
        for e in fx.0 {
            match e {
                Effect::Error(m) => self.host.post_error(&m),
                Effect::Post(m) => self.host.post(&m),
                Effect::List(o, sel, atoms) => self.host.outlet_list(o, &sel, &atoms),
                Effect::Write { buffer, sound } => {
                    match self
                        .host
                        .write_buffer(&buffer, &sound.samples, sound.sample_rate)
                    {
                        Ok(()) => self.host.outlet_bang(0),
                        Err(e) => self.host.post_error(&format!(
                            "cannot write the sound into the buffer: {e}; the sound is kept"
                        )),
                    }
                }
            }
        }
    }

    fn apply(&self, st: &mut State, fx: &mut Effects, cmd: Command, may_render: bool) {
        let auto = may_render && st.autorender;
        match cmd {
            Command::Bang => {
                if may_render {
                    self.request_render(st, fx, true, "bang")
                }
            }
            Command::Class(ClassRef::Name(name)) if st.synth.is_none() => {
                // Kept until a model loads (box arguments and loadbangs come before it).
                st.pending_class = Some(name);
                st.z_explicit = None;
                if auto {
                    self.request_render(st, fx, false, "class");
                }
            }
            Command::Class(c) => match resolve_class(st, &c) {
                Ok(i) => {
                    st.class = i;
                    st.pending_class = None;
                    st.z_explicit = None;
                    if auto {
                        self.request_render(st, fx, false, "class");
                    }
                }
                Err(e) => fx.error(format!("class: {e}")),
            },
            Command::Xy { x, y, fine } => {
                st.x = x;
                st.y = y;
                if let Some(f) = fine {
                    st.fine = f;
                }
                st.z_explicit = None;
                if auto {
                    self.request_render(st, fx, false, "xy");
                }
            }
            Command::Fine(f) => {
                st.fine = f;
                st.z_explicit = None;
                if auto {
                    self.request_render(st, fx, false, "fine");
                }
            }
            Command::Z(z) => {
                let Some(info) = st.info() else {
                    return fx.error("z: no model loaded");
                };
                if z.len() != info.latent.dim {
                    return fx.error(format!(
                        "z: expected {} numbers (the model's latent_dim), got {}",
                        info.latent.dim,
                        z.len()
                    ));
                }
                st.z_explicit = Some(z);
                project_pad(st);
                emit_pad(st, fx);
                if auto {
                    self.request_render(st, fx, false, "z");
                }
            }
            Command::Axes(a) => {
                if let (AxesCmd::Explicit(d), Some(info)) = (&a, st.info()) {
                    if let Some(bad) = d.iter().find(|&&i| i >= info.latent.dim) {
                        return fx.error(format!(
                            "axes: dimension {bad} is out of range (latent_dim is {})",
                            info.latent.dim
                        ));
                    }
                }
                st.axes = a;
                if st.z_explicit.is_some() {
                    project_pad(st);
                    emit_pad(st, fx);
                }
                if auto {
                    self.request_render(st, fx, false, "axes");
                }
            }
            Command::Range(r) => {
                st.range = r;
                if st.z_explicit.is_some() {
                    project_pad(st);
                    emit_pad(st, fx);
                }
                if auto {
                    self.request_render(st, fx, false, "range");
                }
            }
            Command::Random => {
                let Some(info) = st.info().cloned() else {
                    return fx.error("random: no model loaded");
                };
                let (mean, std) = (
                    &info.latent.class_means[st.class],
                    &info.latent.class_stds[st.class],
                );
                let z: Vec<f32> = mean
                    .iter()
                    .zip(std)
                    .map(|(&m, &s)| {
                        let n: f64 = st.rng.sample(rand_distr::StandardNormal);
                        m + s * n as f32
                    })
                    .collect();
                self.set_latent(st, fx, st.class, z, true, "random");
            }
            Command::Vary(amount) => {
                let Some(info) = st.info().cloned() else {
                    return fx.error("vary: no model loaded");
                };
                let z = match current_z(st) {
                    Ok(z) => z,
                    Err(e) => return fx.error(format!("vary: {e}")),
                };
                let seed: u64 = st.rng.random();
                let z = match latent::vary(&info.latent, st.class, &z, amount as f32, seed) {
                    Ok(z) => z,
                    Err(e) => return fx.error(format!("vary: {e}")),
                };
                self.set_latent(st, fx, st.class, z, true, "vary");
            }
            Command::Store(name) => {
                let z = match current_z(st) {
                    Ok(z) => z,
                    Err(e) => return fx.error(format!("store: {e}")),
                };
                if st.slots.len() >= MAX_SLOTS && !st.slots.contains_key(&name) {
                    return fx.error(format!("store: at most {MAX_SLOTS} slots"));
                }
                st.slots.insert(name, (st.class, z));
            }
            Command::Recall(name) => {
                let Some((class, z)) = st.slots.get(&name).cloned() else {
                    let name = short(&name);
                    return fx.error(format!(
                        "recall: no slot named `{name}` (use store {name} first)"
                    ));
                };
                if let Err(e) = check_latent(st, class, &z) {
                    return fx.error(format!("recall: slot `{name}`: {e}"));
                }
                self.set_latent(st, fx, class, z, auto, "recall");
            }
            Command::Morph { a, b, t } => {
                let (Some(sa), Some(sb)) = (st.slots.get(&a).cloned(), st.slots.get(&b).cloned())
                else {
                    let missing = short(if st.slots.contains_key(&a) { &b } else { &a });
                    return fx.error(format!(
                        "morph: no slot named `{missing}` (use store {missing} first)"
                    ));
                };
                for (n, s) in [(&a, &sa), (&b, &sb)] {
                    if let Err(e) = check_latent(st, s.0, &s.1) {
                        return fx.error(format!("morph: slot `{n}`: {e}"));
                    }
                }
                let z = match latent::morph(&sa.1, &sb.1, t as f32) {
                    Ok(z) => z,
                    Err(e) => return fx.error(format!("morph: {e}")),
                };
                let class = if t < 0.5 { sa.0 } else { sb.0 };
                self.set_latent(st, fx, class, z, true, "morph");
            }
            Command::Encode { buffer, class } => self.request_encode(st, fx, buffer, class),
            Command::Set(b) => st.buffer = Some(b),
            Command::Model(folder) => {
                fx.post(format!("loading model {folder}"));
                self.worker.load(LoadJob {
                    path: PathBuf::from(folder),
                });
            }
            Command::Write(file) => {
                let Some((_, sound)) = st.last.clone() else {
                    return fx.error("write: nothing rendered yet (bang first)");
                };
                if !self.worker.write(WriteJob {
                    path: PathBuf::from(&file),
                    sound,
                }) {
                    fx.error(format!(
                        "write: too many writes waiting; {} not written",
                        short(&file)
                    ));
                }
            }
            Command::Dump => dump(st, fx, self.host.as_ref()),
            Command::Vocoder(v) => st.vocoder = v,
            Command::Autorender(on) => {
                st.autorender = on;
                if !on {
                    st.pending_autorender = false;
                }
            }
            Command::Seed(s) => {
                st.seed = s;
                st.rng = ChaCha8Rng::seed_from_u64(s);
            }
            Command::Trim(on) => st.trim = on,
        }
    }

    /// Sets class and explicit latent, moves the pad to the latent's projection, tells the
    /// middle outlet, and renders if `render`.
    fn set_latent(
        &self,
        st: &mut State,
        fx: &mut Effects,
        class: usize,
        z: Vec<f32>,
        render: bool,
        what: &str,
    ) {
        st.class = class;
        st.z_explicit = Some(z);
        project_pad(st);
        emit_latent(st, fx);
        if render {
            self.request_render(st, fx, true, what);
        }
    }

    fn request_render(&self, st: &mut State, fx: &mut Effects, explicit: bool, what: &str) {
        let Some(synth) = st.synth.clone() else {
            return fx.error(format!("{what}: no model loaded (send model <folder>)"));
        };
        if !explicit && st.busy() {
            st.pending_autorender = true;
            return;
        }
        st.pending_autorender = false;
        let z = match current_z(st) {
            Ok(z) => z,
            Err(e) => return fx.error(format!("{what}: {e}")),
        };
        let rate = target_rate(&*self.host, st).unwrap_or(synth.info().sample_rate);
        if !RENDER_RATES.contains(&rate) {
            return fx.error(format!(
                "{what}: buffer `{}` has a sample rate of {rate} Hz; rendering needs {} to {} Hz",
                st.buffer.as_deref().unwrap_or(""),
                RENDER_RATES.start(),
                RENDER_RATES.end()
            ));
        }
        let vocoder = vocoder_of(st.vocoder);
        let key = RenderKey {
            epoch: st.epoch,
            class: st.class,
            z_bits: z.iter().map(|v| v.to_bits()).collect(),
            vocoder: synth.canonical_vocoder(vocoder),
            trim: st.trim,
            sample_rate: rate,
        };
        st.requested_gen += 1;
        if let Some((k, sound)) = &st.last {
            if *k == key {
                let sound = sound.clone();
                st.completed_gen = st.requested_gen;
                st.delivered_gen = st.requested_gen;
                deliver(st, fx, &*self.host, sound);
                return;
            }
        }
        self.worker.render(RenderJob {
            gen: st.requested_gen,
            synth,
            req: GenerateRequest {
                class: st.class,
                z,
                vocoder,
                sample_rate: rate,
                trim: st.trim,
            },
            key,
        });
    }

    fn request_encode(
        &self,
        st: &mut State,
        fx: &mut Effects,
        buffer: String,
        class: Option<ClassRef>,
    ) {
        let Some(synth) = st.synth.clone() else {
            return fx.error("encode: no model loaded");
        };
        let class = match class.map(|c| resolve_class(st, &c)).transpose() {
            Ok(c) => c,
            Err(e) => return fx.error(format!("encode: {e}")),
        };
        let (audio, rate) = match self.host.read_buffer(&buffer) {
            Ok(r) => r,
            Err(e) => return fx.error(format!("encode: {e}")),
        };
        if audio.is_empty() {
            return fx.error(format!("encode: buffer `{buffer}` is empty"));
        }
        if audio.iter().any(|v| !v.is_finite()) {
            return fx.error(format!(
                "encode: buffer `{buffer}` contains NaN or infinity"
            ));
        }
        let sample_rate = if rate == 0 {
            synth.info().sample_rate
        } else {
            rate
        };
        st.encode_gen += 1;
        self.worker.encode(EncodeJob {
            gen: st.encode_gen,
            epoch: st.epoch,
            synth,
            audio,
            sample_rate,
            class,
            buffer,
        });
    }

    fn handle_outcome(&self, st: &mut State, fx: &mut Effects, outcome: Outcome) {
        match outcome {
            Outcome::Rendered { gen, key, sound } => {
                st.completed_gen = st.completed_gen.max(gen);
                // Renders run one at a time in request order, so a result newer than the last
                // one written is written even when a still newer request is waiting: a
                // storm of requests faster than the renders keeps updating the buffer instead
                // of starving it, and the last result written is the last request's.
                if gen > st.delivered_gen && key.epoch == st.epoch {
                    st.delivered_gen = gen;
                    st.last = Some((key, sound.clone()));
                    deliver(st, fx, &*self.host, sound);
                }
                self.after_render(st, fx);
            }
            Outcome::RenderFailed { gen, error } => {
                st.completed_gen = st.completed_gen.max(gen);
                fx.error(format!("render failed: {error}"));
                self.after_render(st, fx);
            }
            Outcome::Encoded {
                gen,
                epoch,
                buffer,
                result,
            } => {
                if gen != st.encode_gen {
                    return; // a newer encode was requested
                }
                if epoch != st.epoch {
                    return fx.error(format!(
                        "encode {buffer}: the model changed meanwhile; encode again"
                    ));
                }
                match result {
                    Ok(enc) => {
                        if let Err(e) = check_latent(st, enc.class, &enc.z) {
                            return fx.error(format!(
                                "encode {buffer}: the model returned a bad latent: {e}"
                            ));
                        }
                        self.set_latent(st, fx, enc.class, enc.z, true, "encode");
                    }
                    Err(e) => fx.error(format!("encode {buffer}: {e}")),
                }
            }
            Outcome::Loaded { path, result } => match result {
                Ok(synth) => {
                    let info = synth.info().clone();
                    st.synth = Some(synth);
                    st.epoch += 1;
                    st.last = None;
                    if let Some(name) = st.pending_class.take() {
                        match resolve_class(st, &ClassRef::Name(name.clone())) {
                            Ok(i) => st.class = i,
                            Err(e) => fx.error(format!("model {}: class: {e}", info.name)),
                        }
                    }
                    if st.class >= info.classes.len() {
                        fx.error(format!(
                            "model {}: class {} does not exist in it; using {}",
                            info.name, st.class, info.classes[0]
                        ));
                        st.class = 0;
                    }
                    if st
                        .z_explicit
                        .as_ref()
                        .is_some_and(|z| z.len() != info.latent.dim)
                    {
                        st.z_explicit = None;
                    }
                    if let AxesCmd::Explicit(d) = &st.axes {
                        if d.iter().any(|&i| i >= info.latent.dim) {
                            fx.error(format!("model {}: axes out of range; using pca", info.name));
                            st.axes = AxesCmd::Pca;
                        }
                    }
                    fx.post(format!(
                        "loaded model {} from {}",
                        info.name,
                        path.display()
                    ));
                    fx.list(
                        2,
                        "model",
                        vec![
                            Atom::sym(info.name.clone()),
                            Atom::Int(info.sample_rate as i64),
                        ],
                    );
                    if st.autorender {
                        self.request_render(st, fx, false, "model");
                    }
                }
                Err(e) => fx.error(format!(
                    "model {}: {e}; keeping the previous model",
                    path.display()
                )),
            },
            Outcome::Written { path, result } => match result {
                Ok(()) => fx.post(format!("wrote {}", path.display())),
                Err(e) => fx.error(format!("write {}: {e}", path.display())),
            },
        }
    }

    fn after_render(&self, st: &mut State, fx: &mut Effects) {
        if st.pending_autorender && !st.busy() {
            self.request_render(st, fx, false, "autorender");
        }
    }
}

/// The sample rate to render at: the target buffer's, else the model's. None without model.
fn target_rate(host: &dyn Host, st: &State) -> Option<u32> {
    let model_rate = st.info()?.sample_rate;
    let buf_rate = st
        .buffer
        .as_deref()
        .and_then(|b| host.buffer_info(b))
        .map_or(0, |i| i.sample_rate);
    Some(if buf_rate == 0 { model_rate } else { buf_rate })
}

/// Writes a finished sound into the target buffer (as an effect), or reports why not.
fn deliver(st: &mut State, fx: &mut Effects, host: &dyn Host, sound: Arc<Sound>) {
    let Some(buffer) = st.buffer.clone() else {
        return fx.error("no target buffer (set <buffer>); the sound is kept for write");
    };
    match host.buffer_info(&buffer) {
        None => fx.error(format!(
            "no buffer named `{buffer}`; the sound is kept (bang again once it exists, or write <file>)"
        )),
        Some(_) => fx.0.push(Effect::Write { buffer, sound }),
    }
}

/// A user-given name, cut for an error message.
fn short(s: &str) -> String {
    messages::short(s, 60)
}

/// The atoms of a `vocoder` message that sets `v` again (a count only where one was given).
fn vocoder_atoms(v: VocoderCmd) -> Vec<Atom> {
    let (name, count) = match v {
        VocoderCmd::Model => ("model", None),
        VocoderCmd::Mcnn { refine } => ("mcnn", refine),
        VocoderCmd::Pghi { rounds } => ("pghi", rounds),
        VocoderCmd::GriffinLim { iterations } => ("griffinlim", iterations),
    };
    std::iter::once(Atom::sym(name))
        .chain(count.map(|n| Atom::Int(n as i64)))
        .collect()
}

fn vocoder_of(v: VocoderCmd) -> Vocoder {
    match v {
        VocoderCmd::Model => Vocoder::Model,
        VocoderCmd::Pghi { rounds } => Vocoder::Pghi { rounds },
        VocoderCmd::Mcnn { refine: None } => Vocoder::Mcnn,
        VocoderCmd::Mcnn {
            refine: Some(rounds),
        } => Vocoder::McnnRefined { rounds },
        VocoderCmd::GriffinLim { iterations } => Vocoder::GriffinLim {
            iterations: iterations.unwrap_or(messages::DEFAULT_GL_ITERS),
        },
    }
}

fn resolve_class(st: &State, c: &ClassRef) -> Result<usize, String> {
    let Some(info) = st.info() else {
        return match c {
            ClassRef::Index(i) => Ok(*i),
            ClassRef::Name(n) => Err(format!("no model loaded to look up `{}`", short(n))),
        };
    };
    let n = info.classes.len();
    match c {
        ClassRef::Index(i) if *i < n => Ok(*i),
        ClassRef::Index(i) => Err(format!(
            "index {i} is out of range (the model has {n} classes: {})",
            info.classes.join(" ")
        )),
        ClassRef::Name(name) => info
            .classes
            .iter()
            .position(|c| c == name)
            .or_else(|| {
                info.classes
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| {
                format!(
                    "unknown class `{}` (classes: {})",
                    short(name),
                    info.classes.join(" ")
                )
            }),
    }
}

fn check_latent(st: &State, class: usize, z: &[f32]) -> Result<(), String> {
    let info = st.info().ok_or("no model loaded")?;
    if class >= info.classes.len() {
        return Err(format!(
            "class {class} does not exist in model {}",
            info.name
        ));
    }
    if z.len() != info.latent.dim {
        return Err(format!(
            "latent has {} values, the model's latent_dim is {}",
            z.len(),
            info.latent.dim
        ));
    }
    if z.iter().any(|v| !v.is_finite()) {
        return Err("latent contains NaN or infinity".into());
    }
    Ok(())
}

fn axes_of(a: &AxesCmd, seed: u64, dim: usize) -> latent::Axes {
    match a {
        AxesCmd::Pca => latent::Axes::Pca,
        AxesCmd::Random { seed: s } => latent::Axes::random(s.unwrap_or(seed), dim.max(1)),
        AxesCmd::Explicit(d) => latent::Axes::Explicit { dims: d.clone() },
    }
}

fn current_z(st: &State) -> Result<Vec<f32>, String> {
    if let Some(z) = &st.z_explicit {
        return Ok(z.clone());
    }
    let info = st.info().ok_or("no model loaded")?;
    if st.class >= info.classes.len() {
        return Err(format!("class {} does not exist", st.class));
    }
    latent::pad_to_z(
        &info.latent,
        st.class,
        &axes_of(&st.axes, st.seed, info.latent.dim),
        st.x as f32,
        st.y as f32,
        st.fine as f32,
        st.range as f32,
    )
    .map_err(|e| e.to_string())
}

/// Moves the pad to the projection of the explicit latent (clamped to the pad).
fn project_pad(st: &mut State) {
    let (Some(z), Some(info)) = (&st.z_explicit, st.info()) else {
        return;
    };
    let axes = axes_of(&st.axes, st.seed, info.latent.dim);
    let Ok([x, y, f]) = latent::z_to_pad(&info.latent, st.class, &axes, z, st.range as f32) else {
        return; // e.g. range 0: the pad stays where it was
    };
    let fix = |v: f32| {
        if v.is_finite() {
            (v as f64).clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    st.x = fix(x);
    st.y = fix(y);
    st.fine = fix(f);
}

fn emit_pad(st: &State, fx: &mut Effects) {
    fx.list(1, "xy", vec![Atom::Float(st.x), Atom::Float(st.y)]);
    fx.list(1, "fine", vec![Atom::Float(st.fine)]);
}

fn class_atom(st: &State) -> Atom {
    match st.info().and_then(|i| i.classes.get(st.class)) {
        Some(name) => Atom::sym(name.clone()),
        None => match &st.pending_class {
            Some(name) => Atom::sym(name.clone()),
            None => Atom::Int(st.class as i64),
        },
    }
}

fn emit_latent(st: &State, fx: &mut Effects) {
    fx.list(1, "class", vec![class_atom(st)]);
    emit_pad(st, fx);
    if let Ok(z) = current_z(st) {
        fx.list(1, "z", z.into_iter().map(Atom::from).collect());
    }
}

fn dump(st: &State, fx: &mut Effects, host: &dyn Host) {
    const O: usize = 2;
    match st.info() {
        Some(info) => {
            fx.list(
                O,
                "model",
                vec![
                    Atom::sym(info.name.clone()),
                    Atom::Int(info.sample_rate as i64),
                ],
            );
            fx.list(
                O,
                "classes",
                info.classes.iter().map(|c| Atom::sym(c.clone())).collect(),
            );
        }
        None => fx.list(O, "model", vec![Atom::sym("none")]),
    }
    fx.list(O, "class", vec![class_atom(st)]);
    fx.list(O, "xy", vec![Atom::Float(st.x), Atom::Float(st.y)]);
    fx.list(O, "fine", vec![Atom::Float(st.fine)]);
    let axes: Vec<Atom> = match &st.axes {
        AxesCmd::Pca => vec![Atom::sym("pca")],
        AxesCmd::Random { seed } => vec![
            Atom::sym("random"),
            Atom::Int(seed.unwrap_or(st.seed) as i64),
        ],
        AxesCmd::Explicit(d) => d.iter().map(|&i| Atom::Int(i as i64)).collect(),
    };
    fx.list(O, "axes", axes);
    fx.list(O, "range", vec![Atom::Float(st.range)]);
    fx.list(O, "seed", vec![Atom::Int(st.seed as i64)]);
    // Unlike the attribute, the dump names Griffin-Lim's default iteration count.
    let voc = match st.vocoder {
        VocoderCmd::GriffinLim { iterations: None } => vec![
            Atom::sym("griffinlim"),
            Atom::Int(messages::DEFAULT_GL_ITERS as i64),
        ],
        v => vocoder_atoms(v),
    };
    fx.list(O, "vocoder", voc);
    fx.list(O, "autorender", vec![Atom::Int(st.autorender as i64)]);
    fx.list(O, "trim", vec![Atom::Int(st.trim as i64)]);
    match &st.buffer {
        Some(b) => {
            let mut atoms = vec![Atom::sym(b.clone())];
            if let Some(i) = host.buffer_info(b) {
                atoms.extend([
                    Atom::Int(i.frames as i64),
                    Atom::Int(i.channels as i64),
                    Atom::Int(i.sample_rate as i64),
                ]);
            }
            fx.list(O, "buffer", atoms)
        }
        None => fx.list(O, "buffer", vec![Atom::sym("none")]),
    }
    fx.list(
        O,
        "slots",
        st.slots.keys().map(|k| Atom::sym(k.clone())).collect(),
    );
    if let Ok(z) = current_z(st) {
        fx.list(O, "z", z.into_iter().map(Atom::from).collect());
    }
}
