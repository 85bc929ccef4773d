//! The real [`Synth`]: ONNX Runtime sessions for the encoder, decoder and MCNN of a bundle.
//!
//! Generation: one-hot class + z → decoder → standardised log-Mel → Mel magnitudes (BUNDLE.md
//! step 6) → [trim frames] → the vocoder: the MCNN (`wave · (mask > mask_threshold)`, then the
//! model's Griffin-Lim rounds), PGHI (the rounds from a seeded noise, no network) or
//! Griffin-Lim → [trim samples + fade] → resample to the requested rate.
//!
//! Trim rule (`GenerateRequest::trim`):
//! * frames: the per-frame Mel energy `e_t = Σ_m mel[m, t]`; the last frame with
//!   `e_t > TRIM_FRAME_REL · max_t e_t` (−60 dB) plus `TRIM_FRAME_MARGIN` frames is kept, the
//!   vocoder runs on those frames only (the MCNN's time axis is dynamic). At least one frame.
//! * samples: cut after the last sample where the mask is on (MCNN) or, for PGHI and
//!   Griffin-Lim, after the last sample above −60 dB of the peak; the last `FADE_MS` before the cut fade linearly to
//!   0. A sound with nothing left keeps `FADE_MS` of silence.
//!
//! Without trim the full `frames·hop` samples are rendered and nothing is cut.
//!
//! Encoding with an unknown class (`class = None`): if the bundle has the optional classifier,
//! its most likely class is used (one small CNN pass, then one encoder pass). Otherwise the
//! standardised log-Mel goes through the encoder once per class as ONE batch of `n_classes`
//! (row i conditioned on class i), the resulting latents through the decoder as one batch, and
//! the class whose reconstruction has the smallest mean squared error (in standardised log-Mel
//! units) wins: about 25× the cost, and less accurate on unseen kits (MODEL_CARD.md).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ndarray::{s, Array2, Array3, Array4, ArrayView2, Axis};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};
use parking_lot::Mutex;

use crate::bundle::{Bundle, ModelKind, ModelVocoder};
use crate::error::{check_finite, NdmError};
use crate::features::FeatureExtractor;
use crate::griffin_lim::{griffin_lim_mel, refine_mel, seed_noise};
use crate::pghi::{check_band_edge, phase_bins};
use crate::resample::Resampler;
use crate::synth::{Encoded, GenerateRequest, ModelInfo, Sound, Synth, Vocoder};

/// Frames whose Mel energy is below this fraction of the loudest frame's are trimmed (−60 dB).
pub const TRIM_FRAME_REL: f32 = 1e-3;
/// Frames kept after the last loud one (covers the half window that reaches past it).
pub const TRIM_FRAME_MARGIN: usize = 4;
/// Linear fade before the cut, in milliseconds.
pub const FADE_MS: f32 = 5.0;
/// Griffin-Lim tail threshold relative to the peak (−60 dB).
pub const GL_TAIL_REL: f32 = 1e-3;

/// Settings for [`Engine::load_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct EngineOptions {
    /// ONNX Runtime intra-op threads per session (default 1: hosts run the engine on a worker
    /// thread and the machine is often shared).
    pub intra_threads: usize,
    /// Explicit path of the ONNX Runtime library; else see [`find_ort_library`].
    pub ort_library: Option<PathBuf>,
    /// ONNX Runtime graph optimisation (default: all of them).
    pub optimization: Optimization,
    /// Guess an unknown class with the bundle's classifier, if it has one (default); `false`
    /// falls back to comparing the 11 reconstructions (for benchmarks and comparisons).
    pub use_classifier: bool,
    /// Griffin-Lim rounds after the MCNN, and of the PGHI vocoder (at least 1 there); `None`:
    /// the bundle's `mcnn_refine`.
    pub mcnn_refine: Option<u32>,
    /// The first round's phase below this frequency from PGHI (0: off for the MCNN, the whole
    /// band for the PGHI vocoder); `None`: the bundle's `mcnn_pghi_hz`.
    pub mcnn_pghi_hz: Option<f32>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            intra_threads: 1,
            ort_library: None,
            optimization: Optimization::All,
            use_classifier: true,
            mcnn_refine: None,
            mcnn_pghi_hz: None,
        }
    }
}

/// ONNX Runtime's graph optimisation levels. `All` adds the NCHWc layout transforms and the
/// MLAS-specific fusions on top of `Layout`; ort's own default is `Layout`, which on the MCNN
/// costs about a millisecond per second of audio (BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Optimization {
    /// No graph rewrites.
    Disabled,
    /// Constant folding and redundant-node removal.
    Basic,
    /// `Basic` plus operator fusions.
    Extended,
    /// `Extended` plus layout optimisation (ort's default).
    Layout,
    /// Everything ONNX Runtime offers (Python onnxruntime's default).
    #[default]
    All,
}

