//! The host-agnostic object driven by the fake host: every message of the table, bad input,
//! missing/zero-length/stereo buffers, concurrency, faults, and main-thread latency.

use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use ndm::object::messages::{self, ATTRIBUTES, MESSAGES};
use ndm::object::testing::{
    fake_loader, standard_object, Behaviour, Event, FakeHost, FakeSynth, FAKE_DIM, FAKE_SR,
};
use ndm::object::{Atom, AxesCmd, DrumObject, Host, VocoderCmd};
use ndm::synth::{GenerateRequest, Synth, Vocoder};

const T: Duration = Duration::from_secs(20);

fn f(v: f64) -> Atom {
    Atom::Float(v)
}
fn s(v: &str) -> Atom {
    Atom::sym(v)
}

struct Fx {
    host: Arc<FakeHost>,
    synth: Arc<FakeSynth>,
    obj: DrumObject,
}

impl Fx {
    /// An object targeting `drums` (mono, 0 frames, 44.1 kHz) with the standard fake model.
    fn new() -> Fx {
        let host = FakeHost::new();
        host.add_buffer("drums", 0, 1, 44100);
        let synth = FakeSynth::standard();
        let obj = DrumObject::new(
            host.clone(),
            Some(synth.clone()),
            fake_loader(),
            &[s("drums")],
        );
        Fx { host, synth, obj }
    }
    fn send(&self, inlet: usize, sel: &str, atoms: &[Atom]) {
        self.obj.handle(inlet, sel, atoms);
    }
    fn settle(&self) {
        assert!(self.host.settle(&self.obj, T), "object did not settle");
    }
    fn bang(&self) {
        self.send(0, "bang", &[]);
        self.settle();
    }
    fn expected(&self) -> Vec<f32> {
        let req = self.obj.current_request().unwrap();
        self.synth.render(&req).samples
    }
    fn buffer(&self, name: &str) -> Vec<f32> {
        self.host.buffer(name).unwrap().channels[0].clone()
    }
    fn no_errors(&self) {
        let e = self.host.errors();
        assert!(e.is_empty(), "unexpected errors: {e:?}");
    }
    fn outlet(&self, outlet: usize, sel: &str) -> Vec<Vec<Atom>> {
        self.host
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::List(o, s, a) if o == outlet && s == sel => Some(a),
                _ => None,
            })
            .collect()
    }
    fn bangs(&self) -> usize {
        self.host
            .events()
            .iter()
            .filter(|e| **e == Event::Bang(0))
            .count()
    }
}

fn num(a: &Atom) -> f64 {
    match a {
        Atom::Float(v) => *v,
        Atom::Int(v) => *v as f64,
        Atom::Symbol(s) => panic!("expected a number, got {s}"),
    }
}

