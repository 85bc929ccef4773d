//! `ndm~` for Pure Data: a thin adapter over ndm's host-agnostic [`DrumObject`].
//!
//! Inlets: left = the message table, middle (proxy) = `list x y [fine]`, right (proxy) = class.
//! Outlets: done bang, latent messages, info messages. Pd arrays play buffer~: a sound resizes
//! and fills the array at `sys_getsr()` (0, i.e. the model's rate, if Pd reports none).
//! Threading: the worker only sets an atomic in `schedule_main`; a Pd clock armed on the main
//! thread polls `on_main()` every [`POLL_MS`] logical ms while the object is busy (no `sys_lock`,
//! so freeing, which joins the worker, cannot deadlock; under `-batch` a poll that runs over a
//! second ahead of real time sleeps 1 ms). Model: `<dir of ndm~.pd_linux>/models/ndm-v1`, else
//! ndm's default bundle, loaded on the worker via a `model` message at creation. Every entry
//! point catches panics. Relative `model`/`write` paths resolve against the patch's folder.

use std::cell::Cell;
use std::ffi::{c_int, c_long, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ndm::engine::{find_ort_library, Engine, EngineOptions};
use ndm::object::{Atom, BufferInfo, DrumObject, Host, HostError, Loader};
use ndm::synth::Synth;
use pd_sys as pd;
use pd_sys::t_atomtype::{A_FLOAT, A_GIMME, A_NULL, A_SYMBOL};

extern "C" {
    /// Not in pd-sys: declared in g_canvas.h.
    static mut garray_class: *mut pd::_class;
}

/// Polling period of the result clock, in logical milliseconds.
pub const POLL_MS: f64 = 2.0;
static CLASS: AtomicPtr<pd::_class> = AtomicPtr::new(null_mut());
static PROXY_CLASS: AtomicPtr<pd::_class> = AtomicPtr::new(null_mut());

#[repr(C)]
struct NdmPd {
    obj: pd::t_object,
    inner: *mut Inner,
}

#[repr(C)]
struct Proxy {
    pd: pd::t_pd,
    owner: *mut NdmPd,
    inlet: usize,
}

struct Inner {
    obj: DrumObject,
    host: Arc<PdHost>,
    clock: *mut pd::_clock,
    proxies: [*mut Proxy; 2],
    canvas_dir: PathBuf,
    armed: Cell<bool>,
    /// Logical and real time when polling began (for the batch-mode throttle).
    since: Cell<(f64, Instant)>,
    /// Entry points on the stack; a free from inside one (an outlet feeding back into a
    /// message that deletes the object) defers dropping until the outermost returns.
    depth: Cell<u32>,
    freed: Cell<bool>,
}

struct PdHost {
    owner: *mut c_void,
    outlets: [*mut pd::_outlet; 3],
    /// Set when Pd frees the object: outlets are gone, so output becomes a no-op.
    dead: AtomicBool,
    pending: AtomicBool,
}

// SAFETY: per the `Host` contract every method but `schedule_main` runs on Pd's main thread,
// and `schedule_main` only touches an atomic.
unsafe impl Send for PdHost {}
unsafe impl Sync for PdHost {}

fn cstr(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

fn sym(s: &str) -> *mut pd::t_symbol {
    unsafe { pd::gensym(cstr(s).as_ptr()) }
}

unsafe fn sym_name(s: *const pd::t_symbol) -> String {
    if s.is_null() || (*s).s_name.is_null() {
        return String::new();
    }
    CStr::from_ptr((*s).s_name).to_string_lossy().into_owned()
}

unsafe fn to_atoms(argc: c_int, argv: *const pd::t_atom) -> Vec<Atom> {
    if argv.is_null() || argc <= 0 {
        return Vec::new();
    }
    let v = std::slice::from_raw_parts(argv, argc as usize);
    v.iter()
        .map(|a| match a.a_type {
            A_FLOAT => Atom::Float(a.a_w.w_float as f64),
            A_SYMBOL => Atom::Symbol(sym_name(a.a_w.w_symbol)),
            t => Atom::Symbol(format!("(atom type {t})")),
        })
        .collect()
}

fn to_pd_atom(a: &Atom) -> pd::t_atom {
    let (a_type, a_w) = match a {
        Atom::Float(v) => (A_FLOAT, pd::word { w_float: *v as f32 }),
        Atom::Int(v) => (A_FLOAT, pd::word { w_float: *v as f32 }),
        Atom::Symbol(s) => (A_SYMBOL, pd::word { w_symbol: sym(s) }),
    };
    pd::t_atom { a_type, a_w }
}

fn pd_rate() -> u32 {
    let sr = unsafe { pd::sys_getsr() };
    if sr.is_finite() && sr >= 1.0 {
        sr as u32
    } else {
        0
    }
}

/// The named float array's words, or None if there is no such float array.
unsafe fn array(name: &str) -> Option<(*mut pd::_garray, &'static mut [pd::t_word])> {
    let a = pd::pd_findbyclass(sym(name), garray_class) as *mut pd::_garray;
    let (mut n, mut v) = (0, null_mut());
    if a.is_null() || pd::garray_getfloatwords(a, &mut n, &mut v) == 0 || v.is_null() {
        return None;
    }
    Some((a, std::slice::from_raw_parts_mut(v, n.max(0) as usize)))
}

impl Host for PdHost {
    fn buffer_info(&self, name: &str) -> Option<BufferInfo> {
        let (_, w) = unsafe { array(name)? };
        Some(BufferInfo { frames: w.len(), channels: 1, sample_rate: pd_rate() })
    }
    fn read_buffer(&self, name: &str) -> Result<(Vec<f32>, u32), HostError> {
        let (_, w) = unsafe { array(name) }.ok_or(HostError::NoSuchBuffer(name.into()))?;
        Ok((w.iter().map(|w| unsafe { w.w_float }).collect(), pd_rate()))
    }
    fn write_buffer(&self, name: &str, samples: &[f32], _rate: u32) -> Result<(), HostError> {
        let err = |reason: &str| HostError::Buffer { name: name.into(), reason: reason.into() };
        unsafe {
            let (a, _) = array(name).ok_or(HostError::NoSuchBuffer(name.into()))?;
            pd::garray_resize_long(a, samples.len().max(1) as c_long);
            let (a, w) = array(name).ok_or_else(|| err("vanished while resizing"))?;
            if w.len() < samples.len() {
                return Err(err("could not be resized (out of memory?)"));
            }
            for (i, d) in w.iter_mut().enumerate() {
                d.w_float = samples.get(i).copied().unwrap_or(0.0);
            }
            pd::garray_redraw(a);
        }
        Ok(())
    }
    fn outlet_bang(&self, outlet: usize) {
        if !self.dead.load(Relaxed) {
            unsafe { pd::outlet_bang(self.outlets[outlet.min(2)]) }
        }
    }
    fn outlet_list(&self, outlet: usize, selector: &str, atoms: &[Atom]) {
        if !self.dead.load(Relaxed) {
            let mut v: Vec<pd::t_atom> = atoms.iter().map(to_pd_atom).collect();
            let (o, s, n) = (self.outlets[outlet.min(2)], sym(selector), v.len() as c_int);
            unsafe { pd::outlet_anything(o, s, n, v.as_mut_ptr()) }
        }
    }
    fn post_error(&self, msg: &str) {
        let owner = if self.dead.load(Relaxed) { null_mut() } else { self.owner };
        unsafe { pd::pd_error(owner, c"%s".as_ptr(), cstr(&format!("ndm~: {msg}")).as_ptr()) }
    }
    fn post(&self, msg: &str) {
        unsafe { pd::post(c"%s".as_ptr(), cstr(&format!("ndm~: {msg}")).as_ptr()) }
    }
    fn schedule_main(&self) {
        // Worker thread: no Pd calls, no sys_lock. The clock polls this flag.
        self.pending.store(true, Relaxed);
    }
}

/// A typed C function as Pd's untyped `t_method` (all C function pointers have one size).
fn meth<F: Copy>(f: F) -> pd::t_method {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<unsafe extern "C" fn()>());
    // SAFETY: F is an `unsafe extern "C" fn(..)`; Pd calls it back with the matching arguments.
    Some(unsafe { std::mem::transmute_copy::<F, unsafe extern "C" fn()>(&f) })
}

/// Runs `f`, turning a panic into a console line and `fallback`.
fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        unsafe { pd::post(c"ndm~: internal error (panic caught); the object keeps working".as_ptr()) };
        fallback
    })
}

