//! `ndm bench`: latency of each stage and of the full bang path, median and p99 over warm runs.
//! Benchmarks, not tests: numbers depend on the machine; `--quick` only checks that they run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use ndarray::s;
use ndm::engine::{Engine, EngineOptions, Optimization};
use ndm::synth::{GenerateRequest, Synth, Vocoder};
use ndm::NdmError;

#[derive(Args)]
pub struct BenchArgs {
    /// Warm runs per measurement.
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// ONNX Runtime intra-op threads.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// ONNX Runtime graph optimisation: disabled, basic, extended, layout or all.
    #[arg(long, default_value = "all")]
    opt_level: Optimization,
    /// Host sample rate for the full path.
    #[arg(long, default_value_t = 48000)]
    sr: u32,
    /// Griffin-Lim rounds of the MCNN and PGHI vocoders (default: the bundle's `mcnn_refine`).
    #[arg(long)]
    refine: Option<u32>,
    /// The first round's phase below this frequency (Hz) from PGHI (default: the bundle's
    /// `mcnn_pghi_hz`; 0: off for the MCNN, the whole band for PGHI).
    #[arg(long)]
    pghi_hz: Option<f32>,
    /// Three runs each: checks that every benchmark executes (CI smoke mode).
    #[arg(long)]
    quick: bool,
    /// Also write the results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also run benches/compare.py (PyTorch eager, Python ONNX Runtime, paper-sized MCNN, FLOPs,
    /// matmul peak) with the project's .venv and write the combined report JSON here.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// With --compare: the latency-against-length plot.
    #[arg(long, default_value = "benches/latency.png")]
    plot: PathBuf,
}

struct Row {
    name: String,
    median_ms: f64,
    p99_ms: f64,
}