impl Optimization {
    /// Every level, weakest first (for benchmarks).
    pub const LEVELS: [Optimization; 5] = [
        Optimization::Disabled,
        Optimization::Basic,
        Optimization::Extended,
        Optimization::Layout,
        Optimization::All,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Optimization::Disabled => "disabled",
            Optimization::Basic => "basic",
            Optimization::Extended => "extended",
            Optimization::Layout => "layout",
            Optimization::All => "all",
        }
    }

    fn ort(self) -> GraphOptimizationLevel {
        match self {
            Optimization::Disabled => GraphOptimizationLevel::Disable,
            Optimization::Basic => GraphOptimizationLevel::Level1,
            Optimization::Extended => GraphOptimizationLevel::Level2,
            Optimization::Layout => GraphOptimizationLevel::Level3,
            Optimization::All => GraphOptimizationLevel::All,
        }
    }
}

impl std::str::FromStr for Optimization {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Optimization::LEVELS
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Optimization::LEVELS.iter().map(|l| l.name()).collect();
                format!(
                    "unknown optimisation level {s:?}; one of {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(target_os = "windows")]
const ORT_LIB_NAME: &str = "onnxruntime.dll";
#[cfg(target_os = "macos")]
const ORT_LIB_NAME: &str = "libonnxruntime.dylib";
#[cfg(not(any(target_os = "windows", target_os = "macos")))]
const ORT_LIB_NAME: &str = "libonnxruntime.so";

/// Candidate locations of the ONNX Runtime library, in order: `$ORT_DYLIB_PATH` at run time
/// (relative paths also tried against the executable's folder), the `ORT_DYLIB_PATH` that
/// `.cargo/config.toml` set at build time, next to the executable (and in `.ort/` there), and
/// the crate's `.ort/`.
pub fn ort_library_candidates() -> Vec<PathBuf> {
    let mut c = Vec::new();
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_relative() {
            if let Some(d) = &exe_dir {
                c.push(d.join(&p));
            }
        }
        c.push(p);
    }
    if let Some(p) = option_env!("ORT_DYLIB_PATH") {
        c.push(PathBuf::from(p));
    }
    if let Some(d) = &exe_dir {
        c.push(d.join(ORT_LIB_NAME));
        c.push(d.join(".ort").join(ORT_LIB_NAME));
    }
    c.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".ort")
            .join(ORT_LIB_NAME),
    );
    c
}

/// The first existing candidate of [`ort_library_candidates`].
pub fn find_ort_library() -> Option<PathBuf> {
    ort_library_candidates().into_iter().find(|p| p.is_file())
}

static ORT_ENV: OnceLock<ort::environment::Environment> = OnceLock::new();
static ORT_INIT: Mutex<()> = Mutex::new(());

/// Initialises ONNX Runtime once per process (later calls return the same environment).
pub fn ort_environment(
    library: Option<&Path>,
) -> Result<&'static ort::environment::Environment, NdmError> {
    if let Some(env) = ORT_ENV.get() {
        return Ok(env);
    }
    let _guard = ORT_INIT.lock();
    if let Some(env) = ORT_ENV.get() {
        return Ok(env);
    }
    let env = build_environment(library)?;
    Ok(ORT_ENV.get_or_init(|| env))
}

