//! Hardening: the malformed-message corpus (tests/corpus/messages.txt) replayed through the
//! host-agnostic object with the fake host and the fake synth, plus the core requests of the
//! Max adapter (pending class names, `attribute_value`, error wording).
//!
//! Every malformed message gives exactly one console error (one line, at most
//! `MAX_ERROR_CHARS`), leaves the state unchanged and renders nothing; the valid messages
//! interleaved with them change the state without an error; the object renders afterwards.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use ndm::object::corpus::{parse_corpus, Case};
use ndm::object::messages::{self, ATTRIBUTES};
use ndm::object::testing::{fake_loader, standard_object, Event, FakeHost, FakeSynth};
use ndm::object::{Atom, DrumObject, MAX_ERROR_CHARS};

const T: Duration = Duration::from_secs(20);
const CORPUS: &str = include_str!("corpus/messages.txt");

fn corpus() -> Vec<Case> {
    parse_corpus(CORPUS)
}

fn s(v: &str) -> Atom {
    Atom::sym(v)
}
fn f(v: f64) -> Atom {
    Atom::Float(v)
}

struct Fx {
    host: Arc<FakeHost>,
    synth: Arc<FakeSynth>,
    obj: DrumObject,
}

impl Fx {
    /// The corpus's starting state (see the header of messages.txt).
    fn new(autorender: bool) -> Fx {
        let host = FakeHost::new();
        host.add_buffer("drums", 0, 1, 44100);
        host.add_buffer("other", 0, 2, 48000);
        host.add_buffer("silent", 1000, 1, 44100);
        host.add_buffer("empty", 0, 1, 44100);
        let mut nan = vec![0.25f32; 1000];
        nan[500] = f32::NAN;
        host.add_buffer_with("nanbuf", nan, 44100);
        let synth = FakeSynth::standard();
        let obj = DrumObject::new(
            host.clone(),
            Some(synth.clone()),
            fake_loader(),
            &[s("drums")],
        );
        let fx = Fx { host, synth, obj };
        fx.obj.handle(0, "class", &[s("snare")]);
        fx.obj.handle(0, "xy", &[f(0.3), f(0.6)]);
        fx.obj.handle(0, "range", &[f(1.5)]);
        fx.obj.handle(0, "store", &[s("a")]);
        fx.obj.handle(0, "bang", &[]);
        fx.settle();
        if autorender {
            fx.obj.handle(0, "autorender", &[f(1.0)]);
        }
        assert!(fx.host.errors().is_empty(), "{:?}", fx.host.errors());
        fx.host.clear();
        fx
    }
    fn settle(&self) {
        assert!(self.host.settle(&self.obj, T), "object did not settle");
    }
}

fn bangs(events: &[Event]) -> usize {
    events.iter().filter(|e| **e == Event::Bang(0)).count()
}

fn replay(autorender: bool) -> (usize, usize) {
    let fx = Fx::new(autorender);
    let (mut bad, mut good) = (0, 0);
    for case in corpus() {
        let before = fx.obj.snapshot();
        let gen0 = fx.synth.generate_calls.load(Ordering::SeqCst);
        fx.obj.handle(case.inlet, &case.selector, &case.atoms);
        fx.settle();
        let events = fx.host.take_events();
        let errors: Vec<&String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Error(m) => Some(m),
                _ => None,
            })
            .collect();
        let after = fx.obj.snapshot();
        let ctx = format!(
            "line {} `{}` (autorender {autorender})",
            case.line_no, case.text
        );
        for e in &errors {
            assert!(
                !e.contains('\n') && !e.contains('\r') && !e.contains('\0'),
                "{ctx}: error is not one clean line: {e:?}"
            );
            assert!(
                e.chars().count() <= MAX_ERROR_CHARS + 1,
                "{ctx}: error of {} chars",
                e.len()
            );
        }
        if case.valid {
            good += 1;
            assert!(
                errors.is_empty(),
                "{ctx}: valid message gave errors {errors:?}"
            );
            assert_ne!(
                before, after,
                "{ctx}: valid message did not change the state"
            );
        } else {
            bad += 1;
            assert_eq!(
                errors.len(),
                1,
                "{ctx}: expected exactly one error, got {errors:?}"
            );
            assert!(!errors[0].trim().is_empty(), "{ctx}: empty error");
            assert_eq!(before, after, "{ctx}: malformed message changed the state");
            assert_eq!(
                fx.synth.generate_calls.load(Ordering::SeqCst),
                gen0,
                "{ctx}: malformed message rendered"
            );
            assert_eq!(
                bangs(&events),
                0,
                "{ctx}: malformed message banged the outlet"
            );
        }
    }
    // The object still renders: a final bang at new parameters writes the buffer and bangs.
    fx.obj.handle(0, "xy", &[f(0.77), f(0.11)]);
    fx.obj.handle(0, "bang", &[]);
    fx.settle();
    let events = fx.host.take_events();
    assert!(
        !events.iter().any(|e| matches!(e, Event::Error(_))),
        "{events:?}"
    );
    assert!(
        bangs(&events) >= 1,
        "no done bang after the corpus: {events:?}"
    );
    let req = fx.obj.current_request().unwrap();
    assert_eq!(
        fx.host.buffer("drums").unwrap().channels[0],
        fx.synth.render(&req).samples,
        "the buffer holds the last parameters' sound"
    );
    (bad, good)
}

