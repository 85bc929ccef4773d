//! The fuzz targets' logic, shared by the cargo-fuzz binaries (fuzz_targets/) and by
//! `tests/seeds.rs`, which replays the seed corpora and the regression cases on stable Rust.
//!
//! Every target asserts invariants beyond "does not crash":
//! - `messages`: a message the parser rejects gives exactly one console error and leaves the
//!   object's snapshot unchanged; no error is more than one line or `MAX_ERROR_CHARS`; the
//!   state never holds a non-finite or out-of-range value.
//! - `bundle_json`: `validate_spec` never panics; a spec it accepts has consistent sizes
//!   within `bundle::limits`, and latent navigation on it does not panic.
//! - `audio_decode`: `read_audio` (symphonia, then the hound fallback for .wav) and a hound
//!   decode of the same bytes never panic or run out of memory; decoded sounds have a
//!   positive sample rate.
//! - `onnx_bytes`: any bytes as one of the bundle's .onnx files (with a matching hash) load as
//!   an engine or fail with an error; a loaded engine renders finite audio or an error.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ndm::bundle::{limits, validate_spec, Bundle, BundleSpec};
use ndm::object::messages::{self, MESSAGES};
use ndm::object::testing::{Event, FakeHost, FakeSynth};
use ndm::object::{Atom, Command, DrumObject, Loader, MAX_ERROR_CHARS};
use ndm::synth::Synth;

// ---- messages ------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "kick",
    "snare",
    "hat",
    "clap",
    "KICK",
    "pca",
    "random",
    "mcnn",
    "griffinlim",
    "pghi",
    "model",
    "drums",
    "src",
    "a",
    "b",
    "@class",
    "@range",
    "@axes",
    "@buffer",
    "@",
    "",
    " ",
    "🥁",
    "\n",
    "x\u{0}y",
];
const SPECIAL: &[f64] = &[
    0.0,
    -0.0,
    0.5,
    1.0,
    -1.0,
    2.0,
    3.0,
    10.0,
    63.0,
    64.0,
    4095.0,
    4096.0,
    1e3,
    1e39,
    -1e39,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    9007199254740992.0,
    9007199254740994.0,
    f64::MIN_POSITIVE,
    1.0000001,
    0.9999999,
];
const EXTRA_SELECTORS: &[&str] = &[
    "list", "float", "int", "symbol", "foo", "snare", "", "@class",
];

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        let src = self.bytes(8);
        b[..src.len()].copy_from_slice(src);
        u64::from_le_bytes(b)
    }
    fn text(&mut self) -> String {
        let n = self.byte() as usize % 64;
        String::from_utf8_lossy(self.bytes(n)).into_owned()
    }
    fn atom(&mut self) -> Atom {
        match self.byte() % 6 {
            0 => Atom::Float(f64::from_bits(self.u64())),
            1 => Atom::Int(self.u64() as i64),
            2 => Atom::Float(SPECIAL[self.byte() as usize % SPECIAL.len()]),
            3 => Atom::sym(WORDS[self.byte() as usize % WORDS.len()]),
            4 => Atom::Symbol(self.text()),
            _ => Atom::Int(self.byte() as i64 - 100),
        }
    }
    fn selector(&mut self) -> String {
        let t = self.byte() as usize;
        let n = MESSAGES.len() + EXTRA_SELECTORS.len();
        if t < 224 {
            let i = t % n;
            match MESSAGES.get(i) {
                Some(m) => m.selector.to_string(),
                None => EXTRA_SELECTORS[i - MESSAGES.len()].to_string(),
            }
        } else {
            self.text()
        }
    }
    /// One message: inlet, selector, atoms (`255` as the count: a long run of one atom).
    fn message(&mut self) -> (usize, String, Vec<Atom>) {
        let inlet = match self.byte() % 8 {
            0..=2 => 0,
            3 | 4 => 1,
            5 | 6 => 2,
            _ => 3 + self.byte() as usize,
        };
        let selector = self.selector();
        let n = self.byte();
        let atoms = if n == 255 {
            let count = u16::from_le_bytes([self.byte(), self.byte()]) as usize;
            vec![self.atom(); count]
        } else {
            (0..n % 8).map(|_| self.atom()).collect()
        };
        (inlet, selector, atoms)
    }
}

/// Decodes up to 16 messages from fuzz bytes.
pub fn decode_messages(data: &[u8]) -> Vec<(usize, String, Vec<Atom>)> {
    let mut r = Reader(data);
    let mut out = Vec::new();
    while !r.0.is_empty() && out.len() < 16 {
        out.push(r.message());
    }
    out
}

