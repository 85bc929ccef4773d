//! Engine end to end on the fixture bundle (tiny untrained models exported by Python) in
//! `tests/golden/bundle`, or `$NDM_TEST_BUNDLE`. Skipped, with a note, when it is absent.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ndm::engine::{Engine, EngineOptions, FADE_MS};
use ndm::error::NdmError;
use ndm::synth::{GenerateRequest, Synth, Vocoder};

fn bundle_dir() -> PathBuf {
    std::env::var_os("NDM_TEST_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests")
                .join("golden")
                .join("bundle")
        })
}

/// One engine for all tests (sessions are behind mutexes, tests run in parallel).
fn engine(test: &str) -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    let e = ENGINE
        .get_or_init(|| {
            let dir = bundle_dir();
            if !dir.join("bundle.json").is_file() {
                return None;
            }
            Some(Engine::load(&dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display())))
        })
        .as_ref();
    assert!(
        e.is_some(),
        "{test}: no fixture bundle at {} (python -m models.train.export --fixture tests/golden/bundle)",
        bundle_dir().display()
    );
    e
}

fn request(
    e: &Engine,
    class: usize,
    sample_rate: u32,
    trim: bool,
    vocoder: Vocoder,
) -> GenerateRequest {
    GenerateRequest {
        class,
        z: e.info().latent.class_means[class].clone(),
        vocoder,
        sample_rate,
        trim,
    }
}

#[test]
fn generate_shapes_and_determinism() {
    let Some(e) = engine("generate_shapes_and_determinism") else {
        return;
    };
    let spec = &e.bundle().spec;
    let sr = spec.sample_rate;
    for class in 0..e.info().classes.len() {
        let full = e
            .generate(&request(e, class, sr, false, Vocoder::Mcnn))
            .unwrap();
        assert_eq!(full.sample_rate, sr);
        assert_eq!(full.samples.len(), spec.length_samples);
        assert!(full.samples.iter().all(|v| v.is_finite()));
        let again = e
            .generate(&request(e, class, sr, false, Vocoder::Mcnn))
            .unwrap();
        assert_eq!(full, again, "generation must be deterministic");

        let trimmed = e
            .generate(&request(e, class, sr, true, Vocoder::Mcnn))
            .unwrap();
        assert!(trimmed.samples.len() <= full.samples.len());
        let fade = (FADE_MS / 1000.0 * sr as f32).round() as usize;
        assert!(trimmed.samples.len() >= fade);
        assert_eq!(*trimmed.samples.last().unwrap(), 0.0, "fade ends at 0");
        // Before the fade, trimmed equals the untrimmed render except near the cut, where the
        // MCNN saw fewer frames; compare the first half.
        // (This also checks that the MCNN has no time-global operation.)
        let peak = full.samples.iter().fold(0f32, |m, v| m.max(v.abs()));
        let n = (trimmed.samples.len() - fade) / 2;
        for i in 0..n {
            assert!(
                (trimmed.samples[i] - full.samples[i]).abs() <= 1e-3 * peak + 1e-6,
                "sample {i}"
            );
        }
        eprintln!(
            "class {class}: trimmed {} of {} samples",
            trimmed.samples.len(),
            full.samples.len()
        );
    }
}

#[test]
fn resampled_lengths() {
    let Some(e) = engine("resampled_lengths") else {
        return;
    };
    let sr = e.info().sample_rate;
    let base = e
        .generate(&request(e, 0, sr, false, Vocoder::Mcnn))
        .unwrap();
    for to in [44100u32, 48000, 88200, 96000] {
        let s = e
            .generate(&request(e, 0, to, false, Vocoder::Mcnn))
            .unwrap();
        assert_eq!(s.sample_rate, to);
        let want = (base.samples.len() as f64 * to as f64 / sr as f64).round() as usize;
        assert_eq!(s.samples.len(), want, "{to} Hz");
        let t = e.generate(&request(e, 0, to, true, Vocoder::Mcnn)).unwrap();
        assert!(t.samples.len() <= s.samples.len());
    }
    let batch = e
        .generate_batch(&[
            request(e, 0, 48000, true, Vocoder::Mcnn),
            request(e, 1, sr, false, Vocoder::Mcnn),
        ])
        .unwrap();
    assert_eq!(
        batch[0],
        e.generate(&request(e, 0, 48000, true, Vocoder::Mcnn))
            .unwrap()
    );
    assert_eq!(batch[1].samples.len(), e.bundle().spec.length_samples);
}

