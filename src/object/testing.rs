//! A fake host and a fake synth: they drive the object's tests and benchmarks without Max,
//! Pd or ONNX models. Public so that integration tests and benchmarks can use them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::host::{BufferInfo, Host, HostError};
use super::messages::Atom;
use super::worker::Loader;
use super::DrumObject;
use crate::error::NdmError;
use crate::synth::{Encoded, GenerateRequest, LatentInfo, ModelInfo, Sound, Synth, Vocoder};

/// Something the object sent to the host.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Bang(usize),
    List(usize, String, Vec<Atom>),
    Error(String),
    Post(String),
}

/// A named buffer of the fake host.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeBuffer {
    /// `channels[c][frame]`.
    pub channels: Vec<Vec<f32>>,
    pub sample_rate: u32,
}

/// A host with named buffers, an event log, and a main-thread queue drained by `pump`.
#[derive(Default)]
pub struct FakeHost {
    buffers: Mutex<BTreeMap<String, FakeBuffer>>,
    log: Mutex<Vec<Event>>,
    scheduled: Mutex<bool>,
    scheduled_cv: Condvar,
    /// Make `write_buffer` fail.
    pub fail_writes: AtomicBool,
    pub writes: AtomicUsize,
    pub schedule_calls: AtomicUsize,
}

impl FakeHost {
    pub fn new() -> Arc<FakeHost> {
        Arc::new(FakeHost::default())
    }

    /// Adds (or replaces) a buffer of `frames` zeros.
    pub fn add_buffer(&self, name: &str, frames: usize, channels: usize, sample_rate: u32) {
        self.buffers.lock().insert(
            name.to_string(),
            FakeBuffer {
                channels: vec![vec![0.0; frames]; channels],
                sample_rate,
            },
        );
    }

    /// Adds a mono buffer holding `samples`.
    pub fn add_buffer_with(&self, name: &str, samples: Vec<f32>, sample_rate: u32) {
        self.buffers.lock().insert(
            name.to_string(),
            FakeBuffer {
                channels: vec![samples],
                sample_rate,
            },
        );
    }

    pub fn remove_buffer(&self, name: &str) {
        self.buffers.lock().remove(name);
    }

    pub fn buffer(&self, name: &str) -> Option<FakeBuffer> {
        self.buffers.lock().get(name).cloned()
    }

    /// The events so far (and keeps them).
    pub fn events(&self) -> Vec<Event> {
        self.log.lock().clone()
    }

    /// The events so far, clearing the log.
    pub fn take_events(&self) -> Vec<Event> {
        std::mem::take(&mut *self.log.lock())
    }

