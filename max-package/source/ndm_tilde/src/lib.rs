//! `ndm~` for Max: a thin median adapter over [`ndm::object::DrumObject`], which holds all of the
//! object's behaviour (message table, parsing, state, worker thread). This file only maps Max's
//! inlets, outlets, attributes, buffer~ and threads onto the core's `Host` seam.
//!
//! Threads: messages that arrive off the main thread (the scheduler thread, in overdrive) are
//! deferred with `defer_low`, so buffer~ resizing and outlets happen on the main thread only.
//! The worker hands results back through a qelem (`schedule_main` = `qelem_set`, thread-safe).
//! The model is found relative to the external's own binary (`ndm::object::adapter`, which holds
//! the host-independent helpers), and engines are shared by every `ndm~` per bundle folder.
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_void, CStr, CString};
use std::os::raw::{c_char, c_long, c_short};
use std::panic::{catch_unwind, AssertUnwindSafe as Safe};
use std::path::PathBuf;
use std::sync::Arc;

use median::atom::{Atom as MaxAtom, AtomValue};
use median::attr::{AttrBuilder, AttrTrampGetMethod, AttrTrampSetMethod, AttrType};
use median::builder::MaxWrappedBuilder;
use median::class::Class;
use median::inlet::{MaxInlet, Proxy};
use median::max_sys::{self, t_atom, t_max_err, t_symbol};
use median::method::MaxMethod;
use median::object::MaxObj;
use median::outlet::{OutAnything, SendValue};
use median::symbol::SymbolRef;
use median::wrapper::{MaxObjWrapped, MaxObjWrapper, WrapperWrapped};
use ndm::object::adapter::{self as ad, port_assist as assist};
use ndm::object::messages::{ATTRIBUTES, INLETS, OUTLETS};
use ndm::object::{Atom, BufferInfo, DrumObject, Host, HostError};
use ndm::EngineOptions;

type Wrapper = MaxObjWrapper<NdmTilde>;
type DeferFn = unsafe extern "C" fn(*mut c_void, *mut t_symbol, c_short, *mut t_atom);
type AttrGet = unsafe extern "C" fn(&Wrapper, *mut c_void, *mut c_long, *mut *mut t_atom) -> t_max_err;
type AttrSet = unsafe extern "C" fn(&Wrapper, *mut c_void, c_long, *mut t_atom) -> t_max_err;

/// A Max pointer the core may carry to its worker thread (used there only for `qelem_set`).
#[derive(Clone, Copy)]
struct Ptr(*mut c_void);
unsafe impl Send for Ptr {}
unsafe impl Sync for Ptr {}

fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default() // a NUL becomes a space (ad::c_string drops it)
}
fn sym(s: &str) -> *mut t_symbol {
    unsafe { max_sys::gensym(cstring(s).as_ptr()) }
}
fn sym_str(s: *mut t_symbol) -> String {
    match unsafe { s.as_ref() } {
        Some(s) if !s.s_name.is_null() => unsafe { CStr::from_ptr(s.s_name) }.to_string_lossy().into_owned(),
        _ => String::new(),
    }
}
fn from_max(a: &MaxAtom) -> Atom {
    match a.get_value() {
        Some(AtomValue::Int(i)) => Atom::Int(i as i64),
        Some(AtomValue::Float(f)) => Atom::Float(f),
        Some(AtomValue::Symbol(s)) => Atom::Symbol(s.to_string().unwrap_or_default()),
        _ => Atom::Symbol(String::new()), // rejected by the core's parser, with a message
    }
}
fn to_max(a: &Atom) -> MaxAtom {
    match a {
        Atom::Int(i) => MaxAtom::from(*i as max_sys::t_atom_long),
        Atom::Float(f) => MaxAtom::from(*f),
        Atom::Symbol(s) => MaxAtom::from(SymbolRef::from(sym(s))),
    }
}
unsafe fn max_atoms<'a>(ac: c_long, av: *const t_atom) -> &'a [MaxAtom] {
    ad::slice_or_empty(av as *const MaxAtom, ac) // MaxAtom is a transparent t_atom
}
/// `models/` of the package the external was loaded from (never a path compiled in).
fn models_dir() -> Option<PathBuf> {
    ad::models_dir_above(&ad::module_path()?)
}
/// Engine options: on Intel macOS (load-dynamic) ONNX Runtime is the libonnxruntime.dylib next to the binary.
fn engine_options() -> EngineOptions {
    let ort_library = ad::module_path()
        .filter(|_| cfg!(all(target_os = "macos", target_arch = "x86_64")))
        .and_then(|p| Some(p.parent()?.join("libonnxruntime.dylib")));
    EngineOptions {
        ort_library,
        ..EngineOptions::default()
    }
}

