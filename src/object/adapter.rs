//! Host-independent pieces of the host adapters (the Max and Pd externals), kept here so that
//! they are tested without a host and the adapters stay thin.
//!
//! - Files next to the external: [`module_path`] (the binary holding this code, found with
//!   `dladdr` / `GetModuleFileNameW`), [`models_dir_above`], [`package_bundle`],
//!   [`find_bundle`], [`resolve_in`], [`resolve_path_args`], [`ort_library`].
//! - Engines: [`SharedByPath`] (one engine per bundle folder for every object of the process,
//!   freed with the last user), [`shared_engine`], and the [`Loader`]s [`loader`] and
//!   [`shared_loader`].
//! - Atoms, strings and buffers: [`slice_or_empty`], [`c_string`], [`host_rate`],
//!   [`mix_to_mono`], [`fill_interleaved`], [`port_assist`], [`strip_known_attributes`].
//! - [`Polled`]: the object as a host that polls it from a clock on its main thread (Pd) holds
//!   it: when to arm the clock, the batch-mode throttle, and deferring a free from inside an
//!   entry point.

use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::messages::{PortSpec, ATTRIBUTES};
use super::{Atom, DrumObject, Loader};
use crate::engine::{find_ort_library, Engine, EngineOptions};
use crate::error::NdmError;
use crate::synth::Synth;

/// The folder of the model bundle a package ships, inside its `models/`.
pub const BUNDLE_NAME: &str = "ndm-v1";

/// How many folders above the binary [`models_dir_above`] looks for `models/`.
pub const MODELS_DEPTH: usize = 6;

// ---------------------------------------------------------------------------------------
// Files next to the external.

/// The path of the binary that holds this code: the external itself when the core is linked
/// into it (`.../ndm~.mxo/Contents/MacOS/ndm~`, `.../ndm~.mxe64`, `.../ndm~.pd_linux`), the
/// executable otherwise. None when the system cannot tell.
#[cfg(unix)]
pub fn module_path() -> Option<PathBuf> {
    use std::ffi::{c_char, c_int, CStr, OsStr};
    use std::os::unix::ffi::OsStrExt;
    /// `Dl_info`: the same four fields on Linux and macOS.
    #[repr(C)]
    struct DlInfo {
        fname: *const c_char,
        fbase: *mut c_void,
        sname: *const c_char,
        saddr: *mut c_void,
    }
    extern "C" {
        fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
    }
    let mut info = DlInfo {
        fname: std::ptr::null(),
        fbase: std::ptr::null_mut(),
        sname: std::ptr::null(),
        saddr: std::ptr::null_mut(),
    };
    let here = module_path as fn() -> Option<PathBuf> as *const c_void;
    // SAFETY: `here` is an address in this binary; dladdr only fills `info`.
    if unsafe { dladdr(here, &mut info) } == 0 || info.fname.is_null() {
        return None;
    }
    // SAFETY: dladdr returned a NUL-terminated string that lives as long as the module.
    let name = unsafe { CStr::from_ptr(info.fname) }.to_bytes();
    (!name.is_empty()).then(|| PathBuf::from(OsStr::from_bytes(name)))
}

/// The path of the binary that holds this code (see the Unix variant).
#[cfg(windows)]
pub fn module_path() -> Option<PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    #[link(name = "kernel32")]
    extern "system" {
        fn GetModuleHandleExW(flags: u32, addr: *const u16, module: *mut *mut c_void) -> i32;
        fn GetModuleFileNameW(module: *mut c_void, buf: *mut u16, size: u32) -> u32;
    }
    let (mut h, mut buf) = (std::ptr::null_mut(), vec![0u16; 32768]);
    let here = module_path as fn() -> Option<PathBuf> as *const u16;
    // 0x4: GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, 0x2: ..._UNCHANGED_REFCOUNT
    // SAFETY: `here` is an address in this module; `buf` is as long as we say.
    if unsafe { GetModuleHandleExW(0x4 | 0x2, here, &mut h) } == 0 {
        return None;
    }
    let n = unsafe { GetModuleFileNameW(h, buf.as_mut_ptr(), buf.len() as u32) } as usize;
    (n > 0 && n < buf.len()).then(|| PathBuf::from(std::ffi::OsString::from_wide(&buf[..n])))
}

/// Neither Unix nor Windows: unknown.
#[cfg(not(any(unix, windows)))]
pub fn module_path() -> Option<PathBuf> {
    None
}