#[cfg(feature = "load-dynamic")]
fn build_environment(library: Option<&Path>) -> Result<ort::environment::Environment, NdmError> {
    let path = match library {
        Some(p) if p.is_file() => p.to_path_buf(),
        Some(p) => {
            return Err(NdmError::OrtMissing {
                detail: format!("{} does not exist", p.display()),
            })
        }
        None => find_ort_library().ok_or_else(|| NdmError::OrtMissing {
            detail: format!(
                "no {ORT_LIB_NAME} found; looked in {}",
                ort_library_candidates()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?,
    };
    let builder = ort::init_from(&path).map_err(|e| NdmError::OrtMissing {
        detail: format!("loading {} failed: {e}", path.display()),
    })?;
    builder
        .with_name("ndm")
        .build()
        .map_err(|e| NdmError::ort("creating the ONNX Runtime environment", e))
}

#[cfg(not(feature = "load-dynamic"))]
fn build_environment(_library: Option<&Path>) -> Result<ort::environment::Environment, NdmError> {
    ort::init()
        .with_name("ndm")
        .build()
        .map_err(|e| NdmError::ort("creating the ONNX Runtime environment", e))
}

/// Expected ONNX I/O: (name, shape with `None` for dynamic dims).
type IoSpec = (&'static str, Vec<Option<i64>>);

fn check_io(
    kind: ModelKind,
    which: &str,
    got: &[ort::value::Outlet],
    want: &[IoSpec],
) -> Result<(), NdmError> {
    let bad = |reason: String| NdmError::BadModelOutput {
        model: kind.name(),
        reason,
    };
    if got.len() != want.len() {
        return Err(bad(format!(
            "has {} {which}s ({}), the bundle contract says {} ({})",
            got.len(),
            got.iter().map(|o| o.name()).collect::<Vec<_>>().join(", "),
            want.len(),
            want.iter().map(|w| w.0).collect::<Vec<_>>().join(", ")
        )));
    }
    for (name, dims) in want {
        let o = got
            .iter()
            .find(|o| o.name() == *name)
            .ok_or_else(|| bad(format!("has no {which} named `{name}`")))?;
        let ValueType::Tensor { ty, shape, .. } = o.dtype() else {
            return Err(bad(format!("{which} `{name}` is not a tensor")));
        };
        if *ty != TensorElementType::Float32 {
            return Err(bad(format!("{which} `{name}` is {ty:?}, expected float32")));
        }
        if shape.len() != dims.len() {
            return Err(bad(format!(
                "{which} `{name}` has rank {}, expected {}",
                shape.len(),
                dims.len()
            )));
        }
        for (i, (&g, w)) in shape.iter().zip(dims).enumerate() {
            if let Some(w) = w {
                if g >= 0 && g != *w {
                    return Err(bad(format!(
                        "{which} `{name}` has {g} in axis {i}, expected {w}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// ONNX-backed drum synthesiser.
pub struct Engine {
    bundle: Bundle,
    info: ModelInfo,
    features: FeatureExtractor,
    encoder: Mutex<Session>,
    decoder: Mutex<Session>,
    mcnn: Mutex<Session>,
    /// The bundle's optional class guesser (encode without a class).
    classifier: Option<Mutex<Session>>,
    resamplers: Mutex<Vec<Resampler>>,
    /// Griffin-Lim rounds after the MCNN and of the PGHI vocoder (the bundle's, or the options'
    /// override).
    mcnn_refine: u32,
    /// Bins whose phase the first round integrates from the magnitude (bundle's `mcnn_pghi_hz`).
    pghi_bins: usize,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("bundle", &self.bundle.dir)
            .finish_non_exhaustive()
    }
}

fn ort_err(context: &str) -> impl Fn(ort::Error) -> NdmError + '_ {
    move |e| NdmError::ort(context, e)
}

impl Engine {
    /// Loads and validates the bundle in `dir` with default options.
    pub fn load(dir: impl AsRef<Path>) -> Result<Engine, NdmError> {
        Self::load_with(dir, &EngineOptions::default())
    }

    pub fn load_with(dir: impl AsRef<Path>, opts: &EngineOptions) -> Result<Engine, NdmError> {
        let bundle = Bundle::load(dir)?;
        let env = ort_environment(opts.ort_library.as_deref())?;
        let s = &bundle.spec;
        let (nm, fr, nc, ld) = (
            s.mel.n_mels as i64,
            s.frames as i64,
            s.classes.len() as i64,
            s.latent_dim as i64,
        );
        let session = |kind: ModelKind| -> Result<Session, NdmError> {
            let bytes = bundle.read_model(kind)?;
            let ctx = format!("loading {}", bundle.model_path(kind).display());
            let mut b = Session::builder(env)
                .map_err(|e| NdmError::ort(&ctx, e))?
                .with_optimization_level(opts.optimization.ort())
                .map_err(|e| NdmError::ort(&ctx, e))?
                .with_intra_threads(opts.intra_threads.max(1))
                .map_err(|e| NdmError::ort(&ctx, e))?;
            b.commit_from_memory(&bytes)
                .map_err(|e| NdmError::ort(&ctx, e))
        };
        let encoder = session(ModelKind::Encoder)?;
        check_io(
            ModelKind::Encoder,
            "input",
            encoder.inputs(),
            &[
                ("logmel", vec![None, Some(1), Some(nm), Some(fr)]),
                ("class", vec![None, Some(nc)]),
            ],
        )?;
        check_io(
            ModelKind::Encoder,
            "output",
            encoder.outputs(),
            &[("z", vec![None, Some(ld)])],
        )?;
        let decoder = session(ModelKind::Decoder)?;
        check_io(
            ModelKind::Decoder,
            "input",
            decoder.inputs(),
            &[("z", vec![None, Some(ld)]), ("class", vec![None, Some(nc)])],
        )?;
        check_io(
            ModelKind::Decoder,
            "output",
            decoder.outputs(),
            &[("logmel", vec![None, Some(1), Some(nm), Some(fr)])],
        )?;
        let mcnn = session(ModelKind::Mcnn)?;
        check_io(
            ModelKind::Mcnn,
            "input",
            mcnn.inputs(),
            &[("mel", vec![None, Some(nm), None])],
        )?;
        check_io(
            ModelKind::Mcnn,
            "output",
            mcnn.outputs(),
            &[("wave", vec![None, None]), ("mask", vec![None, None])],
        )?;
        let classifier = match bundle.model_spec(ModelKind::Classifier) {
            Some(_) if opts.use_classifier => {
                let c = session(ModelKind::Classifier)?;
                check_io(
                    ModelKind::Classifier,
                    "input",
                    c.inputs(),
                    &[("logmel", vec![None, Some(1), Some(nm), Some(fr)])],
                )?;
                check_io(
                    ModelKind::Classifier,
                    "output",
                    c.outputs(),
                    &[("logits", vec![None, Some(nc)])],
                )?;
                Some(Mutex::new(c))
            }
            _ => None,
        };

        let features = FeatureExtractor::from_spec(&bundle.spec);
        let info = bundle.model_info();
        let mcnn_refine = opts.mcnn_refine.unwrap_or(bundle.spec.mcnn_refine);
        check_refine_rounds(mcnn_refine)?;
        if bundle.spec.vocoder == ModelVocoder::Pghi {
            // Every default bang would fail: refuse the override, not the bangs.
            check_pghi_rounds(mcnn_refine)?;
        }
        let pghi_hz = opts.mcnn_pghi_hz.unwrap_or(bundle.spec.mcnn_pghi_hz);
        check_band_edge(pghi_hz, bundle.spec.sample_rate)
            .map_err(|e| NdmError::BadInput(format!("PGHI band edge: {e}")))?;
        let pghi_bins = phase_bins(pghi_hz, bundle.spec.stft.n_fft, bundle.spec.sample_rate);
        Ok(Engine {
            mcnn_refine,
            pghi_bins,
            bundle,
            info,
            features,
            encoder: Mutex::new(encoder),
            decoder: Mutex::new(decoder),
            mcnn: Mutex::new(mcnn),
            classifier,
            resamplers: Mutex::new(Vec::new()),
        })
    }

    /// Whether `encode` without a class uses the bundle's classifier.
    pub fn has_classifier(&self) -> bool {
        self.classifier.is_some()
    }

    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    pub fn features(&self) -> &FeatureExtractor {
        &self.features
    }

    fn n_classes(&self) -> usize {
        self.info.classes.len()
    }

    fn check_class(&self, class: usize) -> Result<(), NdmError> {
        if class >= self.n_classes() {
            return Err(NdmError::BadClass {
                index: class,
                n_classes: self.n_classes(),
            });
        }
        Ok(())
    }

    fn check_request(&self, req: &GenerateRequest) -> Result<(), NdmError> {
        self.check_class(req.class)?;
        if req.z.len() != self.info.latent.dim {
            return Err(NdmError::BadLatentLength {
                got: req.z.len(),
                expected: self.info.latent.dim,
            });
        }
        check_finite("latent vector z", &req.z)?;
        if req.sample_rate == 0 {
            return Err(NdmError::BadInput(
                "output sample rate must be positive".into(),
            ));
        }
        match self.resolve(req.vocoder) {
            Vocoder::McnnRefined { rounds } => check_refine_rounds(rounds)?,
            Vocoder::Pghi { rounds } => drop(check_pghi_rounds(self.pghi_rounds(rounds))?),
            _ => {}
        }
        Ok(())
    }

    fn one_hot(&self, classes: &[usize]) -> Array2<f32> {
        let mut c = Array2::zeros((classes.len(), self.n_classes()));
        for (i, &k) in classes.iter().enumerate() {
            c[[i, k]] = 1.0;
        }
        c
    }

    /// Decoder on a batch: `z` `[B, dim]`, `class` `[B, n_classes]` → standardised log-Mel
    /// `[B, n_mels, frames]`.
    fn run_decoder(&self, z: &Array2<f32>, class: &Array2<f32>) -> Result<Array3<f32>, NdmError> {
        let s = &self.bundle.spec;
        let b = z.nrows();
        let mut sess = self.decoder.lock();
        let out = sess
            .run(ort::inputs![
                "z" => TensorRef::from_array_view(z).map_err(ort_err("preparing decoder input"))?,
                "class" => TensorRef::from_array_view(class).map_err(ort_err("preparing decoder input"))?,
            ])
            .map_err(ort_err("running the decoder"))?;
        let a = out["logmel"]
            .try_extract_array::<f32>()
            .map_err(ort_err("reading the decoder output"))?;
        if a.shape() != [b, 1, s.mel.n_mels, s.frames] {
            return Err(NdmError::BadModelOutput {
                model: "decoder",
                reason: format!(
                    "logmel has shape {:?}, expected [{b}, 1, {}, {}]",
                    a.shape(),
                    s.mel.n_mels,
                    s.frames
                ),
            });
        }
        let a = a
            .to_shape((b, s.mel.n_mels, s.frames))
            .map_err(|e| NdmError::BadModelOutput {
                model: "decoder",
                reason: e.to_string(),
            })?
            .to_owned();
        check_model_finite("decoder", a.as_slice().unwrap_or(&[]))?;
        Ok(a)
    }

    /// Encoder on a batch: standardised log-Mel `[B, 1, n_mels, frames]` and classes → `[B, dim]`.
    fn run_encoder(
        &self,
        logmel: &Array4<f32>,
        class: &Array2<f32>,
    ) -> Result<Array2<f32>, NdmError> {
        let b = logmel.shape()[0];
        let dim = self.info.latent.dim;
        let mut sess = self.encoder.lock();
        let out = sess
            .run(ort::inputs![
                "logmel" => TensorRef::from_array_view(logmel).map_err(ort_err("preparing encoder input"))?,
                "class" => TensorRef::from_array_view(class).map_err(ort_err("preparing encoder input"))?,
            ])
            .map_err(ort_err("running the encoder"))?;
        let a = out["z"]
            .try_extract_array::<f32>()
            .map_err(ort_err("reading the encoder output"))?;
        if a.shape() != [b, dim] {
            return Err(NdmError::BadModelOutput {
                model: "encoder",
                reason: format!("z has shape {:?}, expected [{b}, {dim}]", a.shape()),
            });
        }
        let z =
            Array2::from_shape_vec((b, dim), a.iter().copied().collect()).expect("shape checked");
        check_model_finite("encoder", z.as_slice().unwrap_or(&[]))?;
        Ok(z)
    }

    /// The bundle's classifier on one standardised log-Mel `[1, 1, n_mels, frames]`: the most
    /// likely class, or `None` if the bundle has no classifier.
    fn guess_class(&self, logmel: &Array4<f32>) -> Result<Option<usize>, NdmError> {
        let Some(classifier) = &self.classifier else {
            return Ok(None);
        };
        let mut sess = classifier.lock();
        let out = sess
            .run(ort::inputs![
                "logmel" => TensorRef::from_array_view(logmel).map_err(ort_err("preparing classifier input"))?,
            ])
            .map_err(ort_err("running the classifier"))?;
        let logits = out["logits"]
            .try_extract_array::<f32>()
            .map_err(ort_err("reading the classifier output"))?;
        let nc = self.n_classes();
        if logits.shape() != [1, nc] {
            return Err(NdmError::BadModelOutput {
                model: "classifier",
                reason: format!("logits has shape {:?}, expected [1, {nc}]", logits.shape()),
            });
        }
        check_model_finite("classifier", logits.as_slice().unwrap_or(&[]))?;
        let best = logits
            .iter()
            .enumerate()
            .fold(
                (0, f32::NEG_INFINITY),
                |b, (i, &v)| if v > b.1 { (i, v) } else { b },
            );
        Ok(Some(best.0))
    }

    /// MCNN on one Mel spectrogram `[n_mels, T]` → `wave · (mask > threshold)` and the index one
    /// past the last sample where the mask is on (0 if never).
    fn run_mcnn(&self, mel: ArrayView2<f32>) -> Result<(Vec<f32>, usize), NdmError> {
        let t = mel.ncols();
        let n = t * self.bundle.spec.stft.hop;
        let input = mel.insert_axis(Axis(0));
        let input = input.as_standard_layout();
        let mut sess = self.mcnn.lock();
        let out = sess
            .run(ort::inputs![
                "mel" => TensorRef::from_array_view(input.view()).map_err(ort_err("preparing MCNN input"))?,
            ])
            .map_err(ort_err("running the MCNN"))?;
        let wave = out["wave"]
            .try_extract_array::<f32>()
            .map_err(ort_err("reading the MCNN output"))?;
        let mask = out["mask"]
            .try_extract_array::<f32>()
            .map_err(ort_err("reading the MCNN output"))?;
        for (name, a) in [("wave", &wave), ("mask", &mask)] {
            if a.shape() != [1, n] {
                return Err(NdmError::BadModelOutput {
                    model: "mcnn",
                    reason: format!(
                        "{name} has shape {:?}, expected [1, {n}] for {t} frames",
                        a.shape()
                    ),
                });
            }
        }
        let thr = self.bundle.spec.mask_threshold;
        // ORT's outputs are contiguous; the n-d iterators cost 0.1 ms per second of audio.
        let (wave, mask) = (wave.as_standard_layout(), mask.as_standard_layout());
        let (wave, mask) = (
            wave.as_slice().expect("standard layout"),
            mask.as_slice().expect("standard layout"),
        );
        let samples: Vec<f32> = wave
            .iter()
            .zip(mask)
            .map(|(&w, &m)| if m > thr { w } else { 0.0 })
            .collect();
        let end = mask.iter().rposition(|&m| m > thr).map_or(0, |i| i + 1);
        check_model_finite("mcnn", &samples)?;
        Ok((samples, end))
    }

    /// Number of leading frames the vocoder needs (see the module docs).
    pub fn frames_to_keep(mel: ArrayView2<f32>) -> usize {
        let energy: Vec<f32> = mel
            .axis_iter(Axis(1))
            .map(|c| c.iter().map(|v| v.max(0.0)).sum())
            .collect();
        let max = energy.iter().fold(0f32, |m, &v| m.max(v));
        if max <= 0.0 {
            return 1.min(mel.ncols());
        }
        let last = energy
            .iter()
            .rposition(|&e| e > TRIM_FRAME_REL * max)
            .unwrap_or(0);
        (last + 1 + TRIM_FRAME_MARGIN).min(mel.ncols()).max(1)
    }

    /// Decoder + step 6: the Mel magnitudes `[n_mels, frames]` for one class and z.
    pub fn decode_mel(&self, class: usize, z: &[f32]) -> Result<Array2<f32>, NdmError> {
        let req = GenerateRequest {
            class,
            z: z.to_vec(),
            vocoder: Vocoder::Mcnn,
            sample_rate: self.info.sample_rate,
            trim: false,
        };
        self.check_request(&req)?;
        let zb = Array2::from_shape_vec((1, z.len()), z.to_vec()).expect("length checked");
        let mut s = self
            .run_decoder(&zb, &self.one_hot(&[class]))?
            .index_axis_move(Axis(0), 0);
        self.features.destandardise_to_mel(&mut s);
        Ok(s)
    }

    /// Mel magnitudes `[n_mels, T]` → masked waveform (MCNN: refined as the bundle says) at the
    /// model rate, no trimming: the vocoder stage alone, for benchmarks and evaluation.
    pub fn vocode_frames(
        &self,
        mel: ArrayView2<f32>,
        vocoder: Vocoder,
    ) -> Result<Vec<f32>, NdmError> {
        let (mut out, _) = self.run_vocoder(mel, vocoder)?;
        limit_peak(&mut out);
        Ok(out)
    }

    /// `vocoder`'s output `[T·hop]` for Mel magnitudes `[n_mels, T]`, before the peak limit,
    /// and for the MCNN one past the last sample its mask keeps (the vocoders without a mask
    /// leave the end to [`tail_end`]).
    fn run_vocoder(
        &self,
        mel: ArrayView2<f32>,
        vocoder: Vocoder,
    ) -> Result<(Vec<f32>, Option<usize>), NdmError> {
        Ok(match self.resolve(vocoder) {
            Vocoder::GriffinLim { iterations } => {
                (griffin_lim_mel(&self.features, mel, iterations), None)
            }
            Vocoder::Pghi { rounds } => (self.pghi_vocode(mel, rounds)?, None),
            mcnn => {
                let (samples, end) = self.run_mcnn(mel)?;
                (
                    self.refine(mel, samples, self.mcnn_rounds(mcnn))?,
                    Some(end),
                )
            }
        })
    }

    /// The MCNN's masked output after `rounds` Griffin-Lim rounds towards `mel`. A finite but
    /// extreme Mel can overflow the Mel inversion: an error, never NaN in a host's buffer.
    fn refine(
        &self,
        mel: ArrayView2<f32>,
        samples: Vec<f32>,
        rounds: u32,
    ) -> Result<Vec<f32>, NdmError> {
        check_refine_rounds(rounds)?;
        if rounds == 0 {
            return Ok(samples);
        }
        let out = refine_mel(&self.features, mel, &samples, rounds, self.pghi_bins);
        check_model_finite("griffin-lim refinement", &out)?;
        Ok(out)
    }

    /// The PGHI vocoder: the rounds from [`seed_noise`], the first with PGHI's phase over the
    /// model's band, or the whole band if it has none.
    fn pghi_vocode(&self, mel: ArrayView2<f32>, rounds: Option<u32>) -> Result<Vec<f32>, NdmError> {
        let rounds = check_pghi_rounds(self.pghi_rounds(rounds))?;
        let bins = match self.pghi_bins {
            0 => self.bundle.spec.stft.n_fft / 2 + 1,
            b => b,
        };
        let noise = seed_noise(mel.ncols() * self.bundle.spec.stft.hop);
        let out = refine_mel(&self.features, mel, &noise, rounds, bins);
        check_model_finite("pghi vocoder", &out)?;
        Ok(out)
    }

    /// The PGHI vocoder's rounds: its own, else the model's (checked by [`check_pghi_rounds`]).
    fn pghi_rounds(&self, rounds: Option<u32>) -> u32 {
        rounds.unwrap_or(self.mcnn_refine)
    }

    /// `vocoder` with [`Vocoder::Model`] replaced by the bundle's choice.
    pub fn resolve(&self, vocoder: Vocoder) -> Vocoder {
        match (vocoder, self.bundle.spec.vocoder) {
            (Vocoder::Model, ModelVocoder::Mcnn) => Vocoder::Mcnn,
            (Vocoder::Model, ModelVocoder::Pghi) => Vocoder::Pghi { rounds: None },
            (v, _) => v,
        }
    }

    /// The MCNN's masked output `[T·hop]` for Mel magnitudes `[n_mels, T]`, without the
    /// refinement (benchmarks: the network alone).
    pub fn mcnn_only(&self, mel: ArrayView2<f32>) -> Result<Vec<f32>, NdmError> {
        Ok(self.run_mcnn(mel)?.0)
    }

    /// Griffin-Lim rounds after the MCNN and of the PGHI vocoder.
    pub fn mcnn_refine(&self) -> u32 {
        self.mcnn_refine
    }

    /// Bins whose phase the first refinement round integrates from the magnitude.
    pub fn pghi_bins(&self) -> usize {
        self.pghi_bins
    }

    /// The refinement rounds an MCNN vocoder asks for: its own, else the bundle's.
    fn mcnn_rounds(&self, vocoder: Vocoder) -> u32 {
        match vocoder {
            Vocoder::McnnRefined { rounds } => rounds,
            _ => self.mcnn_refine,
        }
    }

    /// Mel magnitudes → sound at the model rate, with the request's vocoder and trim.
    fn vocode(&self, mut mel: Array2<f32>, req: &GenerateRequest) -> Result<Vec<f32>, NdmError> {
        let sr = self.info.sample_rate;
        mel.mapv_inplace(|v| if v.is_finite() { v } else { 0.0 });
        let t = if req.trim {
            Self::frames_to_keep(mel.view())
        } else {
            mel.ncols()
        };
        let mel = mel.slice(s![.., ..t]);
        let (mut samples, mask_end) = self.run_vocoder(mel, req.vocoder)?;
        let end = mask_end.unwrap_or_else(|| tail_end(&samples));
        limit_peak(&mut samples);
        if req.trim {
            let fade = ((FADE_MS / 1000.0 * sr as f32).round() as usize).max(1);
            samples.truncate(end.max(fade).min(samples.len()));
            let len = samples.len();
            let f = fade.min(len);
            for (j, v) in samples[len - f..].iter_mut().enumerate() {
                *v *= 1.0 - (j + 1) as f32 / f as f32;
            }
        }
        Ok(samples)
    }

    /// To the host's rate, limited again: band-limited resampling can overshoot a peak of 1.
    fn resample_limited(&self, samples: Vec<f32>, to: u32) -> Result<Vec<f32>, NdmError> {
        let mut out = self.resample_to(samples, to)?;
        limit_peak(&mut out);
        Ok(out)
    }

    fn resample_to(&self, samples: Vec<f32>, to: u32) -> Result<Vec<f32>, NdmError> {
        let from = self.info.sample_rate;
        self.resample_between(samples, from, to)
    }

    fn resample_between(
        &self,
        samples: Vec<f32>,
        from: u32,
        to: u32,
    ) -> Result<Vec<f32>, NdmError> {
        if from == to {
            return Ok(samples);
        }
        let mut cache = self.resamplers.lock();
        let r = match cache.iter().position(|r| r.rates() == (from, to)) {
            Some(i) => &mut cache[i],
            None => {
                if cache.len() >= 8 {
                    cache.remove(0);
                }
                cache.push(Resampler::new(from, to)?);
                cache.last_mut().expect("just pushed")
            }
        };
        r.process(&samples)
    }

    /// Several sounds; the decoder runs once on the whole batch, the vocoder per sound (each has
    /// its own trimmed length). Fails as a whole if any request is invalid.
    pub fn generate_batch(&self, reqs: &[GenerateRequest]) -> Result<Vec<Sound>, NdmError> {
        if reqs.is_empty() {
            return Ok(Vec::new());
        }
        for r in reqs {
            self.check_request(r)?;
        }
        let dim = self.info.latent.dim;
        let z = Array2::from_shape_vec(
            (reqs.len(), dim),
            reqs.iter().flat_map(|r| r.z.iter().copied()).collect(),
        )
        .expect("lengths checked");
        let classes: Vec<usize> = reqs.iter().map(|r| r.class).collect();
        let logmel = self.run_decoder(&z, &self.one_hot(&classes))?;
        reqs.iter()
            .zip(logmel.axis_iter(Axis(0)))
            .map(|(req, s)| {
                let mut mel = s.to_owned();
                self.features.destandardise_to_mel(&mut mel);
                let samples = self.vocode(mel, req)?;
                Ok(Sound {
                    samples: self.resample_limited(samples, req.sample_rate)?,
                    sample_rate: req.sample_rate,
                })
            })
            .collect()
    }
}

/// Scales a sound down to a peak of 1 if it is louder. The training sounds were all
/// peak-normalised to 1, so the model has no level of its own to keep; but the decoder's Mel can
/// ask for more (prior snares: a median peak of 3.6 once the refinement stops the MCNN's softsign
/// from squashing it), and a host's buffer would clip. Quieter sounds are left as they are.
fn limit_peak(samples: &mut [f32]) {
    let peak = samples.iter().fold(0f32, |m, v| m.max(v.abs()));
    if peak > 1.0 {
        let g = 1.0 / peak;
        samples.iter_mut().for_each(|v| *v *= g);
    }
}

/// One past the last sample above `GL_TAIL_REL` of the peak (0 if silent): the end of a sound
/// from a vocoder without a mask.
fn tail_end(y: &[f32]) -> usize {
    let peak = y.iter().fold(0f32, |m, v| m.max(v.abs()));
    if peak > 0.0 {
        y.iter()
            .rposition(|v| v.abs() > GL_TAIL_REL * peak)
            .map_or(0, |i| i + 1)
    } else {
        0
    }
}

/// The PGHI vocoder's rounds: within the limit and at least 1 (0 would return the seed noise).
fn check_pghi_rounds(rounds: u32) -> Result<u32, NdmError> {
    check_refine_rounds(rounds)?;
    if rounds == 0 {
        return Err(NdmError::BadInput(
            "the pghi vocoder needs at least 1 round".into(),
        ));
    }
    Ok(rounds)
}

fn check_refine_rounds(rounds: u32) -> Result<(), NdmError> {
    let max = crate::bundle::limits::MAX_MCNN_REFINE;
    if rounds > max {
        return Err(NdmError::BadInput(format!(
            "{rounds} refinement rounds is over the limit of {max}"
        )));
    }
    Ok(())
}

fn check_model_finite(model: &'static str, v: &[f32]) -> Result<(), NdmError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(NdmError::BadModelOutput {
            model,
            reason: format!("non-finite value at index {i}"),
        }),
        None => Ok(()),
    }
}

impl Synth for Engine {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// With the rounds [`Engine::run_vocoder`] would run, so that equal keys render alike.
    fn canonical_vocoder(&self, vocoder: Vocoder) -> Vocoder {
        match self.resolve(vocoder) {
            Vocoder::Pghi { rounds } => Vocoder::Pghi {
                rounds: Some(self.pghi_rounds(rounds)),
            },
            v @ Vocoder::GriffinLim { .. } => v,
            mcnn => Vocoder::McnnRefined {
                rounds: self.mcnn_rounds(mcnn),
            },
        }
    }

    fn generate(&self, req: &GenerateRequest) -> Result<Sound, NdmError> {
        self.check_request(req)?;
        let mel = self.decode_mel(req.class, &req.z)?;
        let samples = self.vocode(mel, req)?;
        Ok(Sound {
            samples: self.resample_limited(samples, req.sample_rate)?,
            sample_rate: req.sample_rate,
        })
    }

    fn encode(
        &self,
        audio: &[f32],
        sample_rate: u32,
        class: Option<usize>,
    ) -> Result<Encoded, NdmError> {
        if audio.is_empty() {
            return Err(NdmError::BadInput("cannot encode empty audio".into()));
        }
        if sample_rate == 0 {
            return Err(NdmError::BadInput(
                "input sample rate must be positive".into(),
            ));
        }
        check_finite("audio", audio)?;
        if let Some(c) = class {
            self.check_class(c)?;
        }
        let audio = self.resample_between(audio.to_vec(), sample_rate, self.info.sample_rate)?;
        let x = self.features.encoder_input(&audio);
        let (nm, fr) = x.dim();
        let one = x
            .view()
            .into_shape_with_order((1, 1, nm, fr))
            .expect("same size")
            .to_owned();
        let class = match class {
            Some(c) => Some(c),
            None => self.guess_class(&one)?,
        };
        match class {
            Some(c) => {
                let z = self.run_encoder(&one, &self.one_hot(&[c]))?;
                Ok(Encoded {
                    class: c,
                    z: z.row(0).to_vec(),
                })
            }
            None => {
                let nc = self.n_classes();
                let input = x
                    .broadcast((nc, 1, nm, fr))
                    .expect("broadcast to batch")
                    .to_owned();
                let all: Vec<usize> = (0..nc).collect();
                let onehot = self.one_hot(&all);
                let z = self.run_encoder(&input, &onehot)?;
                let recon = self.run_decoder(&z, &onehot)?;
                let mut best = (0, f64::INFINITY);
                for (c, r) in recon.axis_iter(Axis(0)).enumerate() {
                    let mse = r
                        .iter()
                        .zip(x.iter())
                        .map(|(&a, &b)| ((a - b) as f64).powi(2))
                        .sum::<f64>()
                        / x.len() as f64;
                    if mse < best.1 {
                        best = (c, mse);
                    }
                }
                Ok(Encoded {
                    class: best.0,
                    z: z.row(best.0).to_vec(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_to_keep_rule() {
        let mut mel = Array2::<f32>::zeros((4, 20));
        assert_eq!(Engine::frames_to_keep(mel.view()), 1);
        mel[[0, 0]] = 10.0;
        mel[[1, 5]] = 0.5;
        mel[[2, 12]] = 0.005; // below −60 dB of 10
        assert_eq!(
            Engine::frames_to_keep(mel.view()),
            5 + 1 + TRIM_FRAME_MARGIN
        );
        mel[[3, 18]] = 1.0;
        assert_eq!(Engine::frames_to_keep(mel.view()), 20);
    }

    #[test]
    fn missing_ort_library_is_a_typed_error() {
        let e = build_environment_for_test();
        if let Some(e) = e {
            let msg = e.to_string();
            assert!(
                msg.contains("run scripts/setup-ort.sh (or set ORT_DYLIB_PATH)"),
                "{msg}"
            );
        }
    }

    #[cfg(feature = "load-dynamic")]
    fn build_environment_for_test() -> Option<NdmError> {
        Some(build_environment(Some(Path::new("/nonexistent/libonnxruntime.so"))).unwrap_err())
    }

    #[cfg(not(feature = "load-dynamic"))]
    fn build_environment_for_test() -> Option<NdmError> {
        None
    }
}
