//! `ndm~` for Pure Data: a thin adapter over ndm's [`DrumObject`] and the helpers of `ndm::object::adapter`.
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

use std::ffi::{c_int, c_long, c_void, CStr};
use std::path::PathBuf;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering::Relaxed};
use std::sync::Arc;

use ndm::object::adapter::{self as ad, c_string as cstr, Polled};
use ndm::object::{Atom, BufferInfo, DrumObject, Host, HostError};
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

/// The object, its clock state and its Pd parts; `base_dir` is the patch's folder.
type Inner = Polled<Parts>;
struct Parts {
    host: Arc<PdHost>,
    clock: *mut pd::_clock,
    proxies: [*mut Proxy; 2],
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
    ad::slice_or_empty(argv, argc)
        .iter()
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
    ad::host_rate(unsafe { pd::sys_getsr() } as f64)
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

const PANICKED: &CStr = c"ndm~: internal error (panic caught); the object keeps working";
/// Runs `f`, turning a panic into a console line and `fallback`.
fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    ad::guarded(fallback, || unsafe { pd::post(PANICKED.as_ptr()) }, f)
}

/// Runs `f` on the object's state; drops the state afterwards if the object was freed inside.
unsafe fn enter(inner: *mut Inner, f: impl FnOnce(&Inner)) {
    Inner::enter(inner, |i| guard((), || f(i)))
}

fn handle(i: &Inner, inlet: usize, sel: &str, atoms: Vec<Atom>) {
    if i.handle(inlet, sel, atoms, || unsafe { pd::clock_getlogicaltime() }) {
        unsafe { pd::clock_delay(i.extra.clock, POLL_MS) };
    }
}

unsafe extern "C" fn tick(x: *mut NdmPd) {
    enter((*x).inner, |i| {
        if i.tick(&i.extra.host.pending, |t0| pd::clock_gettimesince(t0)) {
            pd::clock_delay(i.extra.clock, POLL_MS);
        }
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
        let canvas_dir =
            canvas.as_ref().map_or(PathBuf::new(), |c| PathBuf::from(sym_name(pd::canvas_getdir(c))));
        // libonnxruntime.so and the model bundle next to the external if there, else ndm's defaults.
        let (loader, bundle) = ad::beside(&dir, ndm::default_bundle_dir());
        let obj = DrumObject::new(host.clone(), None, loader, &to_atoms(argc, argv));
        let clock = pd::clock_new(x as *mut c_void, meth(tick as unsafe extern "C" fn(*mut NdmPd)));
        let inner = Inner::new(obj, canvas_dir, Parts { host: host.clone(), clock, proxies }).into_raw();
        (*x).inner = inner;
        match bundle {
            Ok(b) => enter(inner, |i| handle(i, 0, "model", vec![Atom::sym(b.to_string_lossy())])),
            Err(e) => host.post_error(&e),
        }
        x as *mut c_void
    })
}

unsafe extern "C" fn ndm_free(x: *mut NdmPd) {
    guard((), || {
        // Drops the state (joining the worker) now, or when the outermost entry point returns.
        Inner::free(std::mem::replace(&mut (*x).inner, null_mut()), |i| {
            i.extra.host.dead.store(true, Relaxed);
            pd::clock_free(i.extra.clock);
            for p in i.extra.proxies {
                pd::pd_free(p as *mut pd::t_pd);
            }
        })
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