/// `models/` of the package a binary belongs to: the nearest of its [`MODELS_DEPTH`] ancestor
/// folders that has one (`ndm/externals/ndm~.mxo/Contents/MacOS/ndm~` → `ndm/models`).
pub fn models_dir_above(binary: &Path) -> Option<PathBuf> {
    binary
        .ancestors()
        .skip(1)
        .take(MODELS_DEPTH)
        .map(|d| d.join("models"))
        .find(|m| m.is_dir())
}

/// A path from the environment variable `name`, if it is set and not empty.
pub fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// `<models>/ndm-v1` when it holds a `bundle.json`.
pub fn bundle_under(models: &Path) -> Option<PathBuf> {
    Some(models.join(BUNDLE_NAME)).filter(|d| d.join("bundle.json").is_file())
}

/// The bundle a package loads at creation: `$NDM_BUNDLE` when set, else
/// [`bundle_under`]`(models)`. Never a path compiled in.
pub fn package_bundle(models: Option<&Path>) -> Option<PathBuf> {
    env_path("NDM_BUNDLE").or_else(|| bundle_under(models?))
}

/// The first of `candidates` that holds a `bundle.json`, else the console error saying where
/// it looked.
pub fn find_bundle(candidates: &[PathBuf]) -> Result<PathBuf, String> {
    if let Some(d) = candidates.iter().find(|d| d.join("bundle.json").is_file()) {
        return Ok(d.clone());
    }
    let places: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
    Err(format!(
        "no model bundle found in {} (set NDM_BUNDLE or send `model <folder>`); \
         bangs do nothing until a model is loaded",
        places.join(" nor ")
    ))
}

/// `p` looked up in `models` when it is relative and exists there (`model ndm-v1` → the
/// package's `models/ndm-v1`), else `p` as given.
pub fn resolve_in(models: Option<&Path>, p: &Path) -> PathBuf {
    match models.map(|m| m.join(p)) {
        Some(c) if p.is_relative() && c.exists() => c,
        _ => p.to_path_buf(),
    }
}

/// Makes the path argument of `model` and `write` (left inlet) absolute against `base` (the
/// patch's folder) when it is relative; other messages are left alone.
pub fn resolve_path_args(base: &Path, inlet: usize, selector: &str, atoms: &mut [Atom]) {
    if inlet == 0 && (selector == "model" || selector == "write") {
        if let Some(Atom::Symbol(p)) = atoms.first_mut() {
            if Path::new(p.as_str()).is_relative() {
                *p = base.join(&*p).to_string_lossy().into_owned();
            }
        }
    }
}

/// The ONNX Runtime library: `local` (next to the external) if it is a file, else
/// `$ORT_DYLIB_PATH` as given, else ndm's search ([`find_ort_library`]).
pub fn ort_library(local: &Path) -> Option<PathBuf> {
    Some(local.to_path_buf())
        .filter(|p| p.is_file())
        .or_else(|| env_path("ORT_DYLIB_PATH"))
        .or_else(find_ort_library)
}

/// The ONNX Runtime library's file name on this system.
pub const ORT_LIBRARY_NAME: &str = if cfg!(windows) {
    "onnxruntime.dll"
} else if cfg!(target_os = "macos") {
    "libonnxruntime.dylib"
} else {
    "libonnxruntime.so"
};

/// For an external installed as a plain folder `dir` (Pd: `ndm~.pd_linux`, the ONNX Runtime
/// library and `models/` side by side): a [`loader`] whose engines use
/// [`ort_library`]`(dir/`[`ORT_LIBRARY_NAME`]`)`, and the bundle to load at creation: the first
/// of `dir/models/ndm-v1` and `fallback` that holds one ([`find_bundle`]).
pub fn beside(dir: &Path, fallback: PathBuf) -> (Loader, Result<PathBuf, String>) {
    let ort = dir.join(ORT_LIBRARY_NAME);
    let loader = loader(move || EngineOptions {
        ort_library: ort_library(&ort),
        ..EngineOptions::default()
    });
    (
        loader,
        find_bundle(&[dir.join("models").join(BUNDLE_NAME), fallback]),
    )
}

// ---------------------------------------------------------------------------------------
// Engines.

