//! Hardening: corrupt and wrong bundles, generated in a temp dir from the fixture bundle
//! (tests/golden/bundle), must fail `Engine::load` with a clear typed error naming the
//! problem; through the object (`model <folder>` with the real Engine loader) the previous
//! model stays and still renders.
//!
//! Nothing new is exported: wrong shapes come from swapping the fixture's own ONNX files
//! (with updated hashes), wrong class counts / dims from editing bundle.json consistently so
//! that only the ONNX shape check can catch them.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ndm::bundle::{validate_spec, Bundle, BundleSpec};
use ndm::engine::Engine;
use ndm::error::NdmError;
use ndm::object::testing::{Event, FakeHost};
use ndm::object::{Atom, DrumObject, Loader};
use ndm::synth::Synth;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const T: Duration = Duration::from_secs(60);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/bundle")
}

fn have_fixture() -> bool {
    fixture().join("bundle.json").is_file() && ndm::engine::find_ort_library().is_some()
}

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh copy of the fixture bundle.
fn copy_fixture(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ndm-hardening-{}-{}-{tag}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for f in [
        "bundle.json",
        "encoder.onnx",
        "decoder.onnx",
        "mcnn.onnx",
        "classifier.onnx",
    ] {
        if f == "classifier.onnx" && !fixture().join(f).exists() {
            continue; // optional
        }
        fs::copy(fixture().join(f), dir.join(f)).unwrap();
    }
    dir
}

fn read_json(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("bundle.json")).unwrap()).unwrap()
}
fn write_json(dir: &Path, v: &Value) {
    fs::write(dir.join("bundle.json"), serde_json::to_string(v).unwrap()).unwrap();
}
fn edit(dir: &Path, f: impl FnOnce(&mut Value)) {
    let mut v = read_json(dir);
    f(&mut v);
    write_json(dir, &v);
}
/// Points `models.<kind>` at `file` with that file's true size and hash.
fn point(dir: &Path, kind: &str, file: &str) {
    let bytes = fs::read(dir.join(file)).unwrap();
    edit(dir, |v| {
        v["models"][kind] = json!({
            "file": file,
            "sha256": hex::encode(Sha256::digest(&bytes)),
            "bytes": bytes.len(),
        })
    });
}
/// Replaces a model file's bytes and updates bundle.json so that size and hash match.
fn replace_model(dir: &Path, kind: &str, bytes: &[u8]) {
    fs::write(dir.join(format!("{kind}.onnx")), bytes).unwrap();
    point(dir, kind, &format!("{kind}.onnx"));
}
/// Resizes the class list and the per-class latent statistics consistently.
fn set_classes(v: &mut Value, n: usize) {
    let dim = v["latent_dim"].as_u64().unwrap() as usize;
    v["classes"] = json!((0..n).map(|i| format!("c{i}")).collect::<Vec<_>>());
    v["latent"]["class_means"] = json!(vec![vec![0.0f32; dim]; n]);
    v["latent"]["class_stds"] = json!(vec![vec![1.0f32; dim]; n]);
}
/// Changes latent_dim with every latent vector resized.
fn set_latent_dim(v: &mut Value, dim: usize) {
    let n = v["classes"].as_array().unwrap().len();
    v["latent_dim"] = json!(dim);
    v["latent"]["class_means"] = json!(vec![vec![0.0f32; dim]; n]);
    v["latent"]["class_stds"] = json!(vec![vec![1.0f32; dim]; n]);
    v["latent"]["pca"]["mean"] = json!(vec![0.0f32; dim]);
    v["latent"]["pca"]["components"] = json!(vec![vec![0.1f32; dim]; 3]);
}
/// Writes raw text as bundle.json after a JSON edit produced by `f` on the serialized text.
fn edit_text(dir: &Path, f: impl FnOnce(String) -> String) {
    let t = fs::read_to_string(dir.join("bundle.json")).unwrap();
    fs::write(dir.join("bundle.json"), f(t)).unwrap();
}

type Check = fn(&NdmError) -> bool;

struct Case {
    name: &'static str,
    make: Box<dyn Fn(&Path)>,
    check: Check,
    /// Words the error text must contain.
    words: &'static [&'static str],
}

