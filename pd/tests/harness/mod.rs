//! The headless-Pd harness shared by the end-to-end suites (see pd_e2e.rs for how it works).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ndm::engine::{find_ort_library, Engine};
use ndm::object::testing::{fake_loader, FakeHost};
use ndm::object::{Atom, DrumObject};
use ndm::synth::Synth;

pub const TOL: f32 = 1e-4;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn have_pd(test: &str) -> bool {
    let ok = Command::new("pd").arg("-version").output().is_ok();
    if !ok {
        eprintln!("SKIPPED {test}: `pd` is not on PATH (apt-get install puredata-core)");
    }
    ok
}

/// The bundle for a test that renders in Pd, or None (with the reason printed) when there is no
/// bundle or no `pd`.
pub fn model_test(test: &str) -> Option<PathBuf> {
    let b = bundle(test)?;
    have_pd(test).then_some(b)
}

pub fn bundle(test: &str) -> Option<PathBuf> {
    let cands = [
        std::env::var_os("NDM_TEST_BUNDLE").map(PathBuf::from),
        Some(repo().join("tests/golden/bundle")),
        Some(repo().join("models/ndm-v1")),
    ];
    let b = cands.into_iter().flatten().find(|d| d.join("bundle.json").is_file());
    if b.is_none() {
        eprintln!("SKIPPED {test}: no model bundle (set NDM_TEST_BUNDLE, or add tests/golden/bundle)");
    } else if find_ort_library().is_none() {
        eprintln!("SKIPPED {test}: no ONNX Runtime library (run scripts/setup-ort.sh)");
        return None;
    }
    b.map(|d| d.canonicalize().unwrap())
}

pub fn external() -> PathBuf {
    if let Some(p) = std::env::var_os("NDM_PD_EXTERNAL") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap(); // target/<profile>/deps/..
    let p = dir.join("libndm_pd.so");
    // `cargo test` builds the crate's test harness, not its cdylib: build the external itself,
    // so these tests never run a stale one.
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let release = dir.file_name().is_some_and(|n| n == "release");
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(["build", "--quiet", "-p", "ndm-pd", "--lib"]);
        if release {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build -p ndm-pd");
        assert!(status.success(), "cargo build -p ndm-pd failed");
    });
    assert!(p.is_file(), "{} missing: build with cargo build -p ndm-pd", p.display());
    p
}

/// One stage of a test script.
pub enum Step {
    /// Messages as `receiver atoms...` (e.g. `ndm-l xy 0.2 0.3`).
    Send(Vec<String>),
    WaitDone,
    WaitModel,
    WaitMs(u32),
    /// `[delay 0]` in the main patch: the next stage runs in a later scheduler event of the same
    /// logical time, with nothing of `[pd sub]` on the call stack.
    Defer,
}
use Step::*;

pub fn send(msgs: &[&str]) -> Step {
    Send(msgs.iter().map(|s| s.to_string()).collect())
}

pub const RTWAIT: &str = "#N canvas 0 0 300 300 12;
#X obj 10 10 inlet;
#X obj 10 40 t b b;
#X obj 10 70 metro 1;
#X obj 10 100 realtime;
#X obj 10 130 >= \\$1;
#X obj 10 160 sel 1;
#X obj 10 190 t b b;
#X msg 100 190 stop;
#X obj 10 220 outlet;
#X connect 0 0 1 0;
#X connect 1 1 3 0;
#X connect 1 0 2 0;
#X connect 2 0 3 1;
#X connect 3 0 4 0;
#X connect 4 0 5 0;
#X connect 5 0 6 0;
#X connect 6 1 7 0;
#X connect 7 0 2 0;
#X connect 6 0 8 0;
";

pub struct Patch {
    pub lines: Vec<String>,
    pub n: usize,
}

impl Patch {
    pub fn add(&mut self, kind: &str, text: &str) -> usize {
        self.lines.push(format!("#X {kind} 10 {} {text};", 10 + 20 * self.n));
        self.n += 1;
        self.n - 1
    }
    pub fn connect(&mut self, a: usize, o: usize, b: usize, i: usize) {
        self.lines.push(format!("#X connect {a} {o} {b} {i};"));
    }
}

/// A message box that sends each `receiver atoms` line.
pub fn msgbox(msgs: &[String]) -> String {
    msgs.iter()
        .map(|m| format!("\\; {}", m.replace(',', " \\,").replace(';', " \\;")))
        .collect::<Vec<_>>()
        .join(" ")
}

pub struct Run {
    pub dir: PathBuf,
    pub out: String,
    pub ok: bool,
    /// The signal that killed pd (`timeout` re-raises it), if one did.
    pub signal: Option<i32>,
}