/// Values shared by path while anyone uses them: `get_or_load` returns the live value loaded
/// from the same canonical folder, else loads a new one. Only weak references are kept, so a
/// value is freed with its last user. Loads run under the cache's lock (two objects asking
/// for one bundle at once load it once).
pub struct SharedByPath<T> {
    entries: Mutex<Vec<(PathBuf, Weak<T>)>>,
}

impl<T> Default for SharedByPath<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> SharedByPath<T> {
    pub const fn new() -> Self {
        SharedByPath {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The live value for `dir` (canonicalised when possible), else `load(dir)`'s, kept.
    pub fn get_or_load<E>(
        &self,
        dir: &Path,
        load: impl FnOnce(&Path) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let mut cache = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(_, e)| e.strong_count() > 0);
        if let Some(v) = cache
            .iter()
            .find(|(p, _)| *p == dir)
            .and_then(|(_, e)| e.upgrade())
        {
            return Ok(v);
        }
        let v = Arc::new(load(&dir)?);
        cache.push((dir, Arc::downgrade(&v)));
        Ok(v)
    }

    /// How many values are alive.
    pub fn live(&self) -> usize {
        let cache = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        cache.iter().filter(|(_, e)| e.strong_count() > 0).count()
    }
}

/// Engines shared by every object of the process, by bundle folder.
pub static ENGINES: SharedByPath<Engine> = SharedByPath::new();

/// The engine of bundle `dir`, shared through [`ENGINES`] (`opts` apply when it is loaded).
pub fn shared_engine(dir: &Path, opts: &EngineOptions) -> Result<Arc<dyn Synth>, NdmError> {
    Ok(ENGINES.get_or_load(dir, |d| Engine::load_with(d, opts))?)
}

/// A [`Loader`] that loads a new engine per `model`, with `options()` taken at each load (so
/// that environment variables are read then).
pub fn loader(options: impl Fn() -> EngineOptions + Send + Sync + 'static) -> Loader {
    Arc::new(move |p: &Path| Ok(Arc::new(Engine::load_with(p, &options())?) as Arc<dyn Synth>))
}

/// A [`Loader`] of [`shared_engine`]s: `model <p>` loads `resolve(p)` with `options()`.
pub fn shared_loader(
    resolve: impl Fn(&Path) -> PathBuf + Send + Sync + 'static,
    options: impl Fn() -> EngineOptions + Send + Sync + 'static,
) -> Loader {
    Arc::new(move |p: &Path| shared_engine(&resolve(p), &options()))
}

// ---------------------------------------------------------------------------------------
// Atoms, strings and buffers.

/// Runs `f`; if it panics, calls `on_panic` (a console line) and returns `fallback`: a host's
/// entry points must not unwind into C.
pub fn guarded<R>(fallback: R, on_panic: impl FnOnce(), f: impl FnOnce() -> R) -> R {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        on_panic();
        fallback
    })
}

/// The `len` items at `ptr`, or none when `ptr` is null or `len` is not a positive count
/// (hosts pass `argc`/`argv` pairs that may be `0, NULL`).
///
/// # Safety
/// When `ptr` is not null and `len` is positive, `ptr` must point to `len` initialised items
/// that stay valid and unchanged for `'a`.
pub unsafe fn slice_or_empty<'a, T>(ptr: *const T, len: impl TryInto<usize>) -> &'a [T] {
    match len.try_into() {
        Ok(n) if n > 0 && !ptr.is_null() => std::slice::from_raw_parts(ptr, n),
        _ => &[],
    }
}

/// `s` as a C string; NUL bytes, which a C string cannot hold, are dropped.
pub fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

/// A sample rate reported by a host, in Hz; 0 (the model's rate) when it is not a usable
/// number (NaN, infinite, below 1).
pub fn host_rate(sr: f64) -> u32 {
    if sr.is_finite() && sr >= 1.0 {
        sr.round() as u32
    } else {
        0
    }
}

/// Interleaved frames (frame f of channel c at `[f * channels + c]`) mixed to mono (the mean
/// of the channels); 0 channels counts as 1.
pub fn mix_to_mono(interleaved: &[f32], channels: usize) -> Vec<f32> {
    interleaved
        .chunks_exact(channels.max(1))
        .map(|f| f.iter().sum::<f32>() / f.len() as f32)
        .collect()
}

