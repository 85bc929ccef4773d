//! Hardening in a real, headless Pd (issue 5): the malformed-message corpus replayed end to
//! end, and the object freed while it renders, 100 times in one Pd. The harness is the one of
//! pd_e2e.rs (see there for how a test patch is built and run).

mod harness;

use harness::Step::*;
use harness::*;
use ndm::object::corpus::{parse_corpus, Case};
use ndm::object::Atom;

const CORPUS: &str = include_str!("../../tests/corpus/messages.txt");

/// A Pd atom or selector typed into a message box must survive Pd's parser unchanged: no
/// whitespace or control characters, none of Pd's separators and escapes, and not a number
/// (Pd would turn it into a float).
fn pd_symbol(s: &str) -> Option<String> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || ";,\\$".contains(c);
    (!s.is_empty() && !s.chars().any(bad) && s.parse::<f64>().is_err() && s.len() < 1000)
        .then(|| s.to_string())
}

fn pd_atom(a: &Atom) -> Option<String> {
    match a {
        // Pd floats are f32: only values that an f32 holds exactly mean the same in Pd.
        Atom::Float(v) if v.is_finite() && (*v as f32) as f64 == *v => Some(format!("{v}")),
        Atom::Int(i) if i.unsigned_abs() < (1 << 24) => Some(i.to_string()),
        Atom::Symbol(s) => pd_symbol(s),
        _ => None,
    }
}

/// The corpus line as `receiver selector atoms…` for a Pd message box, if Pd can carry it.
/// Pd has three inlets, floats only, and no NaN/inf or empty symbols in message boxes.
fn to_pd(c: &Case) -> Option<String> {
    let recv = ["ndm-l", "ndm-m", "ndm-r"].get(c.inlet)?;
    let mut parts = vec![recv.to_string(), pd_symbol(&c.selector)?];
    for a in &c.atoms {
        parts.push(pd_atom(a)?);
    }
    (c.atoms.len() <= 70_000).then(|| parts.join(" "))
}

/// Lines that mean something else with the real model than with the corpus's fake one
/// (class names and counts, buffer and slot names, file paths): their validity depends on
/// state that the Pd patch does not reproduce, so the fake-host replay covers them alone.
fn model_independent(c: &Case) -> bool {
    const STATEFUL: &[&str] = &["class", "encode", "buffer", "recall", "store", "write", "model", "morph"];
    let sel = c.selector.as_str();
    // The right inlet takes class names and indices: 4 classes in the fake model, 11 in Pd's.
    !STATEFUL.contains(&sel) && c.inlet != 2
}

/// Pd dispatches `bang`, `float` and `symbol` itself and drops their extra atoms before any
/// external sees them, so `bang 1` is a plain bang in Pd: such lines are not malformed there.
fn pd_keeps_meaning(c: &Case) -> bool {
    match c.selector.as_str() {
        "bang" => c.atoms.is_empty(),
        "float" | "symbol" => c.atoms.len() <= 1,
        _ => true,
    }
}