/// Runs the test case of one table entry. A message added to the table without a case here
/// makes `every_message_of_the_table_has_a_test` fail.
fn exercise(spec: &messages::MessageSpec) {
    let fx = Fx::new();
    match (spec.inlet, spec.selector) {
        (0, "bang") => {
            fx.bang();
            fx.no_errors();
            let buf = fx.buffer("drums");
            assert_eq!(buf.len(), (0.3f64 * 44100.0).round() as usize);
            assert_eq!(buf, fx.expected());
            assert_eq!(fx.bangs(), 1);
            // Unchanged parameters reuse the last sound.
            fx.bang();
            assert_eq!(fx.synth.generate_calls.load(Ordering::SeqCst), 1);
            assert_eq!(fx.bangs(), 2);
        }
        (0, "class") => {
            fx.send(0, "class", &[s("snare")]);
            assert_eq!(fx.obj.snapshot().class, 1);
            fx.send(0, "class", &[Atom::Int(3)]);
            assert_eq!(fx.obj.snapshot().class, 3);
            fx.send(0, "class", &[s("HAT")]);
            assert_eq!(fx.obj.snapshot().class, 2);
            fx.no_errors();
            fx.bang();
            assert_eq!(fx.buffer("drums"), fx.expected());
        }
        (0, "xy") => {
            fx.send(0, "xy", &[f(0.25), f(0.75)]);
            let snap = fx.obj.snapshot();
            assert_eq!((snap.x, snap.y), (0.25, 0.75));
            let z = snap.z.unwrap();
            // z = mean + r·(2p−1)·2·std_i·component_i; fake: mean 0, P1 = e0 (std 1), P2 = e1 (std .5)
            assert!(
                (z[0] + 1.0).abs() < 1e-6 && (z[1] - 0.5).abs() < 1e-6,
                "{:?}",
                &z[..3]
            );
            fx.no_errors();
        }
        (0, "fine") => {
            fx.send(0, "fine", &[f(1.0)]);
            let snap = fx.obj.snapshot();
            assert_eq!(snap.fine, 1.0);
            assert!((snap.z.unwrap()[2] - 0.5).abs() < 1e-6);
            fx.no_errors();
        }
        (0, "z") => {
            let mut z = vec![0.0f32; FAKE_DIM];
            z[0] = 1.0;
            z[5] = -0.7;
            fx.send(
                0,
                "z",
                &z.iter().map(|&v| Atom::from(v)).collect::<Vec<_>>(),
            );
            fx.no_errors();
            let snap = fx.obj.snapshot();
            assert!(snap.explicit_z);
            assert_eq!(snap.z.unwrap(), z);
            // The pad moved to the projection: x = 0.5 + 1/(2·2·1) = 0.75.
            assert!((snap.x - 0.75).abs() < 1e-6, "{}", snap.x);
            let xy = fx.outlet(1, "xy");
            assert_eq!(xy.len(), 1);
            assert!((num(&xy[0][0]) - 0.75).abs() < 1e-6);
            fx.bang();
            assert_eq!(fx.buffer("drums"), fx.expected());
            // Moving the pad returns to pad navigation.
            fx.send(0, "xy", &[f(0.5), f(0.5)]);
            assert!(!fx.obj.snapshot().explicit_z);
        }
        (0, "axes") => {
            fx.send(0, "xy", &[f(1.0), f(0.5)]);
            fx.send(0, "axes", &[s("random"), f(7.0)]);
            assert_eq!(fx.obj.snapshot().axes, AxesCmd::Random { seed: Some(7) });
            let zr = fx.obj.snapshot().z.unwrap();
            fx.send(0, "axes", &[f(3.0), f(5.0), f(9.0)]);
            let z = fx.obj.snapshot().z.unwrap();
            assert!(
                (z[3] - 2.0).abs() < 1e-6 && z[0].abs() < 1e-6,
                "{:?}",
                &z[..10]
            );
            fx.send(0, "axes", &[f(3.0), f(5.0)]);
            assert_eq!(fx.obj.snapshot().axes, AxesCmd::Explicit(vec![3, 5]));
            fx.send(0, "axes", &[s("pca")]);
            let z = fx.obj.snapshot().z.unwrap();
            assert!((z[0] - 2.0).abs() < 1e-6);
            assert_ne!(zr, z);
            fx.no_errors();
            // A dimension beyond the model's latent_dim is rejected by the object.
            fx.send(0, "axes", &[f(1.0), f(64.0)]);
            assert_eq!(fx.host.errors().len(), 1);
            assert_eq!(fx.obj.snapshot().axes, AxesCmd::Pca);
        }
        (0, "range") => {
            fx.send(0, "xy", &[f(1.0), f(0.5)]);
            fx.send(0, "range", &[f(0.5)]);
            assert_eq!(fx.obj.snapshot().range, 0.5);
            assert!((fx.obj.snapshot().z.unwrap()[0] - 1.0).abs() < 1e-6);
            fx.no_errors();
        }
        (0, "random") => {
            fx.send(0, "seed", &[f(5.0)]);
            fx.send(0, "random", &[]);
            fx.settle();
            fx.no_errors();
            let z1 = fx.obj.snapshot().z.unwrap();
            assert_eq!(fx.buffer("drums"), fx.expected());
            assert_eq!(fx.outlet(1, "z").len(), 1);
            assert_eq!(fx.outlet(1, "class").len(), 1);
            fx.send(0, "random", &[]);
            let z2 = fx.obj.snapshot().z.unwrap();
            assert_ne!(z1, z2, "each draw advances the generator");
            fx.send(0, "seed", &[f(5.0)]);
            fx.send(0, "random", &[]);
            assert_eq!(fx.obj.snapshot().z.unwrap(), z1, "same seed, same draw");
            fx.settle();
        }
        (0, "vary") => {
            let z0 = fx.obj.snapshot().z.unwrap();
            fx.send(0, "vary", &[f(0.3)]);
            fx.settle();
            fx.no_errors();
            let z1 = fx.obj.snapshot().z.unwrap();
            assert_ne!(z0, z1);
            let d: f32 = z0
                .iter()
                .zip(&z1)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(d < 3.0, "vary 0.3 moved too far: {d}");
            assert_eq!(fx.buffer("drums"), fx.expected());
            fx.send(0, "vary", &[f(0.0)]);
            fx.settle();
        }
        (0, "store") | (0, "recall") | (0, "morph") => {
            fx.send(0, "xy", &[f(0.0), f(0.0)]);
            fx.send(0, "store", &[s("a")]);
            let za = fx.obj.snapshot().z.unwrap();
            fx.send(0, "class", &[s("snare")]);
            fx.send(0, "xy", &[f(1.0), f(1.0)]);
            fx.send(0, "store", &[s("b")]);
            let zb = fx.obj.snapshot().z.unwrap();
            assert_eq!(
                fx.obj.snapshot().slots,
                vec!["a".to_string(), "b".to_string()]
            );
            fx.send(0, "recall", &[s("a")]);
            let snap = fx.obj.snapshot();
            assert_eq!((snap.class, snap.z.clone().unwrap()), (0, za.clone()));
            assert!(snap.x.abs() < 1e-6 && snap.y.abs() < 1e-6);
            fx.send(0, "morph", &[s("a"), s("b"), f(0.75)]);
            fx.settle();
            fx.no_errors();
            let snap = fx.obj.snapshot();
            assert_eq!(snap.class, 1);
            let z = snap.z.unwrap();
            for i in 0..FAKE_DIM {
                assert!((z[i] - (0.25 * za[i] + 0.75 * zb[i])).abs() < 1e-5);
            }
            assert_eq!(fx.buffer("drums"), fx.expected());
        }
        (0, "encode") => {
            let src: Vec<f32> = (0..22050).map(|i| 0.8 * (i as f32 * 0.05).sin()).collect();
            fx.host.add_buffer_with("src", src, 44100);
            fx.send(0, "encode", &[s("src")]);
            fx.settle();
            fx.no_errors();
            let snap = fx.obj.snapshot();
            assert_eq!(snap.class, 1, "the fake guesses snare");
            assert!(snap.explicit_z);
            assert_eq!(fx.outlet(1, "class"), vec![vec![s("snare")]]);
            assert_eq!(fx.outlet(1, "xy").len(), 1);
            assert_eq!(fx.outlet(1, "z")[0].len(), FAKE_DIM);
            assert_eq!(fx.buffer("drums"), fx.expected());
            assert_eq!(fx.bangs(), 1);
            // With a class.
            fx.send(0, "encode", &[s("src"), s("hat")]);
            fx.settle();
            assert_eq!(fx.obj.snapshot().class, 2);
            fx.no_errors();
        }
        (0, "set") | (0, "buffer") => {
            fx.host.add_buffer("other", 10, 1, 48000);
            fx.send(0, spec.selector, &[s("other")]);
            fx.bang();
            fx.no_errors();
            assert_eq!(fx.obj.snapshot().buffer.as_deref(), Some("other"));
            assert_eq!(
                fx.buffer("other").len(),
                (0.3f64 * 48000.0).round() as usize
            );
            assert!(fx.buffer("drums").is_empty());
        }
        (0, "model") => {
            fx.send(0, "model", &[s("/bundles/second")]);
            fx.settle();
            fx.no_errors();
            assert_eq!(fx.obj.snapshot().model.as_deref(), Some("second"));
            assert_eq!(
                fx.outlet(2, "model"),
                vec![vec![s("second"), Atom::Int(FAKE_SR as i64)]]
            );
            fx.bang();
            fx.no_errors();
            assert_eq!(fx.bangs(), 1);
        }
        (0, "write") => {
            fx.bang();
            let path =
                std::env::temp_dir().join(format!("ndm-object-test-{}.wav", std::process::id()));
            fx.send(0, "write", &[s(path.to_str().unwrap())]);
            fx.settle();
            fx.no_errors();
            let mut r = hound::WavReader::open(&path).unwrap();
            assert_eq!(r.spec().sample_rate, 44100);
            let got: Vec<f32> = r.samples::<f32>().map(|x| x.unwrap()).collect();
            assert_eq!(got, fx.buffer("drums"));
            let _ = std::fs::remove_file(&path);
            // A bad path: one error.
            fx.send(0, "write", &[s("/nonexistent-dir/x/y.wav")]);
            fx.settle();
            assert_eq!(fx.host.errors().len(), 1);
        }
        (0, "dump") => {
            fx.send(0, "class", &[s("clap")]);
            fx.send(0, "store", &[s("a")]);
            fx.send(0, "dump", &[]);
            fx.no_errors();
            let sels: Vec<String> = fx
                .host
                .events()
                .into_iter()
                .filter_map(|e| match e {
                    Event::List(2, s, _) => Some(s),
                    _ => None,
                })
                .collect();
            for want in [
                "model",
                "classes",
                "class",
                "xy",
                "fine",
                "axes",
                "range",
                "seed",
                "vocoder",
                "autorender",
                "trim",
                "buffer",
                "slots",
                "z",
            ] {
                assert!(
                    sels.iter().any(|s| s == want),
                    "dump lacks {want}: {sels:?}"
                );
            }
            assert_eq!(fx.outlet(2, "class"), vec![vec![s("clap")]]);
            assert_eq!(
                fx.outlet(2, "model"),
                vec![vec![s("fake-v1"), Atom::Int(22050)]]
            );
            assert_eq!(
                fx.outlet(2, "buffer"),
                vec![vec![
                    s("drums"),
                    Atom::Int(0),
                    Atom::Int(1),
                    Atom::Int(44100)
                ]]
            );
        }
        (0, "vocoder") => {
            // The words, the state they set, and the request a bang then sends.
            for (words, cmd, vocoder) in [
                (
                    vec![s("griffinlim"), f(16.0)],
                    VocoderCmd::GriffinLim {
                        iterations: Some(16),
                    },
                    Vocoder::GriffinLim { iterations: 16 },
                ),
                (
                    vec![s("mcnn"), f(0.0)],
                    VocoderCmd::Mcnn { refine: Some(0) },
                    Vocoder::McnnRefined { rounds: 0 },
                ),
                (
                    vec![s("mcnn")],
                    VocoderCmd::Mcnn { refine: None },
                    Vocoder::Mcnn,
                ),
                (
                    vec![s("pghi"), f(3.0)],
                    VocoderCmd::Pghi { rounds: Some(3) },
                    Vocoder::Pghi { rounds: Some(3) },
                ),
                (
                    vec![s("pghi")],
                    VocoderCmd::Pghi { rounds: None },
                    Vocoder::Pghi { rounds: None },
                ),
                (vec![s("model")], VocoderCmd::Model, Vocoder::Model),
            ] {
                fx.send(0, "vocoder", &words);
                assert_eq!(fx.obj.snapshot().vocoder, cmd, "{words:?}");
                fx.bang();
                assert_eq!(fx.obj.current_request().unwrap().vocoder, vocoder);
                assert_eq!(fx.buffer("drums"), fx.expected(), "{words:?}");
            }
            fx.no_errors();
        }
        (0, "autorender") => {
            fx.send(0, "autorender", &[f(1.0)]);
            fx.send(0, "xy", &[f(0.1), f(0.9)]);
            fx.settle();
            fx.no_errors();
            assert_eq!(fx.bangs(), 1);
            assert_eq!(fx.buffer("drums"), fx.expected());
            fx.send(0, "class", &[s("hat")]);
            fx.settle();
            assert_eq!(fx.bangs(), 2);
            assert_eq!(fx.buffer("drums"), fx.expected());
            fx.send(0, "autorender", &[f(0.0)]);
            fx.send(0, "xy", &[f(0.2), f(0.9)]);
            fx.settle();
            assert_eq!(fx.bangs(), 2);
        }
        (0, "seed") => {
            fx.send(0, "seed", &[Atom::Int(42)]);
            assert_eq!(fx.obj.snapshot().seed, 42);
            fx.no_errors();
        }
        (0, "trim") => {
            fx.send(0, "trim", &[f(0.0)]);
            fx.bang();
            fx.no_errors();
            assert_eq!(
                fx.buffer("drums").len(),
                (0.5f64 * 44100.0).round() as usize
            );
        }
        (1, "list") => {
            fx.send(1, "list", &[f(0.1), f(0.2), f(0.3)]);
            let snap = fx.obj.snapshot();
            assert_eq!((snap.x, snap.y, snap.fine), (0.1, 0.2, 0.3));
            fx.send(1, "list", &[f(0.4), f(0.6)]);
            let snap = fx.obj.snapshot();
            assert_eq!((snap.x, snap.y, snap.fine), (0.4, 0.6, 0.3));
            fx.no_errors();
        }
        (2, "int") => {
            fx.send(2, "int", &[Atom::Int(2)]);
            assert_eq!(fx.obj.snapshot().class, 2);
            fx.no_errors();
        }
        (2, "float") => {
            fx.send(2, "float", &[f(3.0)]);
            assert_eq!(fx.obj.snapshot().class, 3);
            fx.no_errors();
        }
        (2, "symbol") => {
            fx.send(2, "symbol", &[s("snare")]);
            assert_eq!(fx.obj.snapshot().class, 1);
            fx.no_errors();
        }
        (2, messages::ANYTHING) => {
            fx.send(2, "clap", &[]);
            assert_eq!(fx.obj.snapshot().class, 3);
            fx.no_errors();
        }
        (inlet, sel) => {
            panic!("no test case for message `{sel}` on inlet {inlet}: add one to exercise()")
        }
    }
}