#[test]
fn corpus_is_big_enough_and_parses() {
    let cases = corpus();
    let bad = cases.iter().filter(|c| !c.valid).count();
    let good = cases.iter().filter(|c| c.valid).count();
    eprintln!("corpus: {bad} malformed, {good} valid messages");
    assert!(bad >= 200, "only {bad} malformed messages");
    assert!(good >= 10);
    // The generated huge lists are there.
    assert!(cases.iter().any(|c| c.atoms.len() == 10_000));
    assert!(cases
        .iter()
        .any(|c| matches!(c.atoms.first(), Some(Atom::Symbol(s)) if s.len() == 5000)));
}

#[test]
fn malformed_corpus_gives_one_error_and_keeps_state() {
    let (bad, good) = replay(false);
    eprintln!("replayed {bad} malformed and {good} valid messages (autorender 0)");
}

#[test]
fn malformed_corpus_with_autorender_renders_nothing() {
    let (bad, good) = replay(true);
    eprintln!("replayed {bad} malformed and {good} valid messages (autorender 1)");
}

/// The parser alone: never panics, and rejects with one line naming the message.
#[test]
fn parser_alone_on_the_corpus() {
    for case in corpus() {
        if let Err(e) = messages::parse(case.inlet, &case.selector, &case.atoms) {
            assert!(!e.message.contains('\n'), "line {}: {e:?}", case.line_no);
            assert!(
                e.message.chars().count() < 400,
                "line {}: {e:?}",
                case.line_no
            );
        }
    }
}

/// Box arguments built from the corpus's atoms: bad groups are reported and skipped, never
/// more than one error per group, and box arguments never render.
#[test]
fn corpus_atoms_as_box_arguments() {
    for case in corpus().into_iter().filter(|c| !c.valid && c.inlet == 0) {
        if !ATTRIBUTES.iter().any(|a| a.name == case.selector) {
            continue;
        }
        let host = FakeHost::new();
        let mut args = vec![s(&format!("@{}", case.selector))];
        args.extend(case.atoms.iter().cloned());
        let synth = FakeSynth::standard();
        let obj = DrumObject::new(host.clone(), Some(synth.clone()), fake_loader(), &args);
        assert!(host.settle(&obj, T));
        let n = host.errors().len();
        // `@class tom` etc. are semantic errors; `@range nan` a parse error; symbols starting
        // with `@` inside the atoms start new groups, so allow one error per group.
        let groups = 1 + case
            .atoms
            .iter()
            .filter(|a| matches!(a, Atom::Symbol(s) if s.starts_with('@')))
            .count();
        assert!(
            (1..=groups).contains(&n),
            "line {} `{}`: {n} errors {:?}",
            case.line_no,
            case.text,
            host.errors()
        );
        assert_eq!(synth.generate_calls.load(Ordering::SeqCst), 0);
    }
}

// ---- core requests of the Max adapter -------------------------------------------------