struct Rig {
    host: Arc<FakeHost>,
    obj: DrumObject,
}

fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let host = FakeHost::new();
        host.add_buffer("drums", 0, 1, 44100);
        host.add_buffer_with("src", vec![0.5; 4000], 44100);
        // A loader that never fails or panics (libFuzzer aborts on any panic, even a caught one).
        let loader: Loader = Arc::new(|p: &Path| {
            let name = p
                .file_name()
                .map_or("m".into(), |s| s.to_string_lossy().into_owned());
            Ok(FakeSynth::new(&name, &["kick", "snare", "hat"]) as Arc<dyn Synth>)
        });
        let obj = DrumObject::new(
            host.clone(),
            Some(FakeSynth::standard()),
            loader,
            &[Atom::sym("drums")],
        );
        Rig { host, obj }
    })
}

fn check_errors(events: &[Event]) -> usize {
    let mut n = 0;
    for e in events {
        if let Event::Error(m) = e {
            n += 1;
            assert!(
                !m.contains('\n') && !m.contains('\r'),
                "multi-line error {m:?}"
            );
            assert!(
                m.chars().count() <= MAX_ERROR_CHARS + 1,
                "error of {} chars",
                m.len()
            );
        }
    }
    n
}

fn check_state(obj: &DrumObject) {
    let s = obj.snapshot();
    for v in [s.x, s.y, s.fine] {
        assert!((0.0..=1.0).contains(&v), "pad coordinate {v}");
    }
    assert!(
        s.range.is_finite() && (0.0..=10.0).contains(&s.range),
        "range {}",
        s.range
    );
    if let Some(z) = &s.z {
        assert!(z.iter().all(|v| v.is_finite()), "non-finite latent");
    }
}

/// Fuzz target `messages`: the parser alone, then the same messages through one persistent
/// object with the fake host (box arguments too when the first byte is odd).
pub fn messages(data: &[u8]) {
    let msgs = decode_messages(data);
    for (inlet, sel, atoms) in &msgs {
        if let Err(e) = messages::parse(*inlet, sel, atoms) {
            assert!(!e.message.contains('\n'), "{e:?}");
        }
    }
    let Rig { host, obj } = rig();
    obj.on_main();
    host.take_events();
    if data.first().is_some_and(|b| b & 1 == 1) {
        if let Some((_, _, atoms)) = msgs.first() {
            obj.handle_box_args(atoms);
            check_errors(&host.take_events());
            check_state(obj);
        }
    }
    for (inlet, sel, atoms) in &msgs {
        let parsed = messages::parse(*inlet, sel, atoms);
        if matches!(parsed, Ok(Command::Write(_))) {
            continue; // never write files named by the fuzzer
        }
        let before = obj.snapshot();
        obj.handle(*inlet, sel, atoms);
        let errors = check_errors(&host.take_events());
        match parsed {
            Err(_) => {
                assert_eq!(errors, 1, "rejected message gave {errors} errors");
                assert_eq!(before, obj.snapshot(), "rejected message changed the state");
            }
            Ok(_) => assert!(errors <= 1, "{errors} errors for one message"),
        }
        check_state(obj);
        if obj.has_results() {
            obj.on_main();
            check_errors(&host.take_events());
        }
    }
}

// ---- bundle_json ---------------------------------------------------------------------

/// Fuzz target `bundle_json`: bytes as bundle.json → serde → `validate_spec`.
pub fn bundle_json(data: &[u8]) {
    let Ok(spec) = serde_json::from_slice::<BundleSpec>(data) else {
        return;
    };
    if validate_spec(&spec, Path::new("bundle.json")).is_err() {
        return;
    }
    assert_eq!(spec.length_samples, spec.frames * spec.stft.hop);
    assert!(spec.length_samples <= limits::MAX_LENGTH_SAMPLES);
    assert!(spec.stft.n_fft <= limits::MAX_N_FFT && spec.mel.n_mels <= limits::MAX_N_MELS);
    assert!(!spec.classes.is_empty() && spec.latent_dim <= limits::MAX_LATENT_DIM);
    let bundle = Bundle {
        dir: PathBuf::new(),
        spec,
    };
    let info = bundle.latent_info();
    for class in 0..bundle.n_classes().min(3) {
        for axes in [
            ndm::latent::Axes::Pca,
            ndm::latent::Axes::random(7, info.dim),
        ] {
            let _ = ndm::latent::pad_to_z(&info, class, &axes, 0.25, 0.75, 0.5, 1.0);
        }
    }
}