#[test]
fn every_message_of_the_table_has_a_test() {
    for spec in MESSAGES {
        eprintln!(
            "message {} (inlet {}): {}",
            spec.selector,
            spec.inlet,
            spec.usage()
        );
        exercise(spec);
        // The table's example parses.
        if spec.selector != messages::ANYTHING && !spec.example.is_empty() {
            let atoms: Vec<Atom> = spec
                .example
                .split_whitespace()
                .map(|w| w.parse::<f64>().map(Atom::Float).unwrap_or_else(|_| s(w)))
                .collect();
            messages::parse(spec.inlet, spec.selector, &atoms)
                .unwrap_or_else(|e| panic!("example of {} does not parse: {e}", spec.selector));
        }
    }
}

#[test]
fn every_attribute_is_a_message_and_box_args_apply() {
    for a in ATTRIBUTES {
        assert!(
            MESSAGES
                .iter()
                .any(|m| m.selector == a.name && m.inlet == 0),
            "attribute {} has no message",
            a.name
        );
    }
    let host = FakeHost::new();
    let obj = DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[
            s("buf"),
            s("@class"),
            s("snare"),
            s("@range"),
            f(2.0),
            s("@autorender"),
            f(1.0),
            s("@vocoder"),
            s("griffinlim"),
            f(8.0),
            s("@seed"),
            f(3.0),
            s("@axes"),
            f(1.0),
            f(2.0),
            s("@trim"),
            f(0.0),
        ],
    );
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    let snap = obj.snapshot();
    assert_eq!(snap.buffer.as_deref(), Some("buf"));
    assert_eq!(snap.class, 1);
    assert_eq!(snap.range, 2.0);
    assert!(snap.autorender && !snap.trim);
    assert_eq!(
        snap.vocoder,
        VocoderCmd::GriffinLim {
            iterations: Some(8)
        }
    );
    assert_eq!(snap.seed, 3);
    assert_eq!(snap.axes, AxesCmd::Explicit(vec![1, 2]));
    assert!(obj.is_idle(), "box arguments never render");

    // @buffer as an attribute; bad groups are reported one by one and skipped.
    let host = FakeHost::new();
    let obj = DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[
            s("@buffer"),
            s("b2"),
            s("@nope"),
            f(1.0),
            s("@range"),
            f(-1.0),
            f(3.0),
            s("@class"),
            s("hat"),
        ],
    );
    assert_eq!(host.errors().len(), 2, "{:?}", host.errors());
    assert_eq!(obj.snapshot().buffer.as_deref(), Some("b2"));
    assert_eq!(obj.snapshot().class, 2);
}

