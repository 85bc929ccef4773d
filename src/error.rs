//! The one error type of the ndm core.

use std::path::PathBuf;

/// Everything that can go wrong in the core. Messages are meant for a user's console:
/// they say what was wrong and, where there is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum NdmError {
    /// A bundle file could not be read.
    #[error("cannot read {path}: {source}")]
    BundleIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// bundle.json is not valid JSON or does not match the schema.
    #[error("bundle.json at {path} is not a valid bundle description: {source}")]
    BundleJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// bundle.json parsed but a field breaks the contract in models/BUNDLE.md.
    #[error("invalid bundle ({path}): field `{field}`: {reason}")]
    BundleInvalid {
        path: PathBuf,
        field: String,
        reason: String,
    },
    /// A model file's SHA-256 or size differs from bundle.json.
    #[error(
        "model file {path} does not match bundle.json: {what} is {actual}, expected {expected}"
    )]
    ModelMismatch {
        path: PathBuf,
        what: &'static str,
        expected: String,
        actual: String,
    },
    /// The ONNX Runtime shared library could not be found or loaded.
    #[error("ONNX Runtime library not available ({detail}); run scripts/setup-ort.sh (or set ORT_DYLIB_PATH)")]
    OrtMissing { detail: String },
    /// An error reported by ONNX Runtime.
    #[error("ONNX Runtime error while {context}: {message}")]
    Ort { context: String, message: String },
    /// A model's output was not what the contract says.
    #[error("model `{model}` returned an unexpected output: {reason}")]
    BadModelOutput { model: &'static str, reason: String },
    /// Class index out of range.
    #[error("bad class index {index}: the model has {n_classes} classes (0..{n_classes})")]
    BadClass { index: usize, n_classes: usize },
    /// Latent vector of the wrong length.
    #[error("bad latent vector: length {got}, the model's latent_dim is {expected}")]
    BadLatentLength { got: usize, expected: usize },
    /// NaN or infinity in an input.
    #[error("bad input: {what} contains a non-finite value (NaN or infinity) at index {index}")]
    NonFinite { what: &'static str, index: usize },
    /// Empty or silent audio where a sound is needed.
    #[error("bad input: {0}")]
    BadInput(String),
    /// Audio file could not be decoded.
    #[error("cannot decode audio {path}: {reason}")]
    AudioDecode { path: PathBuf, reason: String },
    /// Audio file could not be written.
    #[error("cannot write audio {path}: {reason}")]
    AudioWrite { path: PathBuf, reason: String },
    /// The resampler failed.
    #[error("resampling {from} Hz -> {to} Hz failed: {reason}")]
    Resample { from: u32, to: u32, reason: String },
}

impl NdmError {
    pub(crate) fn invalid(
        path: &std::path::Path,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        NdmError::BundleInvalid {
            path: path.to_path_buf(),
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn ort(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        NdmError::Ort {
            context: context.into(),
            message: err.to_string(),
        }
    }
}

/// Returns `Err(NonFinite)` at the first non-finite value.
pub(crate) fn check_finite(what: &'static str, values: &[f32]) -> Result<(), NdmError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(NdmError::NonFinite { what, index }),
        None => Ok(()),
    }
}
