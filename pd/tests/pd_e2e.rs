//! End-to-end tests of the Pd external `ndm~` in a real, headless Pure Data:
//! `timeout 120 pd -nogui -batch -noaudio -stderr -path <tmp> -open <tmp>/test.pd`.
//!
//! The harness copies the built `libndm_pd.so` (target/<profile>/, built by cargo before the
//! tests; or `$NDM_PD_EXTERNAL`) to `<tmp>/ndm~.pd_linux` and writes a test patch: `[ndm~]`
//! lives in `[pd sub]` (so a test can delete it with `; pd-sub clear`) and is driven through
//! `[r ndm-l]`, `[r ndm-m]`, `[r ndm-r]`; its outlets print `done`, `latent` and `info`. The
//! main patch runs a script of stages (send messages, wait for the done bang, wait for the
//! model, wait N ms of real time with the `rtwait` abstraction, which works under -batch) and
//! ends with `; pd quit`; a real-time watchdog quits with TIMEOUT after 60 s.
//!
//! Skips (printed): no `pd` on PATH (all tests but the help-table check); no model bundle
//! (`$NDM_TEST_BUNDLE`, else tests/golden/bundle, else models/ndm-v1) or no ONNX Runtime library
//! for the tests that render. Rendered arrays are written as 32-bit float WAV and compared with
//! the engine rendering the same request directly: max abs difference ≤ 1e-4 (the same code
//! and ONNX Runtime run in both; the tolerance only allows for thread-count effects).

mod harness;

use harness::Step::*;
use harness::*;
use ndm::engine::Engine;
use ndm::object::messages::{ANYTHING, MESSAGES};
use ndm::object::testing::{fake_loader, FakeHost};
use ndm::object::{Atom, DrumObject};
use ndm::synth::Synth;
use std::process::Command;
use std::sync::Arc;

#[test]
fn help_patch_mentions_every_message() {
    let help = std::fs::read_to_string(repo().join("help/ndm~-help.pd")).unwrap();
    for m in MESSAGES {
        let sel = if m.selector == ANYTHING { "bare class name" } else { m.selector };
        assert!(help.contains(sel), "help/ndm~-help.pd does not mention `{sel}`");
    }
}

#[test]
fn help_patch_opens_without_errors() {
    if !have_pd("help_patch_opens_without_errors") {
        return;
    }
    let dir = fresh_dir_with_external("help");
    std::fs::copy(repo().join("help/ndm~-help.pd"), dir.join("ndm~-help.pd")).unwrap();
    std::fs::write(
        dir.join("quit.pd"),
        "#N canvas 0 0 300 300 12;\n#X obj 10 10 loadbang;\n#X msg 10 40 \\; pd quit;\n#X connect 0 0 1 0;\n",
    )
    .unwrap();
    let o = Command::new("timeout")
        .arg((60 * slowdown()).to_string())
        .args(wrapper())
        .args(["pd", "-nogui", "-batch", "-noaudio", "-stderr", "-path"])
        .arg(&dir)
        .arg("-open")
        .arg(dir.join("ndm~-help.pd"))
        .arg("-open")
        .arg(dir.join("quit.pd"))
        .env("NDM_BUNDLE", "/nonexistent-ndm-bundle")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stderr);
    eprintln!("{out}");
    assert!(o.status.success(), "pd failed: {out}");
    assert!(!out.contains("couldn't create"), "{out}");
    assert!(out.contains("ndm~: no model bundle found"), "{out}");
}