#[test]
fn markdown_table_lists_everything() {
    let md = messages::markdown_table();
    for m in MESSAGES {
        assert!(md.contains(m.digest), "{}", m.selector);
    }
    for a in ATTRIBUTES {
        assert!(md.contains(&format!("`@{}`", a.name)));
    }
}

/// Bad messages: each gives exactly one console error and leaves the state unchanged; the
/// object still renders afterwards.
#[test]
fn bad_messages_give_one_error_and_keep_state() {
    let fx = Fx::new();
    fx.send(0, "class", &[s("snare")]);
    fx.send(0, "xy", &[f(0.3), f(0.6)]);
    fx.send(0, "store", &[s("a")]);
    fx.host.add_buffer("empty", 0, 1, 44100);
    fx.host.add_buffer("silent", 100, 2, 44100);
    let before = fx.obj.snapshot();
    let long: Vec<Atom> = (0..100_000).map(|i| f(i as f64 * 1e-6)).collect();
    let z63: Vec<Atom> = (0..63).map(|_| f(0.0)).collect();
    let mut z_nan: Vec<Atom> = (0..64).map(|_| f(0.0)).collect();
    z_nan[10] = f(f64::NAN);
    let cases: Vec<(usize, &str, Vec<Atom>)> = vec![
        (0, "nonsense", vec![]),
        (0, "", vec![]),
        (0, "ΔΣ🥁", vec![s("☃")]),
        (0, "bang", vec![f(1.0)]),
        (0, "xy", vec![]),
        (0, "xy", vec![f(0.5)]),
        (0, "xy", vec![f(0.5), f(0.5), f(0.5)]),
        (0, "xy", vec![f(f64::NAN), f(0.5)]),
        (0, "xy", vec![f(0.5), f(f64::INFINITY)]),
        (0, "xy", vec![f(f64::NEG_INFINITY), f(0.5)]),
        (0, "xy", vec![f(1.0001), f(0.5)]),
        (0, "xy", vec![f(-0.1), f(0.5)]),
        (0, "xy", vec![s("a"), f(0.5)]),
        (0, "xy", vec![s(""), f(0.5)]),
        (0, "fine", vec![f(2.0)]),
        (0, "fine", vec![]),
        (0, "class", vec![s("cowbell")]),
        (0, "class", vec![Atom::Int(4)]),
        (0, "class", vec![Atom::Int(-1)]),
        (0, "class", vec![f(1.5)]),
        (0, "class", vec![s("")]),
        (0, "class", vec![]),
        (0, "class", vec![s("kick"), s("snare")]),
        (0, "z", vec![]),
        (0, "z", z63),
        (0, "z", long),
        (0, "z", z_nan),
        (0, "z", vec![s("x")]),
        (0, "axes", vec![]),
        (0, "axes", vec![s("diagonal")]),
        (0, "axes", vec![f(1.0)]),
        (0, "axes", vec![f(1.0), f(1.0)]),
        (0, "axes", vec![f(1.0), f(64.0)]),
        (0, "axes", vec![f(1.0), f(2.0), f(99.0)]),
        (0, "axes", vec![s("pca"), f(1.0)]),
        (0, "axes", vec![s("random"), f(-3.0)]),
        (0, "axes", vec![s("random"), f(0.5)]),
        (0, "range", vec![f(-1.0)]),
        (0, "range", vec![f(1e9)]),
        (0, "range", vec![f(f64::NAN)]),
        (0, "random", vec![f(1.0)]),
        (0, "vary", vec![]),
        (0, "vary", vec![f(-0.5)]),
        (0, "vary", vec![s("lots")]),
        (0, "store", vec![]),
        (0, "store", vec![f(1.0)]),
        (0, "recall", vec![s("nope")]),
        (0, "morph", vec![s("a"), s("nope"), f(0.5)]),
        (0, "morph", vec![s("a"), s("a"), f(1.5)]),
        (0, "morph", vec![s("a"), s("a")]),
        (0, "encode", vec![]),
        (0, "encode", vec![s("missing")]),
        (0, "encode", vec![s("empty")]),
        (0, "encode", vec![s("silent")]),
        (0, "encode", vec![f(3.0)]),
        (0, "encode", vec![s("drums"), s("cowbell")]),
        (0, "set", vec![]),
        (0, "set", vec![f(1.0)]),
        (0, "set", vec![s("a\nb")]),
        (0, "model", vec![]),
        (0, "write", vec![s("/tmp/nothing-rendered-yet.wav")]),
        (0, "write", vec![]),
        (0, "dump", vec![s("all")]),
        (0, "vocoder", vec![s("wavenet")]),
        (0, "vocoder", vec![s("mcnn"), f(65.0)]),
        (0, "vocoder", vec![s("mcnn"), f(-1.0)]),
        (0, "vocoder", vec![s("griffinlim"), f(0.0)]),
        (0, "vocoder", vec![s("pghi"), f(0.0)]),
        (0, "vocoder", vec![s("pghi"), f(65.0)]),
        (0, "vocoder", vec![s("model"), f(2.0)]),
        (0, "vocoder", vec![s("griffinlim"), f(1e6)]),
        (0, "autorender", vec![f(2.0)]),
        (0, "autorender", vec![s("on")]),
        (0, "seed", vec![f(-1.0)]),
        (0, "seed", vec![f(1e300)]),
        (0, "trim", vec![]),
        (0, "list", vec![f(0.5), f(0.5)]),
        (1, "list", vec![f(0.5)]),
        (1, "list", vec![f(0.5), f(0.5), f(0.5), f(0.5)]),
        (1, "list", vec![f(f64::NAN), f(0.5)]),
        (1, "bang", vec![]),
        (1, "xy", vec![f(0.5), f(0.5)]),
        (2, "int", vec![Atom::Int(99)]),
        (2, "float", vec![f(0.5)]),
        (2, "symbol", vec![s("cowbell")]),
        (2, "cowbell", vec![]),
        (2, "snare", vec![f(1.0)]),
        (2, "list", vec![f(1.0), f(2.0)]),
        (3, "bang", vec![]),
        (99, "bang", vec![]),
    ];
    let n = cases.len();
    for (inlet, sel, atoms) in cases {
        fx.host.clear();
        fx.send(inlet, sel, &atoms);
        fx.settle();
        let errors = fx.host.errors();
        assert_eq!(
            errors.len(),
            1,
            "{inlet} {sel} {:?}: {errors:?}",
            &atoms[..atoms.len().min(4)]
        );
        assert!(!errors[0].contains('\n'), "one line: {:?}", errors[0]);
        assert!(errors[0].len() < 400, "short: {:?}", errors[0]);
        let after = fx.obj.snapshot();
        assert_eq!(before, after, "state changed by {inlet} {sel}");
    }
    eprintln!("{n} bad messages: one error each, state kept");
    fx.host.clear();
    fx.bang();
    fx.no_errors();
    assert_eq!(fx.buffer("drums"), fx.expected());
}