/// (a) `class <name>` / `@class name` before a model is loaded is kept and resolved on load.
#[test]
fn class_name_before_model_is_pending() {
    // Box argument, no model yet.
    let host = FakeHost::new();
    host.add_buffer("d", 0, 1, 44100);
    let obj = DrumObject::new(
        host.clone(),
        None,
        fake_loader(),
        &[s("d"), s("@class"), s("hat")],
    );
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().pending_class.as_deref(), Some("hat"));
    assert_eq!(obj.attribute_value("class"), Some(vec![s("hat")]));
    obj.handle(0, "model", &[s("/m/three")]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().class, 2);
    assert_eq!(obj.snapshot().pending_class, None);
    assert_eq!(obj.attribute_value("class"), Some(vec![s("hat")]));

    // The message, case-insensitive like a loaded model's lookup; the last one wins.
    let host = FakeHost::new();
    let obj = DrumObject::new(host.clone(), None, fake_loader(), &[]);
    obj.handle(0, "class", &[s("kick")]);
    obj.handle(2, "SNARE", &[]);
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    obj.handle(0, "model", &[s("/m/m1")]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().class, 1);

    // An index afterwards replaces the pending name.
    let host = FakeHost::new();
    let obj = DrumObject::new(host.clone(), None, fake_loader(), &[]);
    obj.handle(0, "class", &[s("hat")]);
    obj.handle(0, "class", &[Atom::Int(1)]);
    assert_eq!(obj.snapshot().pending_class, None);
    obj.handle(0, "model", &[s("/m/m2")]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    assert_eq!(obj.snapshot().class, 1);

    // Unknown name: one error when the model loads, naming it; class 0 is used.
    let host = FakeHost::new();
    host.add_buffer("d", 0, 1, 44100);
    let obj = DrumObject::new(host.clone(), None, fake_loader(), &[s("d")]);
    obj.handle(0, "class", &[s("cowbell")]);
    assert!(host.errors().is_empty());
    // A failed load keeps the name pending.
    obj.handle(0, "model", &[s("/m/fail")]);
    assert!(host.settle(&obj, T));
    assert_eq!(host.errors().len(), 1);
    assert_eq!(obj.snapshot().pending_class.as_deref(), Some("cowbell"));
    host.clear();
    obj.handle(0, "model", &[s("/m/m3")]);
    assert!(host.settle(&obj, T));
    let e = host.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("cowbell") && e[0].contains("unknown class"),
        "{e:?}"
    );
    assert_eq!(obj.snapshot().class, 0);
    assert_eq!(obj.snapshot().pending_class, None);
    host.clear();
    obj.handle(0, "bang", &[]);
    assert!(host.settle(&obj, T));
    assert!(host.errors().is_empty(), "{:?}", host.errors());

    // With a model loaded an unknown name is still an immediate error.
    let host = FakeHost::new();
    let obj = DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[s("@class"), s("cowbell")],
    );
    assert_eq!(host.errors().len(), 1, "{:?}", host.errors());
    assert_eq!(obj.snapshot().pending_class, None);
}

/// (b) `attribute_value` covers every attribute and round-trips through box arguments.
#[test]
fn attribute_values_round_trip() {
    let host = FakeHost::new();
    let obj = standard_object(&host);
    assert_eq!(obj.attribute_value("buffer"), Some(vec![]));
    assert_eq!(obj.attribute_value("class"), Some(vec![s("kick")]));
    assert_eq!(obj.attribute_value("axes"), Some(vec![s("pca")]));
    assert_eq!(obj.attribute_value("range"), Some(vec![f(1.0)]));
    assert_eq!(obj.attribute_value("seed"), Some(vec![Atom::Int(0)]));
    assert_eq!(obj.attribute_value("autorender"), Some(vec![Atom::Int(0)]));
    assert_eq!(obj.attribute_value("vocoder"), Some(vec![s("model")]));
    assert_eq!(obj.attribute_value("trim"), Some(vec![Atom::Int(1)]));
    assert_eq!(obj.attribute_value("nonsense"), None);
    assert_eq!(obj.attribute_value("bang"), None);

    let settings: &[&[Atom]] = &[
        &[s("buffer"), s("bufX")],
        &[s("class"), s("hat")],
        &[s("axes"), s("random"), Atom::Int(9)],
        &[s("range"), f(2.5)],
        &[s("seed"), Atom::Int(12345)],
        &[s("autorender"), Atom::Int(1)],
        &[s("vocoder"), s("griffinlim"), Atom::Int(8)],
        &[s("trim"), Atom::Int(0)],
    ];
    for set in settings {
        let Atom::Symbol(name) = &set[0] else {
            unreachable!()
        };
        obj.handle(0, name, &set[1..]);
    }
    assert!(host.errors().is_empty(), "{:?}", host.errors());
    for set in settings {
        let Atom::Symbol(name) = &set[0] else {
            unreachable!()
        };
        assert_eq!(
            obj.attribute_value(name).as_deref(),
            Some(&set[1..]),
            "{name}"
        );
    }
    for v in [&[s("pghi"), Atom::Int(3)][..], &[s("pghi")], &[s("model")]] {
        obj.handle(0, "vocoder", v);
        assert_eq!(obj.attribute_value("vocoder").as_deref(), Some(v));
    }
    obj.handle(0, "vocoder", &[s("griffinlim"), Atom::Int(8)]);
    // Every attribute of the table has a value; restoring all of them as box arguments of a
    // fresh object reproduces the state.
    let mut args = Vec::new();
    for a in ATTRIBUTES {
        let v = obj
            .attribute_value(a.name)
            .unwrap_or_else(|| panic!("no value for @{}", a.name));
        args.push(s(&format!("@{}", a.name)));
        args.extend(v);
    }
    let host2 = FakeHost::new();
    let obj2 = DrumObject::new(
        host2.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &args,
    );
    assert!(host2.errors().is_empty(), "{:?}", host2.errors());
    let (mut a, mut b) = (obj.snapshot(), obj2.snapshot());
    (a.rendering, b.rendering, a.has_sound, b.has_sound) = (false, false, false, false);
    assert_eq!(a, b);
    // Explicit axes and the other forms.
    obj.handle(0, "axes", &[f(3.0), f(4.0), f(5.0)]);
    obj.handle(0, "axes", &[f(3.0), f(4.0), f(5.0)]);
    assert_eq!(
        obj.attribute_value("axes"),
        Some(vec![Atom::Int(3), Atom::Int(4), Atom::Int(5)])
    );
    obj.handle(0, "axes", &[s("random")]);
    assert_eq!(obj.attribute_value("axes"), Some(vec![s("random")]));
    obj.handle(0, "vocoder", &[s("griffinlim")]);
    assert_eq!(obj.attribute_value("vocoder"), Some(vec![s("griffinlim")]));
    // Without a model: the class index.
    let obj3 = DrumObject::new(FakeHost::new(), None, fake_loader(), &[]);
    obj3.handle(2, "int", &[Atom::Int(2)]);
    assert_eq!(obj3.attribute_value("class"), Some(vec![Atom::Int(2)]));
}

