//! `ndm`: render, encode, grid, info and bench from the command line.

mod bench;
mod grid;
mod spectrogram;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ndm::bundle::ModelVocoder;
use ndm::engine::{Engine, EngineOptions};
use ndm::latent::{self, Axes};
use ndm::synth::{GenerateRequest, Synth, Vocoder};
use ndm::NdmError;

#[derive(Parser)]
#[command(
    name = "ndm",
    version,
    about = "Neural drum machine: drum one-shots from a latent space"
)]
struct Cli {
    /// Model bundle folder (default: $NDM_BUNDLE, else the bundled models/ndm-v1).
    #[arg(long, global = true)]
    bundle: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Render sounds to WAV files (no arguments: one sound per class in the current folder).
    Render(RenderArgs),
    /// Encode a sound file: print its class, latent and pad position.
    Encode(EncodeArgs),
    /// A class × pad grid of sounds with a spectrogram PNG each and an index.html.
    Grid(grid::GridArgs),
    /// Summarise the model bundle.
    Info,
    /// Measure latency of loading, encoding and rendering (median and p99 over warm runs).
    Bench(bench::BenchArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum VocoderArg {
    /// The model's own (bundle.json `vocoder`).
    Model,
    /// Griffin-Lim rounds from a seeded noise, the first with PGHI's phase; no network.
    Pghi,
    /// The MCNN, then the model's rounds.
    Mcnn,
    /// Griffin-Lim from random phases (`--iterations`).
    Griffinlim,
}

/// Where in the latent space to render: shared by render and grid.
#[derive(Args, Clone)]
struct Place {
    /// Pad x and y in [0, 1] (0.5 0.5 is the class mean).
    #[arg(long, num_args = 2, value_names = ["X", "Y"], default_values_t = [0.5, 0.5])]
    xy: Vec<f32>,
    /// Third (fine) pad coordinate in [0, 1].
    #[arg(long, default_value_t = 0.5)]
    fine: f32,
    /// Pad axes: pca, random[:SEED], or explicit dimensions like 3,17[,40].
    #[arg(long, default_value = "pca")]
    axes: String,
    /// Pad range (1: pad edges at two standard deviations).
    #[arg(long, default_value_t = 1.0)]
    range: f32,
    /// Vocoder.
    #[arg(long, value_enum, default_value_t = VocoderArg::Model)]
    vocoder: VocoderArg,
    /// Griffin-Lim iterations.
    #[arg(long, default_value_t = 32)]
    iterations: u32,
    /// Griffin-Lim rounds of the MCNN and PGHI vocoders (default: the bundle's `mcnn_refine`;
    /// 0 is the MCNN alone, PGHI needs 1).
    #[arg(long)]
    refine: Option<u32>,
    /// The first round's phase below this frequency (Hz) from PGHI (default: the bundle's
    /// `mcnn_pghi_hz`; 0: off for the MCNN, the whole band for PGHI).
    #[arg(long)]
    pghi_hz: Option<f32>,
    /// Output sample rate (default: the model's).
    #[arg(long)]
    sr: Option<u32>,
    /// Keep the silent tail instead of trimming after the mask ends.
    #[arg(long)]
    no_trim: bool,
}

#[derive(Args)]
struct RenderArgs {
    /// Class names or indices (default: every class).
    #[arg(long, short)]
    class: Vec<String>,
    #[command(flatten)]
    place: Place,
    /// Full latent as comma-separated floats (overrides the pad).
    #[arg(long, allow_hyphen_values = true)]
    z: Option<String>,
    /// Draw latents from the class prior instead of using the pad.
    #[arg(long)]
    random: bool,
    /// Sounds per class (with --random, or variations of the pad position with --vary).
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Variation amount around the pad position for count > 1 (0: all identical).
    #[arg(long, default_value_t = 0.0)]
    vary: f32,
    /// Random seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder.
    #[arg(long, short, default_value = ".")]
    out: PathBuf,
}

#[derive(Args)]
struct EncodeArgs {
    /// Audio file (WAV, FLAC, Ogg, AIFF, MP3; any rate and channel count).
    file: PathBuf,
    /// Condition on this class instead of guessing it.
    #[arg(long, short)]
    class: Option<String>,
    /// Pad axes for the reported position.
    #[arg(long, default_value = "pca")]
    axes: String,
    #[arg(long, default_value_t = 1.0)]
    range: f32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ndm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), NdmError> {
    let bundle = cli.bundle.unwrap_or_else(ndm::bundle::default_bundle_dir);
    match cli
        .command
        .unwrap_or(Command::Render(RenderArgs::defaults()))
    {
        Command::Render(a) => render(&a.place.engine(&bundle)?, a),
        Command::Encode(a) => encode(&Engine::load(&bundle)?, a),
        Command::Grid(a) => grid::run(&a.place.engine(&bundle)?, a),
        Command::Info => info(&Engine::load(&bundle)?),
        Command::Bench(a) => bench::run(&bundle, a),
    }
}

impl RenderArgs {
    fn defaults() -> Self {
        RenderArgs::parse_from_defaults()
    }

    fn parse_from_defaults() -> Self {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            r: RenderArgs,
        }
        Wrap::parse_from(["render"]).r
    }
}

pub(crate) fn create_dir(dir: &std::path::Path) -> Result<(), NdmError> {
    std::fs::create_dir_all(dir).map_err(|e| NdmError::AudioWrite {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })
}

pub(crate) fn parse_class(engine: &Engine, s: &str) -> Result<usize, NdmError> {
    let classes = &engine.info().classes;
    let found = match s.parse::<usize>() {
        Ok(i) if i < classes.len() => Some(i),
        Ok(_) => None,
        Err(_) => classes.iter().position(|c| c.eq_ignore_ascii_case(s)),
    };
    found.ok_or_else(|| {
        NdmError::BadInput(format!(
            "unknown class '{s}': use one of {} or an index below {}",
            classes.join(", "),
            classes.len()
        ))
    })
}

/// Class names or indices; none means every class.
pub(crate) fn parse_classes(engine: &Engine, names: &[String]) -> Result<Vec<usize>, NdmError> {
    if names.is_empty() {
        return Ok((0..engine.info().classes.len()).collect());
    }
    names.iter().map(|c| parse_class(engine, c)).collect()
}

pub(crate) fn parse_axes(s: &str, dim: usize) -> Result<Axes, NdmError> {
    if s == "pca" {
        return Ok(Axes::Pca);
    }
    if let Some(rest) = s.strip_prefix("random") {
        let seed = rest.trim_start_matches(':').parse::<u64>().unwrap_or(0);
        return Ok(Axes::random(seed, dim));
    }
    let dims: Result<Vec<usize>, _> = s.split(',').map(|d| d.trim().parse::<usize>()).collect();
    match dims {
        Ok(dims) if (2..=3).contains(&dims.len()) && dims.iter().all(|&d| d < dim) => {
            Ok(Axes::Explicit { dims })
        }
        _ => Err(NdmError::BadInput(format!(
            "bad --axes '{s}': use pca, random[:SEED] or 2-3 dimensions below {dim} like 3,17"
        ))),
    }
}

impl Place {
    fn engine(&self, bundle: &std::path::Path) -> Result<Engine, NdmError> {
        let opts = EngineOptions {
            mcnn_refine: self.refine,
            mcnn_pghi_hz: self.pghi_hz,
            ..EngineOptions::default()
        };
        Engine::load_with(bundle, &opts)
    }