#[test]
fn bad_messages_keep_the_object_alive() {
    if !have_pd("bad_messages_keep_the_object_alive") {
        return;
    }
    let steps = [
        send(&[
            "ndm-l foo 1 2",
            "ndm-l xy 2 0",
            "ndm-l xy a b",
            "ndm-l class",
            "ndm-l range -1",
            "ndm-l seed 0.5",
            "ndm-l vocoder wavenet",
            "ndm-l 3",
            "ndm-l list 1 2",
            "ndm-m 0.5",
            "ndm-m 0.5 7",
            "ndm-m bang",
            "ndm-r 2.5",
            "ndm-r snare 3",
            "ndm-l bang",
            "ndm-l random",
            "ndm-l write /tmp/never.wav",
            "ndm-l encode nosuch",
            "ndm-l model /nonexistent-folder",
            "ndm-l xy 0.25 0.75",
            "ndm-l dump",
        ]),
        WaitMs(300),
    ];
    let r = run_pd("bad", "ndm-out @range 99 @nonsense 1 2", &[("ndm-out", 10)], &steps, &[], None);
    assert!(r.ok, "pd did not finish cleanly");
    r.expect(&[
        "ndm~: no model bundle found",
        "ndm~: @range: 99 is out of range",
        "ndm~: box arguments: unknown attribute @nonsense",
        "ndm~: foo: unknown message for the left inlet",
        "ndm~: xy: x: 2 is out of range 0..1",
        "ndm~: xy: x: expected a number, got the symbol `a`",
        "ndm~: class: expected 1 argument",
        "ndm~: range: -1 is out of range",
        "ndm~: seed: expected a whole number",
        "ndm~: vocoder: expected model or pghi or mcnn or griffinlim",
        "ndm~: float: not accepted by the left inlet",
        "ndm~: list: not accepted by the left inlet",
        "ndm~: float: not accepted by the middle inlet",
        "ndm~: list: y: 7 is out of range 0..1",
        "ndm~: bang: not accepted by the middle inlet",
        "ndm~: float: index:",
        "ndm~: snare: the right inlet takes a class name or index",
        "ndm~: bang: no model loaded",
        "ndm~: random: no model loaded",
        "ndm~: write: nothing rendered yet",
        "ndm~: encode: no model loaded",
        "ndm~: model /nonexistent-folder:",
        "info: xy 0.25 0.75",
        "info: range 1",
        "info: buffer ndm-out 10 1 44100",
    ]);
}

#[test]
fn object_lifetime_without_model() {
    if !have_pd("object_lifetime_without_model") {
        return;
    }
    let steps = [
        send(&["ndm-l model /nonexistent-folder", "ndm-l bang", "pd-sub clear"]),
        WaitMs(200),
        send(&["pd-sub obj 10 10 ndm~ ndm-out", "pd-sub obj 10 40 ndm~", "pd-sub clear", "pd-arr clear"]),
        WaitMs(100),
    ];
    let r = run_pd("lifetime", "ndm-out", &[("ndm-out", 10)], &steps, &[], None);
    assert!(r.ok, "pd did not finish cleanly");
    assert_eq!(r.count("ndm~: no model bundle found"), 3, "three objects created");
}

#[test]
fn missing_onnx_runtime_is_reported() {
    let Some(b) = model_test("missing_onnx_runtime_is_reported") else {
        return;
    };
    let b = b.to_string_lossy();
    let env = [("NDM_BUNDLE", &*b), ("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")];
    let r =
        run_pd("noort", "ndm-out", &[("ndm-out", 10)], &[WaitMs(1500), send(&["ndm-l bang"])], &env, None);
    assert!(r.ok);
    r.expect(&[
        "/nonexistent/libonnxruntime.so",
        "keeping the previous model",
        "ndm~: bang: no model loaded",
    ]);
}

fn render_case(test: &str, rate: Option<u32>, vocoder: Option<&str>) {
    let Some(b) = model_test(test) else {
        return;
    };
    let engine = Arc::new(Engine::load(&b).unwrap());
    let classes = engine.info().classes.clone();
    let class = &classes[1 % classes.len()];
    let dir = tmp_dir_of(test);
    let mut first = vec![format!("ndm-l class {class}"), "ndm-m 0.25 0.75".into()];
    first.extend(vocoder.map(|v| format!("ndm-l vocoder {v}")));
    first.push("ndm-l bang".into());
    let steps = [WaitModel, Send(first), WaitDone, Send(vec![write_wav(&dir, "out.wav")])];
    let r =
        run_pd(test, "ndm-out", &[("ndm-out", 100)], &steps, &[("NDM_BUNDLE", &b.to_string_lossy())], rate);
    assert!(r.ok);
    let (got, sr) = r.wav("out.wav");
    let want_rate = rate.unwrap_or(44100);
    assert_eq!(sr, want_rate);
    let mut msgs =
        vec![("class", vec![Atom::sym(class.clone())]), ("xy", vec![Atom::Float(0.25), Atom::Float(0.75)])];
    let without = direct_render(&engine, &msgs, want_rate);
    msgs.extend(vocoder.map(|v| ("vocoder", v.split(' ').map(|w| Atom::sym(w.to_string())).collect())));
    let want = direct_render(&engine, &msgs, want_rate);
    if vocoder.is_some() {
        // The message reached the engine: the sound is not the default vocoder's.
        // Relative: the fixture's untrained decoder asks for a quiet sound.
        let d = want.iter().zip(&without).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        let peak = want.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(d > 0.01 * peak, "{test}: `vocoder` changed nothing ({d} of a peak of {peak})");
    }
    assert_close(&got, &want, test);
}

