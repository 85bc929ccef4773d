//! The model bundle: `bundle.json` schema, loading and validation (models/BUNDLE.md, format 1).

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::NdmError;
use crate::synth::{LatentInfo, ModelInfo};

/// The only `format` string accepted.
pub const BUNDLE_FORMAT: &str = "ndm-bundle";
/// The only `format_version` accepted.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// Name of the description file inside a bundle folder.
pub const BUNDLE_JSON: &str = "bundle.json";

/// Upper bounds on what a bundle may declare (RELIABILITY.md). A corrupt or hostile
/// bundle.json must fail validation, not make the loader allocate gigabytes or overflow.
pub mod limits {
    /// Largest bundle.json read (the real ones are about 50 kB).
    pub const MAX_JSON_BYTES: u64 = 16 << 20;
    /// Largest model file (ONNX protobufs stop at 2 GiB).
    pub const MAX_MODEL_BYTES: u64 = 2 << 30;
    pub const MAX_SAMPLE_RATE: u32 = 768_000;
    pub const MAX_N_FFT: usize = 1 << 16;
    pub const MAX_FRAMES: usize = 1 << 16;
    /// `frames · hop` (a drum one-shot; 2^24 samples is 6 minutes at 44.1 kHz).
    pub const MAX_LENGTH_SAMPLES: usize = 1 << 24;
    pub const MAX_N_MELS: usize = 1024;
    /// The object parses class indices up to 4095.
    pub const MAX_CLASSES: usize = 4096;
    /// The object's `z` message takes at most 4096 numbers.
    pub const MAX_LATENT_DIM: usize = 4096;
    /// Each round costs about a millisecond per second of sound.
    pub const MAX_MCNN_REFINE: u32 = 64;
}

/// `bundle.json`, exactly as in models/BUNDLE.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleSpec {
    pub format: String,
    pub format_version: u32,
    pub name: String,
    pub sample_rate: u32,
    pub frames: usize,
    pub length_samples: usize,
    pub stft: StftSpec,
    pub mel: MelSpec,
    pub log_eps: f64,
    pub norm: NormSpec,
    pub classes: Vec<String>,
    pub latent_dim: usize,
    pub mask_threshold: f32,
    /// Griffin-Lim rounds started from the MCNN's output (0 = the MCNN alone; absent in bundles
    /// written before it existed).
    #[serde(default)]
    pub mcnn_refine: u32,
    /// The first round takes the phase of the bins below this frequency from the magnitude's
    /// gradients ([`crate::pghi`]); 0 or absent: off.
    #[serde(default)]
    pub mcnn_pghi_hz: f32,
    /// The vocoder a bang uses unless told otherwise (absent: the MCNN).
    #[serde(default)]
    pub vocoder: ModelVocoder,
    pub models: ModelsSpec,
    pub latent: LatentSpec,
    /// Provenance, free-form, not read by Rust.
    #[serde(default)]
    pub training: serde_json::Value,
}

/// bundle.json's `vocoder`: which vocoder the model's evaluation chose for a bang.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelVocoder {
    /// The MCNN, then `mcnn_refine` rounds.
    #[default]
    Mcnn,
    /// No network: `mcnn_refine` rounds from a seeded noise, the first with PGHI's phase.
    Pghi,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StftSpec {
    pub n_fft: usize,
    pub win: usize,
    pub hop: usize,
    pub window: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MelSpec {
    pub n_mels: usize,
    pub fmin: f64,
    pub fmax: f64,
    pub scale: String,
    pub norm: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormSpec {
    pub kind: String,
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelsSpec {
    pub encoder: ModelFileSpec,
    pub decoder: ModelFileSpec,
    pub mcnn: ModelFileSpec,
    /// Optional (BUNDLE.md): standardised log-Mel → class logits, for encoding without a class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classifier: Option<ModelFileSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFileSpec {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatentSpec {
    pub class_means: Vec<Vec<f32>>,
    pub class_stds: Vec<Vec<f32>>,
    pub pca: PcaSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaSpec {
    pub mean: Vec<f32>,
    pub components: Vec<Vec<f32>>,
    pub stds: Vec<f32>,
}

/// The ONNX models of a bundle: three required, the classifier optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    Encoder,
    Decoder,
    Mcnn,
    Classifier,
}

impl ModelKind {
    /// The models every bundle has.
    pub const ALL: [ModelKind; 3] = [ModelKind::Encoder, ModelKind::Decoder, ModelKind::Mcnn];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Encoder => "encoder",
            ModelKind::Decoder => "decoder",
            ModelKind::Mcnn => "mcnn",
            ModelKind::Classifier => "classifier",
        }
    }
}

/// A validated bundle on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The bundle folder.
    pub dir: PathBuf,
    pub spec: BundleSpec,
}