impl Run {
    pub fn wav(&self, name: &str) -> (Vec<f32>, u32) {
        let mut r = hound::WavReader::open(self.dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}\n--- pd output:\n{}", self.out));
        let s = r.spec();
        (r.samples::<f32>().map(|v| v.unwrap()).collect(), s.sample_rate)
    }
    pub fn has(&self, text: &str) -> bool {
        self.out.contains(text)
    }
    pub fn expect(&self, texts: &[&str]) {
        for t in texts {
            assert!(self.has(t), "expected `{t}` in pd output:\n{}", self.out);
        }
    }
    pub fn count(&self, text: &str) -> usize {
        self.out.matches(text).count()
    }
}

/// `$NDM_PD_WRAPPER`: a command line that runs pd under a tool, e.g. valgrind
/// (scripts/valgrind-pd.sh); empty by default.
pub fn wrapper() -> Vec<String> {
    std::env::var("NDM_PD_WRAPPER").unwrap_or_default().split_whitespace().map(str::to_string).collect()
}

/// `$NDM_PD_SLOWDOWN` (default 1): how much slower pd runs under the wrapper; real-time waits,
/// the watchdog and the timeout stretch by it.
pub fn slowdown() -> u32 {
    std::env::var("NDM_PD_SLOWDOWN").ok().and_then(|v| v.parse().ok()).unwrap_or(1).max(1)
}

/// Runs a patch: `arrays` (name, size) live in `[pd arr]`, `[ndm~ <args>]` in `[pd sub]`.
pub fn run_pd(
    test: &str,
    args: &str,
    arrays: &[(&str, usize)],
    steps: &[Step],
    env: &[(&str, &str)],
    rate: Option<u32>,
) -> Run {
    let dir = fresh_dir_with_external(test);
    std::fs::write(dir.join("rtwait.pd"), RTWAIT).unwrap();
    let mut p = Patch { lines: vec!["#N canvas 0 0 600 800 12;".into()], n: 0 };
    // [pd arr]
    p.lines.push("#N canvas 0 0 300 300 arr 0;".into());
    for (k, (name, size)) in arrays.iter().enumerate() {
        p.lines.push(format!("#X obj 10 {} array define {name} {size};", 10 + 30 * k));
    }
    p.lines.push("#X restore 300 10 pd arr;".into());
    p.n += 1;
    // [pd sub] holding ndm~
    p.lines.extend(
        [
            "#N canvas 0 0 300 300 sub 0;".to_string(),
            "#X obj 10 10 r ndm-l;".into(),
            "#X obj 80 10 r ndm-m;".into(),
            "#X obj 150 10 r ndm-r;".into(),
            format!("#X obj 10 50 ndm~ {args};"),
            "#X obj 10 90 t b b;".into(),
            "#X obj 10 120 s ndm-done;".into(),
            "#X obj 80 120 print done;".into(),
            "#X obj 80 90 print latent;".into(),
            "#X obj 150 90 print info;".into(),
            "#X obj 150 120 route model;".into(),
            "#X obj 150 150 s ndm-model;".into(),
            "#X connect 0 0 3 0;#X connect 1 0 3 1;#X connect 2 0 3 2;".into(),
            "#X connect 3 0 4 0;#X connect 4 1 6 0;#X connect 4 0 5 0;".into(),
            "#X connect 3 1 7 0;#X connect 3 2 8 0;#X connect 3 2 9 0;#X connect 9 0 10 0;".into(),
            "#X restore 300 40 pd sub;".into(),
        ]
        .into_iter()
        .flat_map(|l| l.split_inclusive(';').map(str::to_string).collect::<Vec<_>>()),
    );
    p.n += 1;
    // `; mark <label>` prints `mark: <label>`: tests segment the console output with it.
    let mk = p.add("obj", "r mark");
    let mkp = p.add("obj", "print mark");
    p.connect(mk, 0, mkp, 0);
    let sf = p.add("obj", "r sf");
    let sfo = p.add("obj", "soundfiler");
    let sfp = p.add("obj", "print soundfiler");
    p.connect(sf, 0, sfo, 0);
    p.connect(sfo, 0, sfp, 0);
    let lb = p.add("obj", "loadbang");
    let t = p.add("obj", "t b b");
    let wd = p.add("obj", &format!("rtwait {}", 60_000 * slowdown()));
    let wdm = p.add("msg", "\\; pd quit");
    let wdp = p.add("obj", "print TIMEOUT");
    p.connect(wd, 0, wdp, 0);
    let start = p.add("msg", "\\; st0 bang");
    p.connect(lb, 0, t, 0);
    p.connect(t, 1, wd, 0);
    p.connect(wd, 0, wdm, 0);
    p.connect(t, 0, start, 0);
    for (k, step) in steps.iter().enumerate() {
        let r = p.add("obj", &format!("r st{k}"));
        let next = format!("\\; st{} bang", k + 1);
        match step {
            Send(m) => {
                let b = p.add("msg", &format!("{} {next}", msgbox(m)));
                p.connect(r, 0, b, 0);
            }
            WaitDone | WaitModel => {
                let on = p.add("msg", "1");
                let src = p.add("obj", if matches!(step, WaitDone) { "r ndm-done" } else { "r ndm-model" });
                let sp = p.add("obj", "spigot");
                let tt = p.add("obj", "t b b");
                let off = p.add("msg", "0");
                let go = p.add("msg", &next);
                p.connect(r, 0, on, 0);
                p.connect(on, 0, sp, 1);
                p.connect(src, 0, sp, 0);
                p.connect(sp, 0, tt, 0);
                p.connect(tt, 1, off, 0);
                p.connect(off, 0, sp, 1);
                p.connect(tt, 0, go, 0);
            }
            WaitMs(ms) => {
                let w = p.add("obj", &format!("rtwait {}", ms * slowdown()));
                let go = p.add("msg", &next);
                p.connect(r, 0, w, 0);
                p.connect(w, 0, go, 0);
            }
            Defer => {
                let d = p.add("obj", "delay 0");
                let go = p.add("msg", &next);
                p.connect(r, 0, d, 0);
                p.connect(d, 0, go, 0);
            }
        }
    }
    let r = p.add("obj", &format!("r st{}", steps.len()));
    let q = p.add("msg", "\\; pd quit");
    p.connect(r, 0, q, 0);
    std::fs::write(dir.join("test.pd"), p.lines.join("\n") + "\n").unwrap();

    let mut cmd = Command::new("timeout");
    cmd.arg((120 * slowdown()).to_string());
    cmd.args(wrapper());
    cmd.args(["pd", "-nogui", "-batch", "-noaudio", "-stderr"]);
    if let Some(r) = rate {
        cmd.args(["-r", &r.to_string()]);
    }
    cmd.arg("-path").arg(&dir).arg("-open").arg(dir.join("test.pd"));
    cmd.env("NDM_BUNDLE", "/nonexistent-ndm-bundle");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("running pd");
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    eprintln!("--- {test}: pd exited with {:?}\n{out}", o.status.code());
    let ok = o.status.success() && !out.contains("TIMEOUT");
    Run { dir, out, ok, signal: signal_of(&o.status) }
}