#[test]
fn render_matches_engine_at_pd_default_rate() {
    render_case("render44", None, None);
}

#[test]
fn render_matches_engine_at_model_rate() {
    render_case("render22", Some(22050), None);
}

#[test]
fn pghi_vocoder_renders_in_pd_as_in_the_engine() {
    render_case("render_pghi", None, Some("pghi"));
}

#[test]
fn every_message_of_the_table() {
    let Some(b) = model_test("every_message_of_the_table") else {
        return;
    };
    let engine = Engine::load(&b).unwrap();
    let info = engine.info();
    let c1 = info.classes[1 % info.classes.len()].clone();
    let dir = tmp_dir_of("every");
    let zeros = vec!["0"; info.latent.dim].join(" ");
    let mut msgs = vec!["ndm-l store a".to_string(), "ndm-l store b".into()];
    for m in MESSAGES {
        let recv = ["ndm-l", "ndm-m", "ndm-r"][m.inlet];
        let args = match m.selector {
            "class" | "symbol" => c1.clone(),
            "z" => zeros.clone(),
            "model" => b.display().to_string(),
            "write" => dir.join("written.wav").display().to_string(),
            "encode" => "source".into(),
            _ => m.example.to_string(),
        };
        msgs.push(match m.selector {
            ANYTHING => format!("{recv} {c1}"),
            "list" => format!("{recv} {args}"),
            sel => format!("{recv} {sel} {args}"),
        });
    }
    msgs.push("ndm-l autorender 0".into());
    msgs.push("ndm-l set ndm-out".into());
    let steps = [
        WaitModel,
        send(&["ndm-l bang"]),
        WaitDone,
        Send(msgs),
        WaitMs(3000),
        send(&["ndm-l bang"]),
        WaitDone,
        Send(vec![write_wav(&dir, "out.wav")]),
    ];
    let arrays = [("ndm-out", 100), ("source", 22050), ("drums", 10)];
    let r = run_pd("every", "ndm-out", &arrays, &steps, &[("NDM_BUNDLE", &b.to_string_lossy())], None);
    assert!(r.ok);
    let errors: Vec<&str> = r.out.lines().filter(|l| l.starts_with("error:")).collect();
    // `encode source` sees an all-zero array: that, and only that, may fail.
    assert!(errors.iter().all(|l| l.contains("encode")), "unexpected errors: {errors:#?}");
    r.expect(&["info: model", "latent: z", "info: classes", "done: bang", "wrote "]);
    let (got, _) = r.wav("out.wav");
    assert!(got.iter().any(|v| v.abs() > 1e-6), "silent");
}

