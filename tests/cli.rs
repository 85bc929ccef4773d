//! The `ndm` binary end to end, on the fixture bundle (tests/golden/bundle).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/bundle")
}

fn ndm(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ndm"))
        .current_dir(dir)
        .arg("--bundle")
        .arg(fixture())
        .args(args)
        .output()
        .expect("run ndm")
}

/// Under cargo's per-target tmp dir: the next run reuses it instead of piling copies up in /tmp.
fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn wav(path: &Path) -> (hound::WavSpec, usize) {
    let r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (r.spec(), r.len() as usize)
}

#[test]
fn render_without_arguments_writes_one_sound_per_class() {
    let d = tmp("render-all");
    let out = ndm(&d, &["render"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = std::fs::read_dir(&d).unwrap().count();
    assert_eq!(n, 11, "one WAV per class");
    let (spec, len) = wav(&d.join("ndm-kick.wav"));
    assert_eq!(spec.sample_rate, 22050);
    assert!(len > 0);
}

#[test]
fn render_at_host_rates_and_counts() {
    let d = tmp("render-rates");
    for sr in ["44100", "48000", "96000"] {
        let o = d.join(sr);
        let out = ndm(
            &d,
            &[
                "render",
                "-c",
                "snare",
                "--xy",
                "0.2",
                "0.9",
                "--sr",
                sr,
                "--no-trim",
                "-o",
                o.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (spec, len) = wav(&o.join("ndm-snare.wav"));
        assert_eq!(spec.sample_rate.to_string(), sr);
        let expected = (22528.0 * sr.parse::<f64>().unwrap() / 22050.0).round() as usize;
        assert_eq!(len, expected);
    }
    let out = ndm(
        &d,
        &["render", "-c", "tom", "--random", "--count", "3", "-o", "r"],
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read_dir(d.join("r")).unwrap().count(), 3);
}

#[test]
fn encode_prints_class_pad_and_latent() {
    let d = tmp("encode");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sine_kick.wav");
    let out = ndm(&d, &["encode", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("class "));
    assert!(lines[1].starts_with("xy "));
    assert_eq!(lines[3].split_whitespace().count(), 65, "z and 64 values");
}

#[test]
fn grid_writes_sounds_pictures_and_an_index() {
    let d = tmp("grid");
    let out = ndm(&d, &["grid", "--size", "2", "-c", "kick", "-o", "g"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let g = d.join("g");
    assert!(g.join("index.html").exists());
    let pngs = std::fs::read_dir(&g)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(pngs, 4);
}

#[test]
fn info_and_bench_run() {
    let d = tmp("info");
    let out = ndm(&d, &["info"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("kick, snare"));
    let out = ndm(&d, &["bench", "--quick"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("full path"));
}

#[test]
fn bad_input_gives_a_clear_error_and_a_failure_code() {
    let d = tmp("bad");
    for (args, needle) in [
        (vec!["render", "-c", "cowbell"], "unknown class"),
        (vec!["render", "--axes", "1,99"], "bad --axes"),
        (vec!["render", "--z", "1,2,3"], "latent"),
        (vec!["encode", "/nonexistent.wav"], "nonexistent"),
    ] {
        let out = ndm(&d, &args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ndm"))
        .args(["--bundle", "/nonexistent-bundle", "info"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonexistent-bundle"));
}

#[test]
fn refine_rounds_change_the_sound_and_are_bounded() {
    let d = tmp("render-refine");
    let samples = |refine: Option<&str>| {
        let o = d.join(refine.unwrap_or("bundle"));
        let mut args = vec![
            "render",
            "-c",
            "snare",
            "--no-trim",
            "-o",
            o.to_str().unwrap(),
        ];
        if let Some(r) = refine {
            args.extend(["--refine", r]);
        }
        let out = ndm(&d, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ndm::audio_io::read_audio(o.join("ndm-snare.wav"))
            .unwrap()
            .samples
    };
    let (alone, bundle, two) = (samples(Some("0")), samples(None), samples(Some("2")));
    assert_eq!(alone.len(), bundle.len());
    assert_ne!(
        alone, bundle,
        "the fixture bundle's 2 rounds must change the MCNN's sound"
    );
    assert_eq!(
        bundle, two,
        "no --refine means the bundle's mcnn_refine (2)"
    );
    let info = ndm(&d, &["info"]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("MCNN + 2 Griffin-Lim round"));
    let out = ndm(&d, &["render", "-c", "snare", "--refine", "65"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("65") && err.contains("64"), "{err}");
}

#[test]
fn pghi_band_is_shown_and_bounded() {
    // Its effect on the sound: tests/engine.rs (the fixture's refined sound is too quiet for
    // the 16-bit files the CLI writes).
    let d = tmp("render-pghi");
    let info = ndm(&d, &["info"]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("PGHI phase below 2150 Hz"));
    for ok in ["0", "2150", "11025"] {
        let out = ndm(&d, &["render", "-c", "snare", "--pghi-hz", ok]);
        assert!(
            out.status.success(),
            "--pghi-hz {ok}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for bad in ["20000", "-1", "NaN"] {
        let arg = format!("--pghi-hz={bad}");
        let out = ndm(&d, &["render", "-c", "snare", &arg]);
        assert!(!out.status.success(), "--pghi-hz {bad} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("11025"), "{bad}: {err}");
    }
}

#[test]
fn pghi_vocoder_renders_and_needs_a_round() {
    let d = tmp("render-pghi-vocoder");
    let out = ndm(
        &d,
        &["render", "-c", "snare", "--vocoder", "pghi", "-o", "p"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (spec, len) = wav(&d.join("p").join("ndm-snare.wav"));
    assert!(spec.sample_rate == 22050 && len > 0);
    let out = ndm(&d, &["render", "--vocoder", "pghi", "--refine", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 1 round"), "{err}");
    let info = String::from_utf8_lossy(&ndm(&d, &["info"]).stdout).to_string();
    assert!(info.contains("vocoder     MCNN"), "{info}");
}