    pub(crate) fn request(&self, engine: &Engine, class: usize, z: Vec<f32>) -> GenerateRequest {
        GenerateRequest {
            class,
            z,
            vocoder: match self.vocoder {
                VocoderArg::Model => Vocoder::Model,
                VocoderArg::Pghi => Vocoder::Pghi { rounds: None },
                VocoderArg::Mcnn => Vocoder::Mcnn,
                VocoderArg::Griffinlim => Vocoder::GriffinLim {
                    iterations: self.iterations,
                },
            },
            sample_rate: self.sr.unwrap_or(engine.info().sample_rate),
            trim: !self.no_trim,
        }
    }

    pub(crate) fn z(
        &self,
        engine: &Engine,
        class: usize,
        x: f32,
        y: f32,
    ) -> Result<Vec<f32>, NdmError> {
        let info = &engine.info().latent;
        let axes = parse_axes(&self.axes, info.dim)?;
        latent::pad_to_z(info, class, &axes, x, y, self.fine, self.range)
    }
}

fn render(engine: &Engine, a: RenderArgs) -> Result<(), NdmError> {
    let info = engine.info().clone();
    let classes = parse_classes(engine, &a.class)?;
    create_dir(&a.out)?;
    let bar = indicatif::ProgressBar::new((classes.len() * a.count) as u64);
    let mut written = Vec::new();
    for &class in &classes {
        for k in 0..a.count {
            let seed = a.seed.wrapping_add((class * 1_000_003 + k) as u64);
            let z = if let Some(zs) = &a.z {
                zs.split(',')
                    .map(|v| v.trim().parse::<f32>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| NdmError::BadInput(format!("--z: {e}")))?
            } else if a.random {
                let zeros = vec![0.0; info.latent.dim];
                let mean = &info.latent.class_means[class];
                let noise = latent::vary(&info.latent, class, &zeros, 1.0, seed)?;
                mean.iter().zip(noise).map(|(m, n)| m + n).collect()
            } else {
                let z = a.place.z(engine, class, a.place.xy[0], a.place.xy[1])?;
                if a.vary > 0.0 && k > 0 {
                    latent::vary(&info.latent, class, &z, a.vary, seed)?
                } else {
                    z
                }
            };
            let sound = engine.generate(&a.place.request(engine, class, z))?;
            let name = if a.count > 1 {
                format!("ndm-{}-{k:03}.wav", info.classes[class])
            } else {
                format!("ndm-{}.wav", info.classes[class])
            };
            let path = a.out.join(name);
            ndm::audio_io::write_wav(&path, &sound)?;
            written.push((path, sound.duration_s()));
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    for (p, d) in written {
        println!("{}  {:.3} s", p.display(), d);
    }
    Ok(())
}

fn encode(engine: &Engine, a: EncodeArgs) -> Result<(), NdmError> {
    let sound = ndm::audio_io::read_audio(&a.file)?;
    let class = a
        .class
        .as_deref()
        .map(|c| parse_class(engine, c))
        .transpose()?;
    let enc = engine.encode(&sound.samples, sound.sample_rate, class)?;
    let info = &engine.info().latent;
    let axes = parse_axes(&a.axes, info.dim)?;
    let pad = latent::z_to_pad(info, enc.class, &axes, &enc.z, a.range)?;
    println!("class {}", engine.info().classes[enc.class]);
    println!("xy {:.4} {:.4}", pad[0], pad[1]);
    println!("fine {:.4}", pad[2]);
    let z: Vec<String> = enc.z.iter().map(|v| format!("{v:.5}")).collect();
    println!("z {}", z.join(" "));
    Ok(())
}

fn info(engine: &Engine) -> Result<(), NdmError> {
    let b = engine.bundle();
    let i = engine.info();
    println!("name        {}", i.name);
    println!("path        {}", i.path);
    println!("sample rate {} Hz", i.sample_rate);
    println!(
        "features    {} Mel bins, n_fft {}, window {}, hop {}, {} frames ({:.3} s)",
        b.spec.mel.n_mels,
        b.spec.stft.n_fft,
        b.spec.stft.win,
        b.spec.stft.hop,
        b.spec.frames,
        b.spec.length_samples as f64 / i.sample_rate as f64
    );
    println!("latent      {} dimensions", i.latent.dim);
    println!("classes     {}", i.classes.join(", "));
    let pghi = b.spec.vocoder == ModelVocoder::Pghi;
    let start = if pghi {
        "PGHI (no network: a seed noise)"
    } else {
        "MCNN"
    };
    let band = match (b.spec.mcnn_pghi_hz, pghi) {
        (hz, _) if hz > 0.0 => format!("the first with PGHI phase below {hz} Hz (mcnn_pghi_hz)"),
        (_, true) => "the first with PGHI phase over the whole band".into(),
        _ => "no PGHI (mcnn_pghi_hz 0)".into(),
    };
    println!(
        "vocoder     {start} + {} Griffin-Lim round(s) (mcnn_refine), {band}",
        engine.mcnn_refine()
    );
    for kind in b.kinds() {
        let Some(m) = b.model_spec(kind) else {
            continue;
        };
        println!(
            "{:<11} {} ({} bytes, sha256 {}…)",
            kind.name(),
            m.file,
            m.bytes,
            &m.sha256[..12]
        );
    }
    Ok(())
}