/// Runs `f` on the object's state; drops the state afterwards if the object was freed inside.
unsafe fn enter(inner: *mut Inner, f: impl FnOnce(&Inner)) {
    if inner.is_null() {
        return;
    }
    let i = &*inner;
    i.depth.set(i.depth.get() + 1);
    guard((), || f(i));
    i.depth.set(i.depth.get() - 1);
    if i.freed.get() && i.depth.get() == 0 {
        drop(Box::from_raw(inner));
    }
}

fn handle(i: &Inner, inlet: usize, sel: &str, mut atoms: Vec<Atom>) {
    if inlet == 0 && (sel == "model" || sel == "write") {
        if let Some(Atom::Symbol(p)) = atoms.first_mut() {
            if Path::new(p.as_str()).is_relative() {
                *p = i.canvas_dir.join(&*p).to_string_lossy().into_owned();
            }
        }
    }
    i.obj.handle(inlet, sel, &atoms);
    if !i.freed.get() && !i.armed.get() && (!i.obj.is_idle() || i.obj.has_results()) {
        i.armed.set(true);
        i.since.set((unsafe { pd::clock_getlogicaltime() }, Instant::now()));
        unsafe { pd::clock_delay(i.clock, POLL_MS) };
    }
}

unsafe extern "C" fn tick(x: *mut NdmPd) {
    guard((), || {
        enter((*x).inner, |i| {
            i.armed.set(false);
            if i.host.pending.swap(false, Relaxed) || i.obj.has_results() {
                i.obj.on_main();
            }
            if i.freed.get() || (i.obj.is_idle() && !i.obj.has_results()) {
                return;
            }
            let (t0, r0) = i.since.get();
            if pd::clock_gettimesince(t0) > r0.elapsed().as_secs_f64() * 1e3 + 1e3 {
                std::thread::sleep(Duration::from_millis(1)); // -batch: do not spin
            }
            i.armed.set(true);
            pd::clock_delay(i.clock, POLL_MS);
        })
    })
}