fn case(
    name: &'static str,
    make: impl Fn(&Path) + 'static,
    check: Check,
    words: &'static [&'static str],
) -> Case {
    Case {
        name,
        make: Box::new(make),
        check,
        words,
    }
}

fn invalid(e: &NdmError) -> bool {
    matches!(e, NdmError::BundleInvalid { .. })
}
fn json_err(e: &NdmError) -> bool {
    matches!(e, NdmError::BundleJson { .. })
}
fn io(e: &NdmError) -> bool {
    matches!(e, NdmError::BundleIo { .. })
}
fn mismatch(e: &NdmError) -> bool {
    matches!(e, NdmError::ModelMismatch { .. })
}
fn ort(e: &NdmError) -> bool {
    matches!(e, NdmError::Ort { .. })
}
fn shape(e: &NdmError) -> bool {
    matches!(e, NdmError::BadModelOutput { .. })
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "missing bundle.json",
            |d| fs::remove_file(d.join("bundle.json")).unwrap(),
            io,
            &["bundle.json"],
        ),
        case(
            "missing decoder.onnx",
            |d| fs::remove_file(d.join("decoder.onnx")).unwrap(),
            io,
            &["decoder.onnx"],
        ),
        case(
            "declared classifier.onnx missing",
            |d| fs::remove_file(d.join("classifier.onnx")).unwrap(),
            io,
            &["classifier.onnx"],
        ),
        case(
            "classifier points at the mcnn (hashes updated)",
            |d| point(d, "classifier", "mcnn.onnx"),
            shape,
            &["classifier", "input"],
        ),
        case(
            "truncated classifier.onnx with matching hash",
            |d| {
                let b = fs::read(d.join("classifier.onnx")).unwrap();
                replace_model(d, "classifier", &b[..b.len() / 2]);
            },
            ort,
            &["classifier.onnx"],
        ),
        case(
            "classifier entry with an absolute path",
            |d| {
                edit(d, |v| {
                    v["models"]["classifier"]["file"] = json!("/etc/passwd")
                })
            },
            invalid,
            &["models.classifier.file"],
        ),
        case(
            "model file is a directory",
            |d| {
                fs::remove_file(d.join("mcnn.onnx")).unwrap();
                fs::create_dir(d.join("mcnn.onnx")).unwrap();
            },
            |e| io(e) || mismatch(e),
            &["mcnn.onnx"],
        ),
        case(
            "bundle.json is a directory",
            |d| {
                fs::remove_file(d.join("bundle.json")).unwrap();
                fs::create_dir(d.join("bundle.json")).unwrap();
            },
            io,
            &["bundle.json"],
        ),
        case(
            "truncated encoder.onnx, hash not updated",
            |d| {
                let b = fs::read(d.join("encoder.onnx")).unwrap();
                fs::write(d.join("encoder.onnx"), &b[..b.len() / 2]).unwrap();
            },
            mismatch,
            &["encoder.onnx", "size"],
        ),
        case(
            "one flipped byte in decoder.onnx",
            |d| {
                let mut b = fs::read(d.join("decoder.onnx")).unwrap();
                let i = b.len() / 3;
                b[i] ^= 0x55;
                fs::write(d.join("decoder.onnx"), &b).unwrap();
            },
            mismatch,
            &["decoder.onnx", "SHA-256"],
        ),
        case(
            "truncated encoder.onnx with matching hash",
            |d| {
                let b = fs::read(d.join("encoder.onnx")).unwrap();
                replace_model(d, "encoder", &b[..b.len() / 2]);
            },
            ort,
            &["encoder.onnx"],
        ),
        case(
            "random bytes as mcnn.onnx with matching hash",
            |d| {
                let mut x = 0x2545F4914F6CDD1Du64;
                let bytes: Vec<u8> = (0..100_000)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x as u8
                    })
                    .collect();
                replace_model(d, "mcnn", &bytes);
            },
            ort,
            &["mcnn.onnx"],
        ),
        case(
            "empty-looking ONNX (one byte) with matching hash",
            |d| replace_model(d, "decoder", b"\x08"),
            |e| ort(e) || shape(e),
            &["decoder"],
        ),
        case(
            "encoder and decoder swapped (hashes updated)",
            |d| {
                point(d, "encoder", "decoder.onnx");
                point(d, "decoder", "encoder.onnx");
            },
            shape,
            &["encoder", "input"],
        ),
        case(
            "mcnn points at the decoder",
            |d| point(d, "mcnn", "decoder.onnx"),
            shape,
            &["mcnn"],
        ),
        case(
            "wrong class count (bundle.json consistent, ONNX not)",
            |d| edit(d, |v| set_classes(v, 5)),
            shape,
            &["encoder", "class", "expected 5"],
        ),
        case(
            "class count differs from the latent statistics",
            |d| {
                edit(d, |v| {
                    v["classes"].as_array_mut().unwrap().push(json!("extra"))
                })
            },
            invalid,
            &["latent.class_means", "rows"],
        ),
        case(
            "wrong latent_dim (bundle.json consistent, ONNX not)",
            |d| edit(d, |v| set_latent_dim(v, 32)),
            shape,
            &["expected 32"],
        ),
        case(
            "wrong n_mels (norm vectors cut to match)",
            |d| {
                edit(d, |v| {
                    v["mel"]["n_mels"] = json!(64);
                    v["norm"]["mean"] = json!(vec![0.0f32; 64]);
                    v["norm"]["std"] = json!(vec![1.0f32; 64]);
                })
            },
            shape,
            &["expected 64"],
        ),
        case(
            "wrong frames (length_samples consistent)",
            |d| {
                edit(d, |v| {
                    v["frames"] = json!(44);
                    v["length_samples"] = json!(44 * 256);
                })
            },
            shape,
            &["expected 44"],
        ),
        case(
            "mcnn_refine over the limit",
            |d| edit(d, |v| v["mcnn_refine"] = json!(1000)),
            invalid,
            &["mcnn_refine", "1000", "64"],
        ),
        case(
            "mcnn_refine negative",
            |d| edit(d, |v| v["mcnn_refine"] = json!(-1)),
            json_err,
            &["-1", "u32"],
        ),
        case(
            "mcnn_pghi_hz above Nyquist",
            |d| edit(d, |v| v["mcnn_pghi_hz"] = json!(20000.0)),
            invalid,
            &["mcnn_pghi_hz", "20000", "11025"],
        ),
        case(
            "mcnn_pghi_hz negative",
            |d| edit(d, |v| v["mcnn_pghi_hz"] = json!(-1.0)),
            invalid,
            &["mcnn_pghi_hz", "-1"],
        ),
        case(
            "mcnn_pghi_hz a string",
            |d| edit(d, |v| v["mcnn_pghi_hz"] = json!("2150")),
            json_err,
            &["\"2150\"", "f32"],
        ),
        case(
            "vocoder unknown",
            |d| edit(d, |v| v["vocoder"] = json!("wavenet")),
            json_err,
            &["wavenet", "mcnn", "pghi"],
        ),
        case(
            "vocoder pghi without rounds",
            |d| {
                edit(d, |v| {
                    v["vocoder"] = json!("pghi");
                    v["mcnn_refine"] = json!(0);
                })
            },
            invalid,
            &["vocoder", "pghi", "mcnn_refine"],
        ),
        case(
            "format_version 2",
            |d| edit(d, |v| v["format_version"] = json!(2)),
            invalid,
            &["format_version", "2"],
        ),
        case(
            "format_version -1",
            |d| edit(d, |v| v["format_version"] = json!(-1)),
            json_err,
            &["-1", "expected u32"],
        ),
        case(
            "wrong format name",
            |d| edit(d, |v| v["format"] = json!("onnx-bundle")),
            invalid,
            &["format"],
        ),
        case(
            "NaN in norm.mean written as 1e999",
            |d| {
                edit(d, |v| {
                    v["norm"]["mean"].as_array_mut().unwrap().pop();
                    v["norm"]["mean"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!("NAN_HERE"));
                });
                edit_text(d, |t| t.replacen("\"NAN_HERE\"", "1e999", 1));
            },
            json_err,
            &["number out of range"],
        ),
        case(
            "NaN in norm.std as a string",
            |d| edit(d, |v| v["norm"]["std"][3] = json!("NaN")),
            json_err,
            &["invalid type", "string"],
        ),
        case(
            "latent std 1e39 (infinite as f32)",
            |d| edit(d, |v| v["latent"]["class_stds"][0][5] = json!(1e39)),
            invalid,
            &["latent.class_stds[0]", "finite"],
        ),
        case(
            "pca std 1e39 (infinite as f32)",
            |d| edit(d, |v| v["latent"]["pca"]["stds"][1] = json!(1e39)),
            invalid,
            &["latent.pca.stds", "finite"],
        ),
        case(
            "negative norm std",
            |d| edit(d, |v| v["norm"]["std"][7] = json!(-0.5)),
            invalid,
            &["norm.std", "entry 7"],
        ),
        case(
            "zero norm std",
            |d| edit(d, |v| v["norm"]["std"][0] = json!(0.0)),
            invalid,
            &["norm.std", "> 0"],
        ),
        case(
            "negative latent class std",
            |d| edit(d, |v| v["latent"]["class_stds"][1][2] = json!(-1.0)),
            invalid,
            &["latent.class_stds", "negative"],
        ),
        case(
            "empty classes",
            |d| edit(d, |v| set_classes(v, 0)),
            invalid,
            &["classes", "empty"],
        ),
        case(
            "duplicate class names",
            |d| edit(d, |v| v["classes"][1] = v["classes"][0].clone()),
            invalid,
            &["classes", "more than once"],
        ),
        case(
            "blank class name",
            |d| edit(d, |v| v["classes"][2] = json!("  ")),
            invalid,
            &["classes", "empty name"],
        ),
        case(
            "path traversal in a model file name",
            |d| {
                edit(d, |v| {
                    v["models"]["mcnn"]["file"] = json!("../bundle/mcnn.onnx")
                })
            },
            invalid,
            &["models.mcnn.file", "inside the bundle"],
        ),
        case(
            "absolute model file name",
            |d| edit(d, |v| v["models"]["encoder"]["file"] = json!("/etc/passwd")),
            invalid,
            &["models.encoder.file"],
        ),
        case(
            "empty model file name",
            |d| edit(d, |v| v["models"]["decoder"]["file"] = json!("")),
            invalid,
            &["models.decoder.file"],
        ),
        case(
            "sha256 not hex",
            |d| {
                edit(d, |v| {
                    v["models"]["mcnn"]["sha256"] = json!("zz".repeat(32))
                })
            },
            invalid,
            &["models.mcnn.sha256"],
        ),
        case(
            "huge declared model size",
            |d| edit(d, |v| v["models"]["mcnn"]["bytes"] = json!(1u64 << 62)),
            invalid,
            &["models.mcnn.bytes"],
        ),
        case(
            "declared size off by one",
            |d| {
                edit(d, |v| {
                    let b = v["models"]["mcnn"]["bytes"].as_u64().unwrap();
                    v["models"]["mcnn"]["bytes"] = json!(b + 1);
                })
            },
            mismatch,
            &["mcnn.onnx", "size"],
        ),
        case(
            "huge frames (frames·hop overflows usize)",
            |d| {
                edit(d, |v| {
                    v["frames"] = json!(1u64 << 62);
                    v["length_samples"] = json!(0);
                })
            },
            invalid,
            &["frames", "limit"],
        ),
        case(
            "huge n_fft",
            |d| {
                edit(d, |v| {
                    v["stft"]["n_fft"] = json!(1u64 << 40);
                })
            },
            invalid,
            &["stft.n_fft", "limit"],
        ),
        case(
            "huge hop (length_samples consistent)",
            |d| {
                edit(d, |v| {
                    v["stft"]["hop"] = json!(1u64 << 30);
                    v["length_samples"] = json!(88u64 << 30);
                })
            },
            invalid,
            &["length_samples", "limit"],
        ),
        case(
            "huge n_mels",
            |d| edit(d, |v| v["mel"]["n_mels"] = json!(1u64 << 33)),
            invalid,
            &["mel.n_mels", "limit"],
        ),
        case(
            "huge latent_dim",
            |d| edit(d, |v| v["latent_dim"] = json!(1u64 << 33)),
            invalid,
            &["latent_dim", "limit"],
        ),
        case(
            "sample_rate above the limit",
            |d| edit(d, |v| v["sample_rate"] = json!(4_000_000_000u64)),
            invalid,
            &["sample_rate"],
        ),
        case(
            "fmax above Nyquist",
            |d| edit(d, |v| v["mel"]["fmax"] = json!(20000.0)),
            invalid,
            &["mel.fmax", "Nyquist"],
        ),
        case(
            "unsupported window",
            |d| edit(d, |v| v["stft"]["window"] = json!("hamming")),
            invalid,
            &["stft.window"],
        ),
        case(
            "missing field",
            |d| edit(d, |v| drop(v.as_object_mut().unwrap().remove("latent"))),
            json_err,
            &["missing field", "latent"],
        ),
        case(
            "bundle.json not JSON",
            |d| fs::write(d.join("bundle.json"), "this is not json {").unwrap(),
            json_err,
            &["bundle.json"],
        ),
        case(
            "bundle.json empty",
            |d| fs::write(d.join("bundle.json"), "").unwrap(),
            json_err,
            &["EOF"],
        ),
        case(
            "bundle.json with a byte-order mark",
            |d| edit_text(d, |t| format!("\u{feff}{t}")),
            json_err,
            &["bundle.json"],
        ),
        case(
            "bundle.json not UTF-8",
            |d| fs::write(d.join("bundle.json"), b"{\"format\": \"\xff\xfe\"}").unwrap(),
            io,
            &["UTF-8"],
        ),
        case(
            "bundle.json nested 100000 deep",
            |d| {
                let t = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                fs::write(d.join("bundle.json"), t).unwrap()
            },
            json_err,
            &["invalid type"],
        ),
        case(
            "training section nested 100000 deep",
            |d| {
                edit(d, |v| v["training"] = json!("DEEP_HERE"));
                let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                edit_text(d, |t| t.replacen("\"DEEP_HERE\"", &deep, 1));
            },
            json_err,
            &["recursion limit"],
        ),
        case(
            "50 MB of JSON whitespace before a valid bundle.json",
            |d| edit_text(d, |t| format!("{}{t}", " ".repeat(50 << 20))),
            invalid,
            &["larger than 16 MiB"],
        ),
        case(
            "bundle.json is an array",
            |d| fs::write(d.join("bundle.json"), "[1, 2, 3]").unwrap(),
            json_err,
            &["invalid type"],
        ),
    ]
}