#[test]
fn malformed_corpus_in_pd_gives_one_error_each_and_keeps_state() {
    let Some(b) = model_test("malformed_corpus_in_pd") else {
        return;
    };
    let cases: Vec<Case> = parse_corpus(CORPUS)
        .into_iter()
        .filter(|c| !c.valid && model_independent(c) && pd_keeps_meaning(c))
        .collect();
    let lines: Vec<(usize, String)> = cases.iter().filter_map(|c| Some((c.line_no, to_pd(c)?))).collect();
    eprintln!("replaying {} of {} malformed, model-independent corpus lines in Pd", lines.len(), cases.len());
    assert!(lines.len() >= 200, "only {} corpus lines can be typed into Pd", lines.len());
    // `mark <line>` before each message: what follows it in the console is that message's.
    let mut msgs = Vec::new();
    for (line_no, text) in &lines {
        msgs.push(format!("mark {line_no}"));
        msgs.push(text.clone());
    }
    msgs.push("mark end".into());
    let steps = [
        WaitModel,
        send(&["ndm-l xy 0.3 0.6", "ndm-l range 1.5", "ndm-r 1", "mark before", "ndm-l dump", "mark corpus"]),
        Send(msgs),
        send(&["ndm-l dump", "mark after", "ndm-l bang"]),
        WaitDone,
        WaitMs(200),
    ];
    let r = run_pd_with_model("corpus", &b, &steps);
    assert!(r.ok, "pd crashed or hung on the corpus");
    // Everything printed between two marks is what one message caused.
    let mut checked = 0;
    for seg in r.out.split("mark: ").skip(1) {
        let (label, rest) = seg.split_once('\n').unwrap_or((seg, ""));
        let Ok(line_no) = label.trim().parse::<usize>() else {
            continue;
        };
        let errors = rest.lines().filter(|l| l.contains("ndm~: ")).count();
        let text = &lines.iter().find(|(l, _)| *l == line_no).expect("a replayed line").1;
        let shown: String = text.chars().take(80).collect();
        assert_eq!(errors, 1, "corpus line {line_no} `{shown}`: {errors} console errors:\n{rest}");
        checked += 1;
    }
    assert_eq!(checked, lines.len(), "every message was replayed");
    // The state dumped before the corpus equals the state dumped after it.
    let dump = |from: &str, to: &str| -> Vec<String> {
        let a = r.out.find(from).expect(from) + from.len();
        let z = a + r.out[a..].find(to).expect(to);
        r.out[a..z].lines().filter(|l| l.starts_with("info: ")).map(str::to_string).collect()
    };
    let before = dump("mark: before", "mark: corpus");
    let after = dump("mark: end", "mark: after");
    assert!(before.len() > 5, "dump printed the state: {before:?}");
    assert_eq!(before, after, "the corpus changed the object's state");
    assert_eq!(r.count("done: bang"), 1, "the object still renders after the corpus");
}

/// Recreates `[r ndm-l] → [ndm~ ndm-out] → [print done]` in the (cleared) `[pd sub]`, with
/// its info outlet → `[route model] → [s ndm-model]` so that `WaitModel` sees its model load.
fn recreate() -> Step {
    send(&[
        "pd-sub obj 10 10 r ndm-l",
        "pd-sub obj 10 50 ndm~ ndm-out",
        "pd-sub obj 10 90 print done",
        "pd-sub obj 100 90 route model",
        "pd-sub obj 100 130 s ndm-model",
        "pd-sub connect 0 0 1 0",
        "pd-sub connect 1 0 2 0",
        "pd-sub connect 1 2 3 0",
        "pd-sub connect 3 0 4 0",
    ])
}

#[test]
fn free_the_object_mid_render_100_times() {
    let Some(b) = model_test("free_mid_render_100") else {
        return;
    };
    // Defer: clearing [pd sub] from a chain that starts at ndm~'s own outlet is the one thing
    // Pd itself does not survive (pd/README.md), and WaitModel's chain starts there.
    let mut steps = vec![WaitModel, Defer];
    for k in 0..100 {
        steps.push(send(&["pd-sub clear"]));
        steps.push(recreate());
        // The model message comes from ndm~'s own outlet: defer before anything clears it.
        steps.push(WaitModel);
        steps.push(Defer);
        steps.push(send(&["ndm-l xy 0.5 0.5", "ndm-l bang"]));
        // Freed at once, or 2 / 5 ms into the render.
        match k % 3 {
            0 => {}
            1 => steps.push(WaitMs(2)),
            _ => steps.push(WaitMs(5)),
        }
    }
    steps.push(send(&["pd-sub clear"]));
    steps.push(recreate());
    steps.push(WaitModel);
    steps.push(Defer);
    steps.push(send(&["ndm-l bang"]));
    steps.push(WaitMs(1500));
    let r = run_pd_with_model("free100", &b, &steps);
    assert!(r.ok, "pd crashed or hung freeing ndm~ mid-render");
    assert_eq!(r.count("no model loaded"), 0, "every bang started a render");
    assert_eq!(r.count("done: bang"), 1, "the last object, left alive, renders");
}
