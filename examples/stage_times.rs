//! Median time of each stage inside one bang, isolated: where the full path's milliseconds go.
//!
//!     cargo run --release --example stage_times            # 300 runs each
//!     LOOP=generate N=2000 perf record target/release/examples/stage_times   # one stage, for a profiler
//!
//! `ndm bench` times what users wait for; this splits the refinement (Mel inversion, rounds) and
//! the networks apart, on one fixed latent of the crash class, so that a change to one of them
//! can be measured on its own. LOOP = generate | mel_to_linear | refine | resample | at runs only
//! that stage N times (the first whose name starts so), with no timing, for `perf record`.

use std::time::Instant;

use ndm::griffin_lim::{mel_to_linear, refine, seed_noise, REFINE_NNLS_ITERATIONS};
use ndm::resample::Resampler;
use ndm::{default_bundle_dir, Engine, EngineOptions, GenerateRequest, Synth, Vocoder};

fn median_ms(runs: usize, f: &mut dyn FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let mut t: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() -> Result<(), ndm::NdmError> {
    let engine = Engine::load(default_bundle_dir())?;
    // The same bundle with the low band's phase left to the rounds: PGHI's share of a bang.
    let no_pghi = Engine::load_with(
        default_bundle_dir(),
        &EngineOptions {
            mcnn_pghi_hz: Some(0.0),
            ..EngineOptions::default()
        },
    )?;
    let fx = engine.features();
    let z = vec![0.3f32; engine.bundle().spec.latent_dim];
    let crash = engine
        .bundle()
        .spec
        .classes
        .iter()
        .position(|c| c == "crash")
        .unwrap_or(0);
    let mel = engine.decode_mel(crash, &z)?;
    let init = engine.mcnn_only(mel.view())?;
    let linear = mel_to_linear(fx.bands(), mel.view(), REFINE_NNLS_ITERATIONS);
    let rounds = engine.mcnn_refine();
    let pghi = engine.pghi_bins();
    let req = GenerateRequest {
        class: crash,
        z: z.clone(),
        vocoder: Vocoder::Mcnn,
        sample_rate: 48_000,
        trim: false,
    };
    let by_pghi = GenerateRequest {
        vocoder: Vocoder::Pghi { rounds: None },
        ..req.clone()
    };
    let noise = seed_noise(init.len());
    let native = GenerateRequest {
        sample_rate: engine.bundle().spec.sample_rate,
        ..req.clone()
    };
    let mut resampler = Resampler::new(engine.bundle().spec.sample_rate, 48_000)?;
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut stages: Vec<(String, Box<dyn FnMut()>)> = vec![
        (
            "decoder (+ destandardise)".into(),
            Box::new(|| drop(engine.decode_mel(crash, &z))),
        ),
        (
            "mcnn 1 s".into(),
            Box::new(|| drop(engine.mcnn_only(mel.view()))),
        ),
        (
            "decoder then mcnn".into(),
            Box::new(|| {
                let m = engine.decode_mel(crash, &z).unwrap();
                drop(engine.mcnn_only(m.view()))
            }),
        ),
        (
            "mcnn then refine".into(),
            Box::new(|| {
                let w = engine.mcnn_only(mel.view()).unwrap();
                drop(refine(fx, linear.view(), &w, rounds, pghi))
            }),
        ),
        (
            "mel_to_linear".into(),
            Box::new(|| {
                drop(mel_to_linear(
                    fx.bands(),
                    mel.view(),
                    REFINE_NNLS_ITERATIONS,
                ))
            }),
        ),
        (
            format!("refine, {rounds} round(s)"),
            Box::new(|| drop(refine(fx, linear.view(), &init, rounds, 0))),
        ),
        (
            format!("refine, {rounds} round(s), PGHI below {pghi} bins"),
            Box::new(|| drop(refine(fx, linear.view(), &init, rounds, pghi))),
        ),
        (
            "pghi vocoder: the same from a seed noise".into(),
            Box::new(|| drop(refine(fx, linear.view(), &noise, rounds, pghi))),
        ),
        (
            format!(
                "resample 1 s {} -> 48000 Hz",
                engine.bundle().spec.sample_rate
            ),
            Box::new(|| drop(resampler.process(&init))),
        ),
        (
            "at the model rate: generate 1 s (no trim)".into(),
            Box::new(|| drop(engine.generate(&native))),
        ),
        (
            "generate 1 s @ 48 kHz (no trim)".into(),
            Box::new(|| drop(engine.generate(&req))),
        ),
        (
            "generate 1 s @ 48 kHz, pghi vocoder".into(),
            Box::new(|| drop(engine.generate(&by_pghi))),
        ),
        (
            "generate 1 s @ 48 kHz, no PGHI".into(),
            Box::new(|| drop(no_pghi.generate(&req))),
        ),
    ];
    if let Ok(only) = std::env::var("LOOP") {
        let (_, f) = stages
            .iter_mut()
            .find(|(name, _)| name.starts_with(only.as_str()))
            .unwrap_or_else(|| panic!("LOOP={only}: no such stage"));
        for _ in 0..n {
            f();
        }
        return Ok(());
    }
    for (name, f) in &mut stages {
        println!("{name:<34} {:>7.3} ms", median_ms(n, f.as_mut()));
    }
    Ok(())
}