fn measure(
    name: &str,
    runs: usize,
    mut f: impl FnMut() -> Result<(), NdmError>,
) -> Result<Row, NdmError> {
    f()?; // warm-up
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        f()?;
        t.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    t.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| t[((t.len() as f64 - 1.0) * p).round() as usize];
    Ok(Row {
        name: name.to_string(),
        median_ms: q(0.5),
        p99_ms: q(0.99),
    })
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn run(bundle: &Path, a: BenchArgs) -> Result<(), NdmError> {
    let runs = if a.quick { 3 } else { a.runs.max(1) };
    let opts = EngineOptions {
        intra_threads: a.threads,
        optimization: a.opt_level,
        mcnn_refine: a.refine,
        mcnn_pghi_hz: a.pghi_hz,
        ..EngineOptions::default()
    };
    let mut rows = Vec::new();
    rows.push(measure("load bundle", runs.min(10), || {
        Engine::load_with(bundle, &opts).map(drop)
    })?);
    let engine = Engine::load_with(bundle, &opts)?;
    let info = engine.info().clone();
    let rate = info.sample_rate;
    let z = info.latent.class_means[0].clone();
    let mel = engine.decode_mel(0, &z)?;
    let hop = engine.bundle().spec.stft.hop;
    let one_second: Vec<f32> = engine.vocode_frames(mel.view(), Vocoder::Model)?;

    rows.push(measure("encode 1 s (class given)", runs, || {
        engine.encode(&one_second, rate, Some(0)).map(drop)
    })?);
    let guess = if engine.has_classifier() {
        "classifier"
    } else {
        "reconstructions"
    };
    rows.push(measure(
        &format!("encode 1 s (class guessed, {guess})"),
        runs,
        || engine.encode(&one_second, rate, None).map(drop),
    )?);
    rows.push(measure("decoder", runs, || {
        engine.decode_mel(0, &z).map(drop)
    })?);
    // The leading frames that hold `secs` of sound (at least one, at most all).
    let frames_for =
        |secs: f64| ((secs * rate as f64 / hop as f64).ceil() as usize).clamp(1, mel.ncols());
    for secs in [0.1f64, 0.25, 0.5, 1.0] {
        let frames = frames_for(secs);
        let m = mel.slice(s![.., ..frames]);
        rows.push(measure(&format!("mcnn {secs} s"), runs, || {
            engine.mcnn_only(m).map(drop)
        })?);
    }
    let refine = engine.mcnn_refine();
    let pghi_bins = engine.pghi_bins();
    if refine > 0 {
        let pghi = if pghi_bins > 0 {
            format!(" (pghi below {pghi_bins} bins)")
        } else {
            String::new()
        };
        rows.push(measure(
            &format!("mcnn + {refine} griffin-lim round(s){pghi}, 1 s"),
            runs,
            || engine.vocode_frames(mel.view(), Vocoder::Mcnn).map(drop),
        )?);
        rows.push(measure(
            &format!("pghi vocoder, {refine} round(s), 1 s"),
            runs,
            || {
                engine
                    .vocode_frames(mel.view(), Vocoder::Pghi { rounds: None })
                    .map(drop)
            },
        )?);
    }
    for iters in [32u32, 100] {
        rows.push(measure(
            &format!("griffin-lim {iters} it, 1 s"),
            runs.min(10),
            || {
                engine
                    .vocode_frames(mel.view(), Vocoder::GriffinLim { iterations: iters })
                    .map(drop)
            },
        )?);
    }
    rows.push(measure(
        &format!("resample 1 s {rate} -> {}", a.sr),
        runs,
        || ndm::resample(&one_second, rate, a.sr).map(drop),
    )?);
    let full = GenerateRequest {
        class: 0,
        z: z.clone(),
        vocoder: Vocoder::Model,
        sample_rate: a.sr,
        trim: false,
    };
    rows.push(measure(
        &format!("full path 1 s @ {} Hz (no trim)", a.sr),
        runs,
        || engine.generate(&full).map(drop),
    )?);
    // The model's vocoder is one of these two; both, so that one run compares them.
    if refine > 0 {
        for (name, vocoder) in [
            ("mcnn", Vocoder::Mcnn),
            ("pghi", Vocoder::Pghi { rounds: None }),
        ] {
            let req = GenerateRequest {
                vocoder,
                ..full.clone()
            };
            rows.push(measure(
                &format!("full path with the {name} vocoder, 1 s (no trim)"),
                runs,
                || engine.generate(&req).map(drop),
            )?);
        }
    }
    // A bang whose sound ends after `secs`: the decoder always renders every frame; the vocoder
    // and the resampler see only the frames the trim rule keeps (here: forced to `secs`).
    for secs in [0.1f64, 0.25, 0.5] {
        let frames = frames_for(secs);
        rows.push(measure(
            &format!("full path {secs} s @ {} Hz", a.sr),
            runs,
            || {
                let m = engine.decode_mel(0, &z)?;
                let w = engine.vocode_frames(m.slice(s![.., ..frames]), Vocoder::Model)?;
                ndm::resample(&w, rate, a.sr).map(drop)
            },
        )?);
    }
    for (class, name) in info.classes.iter().enumerate() {
        let req = GenerateRequest {
            class,
            z: info.latent.class_means[class].clone(),
            vocoder: Vocoder::Model,
            sample_rate: a.sr,
            trim: true,
        };
        let len = engine.generate(&req)?.duration_s();
        rows.push(measure(
            &format!("full path {name} mean ({len:.2} s, trimmed)"),
            runs,
            || engine.generate(&req).map(drop),
        )?);
    }

    // Resident memory with one engine loaded, before the comparison engine below.
    let rss = peak_rss_mb();
    if engine.has_classifier() {
        let by_recon = Engine::load_with(
            bundle,
            &EngineOptions {
                use_classifier: false,
                ..opts.clone()
            },
        )?;
        rows.push(measure(
            "encode 1 s (class guessed, reconstructions)",
            runs,
            || by_recon.encode(&one_second, rate, None).map(drop),
        )?);
    }
    println!(
        "ndm bench: {} threads, graph optimisation {}, {runs} warm runs each, bundle {} ({:?})",
        a.threads,
        a.opt_level.name(),
        bundle.display(),
        engine.resolve(Vocoder::Model)
    );
    println!("{:<48} {:>10} {:>10}", "stage", "median ms", "p99 ms");
    for r in &rows {
        println!("{:<48} {:>10.3} {:>10.3}", r.name, r.median_ms, r.p99_ms);
    }
    if let Some(mb) = rss {
        println!("peak resident memory (one engine, every stage run): {mb:.1} MB");
    }
    let json_path = a.json.clone().or_else(|| {
        a.compare
            .as_ref()
            .map(|_| std::env::temp_dir().join("ndm-bench.json"))
    });
    if let Some(path) = json_path.clone() {
        let json = serde_json::json!({
            "threads": a.threads,
            "opt_level": a.opt_level.name(),
            "runs": runs,
            "mcnn_refine": refine,
            "pghi_bins": pghi_bins,
            "vocoder": engine.bundle().spec.vocoder,
            "peak_rss_mb": rss,
            "rows": rows.iter().map(|r| serde_json::json!({
                "name": r.name, "median_ms": r.median_ms, "p99_ms": r.p99_ms
            })).collect::<Vec<_>>(),
        });
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&json).unwrap_or_default(),
        )
        .map_err(|e| NdmError::AudioWrite {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    }
    if let (Some(report), Some(ndm_json)) = (a.compare, json_path) {
        compare(bundle, a.threads, runs, &ndm_json, &report, &a.plot)?;
    }
    Ok(())
}

fn compare(
    bundle: &Path,
    threads: usize,
    runs: usize,
    ndm_json: &Path,
    report: &Path,
    plot: &Path,
) -> Result<(), NdmError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let status = std::process::Command::new(&python)
        .arg(root.join("benches/compare.py"))
        .arg("--bundle")
        .arg(bundle)
        .args([
            "--threads",
            &threads.to_string(),
            "--runs",
            &runs.to_string(),
        ])
        .arg("--ndm-json")
        .arg(ndm_json)
        .arg("--json")
        .arg(report)
        .arg("--plot")
        .arg(plot)
        .arg("--markdown")
        .arg(report.with_extension("md"))
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| {
            NdmError::BadInput(format!(
                "cannot run {} (run scripts/setup.sh): {e}",
                python.display()
            ))
        })?;
    if !status.success() {
        return Err(NdmError::BadInput(format!(
            "benches/compare.py failed ({status})"
        )));
    }
    let text = std::fs::read_to_string(report).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    println!("comparison ({}):", report.display());
    if let Some(r) = v.get("ratios").and_then(|r| r.as_object()) {
        for (k, val) in r {
            println!("  {k:<40} {val}");
        }
    }
    Ok(())
}
