//! The seam between the object (host-agnostic state machine) and whatever makes sound.
//! `engine::Engine` is the real implementation (ONNX models); tests may use a fake.

use crate::error::NdmError;

/// A rendered or decoded mono sound.
#[derive(Debug, Clone, PartialEq)]
pub struct Sound {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
}

impl Sound {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// Which vocoder turns the decoded Mel spectrogram into a waveform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vocoder {
    /// The model's own: the vocoder bundle.json's `vocoder` names (`Mcnn` if absent), with the
    /// model's rounds.
    #[default]
    Model,
    /// The MCNN, then the model's own Griffin-Lim refinement (bundle.json `mcnn_refine`).
    Mcnn,
    /// The MCNN, then `rounds` Griffin-Lim rounds started from its output (0: the MCNN alone).
    McnnRefined { rounds: u32 },
    /// No network: Griffin-Lim rounds started from a seeded noise, the first taking the phase
    /// of every coefficient PGHI reaches from the magnitude (`None`: the model's rounds; at
    /// least 1).
    Pghi { rounds: Option<u32> },
    /// Griffin-Lim from random phases.
    GriffinLim { iterations: u32 },
}

/// What the object and the interfaces need to know about a model's latent space.
/// Filled from bundle.json's `latent` section.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentInfo {
    pub dim: usize,
    /// Per-class mean of the training latents, `[n_classes][dim]`.
    pub class_means: Vec<Vec<f32>>,
    /// Per-class standard deviation of the training latents, `[n_classes][dim]`.
    pub class_stds: Vec<Vec<f32>>,
    /// Top principal directions of all training latents (unit vectors), `[3][dim]`.
    pub pca_components: Vec<Vec<f32>>,
    /// Standard deviation of the training latents along each principal direction.
    pub pca_stds: Vec<f32>,
}

/// Summary of a loaded model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    pub name: String,
    pub path: String,
    pub sample_rate: u32,
    pub classes: Vec<String>,
    pub latent: LatentInfo,
}

/// Result of encoding a sound.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The class used for conditioning: the one asked for, or the best guess.
    pub class: usize,
    pub z: Vec<f32>,
}

/// A request to synthesise one sound.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateRequest {
    pub class: usize,
    pub z: Vec<f32>,
    pub vocoder: Vocoder,
    /// Output sample rate; the model's own rate means no resampling.
    pub sample_rate: u32,
    /// Trim the tail after the binarised mask ends (with a short fade).
    pub trim: bool,
}

/// Anything that can generate and encode drum sounds.
pub trait Synth: Send + Sync + 'static {
    fn info(&self) -> &ModelInfo;
    fn generate(&self, req: &GenerateRequest) -> Result<Sound, NdmError>;
    /// `vocoder` in the one form that names what it renders: the model's choice and its
    /// default rounds spelled out, so that `vocoder model` and `vocoder mcnn` (or `pghi` and
    /// `pghi 2`) give the same key to the object's last-sound cache. Default: as given.
    fn canonical_vocoder(&self, vocoder: Vocoder) -> Vocoder {
        vocoder
    }
    /// Encode `audio` (mono, any rate). With `class` = None the engine guesses the class.
    fn encode(
        &self,
        audio: &[f32],
        sample_rate: u32,
        class: Option<usize>,
    ) -> Result<Encoded, NdmError>;
}