unsafe extern "C" fn ndm_anything(x: *mut NdmPd, s: *mut pd::t_symbol, argc: c_int, argv: *mut pd::t_atom) {
    guard((), || {
        let (sel, atoms) = (sym_name(s), to_atoms(argc, argv));
        enter((*x).inner, |i| handle(i, 0, &sel, atoms))
    })
}

unsafe extern "C" fn proxy_anything(p: *mut Proxy, s: *mut pd::t_symbol, argc: c_int, argv: *mut pd::t_atom) {
    guard((), || {
        let (sel, atoms, inlet) = (sym_name(s), to_atoms(argc, argv), (*p).inlet);
        enter((*(*p).owner).inner, |i| handle(i, inlet, &sel, atoms))
    })
}

/// The model bundle: next to the external (package layout), else ndm's default.
fn find_bundle(dir: &Path) -> Result<PathBuf, String> {
    let local = dir.join("models").join("ndm-v1");
    let default = ndm::default_bundle_dir();
    for d in [&local, &default] {
        if d.join("bundle.json").is_file() {
            return Ok(d.clone());
        }
    }
    Err(format!(
        "no model bundle found in {} nor {} (set NDM_BUNDLE or send `model <folder>`); \
         bangs do nothing until a model is loaded",
        local.display(),
        default.display()
    ))
}

/// Loads engines with `libonnxruntime.so` next to the external if there, else `$ORT_DYLIB_PATH`
/// as given, else ndm's search (`find_ort_library`).
fn loader(dir: &Path) -> Loader {
    let local = dir.join("libonnxruntime.so");
    Arc::new(move |p: &Path| {
        let env = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()).map(PathBuf::from);
        let ort_library = Some(local.clone()).filter(|p| p.is_file()).or(env).or_else(find_ort_library);
        let opts = EngineOptions { ort_library, ..EngineOptions::default() };
        Ok(Arc::new(Engine::load_with(p, &opts)?) as Arc<dyn Synth>)
    })
}