// ---- audio_decode --------------------------------------------------------------------

const EXTS: &[&str] = &["wav", "flac", "ogg", "mp3", "aiff", "bin"];

fn temp_file(ext: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ndm-fuzz-{}.{ext}", std::process::id()))
}

/// Fuzz target `audio_decode`: the first byte picks the file extension (wav, flac, ogg, mp3,
/// aiff, none), the rest is the file → `ndm::read_audio`; the same bytes through hound the way
/// `audio_io::read_hound` reads them.
pub fn audio_decode(data: &[u8]) {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let path = temp_file(EXTS[sel as usize % EXTS.len()]);
    if std::fs::write(&path, bytes).is_ok() {
        // read_audio catches decoder panics (symphonia panics on some corrupt headers) and
        // returns an error; libFuzzer's hook would abort even on a caught panic, so it is
        // silenced inside read_audio. A panic escaping read_audio still aborts.
        let r = inside_read_audio(|| ndm::read_audio(&path));
        if let Ok(s) = r {
            assert!(s.sample_rate > 0);
        }
        let _ = std::fs::remove_file(&path);
    }
    hound_decode(bytes);
}

thread_local! {
    static IN_READ_AUDIO: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn inside_read_audio<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_READ_AUDIO.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
    IN_READ_AUDIO.with(|c| c.set(true));
    let r = f();
    IN_READ_AUDIO.with(|c| c.set(false));
    r
}

/// Mirrors `audio_io::read_hound` on in-memory bytes.
fn hound_decode(bytes: &[u8]) {
    let Ok(mut r) = hound::WavReader::new(Cursor::new(bytes)) else {
        return;
    };
    let spec = r.spec();
    let channels = spec.channels.max(1) as usize;
    let interleaved: Result<Vec<f32>, _> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().collect(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect()
        }
    };
    if let Ok(v) = interleaved {
        let inv = 1.0 / channels as f32;
        let _mono: Vec<f32> = v
            .chunks_exact(channels)
            .map(|f| f.iter().sum::<f32>() * inv)
            .collect();
    }
}

// ---- onnx_bytes ----------------------------------------------------------------------

const MODELS: [&str; 4] = ["encoder", "decoder", "mcnn", "classifier"];

/// A private copy of the fixture bundle (tests/golden/bundle) that the target rewrites.
fn onnx_rig() -> &'static (PathBuf, serde_json::Value) {
    static RIG: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    RIG.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/bundle");
        let dir = std::env::temp_dir().join(format!("ndm-fuzz-onnx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["bundle.json", "encoder.onnx", "decoder.onnx", "mcnn.onnx", "classifier.onnx"] {
            std::fs::copy(src.join(f), dir.join(f)).unwrap();
        }
        let json = serde_json::from_slice(&std::fs::read(dir.join("bundle.json")).unwrap()).unwrap();
        (dir, json)
    })
}

/// Fuzz target `onnx_bytes`: the first byte picks one of the four models, the rest replaces
/// its .onnx file, and bundle.json is rewritten with the matching size and SHA-256 so that the
/// bytes reach ONNX Runtime's parser. Loading must give an engine or an error, never a crash;
/// a loaded engine must render or fail with an error (non-finite output is an error).
pub fn onnx_bytes(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let (dir, json) = onnx_rig();
    let model = MODELS[pick as usize % MODELS.len()];
    let mut spec = json.clone();
    spec["models"][model]["sha256"] = sha256_hex(bytes).into();
    spec["models"][model]["bytes"] = bytes.len().into();
    let file = format!("{model}.onnx");
    std::fs::write(dir.join(&file), bytes).unwrap();
    std::fs::write(dir.join("bundle.json"), serde_json::to_vec(&spec).unwrap()).unwrap();
    if let Ok(engine) = ndm::Engine::load(dir) {
        let info = engine.info().clone();
        let req = ndm::GenerateRequest {
            class: 0,
            z: info.latent.class_means[0].clone(),
            vocoder: ndm::Vocoder::Mcnn,
            sample_rate: info.sample_rate,
            trim: true,
        };
        if let Ok(sound) = engine.generate(&req) {
            assert!(sound.samples.iter().all(|v| v.is_finite()));
        }
        let _ = engine.encode(&vec![0.1; 2048], info.sample_rate, None);
    }
    // Put the original back, so that the next input changes one model only.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/bundle");
    std::fs::copy(src.join(&file), dir.join(&file)).unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