/// A buffer~ looked up by name for the duration of one call (main thread only).
struct Buf(*mut max_sys::t_buffer_ref, *mut max_sys::t_buffer_obj);
impl Buf {
    fn find(owner: Ptr, name: &str) -> Result<Buf, HostError> {
        let r = unsafe { max_sys::buffer_ref_new(owner.0 as _, sym(name)) };
        let b = Buf(r, if r.is_null() { r as _ } else { unsafe { max_sys::buffer_ref_getobject(r) } });
        if b.1.is_null() { Err(HostError::NoSuchBuffer(name.into())) } else { Ok(b) }
    }
    fn info(&self) -> BufferInfo {
        BufferInfo {
            frames: unsafe { max_sys::buffer_getframecount(self.1) }.max(0) as usize,
            channels: unsafe { max_sys::buffer_getchannelcount(self.1) }.max(0) as usize,
            sample_rate: ad::host_rate(unsafe { max_sys::buffer_getsamplerate(self.1) }),
        }
    }
    /// Runs `f` on the locked samples, interleaved (frame f of channel c is s[f * channels + c]).
    fn samples<R>(&self, name: &str, write: bool, f: impl FnOnce(&mut [f32], usize, usize) -> R) -> Result<R, HostError> {
        let p = unsafe { max_sys::buffer_locksamples(self.1) };
        if p.is_null() {
            return Err(HostError::Buffer { name: name.into(), reason: "cannot lock its samples".into() });
        }
        let BufferInfo { frames, channels, .. } = self.info();
        let r = f(unsafe { std::slice::from_raw_parts_mut(p, frames * channels) }, frames, channels);
        unsafe {
            if write {
                max_sys::buffer_setdirty(self.1); // redraws waveform~ and friends
            }
            max_sys::buffer_unlocksamples(self.1);
        }
        Ok(r)
    }
}
impl Drop for Buf {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { max_sys::object_free(self.0 as _) };
        }
    }
}

struct MaxHost {
    obj: Ptr,
    qelem: Ptr,
    outlets: Vec<OutAnything>,
}

impl Host for MaxHost {
    fn buffer_info(&self, name: &str) -> Option<BufferInfo> {
        Buf::find(self.obj, name).ok().map(|b| b.info())
    }
    fn read_buffer(&self, name: &str) -> Result<(Vec<f32>, u32), HostError> {
        let b = Buf::find(self.obj, name)?;
        let mono = b.samples(name, false, |s, _, ch| ad::mix_to_mono(s, ch))?;
        if mono.is_empty() {
            return Err(HostError::EmptyBuffer(name.into()));
        }
        Ok((mono, b.info().sample_rate))
    }
    fn write_buffer(&self, name: &str, samples: &[f32], _rate: u32) -> Result<(), HostError> {
        let b = Buf::find(self.obj, name)?;
        let len = samples.len();
        if b.info().frames != len {
            // median has no resize: send the buffer~ `sizeinsamps <n>` (it keeps its channels).
            let mut n: t_atom = unsafe { std::mem::zeroed() };
            unsafe {
                max_sys::atom_setlong(&mut n, len as _);
                max_sys::object_method_typed(b.1 as _, sym("sizeinsamps"), 1, &mut n, std::ptr::null_mut());
            }
        }
        let reason = b.samples(name, true, |s, frames, ch| {
            if frames < len || ch == 0 {
                return Some(format!("could not resize it to {len} samples (it has {frames})"));
            }
            ad::fill_interleaved(s, ch, samples); // the mono sound in every channel
            None
        })?;
        reason.map_or(Ok(()), |reason| Err(HostError::Buffer { name: name.into(), reason }))
    }
    fn outlet_bang(&self, outlet: usize) {
        if let Some(o) = self.outlets.get(outlet) {
            let _ = SendValue::<()>::send(o.as_ref(), ());
        }
    }
    fn outlet_list(&self, outlet: usize, selector: &str, atoms: &[Atom]) {
        if let Some(o) = self.outlets.get(outlet) {
            let _ = o.send_anything(SymbolRef::from(sym(selector)), &atoms.iter().map(to_max).collect::<Vec<_>>());
        }
    }
    fn post_error(&self, msg: &str) {
        // The text is an argument of "%s", never the printf format: a `%` in it is harmless.
        unsafe { max_sys::object_error(self.obj.0 as _, c"%s".as_ptr(), cstring(msg).as_ptr()) }
    }
    fn post(&self, msg: &str) {
        unsafe { max_sys::object_post(self.obj.0 as _, c"%s".as_ptr(), cstring(msg).as_ptr()) }
    }
    fn schedule_main(&self) {
        unsafe { max_sys::qelem_set(self.qelem.0) }
    }
}