impl Bundle {
    /// Reads `dir/bundle.json`, validates it against models/BUNDLE.md and checks each model
    /// file's size and SHA-256. The ONNX graphs' shapes are checked by `Engine::load`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Bundle, NdmError> {
        let dir = dir.as_ref().to_path_buf();
        let json_path = dir.join(BUNDLE_JSON);
        let io_err = |source| NdmError::BundleIo {
            path: json_path.clone(),
            source,
        };
        // Read at most MAX_JSON_BYTES + 1: a huge (or endless, e.g. a FIFO) bundle.json is
        // refused without reading it all.
        let mut text = String::new();
        fs::File::open(&json_path)
            .map_err(io_err)?
            .take(limits::MAX_JSON_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io_err)?;
        if text.len() as u64 > limits::MAX_JSON_BYTES {
            return Err(NdmError::invalid(
                &json_path,
                "(file)",
                format!(
                    "bundle.json is larger than {} MiB",
                    limits::MAX_JSON_BYTES >> 20
                ),
            ));
        }
        let spec: BundleSpec =
            serde_json::from_str(&text).map_err(|source| NdmError::BundleJson {
                path: json_path.clone(),
                source,
            })?;
        validate_spec(&spec, &json_path)?;
        let bundle = Bundle { dir, spec };
        for kind in bundle.kinds() {
            bundle.verify_model_file(kind)?;
        }
        Ok(bundle)
    }

    /// The models this bundle has: the required three, then the optional ones it declares.
    pub fn kinds(&self) -> Vec<ModelKind> {
        let mut k = ModelKind::ALL.to_vec();
        if self.spec.models.classifier.is_some() {
            k.push(ModelKind::Classifier);
        }
        k
    }

    /// The model's entry in bundle.json; `None` for an optional model the bundle lacks.
    pub fn model_spec(&self, kind: ModelKind) -> Option<&ModelFileSpec> {
        match kind {
            ModelKind::Encoder => Some(&self.spec.models.encoder),
            ModelKind::Decoder => Some(&self.spec.models.decoder),
            ModelKind::Mcnn => Some(&self.spec.models.mcnn),
            ModelKind::Classifier => self.spec.models.classifier.as_ref(),
        }
    }

    fn require(&self, kind: ModelKind) -> Result<&ModelFileSpec, NdmError> {
        self.model_spec(kind).ok_or_else(|| {
            NdmError::invalid(
                &self.dir.join(BUNDLE_JSON),
                format!("models.{}", kind.name()),
                "is missing".to_string(),
            )
        })
    }

    pub fn model_path(&self, kind: ModelKind) -> PathBuf {
        let file = self
            .model_spec(kind)
            .map_or_else(|| format!("{}.onnx", kind.name()), |m| m.file.clone());
        self.dir.join(file)
    }

    /// Reads a model file and checks its size and SHA-256 against bundle.json.
    pub fn read_model(&self, kind: ModelKind) -> Result<Vec<u8>, NdmError> {
        let spec = self.require(kind)?;
        let path = self.model_path(kind);
        let bytes = fs::read(&path).map_err(|source| NdmError::BundleIo {
            path: path.clone(),
            source,
        })?;
        check_model(&path, spec, bytes.len() as u64, &Sha256::digest(&bytes))?;
        Ok(bytes)
    }

    /// Streams a model file through SHA-256 and checks size and hash.
    fn verify_model_file(&self, kind: ModelKind) -> Result<(), NdmError> {
        let spec = self.require(kind)?;
        let path = self.model_path(kind);
        let io_err = |source| NdmError::BundleIo {
            path: path.clone(),
            source,
        };
        let mut file = fs::File::open(&path).map_err(io_err)?;
        // The size first: a wrong file fails at once instead of being hashed to the end.
        let len = file.metadata().map_err(io_err)?.len();
        if len != spec.bytes {
            return check_model(&path, spec, len, &[]);
        }
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(io_err)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            hasher.update(&buf[..n]);
        }
        check_model(&path, spec, total, &hasher.finalize())
    }

    pub fn n_classes(&self) -> usize {
        self.spec.classes.len()
    }

    pub fn latent_info(&self) -> LatentInfo {
        let l = &self.spec.latent;
        LatentInfo {
            dim: self.spec.latent_dim,
            class_means: l.class_means.clone(),
            class_stds: l.class_stds.clone(),
            pca_components: l.pca.components.clone(),
            pca_stds: l.pca.stds.clone(),
        }
    }

    pub fn model_info(&self) -> ModelInfo {
        ModelInfo {
            name: self.spec.name.clone(),
            path: self.dir.display().to_string(),
            sample_rate: self.spec.sample_rate,
            classes: self.spec.classes.clone(),
            latent: self.latent_info(),
        }
    }
}