/// Writes the mono `sound` into every channel of interleaved frames, silence after its end.
pub fn fill_interleaved(interleaved: &mut [f32], channels: usize, sound: &[f32]) {
    for (f, frame) in interleaved.chunks_exact_mut(channels.max(1)).enumerate() {
        frame.fill(sound.get(f).copied().unwrap_or(0.0));
    }
}

/// The assist text of port `index`: `name: digest` from the table, empty if not there.
pub fn port_assist(index: usize, ports: &[PortSpec]) -> String {
    ports
        .iter()
        .find(|p| p.index == index)
        .map_or(String::new(), |p| format!("{}: {}", p.name, p.digest))
}

/// Box arguments without the `@name values...` groups of known attributes (a host such as Max
/// hands those to the attribute setters itself); the rest (the buffer name, unknown groups,
/// which the core reports) is for [`DrumObject::new`].
pub fn strip_known_attributes(args: Vec<Atom>) -> Vec<Atom> {
    let mut known = false;
    args.into_iter()
        .filter(|a| {
            if let Some(name) = if let Atom::Symbol(s) = a {
                s.strip_prefix('@')
            } else {
                None
            } {
                known = ATTRIBUTES.iter().any(|x| x.name == name);
            }
            !known
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Driving the object from a clock on the host's main thread.

/// True when logical time (`logical_ms` since polling began) runs more than a second ahead of
/// real time (`real` since then): a scheduler without real-time pacing, such as Pd's `-batch`.
pub fn ahead_of_real_time(logical_ms: f64, real: Duration) -> bool {
    logical_ms > real.as_secs_f64() * 1e3 + 1e3
}

/// A [`DrumObject`] that a host polls with a clock on its main thread (Pd), owned by the
/// host's C object through a raw pointer ([`Self::into_raw`]), with the host's own parts in
/// `extra` (its clock, inlets, `Host`). It keeps whether the clock is armed, when polling began
/// (for the batch throttle), and how many entry points are on the stack, so that a free from
/// inside one (an outlet feeding back into a message that deletes the object) waits for the
/// outermost to return. Main thread only.
pub struct Polled<X> {
    pub obj: DrumObject,
    pub extra: X,
    /// Relative `model` and `write` paths resolve against this folder (the patch's).
    pub base_dir: PathBuf,
    armed: Cell<bool>,
    since: Cell<(f64, Instant)>,
    depth: Cell<u32>,
    freed: Cell<bool>,
}

impl<X> Polled<X> {
    pub fn new(obj: DrumObject, base_dir: PathBuf, extra: X) -> Self {
        Polled {
            obj,
            extra,
            base_dir,
            armed: Cell::new(false),
            since: Cell::new((0.0, Instant::now())),
            depth: Cell::new(0),
            freed: Cell::new(false),
        }
    }

    /// Boxed, for the host's C object to hold; give it back through [`Self::free`].
    pub fn into_raw(self) -> *mut Self {
        Box::into_raw(Box::new(self))
    }

    /// Runs entry point `f` on the state behind `p` (nothing when `p` is null), then drops the
    /// state if it was freed inside `f` and no other entry point is on the stack. `f` must not
    /// unwind: wrap it in the adapter's panic guard.
    ///
    /// # Safety
    /// `p` is null or came from [`Self::into_raw`] and has not been dropped (by [`Self::free`]
    /// or by the outermost `enter` after it); main thread only.
    pub unsafe fn enter(p: *mut Self, f: impl FnOnce(&Self)) {
        let Some(i) = p.as_ref() else { return };
        i.depth.set(i.depth.get() + 1);
        f(i);
        i.depth.set(i.depth.get() - 1);
        if i.freed.get() && i.depth.get() == 0 {
            drop(Box::from_raw(p));
        }
    }

    /// The host frees its object: marks the state freed, runs `release` (free the clock and
    /// the inlets), then drops the state now, or, when an entry point is running, lets the
    /// outermost [`Self::enter`] drop it. Nothing when `p` is null.
    ///
    /// # Safety
    /// As for [`Self::enter`]; the host does not use `p` afterwards.
    pub unsafe fn free(p: *mut Self, release: impl FnOnce(&Self)) {
        let Some(i) = p.as_ref() else { return };
        i.freed.set(true);
        release(i);
        if i.depth.get() == 0 {
            drop(Box::from_raw(p)); // joins the worker (bounded by its join timeout)
        }
    }

    pub fn is_freed(&self) -> bool {
        self.freed.get()
    }

    /// A message at `inlet`: relative `model`/`write` paths resolved against
    /// [`Self::base_dir`], handed to the object. Returns true when the caller must arm its clock
    /// now (the object has work or results, the clock is not armed, and the object was not
    /// freed meanwhile); `logical_now` (the host's logical time) is asked only then, to start
    /// the throttle's reckoning.
    pub fn handle(
        &self,
        inlet: usize,
        sel: &str,
        mut atoms: Vec<Atom>,
        logical_now: impl FnOnce() -> f64,
    ) -> bool {
        resolve_path_args(&self.base_dir, inlet, sel, &mut atoms);
        self.obj.handle(inlet, sel, &atoms);
        let obj = &self.obj;
        if self.freed.get() || self.armed.get() || (obj.is_idle() && !obj.has_results()) {
            return false;
        }
        self.armed.set(true);
        self.since.set((logical_now(), Instant::now()));
        true
    }

    /// The clock fired: hands the worker's results to the object when `pending` (the flag the
    /// host's `schedule_main` sets) was set or results wait, then returns whether to re-arm the
    /// clock (the object is still busy and not freed). Before re-arming, when logical time
    /// (`logical_since(t0)`: logical ms since the logical time `t0` polling began at) runs
    /// more than a second ahead of real time, sleeps 1 ms so that a batch run does not spin.
    pub fn tick(&self, pending: &AtomicBool, logical_since: impl FnOnce(f64) -> f64) -> bool {
        let obj = &self.obj;
        self.armed.set(false);
        if pending.swap(false, Relaxed) || obj.has_results() {
            obj.on_main();
        }
        if self.freed.get() || (obj.is_idle() && !obj.has_results()) {
            return false;
        }
        let (t0, r0) = self.since.get();
        if ahead_of_real_time(logical_since(t0), r0.elapsed()) {
            std::thread::sleep(Duration::from_millis(1));
        }
        self.armed.set(true);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::messages::{INLETS, OUTLETS};
    use crate::object::testing::{FakeHost, FakeSynth};

    /// A fresh folder under the system's temporary folder.
    fn tmp(test: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ndm-adapter-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"{}").unwrap();
    }

    #[test]
    fn module_path_is_this_binary() {
        let p = module_path().expect("dladdr / GetModuleFileNameW");
        assert!(p.is_file(), "{}", p.display());
        let exe = std::env::current_exe().unwrap().canonicalize().unwrap();
        assert_eq!(p.canonicalize().unwrap(), exe);
    }

    #[test]
    fn models_dir_is_the_nearest_ancestor_with_models() {
        let d = tmp("models");
        let bin = d.join("ndm/externals/ndm~.mxo/Contents/MacOS/ndm~");
        touch(&bin);
        assert_eq!(models_dir_above(&bin), None);
        std::fs::create_dir_all(d.join("ndm/models")).unwrap();
        assert_eq!(models_dir_above(&bin), Some(d.join("ndm/models")));
        std::fs::create_dir_all(d.join("ndm/externals/models")).unwrap();
        assert_eq!(models_dir_above(&bin), Some(d.join("ndm/externals/models")));
        // The binary's own folder counts; a folder named like the binary does not.
        let pd = d.join("pd/ndm~.pd_linux");
        touch(&pd);
        std::fs::create_dir_all(d.join("pd/models")).unwrap();
        assert_eq!(models_dir_above(&pd), Some(d.join("pd/models")));
        // Too far up: not found.
        let deep = d.join("x/1/2/3/4/5/6/bin");
        touch(&deep);
        std::fs::create_dir_all(d.join("x/models")).unwrap();
        assert_eq!(models_dir_above(&deep), None);
        assert_eq!(
            models_dir_above(&d.join("x/1/2/3/4/5/bin")),
            Some(d.join("x/models"))
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn bundles_are_found_where_a_bundle_json_is() {
        let d = tmp("bundles");
        let models = d.join("models");
        assert_eq!(bundle_under(&models), None);
        touch(&models.join("ndm-v1/bundle.json"));
        assert_eq!(bundle_under(&models), Some(models.join("ndm-v1")));

        let (a, b) = (d.join("a"), d.join("b"));
        let e = find_bundle(&[a.clone(), b.clone()]).unwrap_err();
        assert!(e.starts_with("no model bundle found in "), "{e}");
        assert!(
            e.contains(&format!("{} nor {}", a.display(), b.display())),
            "{e}"
        );
        assert!(
            e.contains("NDM_BUNDLE") && e.contains("model <folder>"),
            "{e}"
        );
        touch(&b.join("bundle.json"));
        assert_eq!(find_bundle(&[a.clone(), b.clone()]), Ok(b.clone()));
        touch(&a.join("bundle.json"));
        assert_eq!(find_bundle(&[a.clone(), b]), Ok(a));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn relative_model_folders_resolve_in_the_package() {
        let d = tmp("resolve");
        let models = d.join("models");
        std::fs::create_dir_all(models.join("mine")).unwrap();
        let rel = Path::new("mine");
        assert_eq!(resolve_in(Some(&models), rel), models.join("mine"));
        assert_eq!(
            resolve_in(Some(&models), Path::new("absent")),
            PathBuf::from("absent")
        );
        assert_eq!(resolve_in(None, rel), rel);
        let abs = d.join("elsewhere");
        assert_eq!(resolve_in(Some(&models), &abs), abs);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn model_and_write_paths_resolve_against_the_patch() {
        let base = Path::new("/patches/mine");
        let mut a = vec![Atom::sym("kit/x.wav"), Atom::sym("y")];
        resolve_path_args(base, 0, "write", &mut a);
        assert_eq!(a[0], Atom::sym(base.join("kit/x.wav").to_string_lossy()));
        assert_eq!(a[1], Atom::sym("y"), "only the first atom");
        let mut a = vec![Atom::sym("models/other")];
        resolve_path_args(base, 0, "model", &mut a);
        assert_eq!(a[0], Atom::sym(base.join("models/other").to_string_lossy()));
        let abs = std::env::temp_dir()
            .join("x.wav")
            .to_string_lossy()
            .into_owned();
        for (inlet, sel, atoms) in [
            (0, "write", vec![Atom::sym(abs.clone())]),
            (0, "encode", vec![Atom::sym("drums")]),
            (0, "set", vec![Atom::sym("drums")]),
            (1, "model", vec![Atom::sym("rel")]),
            (0, "model", vec![Atom::Float(1.0)]),
            (0, "model", vec![]),
        ] {
            let mut got = atoms.clone();
            resolve_path_args(base, inlet, sel, &mut got);
            assert_eq!(got, atoms, "{inlet} {sel}");
        }
    }

    #[test]
    fn env_paths_and_the_local_ort_library() {
        let d = tmp("ort");
        let var = format!("NDM_ADAPTER_TEST_{}", std::process::id());
        assert_eq!(env_path(&var), None);
        std::env::set_var(&var, "");
        assert_eq!(env_path(&var), None, "empty counts as unset");
        std::env::set_var(&var, "/x/y");
        assert_eq!(env_path(&var), Some(PathBuf::from("/x/y")));
        std::env::remove_var(&var);
        let local = d.join("libonnxruntime.so");
        touch(&local);
        assert_eq!(
            ort_library(&local),
            Some(local.clone()),
            "next to the external wins"
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn shared_values_live_while_used() {
        let d = tmp("shared");
        let (a, b) = (d.join("a"), d.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let cache: SharedByPath<String> = SharedByPath::new();
        let loads = Cell::new(0);
        let load = |p: &Path| -> Result<String, String> {
            loads.set(loads.get() + 1);
            Ok(p.display().to_string())
        };
        let x = cache.get_or_load(&a, load).unwrap();
        // The same folder by another spelling: the same value, no second load.
        let y = cache.get_or_load(&a.join("../a"), load).unwrap();
        assert!(Arc::ptr_eq(&x, &y));
        assert_eq!((loads.get(), cache.live()), (1, 1));
        assert_eq!(
            *x,
            a.canonicalize().unwrap().display().to_string(),
            "loaded canonical"
        );
        let z = cache.get_or_load(&b, load).unwrap();
        assert!(!Arc::ptr_eq(&x, &z));
        assert_eq!((loads.get(), cache.live()), (2, 2));
        drop((x, y));
        assert_eq!(cache.live(), 1, "freed with its last user");
        let x = cache.get_or_load(&a, load).unwrap();
        assert_eq!((loads.get(), cache.live()), (3, 2), "loaded again");
        // A failed load keeps nothing.
        let e = cache.get_or_load(&d.join("c"), |_| Err::<String, _>("bad"));
        assert_eq!(e, Err("bad"));
        assert_eq!(cache.live(), 2);
        drop((x, z));
        assert_eq!(cache.live(), 0);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn loaders_report_missing_bundles() {
        let d = tmp("loaders");
        let missing = d.join("missing");
        let opts = || EngineOptions {
            ort_library: None,
            ..EngineOptions::default()
        };
        assert!(loader(opts)(&missing).is_err());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let l = shared_loader(
            move |p| {
                s.lock().unwrap().push(p.to_path_buf());
                p.join("x")
            },
            opts,
        );
        assert!(l(&missing).is_err());
        assert_eq!(*seen.lock().unwrap(), vec![missing]);
        assert_eq!(ENGINES.live(), 0);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn beside_the_external() {
        let d = tmp("beside");
        let fallback = d.join("fallback");
        let (l, b) = beside(&d, fallback.clone());
        assert!(b.unwrap_err().contains(&fallback.display().to_string()));
        assert!(l(&d.join("missing")).is_err());
        touch(&fallback.join("bundle.json"));
        assert_eq!(beside(&d, fallback.clone()).1, Ok(fallback.clone()));
        touch(&d.join("models/ndm-v1/bundle.json"));
        assert_eq!(beside(&d, fallback).1, Ok(d.join("models/ndm-v1")));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn guarded_turns_panics_into_the_fallback() {
        let said = Cell::new(false);
        assert_eq!(guarded(0, || said.set(true), || 7), 7);
        assert!(!said.get());
        assert_eq!(guarded(0, || said.set(true), || panic!("boom")), 0);
        assert!(said.get());
    }

    #[test]
    fn atoms_strings_and_rates() {
        let v = [1u8, 2, 3];
        unsafe {
            assert_eq!(slice_or_empty(v.as_ptr(), 3i32), &v);
            assert_eq!(slice_or_empty(v.as_ptr(), 2i64), &v[..2]);
            assert!(slice_or_empty(v.as_ptr(), 0i32).is_empty());
            assert!(slice_or_empty(v.as_ptr(), -1i32).is_empty());
            assert!(slice_or_empty(std::ptr::null::<u8>(), 3i16).is_empty());
        }
        assert_eq!(c_string("a\0b").as_bytes(), b"ab");
        assert_eq!(c_string("ndm~ 100%").as_bytes(), b"ndm~ 100%");
        assert_eq!(host_rate(44100.0), 44100);
        assert_eq!(host_rate(47999.7), 48000);
        for bad in [0.0, 0.5, -44100.0, f64::NAN, f64::INFINITY] {
            assert_eq!(host_rate(bad), 0, "{bad}");
        }
    }

    #[test]
    fn interleaved_buffers() {
        assert_eq!(
            mix_to_mono(&[1.0, 3.0, -1.0, 1.0, 5.0], 2),
            vec![2.0, 0.0],
            "partial frame dropped"
        );
        assert_eq!(mix_to_mono(&[1.0, 2.0], 1), vec![1.0, 2.0]);
        assert_eq!(mix_to_mono(&[1.0, 2.0], 0), vec![1.0, 2.0]);
        let mut s = [9.0; 7];
        fill_interleaved(&mut s, 2, &[0.5, -0.5]);
        assert_eq!(s, [0.5, 0.5, -0.5, -0.5, 0.0, 0.0, 9.0]);
        let mut s = [9.0; 2];
        fill_interleaved(&mut s, 1, &[0.1, 0.2, 0.3]);
        assert_eq!(s, [0.1, 0.2], "a longer sound is cut");
    }

    #[test]
    fn assist_and_box_arguments() {
        assert_eq!(
            port_assist(0, INLETS),
            format!("{}: {}", INLETS[0].name, INLETS[0].digest)
        );
        assert_eq!(port_assist(OUTLETS.len() + 5, OUTLETS), "");
        let args = vec![
            Atom::sym("drums"),
            Atom::sym("@range"),
            Atom::Float(1.5),
            Atom::sym("@bogus"),
            Atom::Int(1),
            Atom::sym("@axes"),
            Atom::Int(3),
            Atom::Int(5),
            Atom::sym("@nope"),
        ];
        let want = vec![
            Atom::sym("drums"),
            Atom::sym("@bogus"),
            Atom::Int(1),
            Atom::sym("@nope"),
        ];
        assert_eq!(strip_known_attributes(args), want);
        assert_eq!(strip_known_attributes(vec![]), vec![]);
    }

    #[test]
    fn throttle() {
        assert!(!ahead_of_real_time(0.0, Duration::ZERO));
        assert!(!ahead_of_real_time(1000.0, Duration::ZERO));
        assert!(ahead_of_real_time(1000.5, Duration::ZERO));
        assert!(!ahead_of_real_time(5000.0, Duration::from_secs(4)));
        assert!(ahead_of_real_time(5001.0, Duration::from_secs(4)));
    }

    /// A Pd-like host loop: a logical clock that advances 2 ms per poll.
    fn polled<X>(extra: X) -> (Arc<FakeHost>, Polled<X>) {
        let host = FakeHost::new();
        host.add_buffer("drums", 0, 1, 44100);
        let obj = DrumObject::new(
            host.clone(),
            Some(FakeSynth::standard()),
            crate::object::testing::fake_loader(),
            &[Atom::sym("drums")],
        );
        (host, Polled::new(obj, PathBuf::from("/patch"), extra))
    }

    #[test]
    fn polled_object_runs_until_the_sound_is_written() {
        let (host, p) = polled(());
        let now = Cell::new(100.0);
        let pending = AtomicBool::new(false);
        assert!(!p.handle(0, "class", vec![Atom::Int(1)], || unreachable!(
            "idle: no clock"
        )));
        assert!(p.handle(0, "bang", vec![], || now.get()));
        assert!(!p.handle(0, "bang", vec![], || unreachable!("armed already")));
        let start = Instant::now();
        loop {
            assert!(start.elapsed() < Duration::from_secs(20), "never finished");
            now.set(now.get() + 2.0);
            // The fake host counts `schedule_main` calls: they stand in for the flag.
            pending.store(host.schedule_calls.swap(0, Relaxed) > 0, Relaxed);
            if !p.tick(&pending, |t0| now.get() - t0) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        assert!(p.obj.is_idle() && !p.obj.has_results());
        assert!(
            host.buffer("drums").unwrap().channels[0].len() > 100,
            "the sound was written"
        );
        assert!(host.errors().is_empty(), "{:?}", host.errors());
        assert!(
            p.handle(0, "random", vec![], || 0.0),
            "idle again: the next render arms the clock"
        );
        // Relative paths resolve against the patch's folder: the error names the full path.
        assert!(host.settle(&p.obj, Duration::from_secs(20)));
        p.handle(0, "model", vec![Atom::sym("fail-here")], || 0.0);
        assert!(host.settle(&p.obj, Duration::from_secs(20)));
        let e = host.errors().join("\n");
        assert!(
            e.contains(&Path::new("/patch").join("fail-here").display().to_string()),
            "{e}"
        );
    }

    /// Counts drops.
    struct Extra(Arc<std::sync::atomic::AtomicUsize>);
    impl Drop for Extra {
        fn drop(&mut self) {
            self.0.fetch_add(1, Relaxed);
        }
    }

    #[test]
    fn polled_object_defers_a_free_inside_an_entry_point() {
        let drops = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let released = Cell::new(0);
        unsafe {
            // Freed outside any entry point: dropped at once.
            let p = polled(Extra(drops.clone())).1.into_raw();
            Polled::enter(p, |i| assert!(!i.is_freed()));
            Polled::free(p, |i| {
                assert!(i.is_freed());
                released.set(released.get() + 1);
            });
            assert_eq!((drops.load(Relaxed), released.get()), (1, 1));

            // Freed inside nested entry points: dropped when the outermost returns.
            let p = polled(Extra(drops.clone())).1.into_raw();
            Polled::enter(p, |outer| {
                Polled::enter(p, |_| Polled::free(p, |_| released.set(released.get() + 1)));
                assert_eq!(drops.load(Relaxed), 1, "still alive inside");
                assert!(outer.is_freed());
                // Freed: no clock any more, and a tick does not re-arm.
                assert!(!outer.handle(0, "bang", vec![], || 0.0));
                assert!(!outer.tick(&AtomicBool::new(true), |_| 0.0));
            });
            assert_eq!((drops.load(Relaxed), released.get()), (2, 2));
            // Null pointers are ignored.
            Polled::<Extra>::enter(std::ptr::null_mut(), |_| unreachable!());
            Polled::<Extra>::free(std::ptr::null_mut(), |_| unreachable!());
        }
    }
}