#[test]
fn griffin_lim_vocoder() {
    let Some(e) = engine("griffin_lim_vocoder") else {
        return;
    };
    let sr = e.info().sample_rate;
    let gl = Vocoder::GriffinLim { iterations: 8 };
    let s = e.generate(&request(e, 1, sr, false, gl)).unwrap();
    assert_eq!(s.samples.len(), e.bundle().spec.length_samples);
    assert!(s.samples.iter().all(|v| v.is_finite()));
    assert_eq!(s, e.generate(&request(e, 1, sr, false, gl)).unwrap());
    let t = e.generate(&request(e, 1, 44100, true, gl)).unwrap();
    assert!(t.samples.len() <= s.samples.len() * 2 + 1);
}

#[test]
fn encode_round_trip_shapes() {
    let Some(e) = engine("encode_round_trip_shapes") else {
        return;
    };
    let sr = e.info().sample_rate;
    let dim = e.info().latent.dim;
    let sound = e
        .generate(&request(e, 2, sr, false, Vocoder::Mcnn))
        .unwrap();
    let enc = e.encode(&sound.samples, sr, Some(1)).unwrap();
    assert_eq!(enc.class, 1);
    assert_eq!(enc.z.len(), dim);
    assert!(enc.z.iter().all(|v| v.is_finite()));
    // Same audio at another rate: still works, same shapes.
    let up = ndm::resample::resample(&sound.samples, sr, 44100).unwrap();
    let enc2 = e.encode(&up, 44100, Some(1)).unwrap();
    assert_eq!(enc2.z.len(), dim);
    // Unknown class: a valid class, and its z equals encoding with that class given.
    let guess = e.encode(&sound.samples, sr, None).unwrap();
    assert!(guess.class < e.info().classes.len());
    let given = e.encode(&sound.samples, sr, Some(guess.class)).unwrap();
    for (a, b) in guess.z.iter().zip(&given.z) {
        assert!((a - b).abs() < 1e-4);
    }
}

#[test]
fn bad_inputs_are_errors() {
    let Some(e) = engine("bad_inputs_are_errors") else {
        return;
    };
    let sr = e.info().sample_rate;
    let nc = e.info().classes.len();
    let mut r = request(e, 0, sr, true, Vocoder::Mcnn);
    r.class = nc;
    assert!(matches!(e.generate(&r), Err(NdmError::BadClass { .. })));
    let mut r = request(e, 0, sr, true, Vocoder::Mcnn);
    r.z.pop();
    assert!(matches!(
        e.generate(&r),
        Err(NdmError::BadLatentLength { .. })
    ));
    let mut r = request(e, 0, sr, true, Vocoder::Mcnn);
    r.z[0] = f32::NAN;
    assert!(matches!(e.generate(&r), Err(NdmError::NonFinite { .. })));
    let mut r = request(e, 0, sr, true, Vocoder::Mcnn);
    r.z[1] = f32::INFINITY;
    assert!(matches!(
        e.generate_batch(&[request(e, 0, sr, true, Vocoder::Mcnn), r]),
        Err(NdmError::NonFinite { .. })
    ));
    let mut r = request(e, 0, sr, true, Vocoder::Mcnn);
    r.sample_rate = 0;
    assert!(matches!(e.generate(&r), Err(NdmError::BadInput(_))));
    // Refinement rounds over the limit, through a request and through the vocoder stage alone.
    let too_many = Vocoder::McnnRefined { rounds: 65 };
    assert!(matches!(
        e.generate(&request(e, 0, sr, true, too_many)),
        Err(NdmError::BadInput(_))
    ));
    let mel = e.decode_mel(0, &e.info().latent.class_means[0]).unwrap();
    assert!(matches!(
        e.vocode_frames(mel.view(), too_many),
        Err(NdmError::BadInput(_))
    ));
    // A Mel far louder than the training sounds: limited to a peak of 1, never clipped by a host.
    let loud = mel.mapv(|_| 1000.0f32);
    for v in [Vocoder::Mcnn, Vocoder::GriffinLim { iterations: 4 }] {
        let w = e.vocode_frames(loud.view(), v).unwrap();
        let peak = w.iter().fold(0f32, |m, x| m.max(x.abs()));
        assert!(peak <= 1.0 + 1e-6 && peak > 0.5, "{v:?}: peak {peak}");
    }
    // An extreme but finite Mel: an error or finite samples, never NaN.
    let huge = mel.mapv(|_| 3e38f32);
    match e.vocode_frames(huge.view(), Vocoder::McnnRefined { rounds: 2 }) {
        Ok(w) => assert!(w.iter().all(|v| v.is_finite())),
        Err(err) => assert!(matches!(err, NdmError::BadModelOutput { .. }), "{err:?}"),
    }

    assert!(matches!(
        e.encode(&[], sr, None),
        Err(NdmError::BadInput(_))
    ));
    assert!(matches!(
        e.encode(&[0.1, f32::NAN], sr, None),
        Err(NdmError::NonFinite { .. })
    ));
    assert!(matches!(
        e.encode(&[0.1; 100], sr, Some(nc)),
        Err(NdmError::BadClass { .. })
    ));
    assert!(matches!(
        e.encode(&[0.1; 100], 0, None),
        Err(NdmError::BadInput(_))
    ));
}