#[test]
fn encode_a_soundfile_loaded_into_an_array() {
    let Some(b) = model_test("encode_a_soundfile") else {
        return;
    };
    let engine = Arc::new(Engine::load(&b).unwrap());
    let dir = tmp_dir_of("encode");
    // A decaying 80 Hz sine, written at Pd's rate (arrays have no rate: soundfiler does not resample).
    let input: Vec<f32> = (0..22050)
        .map(|i| (i as f32 * 80.0 * std::f32::consts::TAU / 44100.0).sin() * (-(i as f32) / 4000.0).exp())
        .collect();
    std::fs::create_dir_all(&dir).unwrap();
    let in_wav = dir.with_extension("in.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44100,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&in_wav, spec).unwrap();
    input.iter().for_each(|v| w.write_sample(*v).unwrap());
    w.finalize().unwrap();
    let steps = [
        WaitModel,
        Send(vec![format!("sf read -resize {} ndm-in", in_wav.display()), "ndm-l encode ndm-in".into()]),
        WaitDone,
        Send(vec![write_wav(&dir, "out.wav")]),
    ];
    let r = run_pd(
        "encode",
        "ndm-out",
        &[("ndm-out", 10), ("ndm-in", 10)],
        &steps,
        &[("NDM_BUNDLE", &b.to_string_lossy())],
        None,
    );
    assert!(r.ok);
    r.expect(&["soundfiler: 22050", "latent: class", "latent: xy", "latent: z"]);
    let enc = engine.encode(&input, 44100, None).unwrap();
    let mut req = direct_request(&engine, 44100);
    req.class = enc.class;
    req.z = enc.z;
    let (got, _) = r.wav("out.wav");
    assert_close(&got, &engine.generate(&req).unwrap().samples, "encode");
    let _ = std::fs::remove_file(in_wav);
}

fn direct_request(engine: &Arc<Engine>, rate: u32) -> ndm::synth::GenerateRequest {
    let host = FakeHost::new();
    host.add_buffer("ndm-out", 1, 1, rate);
    let synth: Arc<dyn Synth> = engine.clone();
    let obj = DrumObject::new(host, Some(synth), fake_loader(), &[Atom::sym("ndm-out")]);
    obj.current_request().unwrap()
}

#[test]
fn tiny_huge_and_missing_arrays() {
    let Some(b) = model_test("tiny_huge_and_missing_arrays") else {
        return;
    };
    let dir = tmp_dir_of("arrays");
    let steps = [
        WaitModel,
        send(&["ndm-l set tiny", "ndm-l bang"]),
        WaitDone,
        send(&["ndm-l set huge", "ndm-l xy 0.3 0.3", "ndm-l bang"]),
        WaitDone,
        Send(vec![format!("sf write -wave -bytes 4 {} huge", dir.join("huge.wav").display())]),
        send(&["ndm-l encode one", "ndm-l set nosuch", "ndm-l xy 0.6 0.6", "ndm-l bang"]),
        WaitMs(3000),
        send(&["ndm-l encode nosuch", "ndm-l dump"]),
    ];
    let arrays = [("tiny", 1), ("one", 1), ("huge", 5_000_000)];
    let r = run_pd("arrays", "", &arrays, &steps, &[("NDM_BUNDLE", &b.to_string_lossy())], None);
    assert!(r.ok);
    r.expect(&[
        "ndm~: no buffer named `nosuch`",
        "ndm~: encode: no buffer named `nosuch`",
        "info: buffer nosuch",
    ]);
    let (got, _) = r.wav("huge.wav");
    assert!(!got.is_empty() && got.len() < 5_000_000, "huge array resized to the sound: {}", got.len());
    assert!(got.iter().any(|v| v.abs() > 1e-6), "silent");
    assert!(r.count("done: bang") >= 2);
}

#[test]
fn array_renamed_or_deleted_mid_render() {
    let Some(b) = model_test("array_renamed_or_deleted_mid_render") else {
        return;
    };
    let steps = [
        WaitModel,
        send(&["ndm-l bang", "ndm-out rename other"]),
        WaitMs(3000),
        send(&["ndm-l set other", "ndm-l xy 0.1 0.9", "ndm-l bang", "pd-arr clear"]),
        WaitMs(3000),
        send(&["ndm-l dump"]),
    ];
    let r = run_pd_with_model("rename", &b, &steps);
    assert!(r.ok);
    r.expect(&["ndm~: no buffer named `ndm-out`", "ndm~: no buffer named `other`", "info: buffer other"]);
    assert_eq!(r.count("done: bang"), 0);
}

#[test]
fn delete_the_object_while_it_renders() {
    let Some(b) = model_test("delete_the_object_while_it_renders") else {
        return;
    };
    // WaitMs first: clearing [pd sub] from a chain that starts at ndm~'s own outlet would
    // delete Pd objects ([route], [s]) that are still on the call stack.
    let steps = [
        WaitModel,
        WaitMs(10),
        send(&["ndm-l bang", "pd-sub clear"]),
        WaitMs(500),
        send(&["pd-sub obj 10 10 ndm~ ndm-out"]),
        send(&["pd-sub clear"]),
        WaitMs(200),
    ];
    let r = run_pd_with_model("delete", &b, &steps);
    assert!(r.ok, "pd crashed or hung");
    assert_eq!(r.count("done: bang"), 0);
}

#[test]
fn burst_of_bangs_delivers_the_last_request() {
    let Some(b) = model_test("burst_of_bangs") else {
        return;
    };
    let engine = Arc::new(Engine::load(&b).unwrap());
    let dir = tmp_dir_of("burst");
    let mut msgs = Vec::new();
    for k in 0..50 {
        msgs.push(format!("ndm-l xy {} 0.5", k as f64 / 50.0));
        msgs.push("ndm-l bang".into());
    }
    let steps = [WaitModel, Send(msgs), WaitDone, Send(vec![write_wav(&dir, "out.wav")]), WaitMs(1500)];
    let r = run_pd_with_model("burst", &b, &steps);
    assert!(r.ok);
    assert_eq!(r.count("done: bang"), 1, "only the last request is delivered");
    let (got, _) = r.wav("out.wav");
    let last = [("xy", vec![Atom::Float(0.98), Atom::Float(0.5)])];
    assert_close(&got, &direct_render(&engine, &last, 44100), "burst");
}

/// Vanilla Pd only (no ndm~): `[pd sub]` holds `[r go]`, which `[t b b]`s into `<chain>`
/// ending in the message box `; pd-sub clear` (also in `[pd sub]`), or, with `outside`, into
/// `[s wantclear]` with `[r wantclear] -> [delay 0] -> [; pd-sub clear(` in the main patch.
/// Returns the signal that killed pd, if one did.
fn vanilla_self_delete(test: &str, chain: &str, outside: bool) -> Option<i32> {
    let dir = tmp_dir_of(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut sub = vec!["#X obj 10 10 r go;".to_string(), "#X obj 10 40 t b b;".into()];
    let mut n = 2;
    let mut conn = vec!["#X connect 0 0 1 0;".to_string()];
    let mut prev = (1, 1); // [t b b]'s right outlet
    for o in chain.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        sub.push(format!("#X obj 10 {} {o};", 40 + 30 * n));
        conn.push(format!("#X connect {} {} {n} 0;", prev.0, prev.1));
        prev = (n, 0);
        n += 1;
    }
    sub.push(format!(
        "#X {};",
        if outside { "obj 10 300 s wantclear" } else { "msg 10 300 \\; pd-sub clear" }
    ));
    conn.push(format!("#X connect {} {} {n} 0;", prev.0, prev.1));
    sub.push("#X obj 100 40 print after;".into());
    conn.push(format!("#X connect 1 0 {} 0;", n + 1));
    let patch = format!(
        "#N canvas 0 0 600 400 12;\n#N canvas 0 0 300 300 sub 0;\n{}\n{}\n#X restore 10 10 pd sub;\n\
         #X obj 10 60 loadbang;\n#X obj 10 90 delay 10;\n#X msg 10 120 \\; go bang;\n\
         #X obj 10 150 delay 100;\n#X msg 10 180 \\; pd quit;\n#X obj 200 60 r wantclear;\n\
         #X obj 200 90 delay 0;\n#X msg 200 120 \\; pd-sub clear;\n#X obj 300 150 print cleared;\n\
         #X connect 1 0 2 0;\n#X connect 2 0 3 0;\n#X connect 1 0 4 0;\n#X connect 4 0 5 0;\n\
         #X connect 6 0 7 0;\n#X connect 7 0 8 0;\n#X connect 7 0 9 0;\n",
        sub.join("\n"),
        conn.join("\n")
    );
    std::fs::write(dir.join("test.pd"), patch).unwrap();
    let o = Command::new("timeout")
        .args(["60", "pd", "-nogui", "-batch", "-noaudio", "-stderr", "-open"])
        .arg(dir.join("test.pd"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stderr);
    eprintln!("--- {test}: pd exited with {:?}\n{out}", o.status);
    if signal_of(&o.status).is_none() {
        assert!(o.status.success() && out.contains("after: bang"), "{test}: {out}");
        assert_eq!(outside, out.contains("cleared: bang"), "{test}: {out}");
    }
    signal_of(&o.status)
}

/// Deleting a canvas while one of its objects is on the call stack is unsafe in vanilla Pd
/// itself, for any object: the deleted object's outlet (`outlet_bang` and friends walk its
/// connection list) or method code runs on in freed memory when the deleting message returns.
/// With Pd 0.53.1 the patch below dies of SIGSEGV in `outlet_bang` (`sched_tick` ->
/// `[delay 0]` -> `outlet_bang`), with no external loaded. Deleting from a `[delay 0]` outside the
/// deleted canvas is safe. The test pins that contract and proves ndm~ keeps it: whatever
/// vanilla Pd does when a chain deletes its own canvas, ndm~ must do no worse.
#[test]
fn deleting_the_object_from_its_own_outlet_chain() {
    let test = "self_delete";
    let Some(b) = model_test(test) else {
        return;
    };
    // Vanilla Pd, no ndm~: a chain deleting its own canvas directly or through a [delay 0] in
    // it, and the supported pattern (the [delay 0] outside it), which must not crash.
    let vanilla_direct = vanilla_self_delete("vanilla_direct", "", false);
    let vanilla_delay0 = vanilla_self_delete("vanilla_delay0", "delay 0", false);
    assert_eq!(vanilla_self_delete("vanilla_outside", "", true), None, "the supported pattern crashed");
    let env = [("NDM_BUNDLE", &*b.to_string_lossy())];
    // The same with ndm~'s outlets: the right outlet's `model` message
    // ([route model] -> [s ndm-model] -> ... -> `; pd-sub clear`), and the done bang
    // ([t b b] -> [s ndm-done] -> ...), each directly, then deferred by a [delay 0] outside.
    let cases: [(&str, Vec<Step>, Option<i32>); 4] = [
        ("self_delete_model", vec![WaitModel, send(&["pd-sub clear"]), WaitMs(100)], vanilla_direct),
        (
            "self_delete_done",
            vec![
                WaitModel,
                WaitMs(10),
                send(&["ndm-l bang"]),
                WaitDone,
                send(&["pd-sub clear"]),
                WaitMs(100),
            ],
            vanilla_direct,
        ),
        ("defer_delete_model", vec![WaitModel, Defer, send(&["pd-sub clear"]), WaitMs(100)], None),
        (
            "defer_delete_done",
            vec![
                WaitModel,
                WaitMs(10),
                send(&["ndm-l bang"]),
                WaitDone,
                Defer,
                send(&["pd-sub clear", "ndm-l bang"]),
                WaitMs(300),
                // A new object in the emptied canvas, deleted again while it loads its model.
                send(&["pd-sub obj 10 10 ndm~ ndm-out"]),
                Defer,
                send(&["pd-sub clear"]),
                WaitMs(100),
            ],
            None,
        ),
    ];
    for (name, steps, vanilla) in cases {
        let r = run_pd(name, "ndm-out", &[("ndm-out", 100)], &steps, &env, None);
        match vanilla {
            // Pd survived its own self-deletion: so must ndm~.
            None => {
                assert!(r.ok, "{name}: pd crashed (signal {:?}) or hung", r.signal);
                assert!(!r.has("panic caught"), "{name}: {}", r.out);
            }
            // Vanilla Pd crashes on this pattern by itself; ndm~ cannot make it safe (Pd frees
            // its outlets and the [route]/[s] on the stack), so only report what happened.
            Some(sig) => eprintln!(
                "{name}: vanilla Pd dies of signal {sig} on this pattern (delay 0 inside: {:?}); \
                 with ndm~: ok {}, signal {:?}",
                vanilla_delay0, r.ok, r.signal
            ),
        }
    }
}