/// (c) The error text does not repeat the message's name when the argument has the same one.
#[test]
fn error_wording_names_the_message_once() {
    for (sel, atoms, want) in [
        ("fine", vec![f(2.0)], "fine: 2 is out of range 0..1"),
        ("range", vec![f(-1.0)], "range: -1 is out of range 0..10"),
        (
            "seed",
            vec![f(1.5)],
            "seed: expected a whole number, got 1.5",
        ),
        (
            "class",
            vec![f(-1.0)],
            "class: class index -1 is out of range",
        ),
        (
            "vocoder",
            vec![s("x")],
            "vocoder: expected model or pghi or mcnn or griffinlim, got `x`",
        ),
        ("xy", vec![f(2.0), f(0.5)], "xy: x: 2 is out of range 0..1"),
        (
            "vary",
            vec![f(11.0)],
            "vary: amount: 11 is out of range 0..10",
        ),
    ] {
        let e = messages::parse(0, sel, &atoms).unwrap_err().message;
        assert_eq!(e, want);
    }
    let host = FakeHost::new();
    let _obj = DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &[s("@range"), f(99.0)],
    );
    assert_eq!(host.errors(), vec!["@range: 99 is out of range 0..10"]);
}

/// Control characters are escaped and long user strings cut in every echo.
#[test]
fn hostile_strings_are_escaped_and_cut() {
    let host = FakeHost::new();
    let obj = standard_object(&host);
    obj.handle(0, "a\nb\u{1b}[2J", &[]);
    obj.handle(0, &"x".repeat(1 << 20), &[]);
    obj.handle(2, &"k".repeat(4096), &[]);
    obj.handle(0, "recall", &[s(&"r".repeat(4096))]);
    obj.handle(0, "morph", &[s(&"m".repeat(4096)), s("b"), f(0.5)]);
    let e = host.errors();
    assert_eq!(e.len(), 5, "{e:?}");
    for m in &e {
        assert!(!m.contains('\n') && !m.contains('\u{1b}'), "{m:?}");
        assert!(m.chars().count() < 300, "{} chars: {}", m.len(), &m[..80]);
    }
    assert!(
        e[0].starts_with("a\\nb\\u{1b}[2J: unknown message"),
        "{}",
        e[0]
    );
}

/// A box with thousands of stray atoms gives one error per stray run, not one per atom.
#[test]
fn stray_box_arguments_do_not_flood_the_console() {
    let host = FakeHost::new();
    let mut args = vec![s("buf")];
    args.extend(std::iter::repeat_n(f(1.0), 10_000));
    args.extend([
        s("@range"),
        f(2.0),
        s("@"),
        f(3.0),
        f(4.0),
        s("@seed"),
        f(5.0),
    ]);
    let obj = DrumObject::new(
        host.clone(),
        Some(FakeSynth::standard()),
        fake_loader(),
        &args,
    );
    let e = host.errors();
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("9999 more atoms ignored"), "{e:?}");
    assert!(e[1].contains("`@` (and 2 more atoms ignored)"), "{e:?}");
    let snap = obj.snapshot();
    assert_eq!(
        (snap.range, snap.seed, snap.buffer.as_deref()),
        (2.0, 5, Some("buf"))
    );
}