#[test]
fn load_errors() {
    if engine("load_errors").is_none() {
        return;
    }
    let missing = std::env::temp_dir().join("ndm-no-such-bundle");
    assert!(matches!(
        Engine::load(&missing),
        Err(NdmError::BundleIo { .. })
    ));
    let opts = EngineOptions {
        intra_threads: 2,
        ..EngineOptions::default()
    };
    let e2 = Engine::load_with(bundle_dir(), &opts).unwrap();
    assert_eq!(e2.info().classes.len(), e2.bundle().n_classes());
}

/// The bundle's `mcnn_pghi_hz` (the fixture's 2150 Hz) changes the refined sound (its low
/// band's phase; the second round then moves the rest a little); an override of 0 turns it
/// off, one outside [0, Nyquist] is refused.
/// The fixture bundle with its PGHI band overridden to none.
fn no_pghi_band() -> Engine {
    Engine::load_with(
        bundle_dir(),
        &EngineOptions {
            mcnn_pghi_hz: Some(0.0),
            ..EngineOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn pghi_band_changes_the_low_band_and_can_be_turned_off() {
    let Some(e) = engine("pghi_band") else {
        return;
    };
    assert_eq!(e.pghi_bins(), 200);
    let off = no_pghi_band();
    assert_eq!(off.pghi_bins(), 0);
    let mel = e.decode_mel(0, &e.info().latent.class_means[0]).unwrap();
    let (with, without) = (
        e.vocode_frames(mel.view(), Vocoder::Mcnn).unwrap(),
        off.vocode_frames(mel.view(), Vocoder::Mcnn).unwrap(),
    );
    let diff = with
        .iter()
        .zip(&without)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    let peak = with.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 0.0 && diff > 0.01 * peak, "diff {diff}, peak {peak}");
    // Without rounds there is no first round to change.
    let alone = Vocoder::McnnRefined { rounds: 0 };
    assert_eq!(
        e.vocode_frames(mel.view(), alone).unwrap(),
        off.vocode_frames(mel.view(), alone).unwrap()
    );
    for bad in [-1.0, 11026.0, f32::NAN] {
        let opts = EngineOptions {
            mcnn_pghi_hz: Some(bad),
            ..EngineOptions::default()
        };
        match Engine::load_with(bundle_dir(), &opts) {
            Err(NdmError::BadInput(m)) => assert!(m.contains("11025"), "{m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn pghi_vocoder_renders_without_the_mcnn() {
    let Some(e) = engine("pghi_vocoder") else {
        return;
    };
    let sr = e.info().sample_rate;
    let pghi = Vocoder::Pghi { rounds: None };
    let a = e.generate(&request(e, 0, sr, false, pghi)).unwrap();
    assert_eq!(a.samples.len(), e.bundle().spec.length_samples);
    let peak = a.samples.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 0.0 && peak <= 1.0, "peak {peak}");
    // Deterministic: the seed noise is fixed.
    assert_eq!(a, e.generate(&request(e, 0, sr, false, pghi)).unwrap());
    assert_ne!(
        a.samples,
        e.generate(&request(e, 0, sr, false, Vocoder::Mcnn))
            .unwrap()
            .samples
    );
    // More rounds change the sound; trimmed, it ends where it falls below -60 dB, faded.
    let three = Vocoder::Pghi { rounds: Some(3) };
    assert_ne!(
        a.samples,
        e.generate(&request(e, 0, sr, false, three))
            .unwrap()
            .samples
    );
    // The fixture's untrained decoder rings to the end, so the trim keeps every frame and only
    // the tail rule and the fade act: the same sound up to the fade, then silence.
    let t = e.generate(&request(e, 0, sr, true, pghi)).unwrap();
    let fade = (FADE_MS / 1000.0 * sr as f32).round() as usize;
    let n = t.samples.len();
    assert!(n > fade && n <= a.samples.len(), "trimmed to {n}");
    assert_eq!(t.samples[..n - fade], a.samples[..n - fade]);
    assert_eq!(*t.samples.last().unwrap(), 0.0);
    for (rounds, word) in [(0, "at least 1"), (65, "limit")] {
        let r = request(
            e,
            0,
            sr,
            false,
            Vocoder::Pghi {
                rounds: Some(rounds),
            },
        );
        match e.generate(&r) {
            Err(NdmError::BadInput(m)) => assert!(m.contains(word), "{m}"),
            other => panic!("{rounds} rounds: {other:?}"),
        }
    }
    // The vocoder stage alone, as benchmarks call it.
    let mel = e.decode_mel(0, &e.info().latent.class_means[0]).unwrap();
    let v = e.vocode_frames(mel.view(), pghi).unwrap();
    assert_eq!(v.len(), mel.ncols() * e.bundle().spec.stft.hop);
}

#[test]
fn pghi_vocoder_without_a_band_integrates_every_bin() {
    let Some(e) = engine("pghi_all_bins") else {
        return;
    };
    let no_band = no_pghi_band();
    let mel = e.decode_mel(0, &e.info().latent.class_means[0]).unwrap();
    let got = no_band
        .vocode_frames(mel.view(), Vocoder::Pghi { rounds: None })
        .unwrap();
    let fx = e.features();
    let noise = ndm::griffin_lim::seed_noise(mel.ncols() * fx.config().hop);
    let mut want = ndm::griffin_lim::refine_mel(
        fx,
        mel.view(),
        &noise,
        e.mcnn_refine(),
        fx.config().n_bins(),
    );
    let peak = want.iter().fold(0f32, |m, v| m.max(v.abs()));
    if peak > 1.0 {
        want.iter_mut().for_each(|v| *v /= peak);
    }
    assert_eq!(got, want);
    // ... which is not what the band alone gives.
    assert_ne!(
        got,
        e.vocode_frames(mel.view(), Vocoder::Pghi { rounds: None })
            .unwrap()
    );
}

/// The canonical vocoder names what renders: equal forms, equal sounds; the object's last-sound
/// cache keys on it.
#[test]
fn canonical_vocoders_render_alike() {
    let Some(e) = engine("canonical_vocoders_render_alike") else {
        return;
    };
    let r = e.mcnn_refine();
    let mcnn = Vocoder::McnnRefined { rounds: r };
    assert_eq!(
        e.canonical_vocoder(Vocoder::Model),
        mcnn,
        "the fixture's choice is the MCNN"
    );
    assert_eq!(e.canonical_vocoder(Vocoder::Mcnn), mcnn);
    assert_eq!(e.canonical_vocoder(mcnn), mcnn);
    let pghi = Vocoder::Pghi { rounds: Some(r) };
    assert_eq!(e.canonical_vocoder(Vocoder::Pghi { rounds: None }), pghi);
    let gl = Vocoder::GriffinLim { iterations: 4 };
    assert_eq!(e.canonical_vocoder(gl), gl);
    let render = |v| e.generate(&request(e, 3, 22050, true, v)).unwrap().samples;
    assert_eq!(render(Vocoder::Model), render(mcnn));
    assert_eq!(render(Vocoder::Pghi { rounds: None }), render(pghi));
}