#[test]
fn buffers_missing_zero_length_rateless_and_stereo() {
    // Missing: an error, the sound is kept for write and reused once the buffer exists.
    let fx = Fx::new();
    fx.send(0, "set", &[s("later")]);
    fx.bang();
    let e = fx.host.errors();
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("later"), "{e:?}");
    assert!(fx.obj.snapshot().has_sound);
    assert_eq!(fx.bangs(), 0);
    fx.host.clear();
    fx.host.add_buffer("later", 0, 1, 0);
    fx.bang();
    fx.no_errors();
    assert_eq!(
        fx.synth.generate_calls.load(Ordering::SeqCst),
        1,
        "the kept sound was reused"
    );
    assert_eq!(
        fx.buffer("later").len(),
        (0.3f64 * FAKE_SR as f64).round() as usize
    );

    // No buffer at all.
    let host = FakeHost::new();
    let obj = standard_object(&host);
    obj.handle(0, "bang", &[]);
    assert!(host.settle(&obj, T));
    assert_eq!(host.errors().len(), 1);
    assert!(obj.last_sound().is_some());

    // Zero-length buffer with a rate: resized at its rate; a buffer that reports rate 0
    // gets the model's rate.
    let fx = Fx::new();
    fx.host.add_buffer("norate", 0, 1, 0);
    fx.bang();
    assert_eq!(fx.buffer("drums").len(), 13230);
    fx.send(0, "set", &[s("norate")]);
    fx.bang();
    fx.no_errors();
    assert_eq!(fx.buffer("norate").len(), 6615);

    // Stereo: every channel gets the sound; encode mixes to mono.
    fx.host.add_buffer("st", 100, 2, 96000);
    fx.send(0, "set", &[s("st")]);
    fx.bang();
    fx.no_errors();
    let b = fx.host.buffer("st").unwrap();
    assert_eq!(b.channels.len(), 2);
    assert_eq!(b.channels[0], b.channels[1]);
    assert_eq!(b.channels[0].len(), 28800);
    fx.send(0, "encode", &[s("st")]);
    fx.settle();
    fx.no_errors();

    // A buffer removed between request and result: an error, no bang, the sound is kept.
    let fx = Fx::new();
    fx.synth.set(Behaviour {
        sleep: Duration::from_millis(50),
        ..Default::default()
    });
    fx.send(0, "bang", &[]);
    fx.host.remove_buffer("drums");
    fx.settle();
    assert_eq!(fx.host.errors().len(), 1);
    assert_eq!(fx.bangs(), 0);
    assert!(fx.obj.snapshot().has_sound);

    // The host refuses the write: one error, no bang.
    let fx = Fx::new();
    fx.host.fail_writes.store(true, Ordering::SeqCst);
    fx.bang();
    assert_eq!(fx.host.errors().len(), 1);
    assert_eq!(fx.bangs(), 0);
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// A burst of 1000 bangs with changing pad positions: the last parameters win, and the
/// main-thread calls stay short.
#[test]
fn bang_storm_latest_wins_and_main_thread_is_fast() {
    let fx = Fx::new();
    fx.synth.set(Behaviour {
        sleep: Duration::from_millis(2),
        ..Default::default()
    });
    let mut handle_t = Vec::new();
    let mut main_t = Vec::new();
    for i in 0..1000 {
        let x = (i % 101) as f64 / 100.0;
        let y = ((i * 37) % 101) as f64 / 100.0;
        let t0 = Instant::now();
        fx.send(1, "list", &[f(x), f(y)]);
        fx.send(0, "bang", &[]);
        handle_t.push(t0.elapsed());
        let t0 = Instant::now();
        fx.obj.on_main();
        main_t.push(t0.elapsed());
    }
    fx.settle();
    fx.no_errors();
    let snap = fx.obj.snapshot();
    assert_eq!(
        (snap.x, snap.y),
        (
            (999 % 101) as f64 / 100.0,
            ((999 * 37) % 101) as f64 / 100.0
        )
    );
    assert_eq!(
        fx.buffer("drums"),
        fx.expected(),
        "the buffer holds the last parameters' sound"
    );
    let calls = fx.synth.generate_calls.load(Ordering::SeqCst);
    assert!(calls < 1000, "requests were coalesced: {calls} renders");
    let (h99, hmax) = (
        percentile(&mut handle_t, 0.99),
        *handle_t.iter().max().unwrap(),
    );
    let (m99, mmax) = (percentile(&mut main_t, 0.99), *main_t.iter().max().unwrap());
    eprintln!(
        "bang storm: 1000 × (list + bang): {calls} renders; handle p99 {h99:?} max {hmax:?}; on_main p99 {m99:?} max {mmax:?}"
    );
    assert!(h99 < Duration::from_millis(50) && m99 < Duration::from_millis(50));

    // Paced requests (one every 3 ms, renders take 2 ms): most results are written, so
    // on_main's time includes the buffer writes and outlet calls.
    let writes0 = fx.host.writes.load(Ordering::SeqCst);
    let mut main_t = Vec::new();
    for i in 0..300 {
        fx.send(0, "xy", &[f((i % 50) as f64 / 50.0), f(0.5)]);
        fx.send(0, "bang", &[]);
        let end = Instant::now() + Duration::from_millis(3);
        while Instant::now() < end {
            let t0 = Instant::now();
            if fx.host.pump(&fx.obj) {
                main_t.push(t0.elapsed());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    fx.settle();
    fx.no_errors();
    assert_eq!(fx.buffer("drums"), fx.expected());
    let writes = fx.host.writes.load(Ordering::SeqCst) - writes0;
    let (m99, mmax) = (percentile(&mut main_t, 0.99), *main_t.iter().max().unwrap());
    eprintln!(
        "paced bangs: 300 requests, {writes} buffer writes; on_main p99 {m99:?} max {mmax:?}"
    );
    assert!(m99 < Duration::from_millis(50));
}

/// Autorender under pad moves: throttled, the final buffer holds the final position.
#[test]
fn autorender_pad_drag_ends_on_last_position() {
    let fx = Fx::new();
    fx.synth.set(Behaviour {
        sleep: Duration::from_millis(3),
        ..Default::default()
    });
    fx.send(0, "autorender", &[f(1.0)]);
    for i in 0..300 {
        fx.send(1, "list", &[f(i as f64 / 300.0), f(0.5)]);
        fx.host.pump(&fx.obj);
        if i % 50 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    fx.settle();
    fx.no_errors();
    assert_eq!(fx.buffer("drums"), fx.expected());
    let calls = fx.synth.generate_calls.load(Ordering::SeqCst);
    assert!((2..300).contains(&calls), "{calls}");
}

/// Dropping the object while it renders never hangs, 200 times over.
#[test]
fn drop_while_rendering_does_not_hang() {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for i in 0..200 {
            let fx = Fx::new();
            fx.synth.set(Behaviour {
                sleep: Duration::from_millis(if i % 2 == 0 { 3 } else { 0 }),
                ..Default::default()
            });
            fx.send(0, "xy", &[f((i % 10) as f64 / 10.0), f(0.5)]);
            fx.send(0, "bang", &[]);
            if i % 3 == 0 {
                fx.send(0, "model", &[s("/b/slow")]);
            }
            if i % 4 == 0 {
                std::thread::sleep(Duration::from_micros(500));
            }
            let host = fx.host.clone();
            drop(fx.obj);
            // After the drop returned, the worker never calls the host again.
            let after = host.schedule_calls.load(Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5));
            assert_eq!(
                host.schedule_calls.load(Ordering::SeqCst),
                after,
                "worker called the host after drop"
            );
        }
        tx.send(()).unwrap();
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("dropping objects while rendering hung");
}

#[test]
fn model_reload_failure_keeps_previous_model() {
    let fx = Fx::new();
    for bad in ["/bundles/fail", "/bundles/panic"] {
        fx.host.clear();
        fx.send(0, "model", &[s(bad)]);
        fx.settle();
        let e = fx.host.errors();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("keeping the previous model"), "{e:?}");
        assert_eq!(fx.obj.snapshot().model.as_deref(), Some("fake-v1"));
    }
    fx.host.clear();
    fx.bang();
    fx.no_errors();
    assert_eq!(fx.buffer("drums"), fx.expected());

    // A successful reload mid-render: the old render's result is dropped, the class is
    // clamped to the new model, and the next bang uses the new model.
    let fx = Fx::new();
    fx.send(0, "class", &[s("clap")]);
    fx.synth.set(Behaviour {
        sleep: Duration::from_millis(30),
        ..Default::default()
    });
    fx.send(0, "bang", &[]);
    fx.send(0, "model", &[s("/b/three")]);
    fx.settle();
    assert_eq!(fx.obj.snapshot().model.as_deref(), Some("three"));
    assert_eq!(fx.obj.snapshot().class, 0);
    fx.host.clear();
    fx.bang();
    fx.no_errors();
    assert_eq!(fx.bangs(), 1);
}

#[test]
fn no_model_at_start_reports_and_loads_later() {
    let host = FakeHost::new();
    host.add_buffer("d", 0, 1, 48000);
    let obj = DrumObject::new(host.clone(), None, fake_loader(), &[s("d")]);
    for (sel, atoms) in [
        ("bang", vec![]),
        ("random", vec![]),
        ("z", vec![f(0.0); 64]),
    ] {
        host.clear();
        obj.handle(0, sel, &atoms);
        assert!(host.settle(&obj, T));
        assert_eq!(host.errors().len(), 1, "{sel}: {:?}", host.errors());
    }
    // A class name before any model is kept and resolved when the model loads.
    host.clear();
    obj.handle(0, "class", &[s("hat")]);
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().pending_class.as_deref(), Some("hat"));
    obj.handle(0, "model", &[s("/b/late")]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().class, 2);
    assert_eq!(obj.snapshot().pending_class, None);
    host.clear();
    obj.handle(0, "bang", &[]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(host.buffer("d").unwrap().channels[0].len(), 14400);
}

#[test]
fn panics_and_failures_in_the_synth_are_caught() {
    let fx = Fx::new();
    for b in [
        Behaviour {
            panic: true,
            ..Default::default()
        },
        Behaviour {
            fail: true,
            ..Default::default()
        },
        Behaviour {
            nan: true,
            ..Default::default()
        },
    ] {
        fx.host.clear();
        fx.synth.set(b.clone());
        fx.bang();
        let e = fx.host.errors();
        assert_eq!(e.len(), 1, "{b:?}: {e:?}");
        assert_eq!(fx.bangs(), 0);
        assert!(fx.buffer("drums").is_empty(), "nothing written on failure");
    }
    assert!(fx.host.errors()[0].contains("render failed"));
    // Panic during encode.
    fx.host.add_buffer_with("src", vec![0.5; 1000], 44100);
    fx.synth.set(Behaviour {
        panic: true,
        ..Default::default()
    });
    fx.host.clear();
    fx.send(0, "encode", &[s("src")]);
    fx.settle();
    assert_eq!(fx.host.errors().len(), 1);
    assert!(fx.host.errors()[0].contains("panic"));
    // And it still renders.
    fx.synth.set(Behaviour::default());
    fx.host.clear();
    fx.bang();
    fx.no_errors();
    assert_eq!(fx.buffer("drums"), fx.expected());
}

/// A host whose outlets call back into the object (a patch feeding an outlet into an inlet),
/// and whose post_error panics: the object neither deadlocks nor lets the panic escape.
#[test]
fn reentrant_outlets_and_panicking_host() {
    struct Loop {
        inner: Arc<FakeHost>,
        obj: parking_lot::Mutex<Option<Arc<DrumObject>>>,
        depth: std::sync::atomic::AtomicUsize,
    }
    impl Host for Loop {
        fn buffer_info(&self, n: &str) -> Option<ndm::object::BufferInfo> {
            self.inner.buffer_info(n)
        }
        fn read_buffer(&self, n: &str) -> Result<(Vec<f32>, u32), ndm::object::HostError> {
            self.inner.read_buffer(n)
        }
        fn write_buffer(&self, n: &str, s: &[f32], r: u32) -> Result<(), ndm::object::HostError> {
            self.inner.write_buffer(n, s, r)
        }
        fn outlet_bang(&self, o: usize) {
            self.inner.outlet_bang(o);
            let obj = self.obj.lock().clone();
            if let Some(obj) = obj {
                if self.depth.fetch_add(1, Ordering::SeqCst) < 3 {
                    obj.handle(0, "dump", &[]);
                    obj.handle(0, "xy", &[f(0.2), f(0.2)]);
                }
            }
        }
        fn outlet_list(&self, o: usize, sel: &str, a: &[Atom]) {
            self.inner.outlet_list(o, sel, a)
        }
        fn post_error(&self, m: &str) {
            self.inner.post_error(m);
            if m.contains("boom") {
                panic!("host panics in post_error");
            }
        }
        fn post(&self, m: &str) {
            self.inner.post(m)
        }
        fn schedule_main(&self) {
            self.inner.schedule_main()
        }
    }
    let inner = FakeHost::new();
    inner.add_buffer("d", 0, 1, 44100);
    let host = Arc::new(Loop {
        inner: inner.clone(),
        obj: parking_lot::Mutex::new(None),
        depth: Default::default(),
    });
    let obj = Arc::new(DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[s("d")],
    ));
    *host.obj.lock() = Some(obj.clone());
    obj.handle(0, "bang", &[]);
    assert!(inner.settle(&obj, T));
    assert!(inner
        .events()
        .iter()
        .any(|e| matches!(e, Event::List(2, s, _) if s == "classes")));
    assert_eq!(obj.snapshot().x, 0.2);
    obj.handle(0, "boom", &[]); // unknown message -> post_error panics -> caught
    obj.handle(0, "bang", &[]);
    assert!(inner.settle(&obj, T));
    *host.obj.lock() = None;
}

/// The fake synth's render equals what `generate` returns (the tests compare against it).
#[test]
fn fake_synth_is_deterministic() {
    let synth = FakeSynth::standard();
    let req = GenerateRequest {
        class: 1,
        z: vec![0.3; FAKE_DIM],
        vocoder: Vocoder::Mcnn,
        sample_rate: 48000,
        trim: true,
    };
    assert_eq!(synth.generate(&req).unwrap(), synth.render(&req));
    assert_eq!(synth.render(&req).samples.len(), 14400);
}

/// Vocoders that name the same sound (for the fake: `model` is `mcnn`, `pghi` is `pghi 2`) give
/// the same key to the last-sound cache: the second bang re-sends the first's sound.
#[test]
fn equivalent_vocoders_reuse_the_last_sound() {
    let fx = Fx::new();
    let calls = || fx.synth.generate_calls.load(Ordering::SeqCst);
    fx.bang();
    assert_eq!(calls(), 1);
    for (words, renders) in [
        (vec![s("mcnn")], 1),
        (vec![s("model")], 1),
        (vec![s("mcnn"), f(2.0)], 2),
        (vec![s("pghi")], 3),
        (vec![s("pghi"), f(2.0)], 3),
        (vec![s("pghi"), f(3.0)], 4),
    ] {
        fx.send(0, "vocoder", &words);
        fx.bang();
        assert_eq!(calls(), renders, "after vocoder {words:?}");
        assert_eq!(fx.buffer("drums"), fx.expected());
    }
    assert_eq!(fx.bangs(), 7);
    fx.no_errors();
}