unsafe extern "C" fn ndm_new(_s: *mut pd::t_symbol, argc: c_int, argv: *mut pd::t_atom) -> *mut c_void {
    guard(null_mut(), || {
        let class = CLASS.load(Relaxed);
        let x = pd::pd_new(class) as *mut NdmPd;
        let o = &raw mut (*x).obj;
        let outlets = [
            pd::outlet_new(o, &raw mut pd::s_bang),
            pd::outlet_new(o, null_mut()),
            pd::outlet_new(o, null_mut()),
        ];
        let mut proxies = [null_mut(); 2];
        for (k, p) in proxies.iter_mut().enumerate() {
            *p = pd::pd_new(PROXY_CLASS.load(Relaxed)) as *mut Proxy;
            (**p).owner = x;
            (**p).inlet = k + 1;
            pd::inlet_new(o, *p as *mut pd::t_pd, null_mut(), null_mut());
        }
        let host = Arc::new(PdHost {
            owner: x as *mut c_void,
            outlets,
            dead: AtomicBool::new(false),
            pending: AtomicBool::new(false),
        });
        let dir = PathBuf::from(CStr::from_ptr(pd::class_gethelpdir(class)).to_string_lossy().into_owned());
        let canvas = pd::canvas_getcurrent();
        let canvas_dir = if canvas.is_null() {
            PathBuf::new()
        } else {
            PathBuf::from(sym_name(pd::canvas_getdir(canvas)))
        };
        let inner = Box::into_raw(Box::new(Inner {
            obj: DrumObject::new(host.clone(), None, loader(&dir), &to_atoms(argc, argv)),
            host: host.clone(),
            clock: pd::clock_new(x as *mut c_void, meth(tick as unsafe extern "C" fn(*mut NdmPd))),
            proxies,
            canvas_dir,
            armed: Cell::new(false),
            since: Cell::new((0.0, Instant::now())),
            depth: Cell::new(0),
            freed: Cell::new(false),
        }));
        (*x).inner = inner;
        match find_bundle(&dir) {
            Ok(b) => enter(inner, |i| handle(i, 0, "model", vec![Atom::sym(b.to_string_lossy())])),
            Err(e) => host.post_error(&e),
        }
        x as *mut c_void
    })
}

unsafe extern "C" fn ndm_free(x: *mut NdmPd) {
    guard((), || {
        let inner = std::mem::replace(&mut (*x).inner, null_mut());
        if inner.is_null() {
            return;
        }
        let i = &*inner;
        i.host.dead.store(true, Relaxed);
        i.freed.set(true);
        pd::clock_free(i.clock);
        for p in i.proxies {
            pd::pd_free(p as *mut pd::t_pd);
        }
        if i.depth.get() == 0 {
            drop(Box::from_raw(inner)); // joins the worker (bounded by its join timeout)
        }
    })
}

/// Pd calls `<name>_setup` with `~` spelled `_tilde`.
///
/// # Safety
/// Called once by Pd's loader on its main thread.
#[no_mangle]
pub unsafe extern "C" fn ndm_tilde_setup() {
    guard((), || {
        type New = unsafe extern "C" fn(*mut pd::t_symbol, c_int, *mut pd::t_atom) -> *mut c_void;
        type Any<T> = unsafe extern "C" fn(*mut T, *mut pd::t_symbol, c_int, *mut pd::t_atom);
        let (new, free): (New, unsafe extern "C" fn(*mut NdmPd)) = (ndm_new, ndm_free);
        let c = pd::class_new(
            sym("ndm~"),
            Some(std::mem::transmute::<New, unsafe extern "C" fn() -> *mut c_void>(new)),
            meth(free),
            std::mem::size_of::<NdmPd>(),
            pd::CLASS_DEFAULT as c_int,
            A_GIMME,
            A_NULL,
        );
        let any: Any<NdmPd> = ndm_anything;
        pd::class_addanything(c, meth(any));
        let pc = pd::class_new(
            sym("ndm~ inlet"),
            None,
            None,
            std::mem::size_of::<Proxy>(),
            (pd::CLASS_PD | pd::CLASS_NOINLET) as c_int,
            A_NULL,
        );
        let pany: Any<Proxy> = proxy_anything;
        pd::class_addanything(pc, meth(pany));
        CLASS.store(c, Relaxed);
        PROXY_CLASS.store(pc, Relaxed);
        let v = cstr(&format!("ndm~ {}: neural drum machine", env!("CARGO_PKG_VERSION")));
        pd::post(c"%s".as_ptr(), v.as_ptr());
    })
}
