//! Where `ndm~` finds its model: the bundle folder relative to the package the external was
//! loaded from (never a path compiled in), and a process-wide cache of loaded engines so that
//! many `ndm~` boxes share one ONNX Runtime session set per bundle.

use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use ndm::{Engine, EngineOptions, NdmError, Synth};

/// The path of this external's own binary (`.../ndm~.mxo/Contents/MacOS/ndm~`, `.../ndm~.mxe64`).
#[cfg(target_os = "macos")]
fn module_path() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let here = module_path as fn() -> Option<PathBuf> as *const c_void;
    if unsafe { libc::dladdr(here, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }.to_bytes())))
}
#[cfg(windows)]
fn module_path() -> Option<PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    #[link(name = "kernel32")]
    extern "system" {
        fn GetModuleHandleExW(flags: u32, addr: *const u16, module: *mut *mut c_void) -> i32;
        fn GetModuleFileNameW(module: *mut c_void, buf: *mut u16, size: u32) -> u32;
    }
    let (mut h, mut buf) = (std::ptr::null_mut(), vec![0u16; 32768]);
    let here = module_path as fn() -> Option<PathBuf> as *const u16;
    // 0x4: GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, 0x2: ..._UNCHANGED_REFCOUNT
    if unsafe { GetModuleHandleExW(0x4 | 0x2, here, &mut h) } == 0 {
        return None;
    }
    let n = unsafe { GetModuleFileNameW(h, buf.as_mut_ptr(), buf.len() as u32) } as usize;
    (n > 0 && n < buf.len()).then(|| PathBuf::from(std::ffi::OsString::from_wide(&buf[..n])))
}

/// `models/` of the package the external was loaded from: the nearest ancestor folder of the
/// binary that has one (ndm/externals/ndm~.mxo/Contents/MacOS/ndm~ → ndm/models). Never a
/// path compiled in.
pub fn models_dir() -> Option<PathBuf> {
    module_path()?.ancestors().skip(1).take(6).map(|d| d.join("models")).find(|m| m.is_dir())
}
pub fn default_bundle() -> Option<PathBuf> {
    match std::env::var_os("NDM_BUNDLE").filter(|p| !p.is_empty()) {
        Some(p) => Some(p.into()),
        None => models_dir().map(|m| m.join("ndm-v1")).filter(|d| d.join("bundle.json").is_file()),
    }
}
/// `model ndm-v1` (a relative folder) means the package's models/ndm-v1.
pub fn resolve(p: &Path) -> PathBuf {
    match models_dir().map(|m| m.join(p)) {
        Some(c) if p.is_relative() && c.exists() => c,
        _ => p.to_path_buf(),
    }
}

/// Engines shared by every `ndm~` of the process, by bundle folder, while any uses them.
static ENGINES: Mutex<Vec<(PathBuf, Weak<Engine>)>> = Mutex::new(Vec::new());

pub fn load_engine(dir: &Path) -> Result<Arc<dyn Synth>, NdmError> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut cache = ENGINES.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|(_, e)| e.strong_count() > 0);
    if let Some(e) = cache.iter().find(|(p, _)| *p == dir).and_then(|(_, e)| e.upgrade()) {
        return Ok(e);
    }
    // Intel macOS (load-dynamic): ONNX Runtime is the libonnxruntime.dylib next to the binary.
    let ort_library = module_path()
        .filter(|_| cfg!(all(target_os = "macos", target_arch = "x86_64")))
        .and_then(|p| Some(p.parent()?.join("libonnxruntime.dylib")));
    let engine = Arc::new(Engine::load_with(&dir, &EngineOptions { intra_threads: 1, ort_library })?);
    cache.push((dir, Arc::downgrade(&engine)));
    Ok(engine)
}