fn check_model(
    path: &Path,
    spec: &ModelFileSpec,
    size: u64,
    digest: &[u8],
) -> Result<(), NdmError> {
    if size != spec.bytes {
        return Err(NdmError::ModelMismatch {
            path: path.to_path_buf(),
            what: "size in bytes",
            expected: spec.bytes.to_string(),
            actual: size.to_string(),
        });
    }
    let actual = hex::encode(digest);
    if !actual.eq_ignore_ascii_case(spec.sha256.trim()) {
        return Err(NdmError::ModelMismatch {
            path: path.to_path_buf(),
            what: "SHA-256",
            expected: spec.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// Checks everything in models/BUNDLE.md's "Validation in Rust" that needs no file but bundle.json.
/// `path` is only used in error messages.
pub fn validate_spec(s: &BundleSpec, path: &Path) -> Result<(), NdmError> {
    let bad = |field: &str, reason: String| Err(NdmError::invalid(path, field, reason));

    if s.format != BUNDLE_FORMAT {
        return bad(
            "format",
            format!("is {:?}, expected {:?}", s.format, BUNDLE_FORMAT),
        );
    }
    if s.format_version != BUNDLE_FORMAT_VERSION {
        return bad(
            "format_version",
            format!(
                "is {}, this build of ndm reads only version {}",
                s.format_version, BUNDLE_FORMAT_VERSION
            ),
        );
    }
    if s.sample_rate == 0 {
        return bad("sample_rate", "must be positive".into());
    }
    for (field, value, max) in [
        (
            "sample_rate",
            s.sample_rate as usize,
            limits::MAX_SAMPLE_RATE as usize,
        ),
        ("stft.n_fft", s.stft.n_fft, limits::MAX_N_FFT),
        ("frames", s.frames, limits::MAX_FRAMES),
        ("mel.n_mels", s.mel.n_mels, limits::MAX_N_MELS),
        ("classes", s.classes.len(), limits::MAX_CLASSES),
        ("latent_dim", s.latent_dim, limits::MAX_LATENT_DIM),
    ] {
        if value > max {
            return bad(field, format!("is {value}, more than the limit {max}"));
        }
    }
    let st = &s.stft;
    if st.hop == 0 || st.win == 0 || st.n_fft == 0 {
        return bad(
            "stft",
            format!(
                "n_fft, win and hop must be positive (got {}, {}, {})",
                st.n_fft, st.win, st.hop
            ),
        );
    }
    if st.win > st.n_fft {
        return bad("stft.win", format!("{} exceeds n_fft {}", st.win, st.n_fft));
    }
    if !st.n_fft.is_multiple_of(2) {
        return bad("stft.n_fft", format!("{} must be even", st.n_fft));
    }
    if st.window != "hann_periodic" {
        return bad(
            "stft.window",
            format!("is {:?}, only \"hann_periodic\" is supported", st.window),
        );
    }
    if s.frames == 0 {
        return bad("frames", "must be positive".into());
    }
    let expected_len = s.frames.saturating_mul(st.hop);
    if s.length_samples != expected_len {
        return bad(
            "length_samples",
            format!(
                "is {}, expected frames·hop = {}·{} = {expected_len}",
                s.length_samples, s.frames, st.hop,
            ),
        );
    }
    if expected_len > limits::MAX_LENGTH_SAMPLES {
        return bad(
            "length_samples",
            format!(
                "is {expected_len}, more than the limit {}",
                limits::MAX_LENGTH_SAMPLES
            ),
        );
    }
    let m = &s.mel;
    if m.n_mels == 0 {
        return bad("mel.n_mels", "must be positive".into());
    }
    if m.scale != "htk" {
        return bad(
            "mel.scale",
            format!("is {:?}, only \"htk\" is supported", m.scale),
        );
    }
    if m.norm != "none" {
        return bad(
            "mel.norm",
            format!("is {:?}, only \"none\" is supported", m.norm),
        );
    }
    if !(m.fmin.is_finite() && m.fmax.is_finite() && m.fmin >= 0.0 && m.fmin < m.fmax) {
        return bad(
            "mel.fmin/fmax",
            format!("need 0 ≤ fmin < fmax, got {} and {}", m.fmin, m.fmax),
        );
    }
    if m.fmax > s.sample_rate as f64 / 2.0 + 1e-6 {
        return bad(
            "mel.fmax",
            format!(
                "{} is above Nyquist ({} Hz)",
                m.fmax,
                s.sample_rate as f64 / 2.0
            ),
        );
    }
    if !(s.log_eps.is_finite() && s.log_eps > 0.0) {
        return bad(
            "log_eps",
            format!("must be a positive finite number, got {}", s.log_eps),
        );
    }
    if s.norm.kind != "per_mel_bin" {
        return bad(
            "norm.kind",
            format!("is {:?}, only \"per_mel_bin\" is supported", s.norm.kind),
        );
    }
    check_vec(path, "norm.mean", &s.norm.mean, m.n_mels)?;
    check_vec(path, "norm.std", &s.norm.std, m.n_mels)?;
    if let Some(i) = s.norm.std.iter().position(|&v| v <= 0.0) {
        return bad(
            "norm.std",
            format!("entry {i} is {}, every std must be > 0", s.norm.std[i]),
        );
    }
    if s.classes.is_empty() {
        return bad("classes", "is empty, at least one class is needed".into());
    }
    for (i, c) in s.classes.iter().enumerate() {
        if c.trim().is_empty() {
            return bad("classes", format!("entry {i} is an empty name"));
        }
        if s.classes[..i].contains(c) {
            return bad("classes", format!("name {c:?} appears more than once"));
        }
    }
    let nc = s.classes.len();
    if s.latent_dim == 0 {
        return bad("latent_dim", "must be positive".into());
    }
    if !(s.mask_threshold.is_finite() && s.mask_threshold > 0.0 && s.mask_threshold < 1.0) {
        return bad(
            "mask_threshold",
            format!("must lie in (0, 1), got {}", s.mask_threshold),
        );
    }
    if s.mcnn_refine > limits::MAX_MCNN_REFINE {
        return bad(
            "mcnn_refine",
            format!(
                "{} rounds is over the limit of {}",
                s.mcnn_refine,
                limits::MAX_MCNN_REFINE
            ),
        );
    }
    if let Err(e) = crate::pghi::check_band_edge(s.mcnn_pghi_hz, s.sample_rate) {
        return bad("mcnn_pghi_hz", e);
    }
    if s.vocoder == ModelVocoder::Pghi && s.mcnn_refine == 0 {
        return bad(
            "vocoder",
            "\"pghi\" needs mcnn_refine ≥ 1 (its rounds)".into(),
        );
    }
    let optional = s.models.classifier.iter().map(|f| ("models.classifier", f));
    for (name, f) in [
        ("models.encoder", &s.models.encoder),
        ("models.decoder", &s.models.decoder),
        ("models.mcnn", &s.models.mcnn),
    ]
    .into_iter()
    .chain(optional)
    {
        let p = Path::new(&f.file);
        let plain = !f.file.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return bad(
                &format!("{name}.file"),
                format!(
                    "{:?} must be a relative path inside the bundle folder",
                    f.file
                ),
            );
        }
        let h = f.sha256.trim();
        if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return bad(
                &format!("{name}.sha256"),
                format!("{:?} is not 64 hex digits", f.sha256),
            );
        }
        if f.bytes == 0 || f.bytes > limits::MAX_MODEL_BYTES {
            return bad(
                &format!("{name}.bytes"),
                format!(
                    "is {}, must lie in 1..={} (2 GiB)",
                    f.bytes,
                    limits::MAX_MODEL_BYTES
                ),
            );
        }
    }
    let l = &s.latent;
    check_matrix(path, "latent.class_means", &l.class_means, nc, s.latent_dim)?;
    check_matrix(path, "latent.class_stds", &l.class_stds, nc, s.latent_dim)?;
    for (c, row) in l.class_stds.iter().enumerate() {
        if let Some(i) = row.iter().position(|&v| v < 0.0) {
            return bad(
                "latent.class_stds",
                format!("class {c}, dim {i} is negative ({})", row[i]),
            );
        }
    }
    check_vec(path, "latent.pca.mean", &l.pca.mean, s.latent_dim)?;
    check_matrix(
        path,
        "latent.pca.components",
        &l.pca.components,
        3,
        s.latent_dim,
    )?;
    check_vec(path, "latent.pca.stds", &l.pca.stds, 3)?;
    if let Some(i) = l.pca.stds.iter().position(|&v| v < 0.0) {
        return bad(
            "latent.pca.stds",
            format!("entry {i} is negative ({})", l.pca.stds[i]),
        );
    }
    Ok(())
}

fn check_vec(path: &Path, field: &str, v: &[f32], len: usize) -> Result<(), NdmError> {
    if v.len() != len {
        return Err(NdmError::invalid(
            path,
            field,
            format!("has {} entries, expected {len}", v.len()),
        ));
    }
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(NdmError::invalid(
            path,
            field,
            format!("entry {i} is not a finite number"),
        ));
    }
    Ok(())
}

fn check_matrix(
    path: &Path,
    field: &str,
    rows: &[Vec<f32>],
    n_rows: usize,
    n_cols: usize,
) -> Result<(), NdmError> {
    if rows.len() != n_rows {
        return Err(NdmError::invalid(
            path,
            field,
            format!("has {} rows, expected {n_rows}", rows.len()),
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        check_vec(path, &format!("{field}[{r}]"), row, n_cols)?;
    }
    Ok(())
}

/// Where to look for the bundle when none is named: `$NDM_BUNDLE` if set; else
/// `<crate root>/models/ndm-v1` if it holds a bundle.json; else `models/ndm-v1` next to the
/// executable if it holds one; else the crate-root path (so that the error names it).
pub fn default_bundle_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("NDM_BUNDLE") {
        if !p.is_empty() {
            return PathBuf::from(p);
        }
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join("ndm-v1");
    if crate_dir.join(BUNDLE_JSON).is_file() {
        return crate_dir;
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        let candidate = exe_dir.join("models").join("ndm-v1");
        if candidate.join(BUNDLE_JSON).is_file() {
            return candidate;
        }
    }
    crate_dir
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small valid spec (files not checked).
    pub(crate) fn tiny_spec() -> BundleSpec {
        let n_mels = 8;
        let dim = 4;
        let model = |f: &str| ModelFileSpec {
            file: f.into(),
            sha256: "0".repeat(64),
            bytes: 1,
        };
        BundleSpec {
            format: BUNDLE_FORMAT.into(),
            format_version: 1,
            name: "tiny".into(),
            sample_rate: 8000,
            frames: 4,
            length_samples: 4 * 64,
            stft: StftSpec {
                n_fft: 256,
                win: 128,
                hop: 64,
                window: "hann_periodic".into(),
            },
            mel: MelSpec {
                n_mels,
                fmin: 0.0,
                fmax: 4000.0,
                scale: "htk".into(),
                norm: "none".into(),
            },
            log_eps: 1e-5,
            norm: NormSpec {
                kind: "per_mel_bin".into(),
                mean: vec![0.0; n_mels],
                std: vec![1.0; n_mels],
            },
            classes: vec!["kick".into(), "snare".into()],
            latent_dim: dim,
            mask_threshold: 0.5,
            mcnn_refine: 0,
            mcnn_pghi_hz: 0.0,
            vocoder: ModelVocoder::Mcnn,
            models: ModelsSpec {
                encoder: model("encoder.onnx"),
                decoder: model("decoder.onnx"),
                mcnn: model("mcnn.onnx"),
                classifier: None,
            },
            latent: LatentSpec {
                class_means: vec![vec![0.0; dim]; 2],
                class_stds: vec![vec![1.0; dim]; 2],
                pca: PcaSpec {
                    mean: vec![0.0; dim],
                    components: vec![
                        vec![1.0, 0.0, 0.0, 0.0],
                        vec![0.0, 1.0, 0.0, 0.0],
                        vec![0.0, 0.0, 1.0, 0.0],
                    ],
                    stds: vec![1.0; 3],
                },
            },
            training: serde_json::Value::Null,
        }
    }

    fn field_of(e: NdmError) -> String {
        match e {
            NdmError::BundleInvalid { field, .. } => field,
            other => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn tiny_spec_is_valid() {
        validate_spec(&tiny_spec(), Path::new("x")).unwrap();
    }

    #[test]
    fn rejects_bad_fields() {
        let p = Path::new("b/bundle.json");
        let mut s = tiny_spec();
        s.format_version = 2;
        assert_eq!(
            field_of(validate_spec(&s, p).unwrap_err()),
            "format_version"
        );

        let mut s = tiny_spec();
        s.length_samples += 1;
        assert_eq!(
            field_of(validate_spec(&s, p).unwrap_err()),
            "length_samples"
        );

        let mut s = tiny_spec();
        s.norm.std[3] = 0.0;
        assert_eq!(field_of(validate_spec(&s, p).unwrap_err()), "norm.std");

        let mut s = tiny_spec();
        s.norm.mean.pop();
        assert_eq!(field_of(validate_spec(&s, p).unwrap_err()), "norm.mean");

        let mut s = tiny_spec();
        s.latent.class_means[1][2] = f32::NAN;
        assert_eq!(
            field_of(validate_spec(&s, p).unwrap_err()),
            "latent.class_means[1]"
        );

        let mut s = tiny_spec();
        s.classes[1] = "kick".into();
        assert_eq!(field_of(validate_spec(&s, p).unwrap_err()), "classes");

        let mut s = tiny_spec();
        s.stft.win = 512;
        assert_eq!(field_of(validate_spec(&s, p).unwrap_err()), "stft.win");

        let mut s = tiny_spec();
        s.models.mcnn.file = "../mcnn.onnx".into();
        assert_eq!(
            field_of(validate_spec(&s, p).unwrap_err()),
            "models.mcnn.file"
        );

        let mut s = tiny_spec();
        s.latent.pca.components.pop();
        assert_eq!(
            field_of(validate_spec(&s, p).unwrap_err()),
            "latent.pca.components"
        );
    }

    #[test]
    fn load_checks_hashes() {
        let dir = std::env::temp_dir().join(format!("ndm-bundle-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mut spec = tiny_spec();
        for (f, name) in [
            (&mut spec.models.encoder, "encoder.onnx"),
            (&mut spec.models.decoder, "decoder.onnx"),
            (&mut spec.models.mcnn, "mcnn.onnx"),
        ] {
            let bytes = name.as_bytes();
            fs::write(dir.join(name), bytes).unwrap();
            f.bytes = bytes.len() as u64;
            f.sha256 = hex::encode(Sha256::digest(bytes));
        }
        fs::write(dir.join(BUNDLE_JSON), serde_json::to_string(&spec).unwrap()).unwrap();
        let b = Bundle::load(&dir).unwrap();
        assert_eq!(b.model_info().classes, vec!["kick", "snare"]);
        assert_eq!(b.read_model(ModelKind::Mcnn).unwrap(), b"mcnn.onnx");

        fs::write(dir.join("mcnn.onnx"), b"mcnn.onnX").unwrap();
        match Bundle::load(&dir) {
            Err(NdmError::ModelMismatch { what, .. }) => assert_eq!(what, "SHA-256"),
            other => panic!("expected hash mismatch, got {other:?}"),
        }
        fs::write(dir.join("mcnn.onnx"), b"mcnn.onnxx").unwrap();
        match Bundle::load(&dir) {
            Err(NdmError::ModelMismatch { what, .. }) => assert_eq!(what, "size in bytes"),
            other => panic!("expected size mismatch, got {other:?}"),
        }
        fs::write(dir.join(BUNDLE_JSON), "{").unwrap();
        assert!(matches!(
            Bundle::load(&dir),
            Err(NdmError::BundleJson { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(Bundle::load(&dir), Err(NdmError::BundleIo { .. })));
    }
}