median::external! {
    #[name = "ndm~"]
    pub struct NdmTilde {
        obj: Option<DrumObject>,
        qelem: Ptr,
    }

    impl MaxObjWrapped<NdmTilde> for NdmTilde {
        fn new(builder: &mut dyn MaxWrappedBuilder<Self>) -> Self {
            // Inlets: left (messages) + proxies; outlets left to right; assist from the table.
            builder.with_default_inlet_assist(&assist(0, INLETS));
            for i in 1..INLETS.len() {
                builder.add_inlet_with_assist(MaxInlet::Proxy, &assist(i, INLETS));
            }
            let outlets = (0..OUTLETS.len()).map(|i| builder.add_anything_outlet_with_assist(&assist(i, OUTLETS))).collect();
            let owner = Ptr(unsafe { builder.max_obj() } as _);
            let on_main = unsafe { std::mem::transmute::<unsafe extern "C" fn(*mut c_void), MaxMethod>(qelem_fn) };
            let qelem = Ptr(unsafe { max_sys::qelem_new(owner.0, Some(on_main)) });
            let host = Arc::new(MaxHost { obj: owner, qelem, outlets });
            // Known `@attr value` groups reach the attribute setters through Max (right after
            // `new`); the core gets the buffer name and unknown @groups, which it reports.
            let args = ad::strip_known_attributes(builder.creation_args().iter().map(from_max).collect());
            let obj = catch_unwind(Safe(|| {
                let synth = match ad::package_bundle(models_dir().as_deref()) {
                    Some(dir) => ad::shared_engine(&dir, &engine_options()).map_err(|e| host.post_error(&format!("model {}: {e}", dir.display()))).ok(),
                    None => {
                        host.post_error("no model bundle found (models/ndm-v1 in the package); send model <folder>");
                        None
                    }
                };
                // `model ndm-v1` (a relative folder) means the package's models/ndm-v1.
                let loader = ad::shared_loader(|p| ad::resolve_in(models_dir().as_deref(), p), engine_options);
                DrumObject::new(host.clone(), synth, loader, &args)
            }));
            Self { obj: obj.map_err(|_| host.post_error("internal error while creating the object")).ok(), qelem }
        }

        fn class_setup(c: &mut Class<MaxObjWrapper<Self>>) {
            // One Max attribute per row of the core's ATTRIBUTES, all with the same accessors
            // (they ask the attribute for its name); type `atom` so `axes 3 5 9` fits.
            let get = unsafe { std::mem::transmute::<AttrGet, AttrTrampGetMethod<Wrapper>>(attr_get) };
            let set = unsafe { std::mem::transmute::<AttrSet, AttrTrampSetMethod<Wrapper>>(attr_set) };
            for a in ATTRIBUTES {
                if let Ok(attr) = AttrBuilder::new_accessors(a.name, AttrType::AtomPtr, get, set).build() {
                    let _ = c.add_attribute(attr);
                }
            }
        }
    }

    impl NdmTilde {
        #[bang]
        pub fn bang(&self) { self.dispatch("bang", &[]) }
        #[int]
        pub fn int(&self, v: max_sys::t_atom_long) { self.dispatch("int", &[MaxAtom::from(v)]) }
        #[float]
        pub fn float(&self, v: f64) { self.dispatch("float", &[MaxAtom::from(v)]) }
        #[list]
        pub fn list(&self, atoms: &[MaxAtom]) { self.dispatch("list", atoms) }
        #[any]
        pub fn anything(&self, sel: &SymbolRef, atoms: &[MaxAtom]) { self.dispatch(&sel.to_string().unwrap_or_default(), atoms) }
    }
}