/// The signal that killed a process, if one did.
/// `run_pd` in the common setup of the tests that render: `[ndm~ ndm-out]`, a 100-sample
/// `ndm-out` array, the model from `bundle`, Pd's default sample rate.
pub fn run_pd_with_model(test: &str, bundle: &Path, steps: &[Step]) -> Run {
    run_pd(test, "ndm-out", &[("ndm-out", 100)], steps, &[("NDM_BUNDLE", &bundle.to_string_lossy())], None)
}

pub fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    return std::os::unix::process::ExitStatusExt::signal(status);
    #[cfg(not(unix))]
    return None;
}

pub fn write_wav(dir: &Path, name: &str) -> String {
    format!("sf write -wave -bytes 4 {} ndm-out", dir.join(name).display())
}

/// What the object itself asks the engine to render after `msgs` (left inlet), at `rate`.
pub fn direct_render(engine: &Arc<Engine>, msgs: &[(&str, Vec<Atom>)], rate: u32) -> Vec<f32> {
    let host = FakeHost::new();
    host.add_buffer("ndm-out", 1, 1, rate);
    let synth: Arc<dyn Synth> = engine.clone();
    let obj = DrumObject::new(host.clone(), Some(synth), fake_loader(), &[Atom::sym("ndm-out")]);
    for (sel, atoms) in msgs {
        obj.handle(0, sel, atoms);
    }
    engine.generate(&obj.current_request().unwrap()).unwrap().samples
}

pub fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let d = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(d <= TOL, "{what}: max abs difference {d} > {TOL}");
    assert!(got.iter().any(|v| v.abs() > 1e-6), "{what}: silent");
}

/// A test's folder, under cargo's per-target tmp dir: reused by the next run rather than piling
/// up in /tmp (the external alone is 58 MB; a run made a GB of copies), and kept for a look
/// after a failure.
pub fn tmp_dir_of(test: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(env!("CARGO_CRATE_NAME")).join(test)
}

/// An empty `tmp_dir_of(test)` holding a link to the external as `ndm~.pd_linux`.
pub fn fresh_dir_with_external(test: &str) -> PathBuf {
    let dir = tmp_dir_of(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let external = std::fs::canonicalize(external()).unwrap();
    std::os::unix::fs::symlink(external, dir.join("ndm~.pd_linux")).unwrap();
    dir
}