fn engine_loader() -> Loader {
    Arc::new(|p: &Path| Engine::load(p).map(|e| Arc::new(e) as Arc<dyn Synth>))
}

#[test]
fn corrupt_bundles_fail_with_clear_errors() {
    if !have_fixture() {
        eprintln!("skipped: no fixture bundle or no ONNX Runtime library");
        return;
    }
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut failed = Vec::new();
    for c in &cases {
        let dir = copy_fixture("engine");
        (c.make)(&dir);
        let r = Engine::load(&dir);
        let _ = fs::remove_dir_all(&dir);
        match r {
            Ok(_) => failed.push(format!("{}: loaded", c.name)),
            Err(e) => {
                let text = e.to_string();
                eprintln!("{:<55} -> {text:.200}", c.name);
                if !(c.check)(&e) {
                    failed.push(format!("{}: wrong error type {e:?}", c.name));
                }
                for w in c.words {
                    if !text.contains(w) {
                        failed.push(format!("{}: error lacks `{w}`: {text}", c.name));
                    }
                }
                assert!(text.len() < 2000, "{}: {} chars", c.name, text.len());
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    eprintln!("{} corrupt bundles rejected", cases.len());
}

/// Unknown fields are ignored (forward compatibility): a bundle with extra sections loads.
#[test]
fn unknown_fields_are_ignored() {
    if !have_fixture() {
        return;
    }
    let dir = copy_fixture("unknown");
    edit(&dir, |v| {
        v["hifigan"] = json!({"kind": "hifigan", "upsample": [8, 8, 4]});
        v["stft"]["center"] = json!(true);
        v["models"]["mcnn"]["opset"] = json!(17);
        v["training"] = json!({"anything": [1, "x", null]});
    });
    let e = Engine::load(&dir).expect("unknown fields are ignored");
    assert_eq!(e.info().name, "ndm-fixture");
    let _ = fs::remove_dir_all(&dir);
}

/// The classifier is optional: without it (older bundles) `encode` guesses the class from the
/// 11 reconstructions; with it, from the classifier. Both give a valid class and latent.
#[test]
fn classifier_is_optional() {
    if !have_fixture() || !fixture().join("classifier.onnx").exists() {
        return;
    }
    use ndm::synth::Synth;
    let audio: Vec<f32> = (0..8000)
        .map(|i| ((i as f32) * 0.05).sin() * (-(i as f32) / 2000.0).exp())
        .collect();
    let with = copy_fixture("with-classifier");
    let without = copy_fixture("without-classifier");
    edit(&without, |v| {
        v["models"].as_object_mut().unwrap().remove("classifier");
    });
    fs::remove_file(without.join("classifier.onnx")).unwrap();
    let a = Engine::load(&with).unwrap();
    let b = Engine::load(&without).unwrap();
    assert!(a.has_classifier() && !b.has_classifier());
    for e in [&a, &b] {
        let enc = e.encode(&audio, 22050, None).unwrap();
        assert!(enc.class < e.info().classes.len());
        assert_eq!(enc.z.len(), e.info().latent.dim);
        // The latent is the encoder's for the guessed class.
        let given = e.encode(&audio, 22050, Some(enc.class)).unwrap();
        assert_eq!(given.z, enc.z);
    }
    for d in [with, without] {
        let _ = fs::remove_dir_all(d);
    }
}

/// bundle.json's `vocoder` picks what a bang (`Vocoder::Model`) plays; absent, the MCNN.
#[test]
fn bundle_names_the_bang_vocoder() {
    if !have_fixture() {
        return;
    }
    use ndm::synth::{GenerateRequest, Vocoder};
    let dir = copy_fixture("vocoder-pghi");
    edit(&dir, |v| v["vocoder"] = json!("pghi"));
    let pghi = Engine::load(&dir).unwrap();
    let mcnn = Engine::load(fixture()).unwrap();
    assert_eq!(mcnn.resolve(Vocoder::Model), Vocoder::Mcnn);
    assert_eq!(pghi.resolve(Vocoder::Model), Vocoder::Pghi { rounds: None });
    // Explicit choices are kept.
    assert_eq!(pghi.resolve(Vocoder::Mcnn), Vocoder::Mcnn);
    let req = |vocoder| GenerateRequest {
        class: 0,
        z: mcnn.info().latent.class_means[0].clone(),
        vocoder,
        sample_rate: 22050,
        trim: false,
    };
    let bang = pghi.generate(&req(Vocoder::Model)).unwrap().samples;
    assert_eq!(
        bang,
        mcnn.generate(&req(Vocoder::Pghi { rounds: None }))
            .unwrap()
            .samples
    );
    assert_ne!(bang, mcnn.generate(&req(Vocoder::Model)).unwrap().samples);
    // No rounds would make every default bang fail: refused at load.
    let none = ndm::engine::EngineOptions {
        mcnn_refine: Some(0),
        ..Default::default()
    };
    match Engine::load_with(&dir, &none) {
        Err(NdmError::BadInput(m)) => assert!(m.contains("at least 1 round"), "{m}"),
        other => panic!("{other:?}"),
    }
    let _ = fs::remove_dir_all(dir);
}

/// The same corrupt bundles through the object: `model <folder>` reports one error, the
/// previous (real) model stays, and the object renders afterwards.
#[test]
fn object_keeps_previous_model_on_corrupt_bundles() {
    if !have_fixture() {
        eprintln!("skipped: no fixture bundle or no ONNX Runtime library");
        return;
    }
    let host = FakeHost::new();
    host.add_buffer("d", 0, 1, 0);
    let first: Arc<dyn Synth> = Arc::new(Engine::load(fixture()).unwrap());
    let obj = DrumObject::new(
        host.clone(),
        Some(first),
        engine_loader(),
        &[Atom::sym("d")],
    );
    let mut i = 0;
    for c in cases() {
        let dir = copy_fixture("object");
        (c.make)(&dir);
        host.clear();
        obj.handle(0, "model", &[Atom::sym(dir.to_str().unwrap())]);
        assert!(host.settle(&obj, T), "{}", c.name);
        let e = host.errors();
        assert_eq!(e.len(), 1, "{}: {e:?}", c.name);
        assert!(
            e[0].contains("keeping the previous model"),
            "{}: {e:?}",
            c.name
        );
        assert!(!e[0].contains('\n'), "{}: {e:?}", c.name);
        assert_eq!(obj.snapshot().model.as_deref(), Some("ndm-fixture"));
        // Still renders: a new pad position every few cases (a real render), else a bang.
        i += 1;
        if i % 4 == 0 {
            obj.handle(0, "xy", &[Atom::Float(i as f64 / 60.0), Atom::Float(0.5)]);
        }
        host.clear();
        obj.handle(0, "bang", &[]);
        assert!(host.settle(&obj, T));
        assert!(host.errors().is_empty(), "{}: {:?}", c.name, host.errors());
        assert!(host.events().contains(&Event::Bang(0)), "{}", c.name);
        let _ = fs::remove_dir_all(&dir);
    }
    assert!(!host.buffer("d").unwrap().channels[0].is_empty());
    // And a good bundle still loads afterwards.
    host.clear();
    obj.handle(0, "model", &[Atom::sym(fixture().to_str().unwrap())]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert!(host
        .events()
        .iter()
        .any(|e| matches!(e, Event::List(2, s, _) if s == "model")));
}

/// `validate_spec` alone on edits of the fixture's bundle.json never panics (overflowing
/// sizes included) — the fuzz target `bundle_json` does the same with arbitrary bytes.
#[test]
fn validate_spec_never_panics_on_extreme_numbers() {
    let text = fs::read_to_string(fixture().join("bundle.json")).unwrap();
    let base: Value = serde_json::from_str(&text).unwrap();
    let extremes = [
        json!(0),
        json!(1),
        json!(u32::MAX),
        json!(u64::MAX),
        json!(usize::MAX / 2 + 1),
    ];
    let fields: &[&[&str]] = &[
        &["frames"],
        &["length_samples"],
        &["sample_rate"],
        &["latent_dim"],
        &["stft", "n_fft"],
        &["stft", "win"],
        &["stft", "hop"],
        &["mel", "n_mels"],
        &["models", "mcnn", "bytes"],
    ];
    let mut n = 0;
    for path in fields {
        for x in &extremes {
            for y in &extremes {
                let mut v = base.clone();
                let mut slot = &mut v;
                for k in *path {
                    slot = &mut slot[*k];
                }
                *slot = x.clone();
                v["length_samples"] = y.clone();
                if let Ok(spec) = serde_json::from_value::<BundleSpec>(v) {
                    let _ = validate_spec(&spec, Path::new("bundle.json"));
                    n += 1;
                }
            }
        }
    }
    assert!(n > 100, "{n}");
    // The fixture itself is valid.
    assert!(Bundle::load(fixture()).is_ok());
}

/// Regressions (found by the `audio_decode` fuzz target): symphonia panics on an AIFF header
/// with a sample rate of 0, and hound accepts a WAV header with a rate of 0; `read_audio`
/// returns an error for both.
#[test]
fn corrupt_audio_files_are_errors_not_panics() {
    let crash = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/audio_decode");
    let mut n = 0;
    for e in fs::read_dir(&crash).unwrap().flatten() {
        let data = fs::read(e.path()).unwrap();
        // Byte 0 picks the extension in the fuzz target: wav flac ogg mp3 aiff bin.
        let ext = ["wav", "flac", "ogg", "mp3", "aiff", "bin"][data[0] as usize % 6];
        for ext in [ext, "wav", "aiff", "bin"] {
            let p = std::env::temp_dir()
                .join(format!("ndm-regression-{}-{n}.{ext}", std::process::id()));
            fs::write(&p, &data[1..]).unwrap();
            let r = ndm::read_audio(&p);
            let _ = fs::remove_file(&p);
            match r {
                Err(e) => assert!(matches!(e, NdmError::AudioDecode { .. }), "{e:?}"),
                Ok(s) => assert!(
                    s.sample_rate > 0,
                    "{} decoded with rate 0",
                    e.path().display()
                ),
            }
            n += 1;
        }
    }
    assert!(n >= 4);
}