impl NdmTilde {
    fn dispatch(&self, sel: &str, atoms: &[MaxAtom]) {
        let _ = catch_unwind(Safe(|| self.route(Proxy::get_inlet(self.max_obj()), sel, atoms)));
    }
    /// Hands a message to the core on the main thread, or defers it there (keeping its inlet).
    fn route(&self, inlet: usize, sel: &str, atoms: &[MaxAtom]) {
        if unsafe { max_sys::systhread_ismainthread() } == 0 {
            let f: DeferFn = [deferred::<0>, deferred::<1>, deferred::<2>][inlet.min(2)];
            let (f, n) = (unsafe { std::mem::transmute::<DeferFn, MaxMethod>(f) }, atoms.len().min(i16::MAX as usize));
            unsafe { max_sys::defer_low(self.max_obj() as _, Some(f), sym(sel), n as c_short, atoms.as_ptr() as _) };
        } else if let Some(o) = &self.obj {
            o.handle(inlet, sel, &atoms.iter().map(from_max).collect::<Vec<_>>())
        }
    }
}

impl Drop for NdmTilde {
    fn drop(&mut self) {
        let _ = catch_unwind(Safe(|| drop(self.obj.take()))); // joins (or detaches) the worker
        unsafe { max_sys::qelem_free(self.qelem.0) }; // only now: no schedule_main after the drop
    }
}

unsafe extern "C" fn qelem_fn(x: *mut c_void) {
    let _ = catch_unwind(|| (*(x as *const Wrapper)).wrapped().obj.as_ref().map(|o| o.on_main()));
}
unsafe extern "C" fn deferred<const INLET: usize>(x: *mut c_void, s: *mut t_symbol, ac: c_short, av: *mut t_atom) {
    let _ = catch_unwind(Safe(|| (*(x as *const Wrapper)).wrapped().route(INLET, &sym_str(s), max_atoms(ac as _, av))));
}
unsafe fn attr_name(attr: *mut c_void) -> String {
    sym_str(max_sys::object_method(attr, sym("getname")) as *mut t_symbol)
}
unsafe extern "C" fn attr_get(w: &Wrapper, attr: *mut c_void, ac: *mut c_long, av: *mut *mut t_atom) -> t_max_err {
    let _ = catch_unwind(Safe(|| {
        // An attribute's current value, for Max's getter (inspector, `getrange`, pattr).
        let values = w.wrapped().obj.as_ref().and_then(|o| o.attribute_value(&attr_name(attr))).unwrap_or_default();
        let mut alloc = 0 as c_char;
        if max_sys::atom_alloc_array(values.len().max(1) as _, ac, av, &mut alloc) == 0 {
            *ac = values.len() as _;
            for (i, v) in values.iter().enumerate() {
                (*av).add(i).write(std::mem::transmute::<MaxAtom, t_atom>(to_max(v)));
            }
        }
    }));
    0
}
unsafe extern "C" fn attr_set(w: &Wrapper, attr: *mut c_void, ac: c_long, av: *mut t_atom) -> t_max_err {
    let _ = catch_unwind(Safe(|| w.wrapped().route(0, &attr_name(attr), max_atoms(ac, av))));
    0
}