    pub fn errors(&self) -> Vec<String> {
        self.log
            .lock()
            .iter()
            .filter_map(|e| match e {
                Event::Error(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn clear(&self) {
        self.log.lock().clear();
    }

    /// Calls `obj.on_main()` if the worker asked for it. Returns whether it did.
    pub fn pump(&self, obj: &DrumObject) -> bool {
        let due = std::mem::take(&mut *self.scheduled.lock());
        if due {
            obj.on_main();
        }
        due
    }

    /// Pumps until the object is idle (nothing queued, running or waiting). False on timeout.
    pub fn settle(&self, obj: &DrumObject, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.pump(obj);
            if obj.is_idle() && !*self.scheduled.lock() {
                return true;
            }
            let now = Instant::now();
            if now >= end {
                return false;
            }
            let mut s = self.scheduled.lock();
            if !*s {
                self.scheduled_cv
                    .wait_for(&mut s, (end - now).min(Duration::from_millis(5)));
            }
        }
    }
}

impl Host for FakeHost {
    fn buffer_info(&self, name: &str) -> Option<BufferInfo> {
        self.buffers.lock().get(name).map(|b| BufferInfo {
            frames: b.channels.first().map_or(0, |c| c.len()),
            channels: b.channels.len(),
            sample_rate: b.sample_rate,
        })
    }

    fn read_buffer(&self, name: &str) -> Result<(Vec<f32>, u32), HostError> {
        let bufs = self.buffers.lock();
        let b = bufs
            .get(name)
            .ok_or_else(|| HostError::NoSuchBuffer(name.into()))?;
        let n = b.channels.first().map_or(0, |c| c.len());
        let k = b.channels.len().max(1) as f32;
        let mono = (0..n)
            .map(|i| b.channels.iter().map(|c| c[i]).sum::<f32>() / k)
            .collect();
        Ok((mono, b.sample_rate))
    }

    fn write_buffer(
        &self,
        name: &str,
        samples: &[f32],
        _sample_rate: u32,
    ) -> Result<(), HostError> {
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(HostError::Buffer {
                name: name.into(),
                reason: "write refused (test)".into(),
            });
        }
        let mut bufs = self.buffers.lock();
        let b = bufs
            .get_mut(name)
            .ok_or_else(|| HostError::NoSuchBuffer(name.into()))?;
        if b.channels.is_empty() {
            b.channels.push(Vec::new());
        }
        for c in &mut b.channels {
            c.clear();
            c.extend_from_slice(samples);
        }
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn outlet_bang(&self, outlet: usize) {
        self.log.lock().push(Event::Bang(outlet));
    }

    fn outlet_list(&self, outlet: usize, selector: &str, atoms: &[Atom]) {
        self.log
            .lock()
            .push(Event::List(outlet, selector.to_string(), atoms.to_vec()));
    }

    fn post_error(&self, msg: &str) {
        self.log.lock().push(Event::Error(msg.to_string()));
    }

    fn post(&self, msg: &str) {
        self.log.lock().push(Event::Post(msg.to_string()));
    }

    fn schedule_main(&self) {
        self.schedule_calls.fetch_add(1, Ordering::SeqCst);
        *self.scheduled.lock() = true;
        self.scheduled_cv.notify_all();
    }
}

/// How a [`FakeSynth`] misbehaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Sleep this long in every `generate` and `encode`.
    pub sleep: Duration,
    /// Return an error from `generate`.
    pub fail: bool,
    /// Panic in `generate`.
    pub panic: bool,
    /// Return NaN samples from `generate`.
    pub nan: bool,
}

/// A deterministic synth: a decaying sine whose pitch depends on the class and z[0], its
/// decay on z[1] and its phase on z[2]. 0.3 s long (0.5 s with `trim` off) at the requested
/// rate. Model rate 22050 Hz, latent_dim 64; PCA components are the first three unit vectors.
pub struct FakeSynth {
    info: ModelInfo,
    pub behaviour: Mutex<Behaviour>,
    pub generate_calls: AtomicUsize,
    pub encode_calls: AtomicUsize,
}

/// Latent dimension of the fake model.
pub const FAKE_DIM: usize = 64;
/// Sample rate of the fake model.
pub const FAKE_SR: u32 = 22050;

impl FakeSynth {
    pub fn new(name: &str, classes: &[&str]) -> Arc<FakeSynth> {
        let n = classes.len();
        let unit = |i: usize| {
            (0..FAKE_DIM)
                .map(|k| if k == i { 1.0 } else { 0.0 })
                .collect()
        };
        Arc::new(FakeSynth {
            info: ModelInfo {
                name: name.to_string(),
                path: format!("/fake/{name}"),
                sample_rate: FAKE_SR,
                classes: classes.iter().map(|s| s.to_string()).collect(),
                latent: LatentInfo {
                    dim: FAKE_DIM,
                    class_means: (0..n).map(|c| vec![0.1 * c as f32; FAKE_DIM]).collect(),
                    class_stds: (0..n).map(|_| vec![1.0; FAKE_DIM]).collect(),
                    pca_components: vec![unit(0), unit(1), unit(2)],
                    pca_stds: vec![1.0, 0.5, 0.25],
                },
            },
            behaviour: Mutex::new(Behaviour::default()),
            generate_calls: AtomicUsize::new(0),
            encode_calls: AtomicUsize::new(0),
        })
    }

    /// The default fake model: classes kick, snare, hat, clap.
    pub fn standard() -> Arc<FakeSynth> {
        FakeSynth::new("fake-v1", &["kick", "snare", "hat", "clap"])
    }

    pub fn set(&self, b: Behaviour) {
        *self.behaviour.lock() = b;
    }

    /// The sound `generate` returns for `req` (without misbehaviour).
    pub fn render(&self, req: &GenerateRequest) -> Sound {
        let sr = req.sample_rate.max(1);
        let secs = if req.trim { 0.3 } else { 0.5 };
        let n = (secs * sr as f64).round() as usize;
        let z = |i: usize| req.z.get(i).copied().unwrap_or(0.0) as f64;
        let freq = 60.0 + 80.0 * req.class as f64 + 40.0 * z(0).tanh() + 40.0;
        let decay = 8.0 + 4.0 * z(1).abs();
        let phase = z(2);
        let gain = match req.vocoder {
            Vocoder::Model | Vocoder::Mcnn => 1.0,
            Vocoder::Pghi { rounds } => 0.9 + 0.01 * rounds.unwrap_or(2).min(4) as f64,
            Vocoder::McnnRefined { rounds } => 0.95 + 0.01 * rounds.min(4) as f64,
            Vocoder::GriffinLim { iterations } => 0.5 + 0.4 / iterations.max(1) as f64,
        };
        let samples = (0..n)
            .map(|i| {
                let t = i as f64 / sr as f64;
                (gain * (-decay * t).exp() * (2.0 * std::f64::consts::PI * freq * t + phase).sin())
                    as f32
            })
            .collect();
        Sound {
            samples,
            sample_rate: sr,
        }
    }
}

impl Synth for FakeSynth {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// As [`FakeSynth::render`] reads them: the model's choice is `Mcnn`, PGHI's rounds 2.
    fn canonical_vocoder(&self, vocoder: Vocoder) -> Vocoder {
        match vocoder {
            Vocoder::Model => Vocoder::Mcnn,
            Vocoder::Pghi { rounds: None } => Vocoder::Pghi { rounds: Some(2) },
            v => v,
        }
    }

    fn generate(&self, req: &GenerateRequest) -> Result<Sound, NdmError> {
        self.generate_calls.fetch_add(1, Ordering::SeqCst);
        let b = self.behaviour.lock().clone();
        if !b.sleep.is_zero() {
            std::thread::sleep(b.sleep);
        }
        if b.panic {
            panic!("FakeSynth was told to panic");
        }
        if b.fail {
            return Err(NdmError::BadInput("FakeSynth was told to fail".into()));
        }
        if req.class >= self.info.classes.len() {
            return Err(NdmError::BadClass {
                index: req.class,
                n_classes: self.info.classes.len(),
            });
        }
        if req.z.len() != FAKE_DIM {
            return Err(NdmError::BadLatentLength {
                got: req.z.len(),
                expected: FAKE_DIM,
            });
        }
        let mut s = self.render(req);
        if b.nan {
            s.samples[0] = f32::NAN;
        }
        Ok(s)
    }

    /// Class: the one asked for, else 1 (snare). z: the class mean with z[0] and z[1] set from
    /// the audio's peak and its length in seconds.
    fn encode(
        &self,
        audio: &[f32],
        sample_rate: u32,
        class: Option<usize>,
    ) -> Result<Encoded, NdmError> {
        self.encode_calls.fetch_add(1, Ordering::SeqCst);
        let b = self.behaviour.lock().clone();
        if !b.sleep.is_zero() {
            std::thread::sleep(b.sleep);
        }
        if b.panic {
            panic!("FakeSynth was told to panic (encode)");
        }
        if audio.is_empty() || sample_rate == 0 {
            return Err(NdmError::BadInput("empty audio".into()));
        }
        let peak = audio.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if peak == 0.0 {
            return Err(NdmError::BadInput("silent audio".into()));
        }
        let class = class.unwrap_or(1.min(self.info.classes.len() - 1));
        let mut z = self.info.latent.class_means[class].clone();
        z[0] += (peak - 0.5).clamp(-1.0, 1.0);
        z[1] += (audio.len() as f32 / sample_rate as f32 - 0.25).clamp(-0.5, 0.5);
        Ok(Encoded { class, z })
    }
}

/// A loader for tests: a folder whose name contains `fail` fails, `panic` panics, `slow`
/// sleeps 200 ms; any other folder loads a [`FakeSynth`] named after the folder, with
/// classes kick, snare, hat (three, to tell it from the standard model).
pub fn fake_loader() -> Loader {
    Arc::new(|path: &Path| -> Result<Arc<dyn Synth>, NdmError> {
        let name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        if name.contains("panic") {
            panic!("loader was told to panic");
        }
        if name.contains("fail") {
            return Err(NdmError::BadInput(format!(
                "no bundle.json in {}",
                path.display()
            )));
        }
        if name.contains("slow") {
            std::thread::sleep(Duration::from_millis(200));
        }
        let s: Arc<dyn Synth> = FakeSynth::new(&name, &["kick", "snare", "hat"]);
        Ok(s)
    })
}

/// An object on `host` with the standard fake synth, the fake loader and no box arguments:
/// the starting point of most object tests.
pub fn standard_object(host: &Arc<FakeHost>) -> DrumObject {
    DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[],
    )
}
