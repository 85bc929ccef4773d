//! Checks of the Max package that run without Max: the refpage is generated from the message
//! table and up to date; every .maxpat/.maxhelp/.amxd parses; every patch line connects an
//! existing outlet to an existing inlet; every `ndm~` box and every message sent into one uses
//! only messages and attributes of the core's table; package-info.json and icon.png are what
//! Max expects.

#[path = "../examples/gen_max_docs.rs"]
mod gen_max_docs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ndm::object::messages::{self, Atom, ATTRIBUTES, LEFT, MESSAGES, MIDDLE, RIGHT};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn patch_files() -> Vec<PathBuf> {
    let mut v = vec![root().join("help/ndm~.maxhelp")];
    for dir in [
        "max-package/patchers",
        "max-package/examples",
        "max-package/devices",
    ] {
        if let Ok(rd) = std::fs::read_dir(root().join(dir)) {
            for e in rd.flatten() {
                let p = e.path();
                if matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("maxpat" | "maxhelp" | "amxd")
                ) {
                    v.push(p);
                }
            }
        }
    }
    v.sort();
    v
}

/// The patcher JSON of a .maxpat/.maxhelp, or of an .amxd after checking its chunk header
/// ('ampf' [4] device type, 'meta' [4], 'ptch' [n] JSON + NUL; little-endian sizes).
fn load(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json = if path.extension().is_some_and(|e| e == "amxd") {
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        assert_eq!(&bytes[0..4], b"ampf", "{}", path.display());
        assert_eq!(u32_at(4), 4);
        assert!(matches!(&bytes[8..12], b"iiii" | b"aaaa" | b"mmmm"));
        assert_eq!(&bytes[12..16], b"meta");
        assert_eq!(u32_at(16), 4);
        assert_eq!(&bytes[24..28], b"ptch");
        let n = u32_at(28);
        assert_eq!(
            n,
            bytes.len() - 32,
            "ptch size must cover the rest of the file"
        );
        assert_eq!(bytes.last(), Some(&0), "the patch JSON ends with NUL");
        bytes[32..bytes.len() - 1].to_vec()
    } else {
        bytes
    };
    serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn atoms(tokens: &[&str]) -> Vec<Atom> {
    tokens
        .iter()
        .map(|t| {
            if let Ok(i) = t.parse::<i64>() {
                Atom::Int(i)
            } else if let Ok(f) = t.parse::<f64>() {
                Atom::Float(f)
            } else {
                Atom::sym(*t)
            }
        })
        .collect()
}

/// Whether `selector` is a message of the table at `inlet` (the right inlet also takes words).
fn accepted(inlet: usize, selector: &str) -> bool {
    messages::find(inlet, selector).is_some() || inlet == RIGHT
}

/// Checks one message (text of a message box) sent into inlet `inlet` of an ndm~.
fn check_message(what: &str, inlet: usize, text: &str) {
    for part in text.split(',') {
        let tokens: Vec<&str> = part.split_whitespace().collect();
        let Some(first) = tokens.first() else {
            continue;
        };
        let is_number = first.parse::<f64>().is_ok();
        let (sel, args) = match (is_number, tokens.len()) {
            (true, 1) if first.contains('.') => ("float", &tokens[..]),
            (true, 1) => ("int", &tokens[..]),
            (true, _) => ("list", &tokens[..]),
            (false, _) => (*first, &tokens[1..]),
        };
        if part.contains('$') {
            assert!(
                accepted(inlet, sel),
                "{what}: `{part}` is not a message of inlet {inlet}"
            );
        } else if let Err(e) = messages::parse(inlet, sel, &atoms(args)) {
            panic!("{what}: `{part}` into inlet {inlet}: {e}");
        }
    }
}

/// Validates one patcher and its subpatchers; returns how many ndm~ boxes it holds.
fn check_patcher(what: &str, p: &Value) -> usize {
    let boxes = p["boxes"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no boxes"));
    let mut by_id: HashMap<&str, &Value> = HashMap::new();
    let mut ndm_boxes = 0;
    for b in boxes {
        let b = &b["box"];
        let id = b["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: a box without id"));
        assert!(
            by_id.insert(id, b).is_none(),
            "{what}: duplicate box id {id}"
        );
        assert!(b["maxclass"].is_string(), "{what}: {id} has no maxclass");
        assert!(
            b["numinlets"].is_u64() && b["numoutlets"].is_u64(),
            "{what}: {id}"
        );
        let rect = b["patching_rect"].as_array().expect("patching_rect");
        assert_eq!(rect.len(), 4, "{what}: {id} patching_rect");
        if b.get("presentation").and_then(Value::as_u64) == Some(1) {
            assert_eq!(
                b["presentation_rect"].as_array().map(Vec::len),
                Some(4),
                "{what}: {id}"
            );
        }
        if let Some(types) = b.get("outlettype").and_then(Value::as_array) {
            assert_eq!(
                types.len() as u64,
                b["numoutlets"].as_u64().unwrap(),
                "{what}: {id} outlettype"
            );
        }
        if let Some(sub) = b.get("patcher") {
            ndm_boxes += check_patcher(
                &format!("{what} > {}", b["text"].as_str().unwrap_or(id)),
                sub,
            );
        }
        let text = b["text"].as_str().unwrap_or("");
        if b["maxclass"] == "newobj" && text.split_whitespace().next() == Some("ndm~") {
            ndm_boxes += 1;
            check_ndm_box(&format!("{what}: {id}"), text);
        }
    }
    for l in p["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no lines"))
    {
        let l = &l["patchline"];
        let (src, dst) = (&l["source"], &l["destination"]);
        let (sid, so) = (src[0].as_str().unwrap(), src[1].as_u64().unwrap());
        let (did, di) = (dst[0].as_str().unwrap(), dst[1].as_u64().unwrap());
        let s = by_id
            .get(sid)
            .unwrap_or_else(|| panic!("{what}: line from missing box {sid}"));
        let d = by_id
            .get(did)
            .unwrap_or_else(|| panic!("{what}: line to missing box {did}"));
        assert!(
            so < s["numoutlets"].as_u64().unwrap(),
            "{what}: {sid} has no outlet {so}"
        );
        assert!(
            di < d["numinlets"].as_u64().unwrap(),
            "{what}: {did} has no inlet {di}"
        );
        let dtext = d["text"].as_str().unwrap_or("");
        if d["maxclass"] == "newobj" && dtext.split_whitespace().next() == Some("ndm~") {
            check_input(&format!("{what}: {sid} -> {did}"), s, so, di as usize);
        }
    }
    ndm_boxes
}

/// `ndm~ [buffer] [@attr value...]`: the attributes exist and their values parse.
fn check_ndm_box(what: &str, text: &str) {
    let tokens: Vec<&str> = text.split_whitespace().skip(1).collect();
    let start = tokens
        .iter()
        .position(|t| t.starts_with('@'))
        .unwrap_or(tokens.len());
    assert!(
        start <= 1,
        "{what}: at most one argument (the buffer) before the attributes"
    );
    let mut i = start;
    while i < tokens.len() {
        let name = &tokens[i][1..];
        let end = tokens[i + 1..]
            .iter()
            .position(|t| t.starts_with('@'))
            .map_or(tokens.len(), |p| i + 1 + p);
        assert!(
            ATTRIBUTES.iter().any(|a| a.name == name),
            "{what}: unknown attribute @{name}"
        );
        if let Err(e) = messages::parse(LEFT, name, &atoms(&tokens[i + 1..end])) {
            panic!("{what}: @{name}: {e}");
        }
        i = end;
    }
}

/// What flows from `src`'s outlet into ndm~'s inlet must be a message of that inlet.
fn check_input(what: &str, src: &Value, outlet: u64, inlet: usize) {
    let class = src["maxclass"].as_str().unwrap();
    let text = src["text"].as_str().unwrap_or("");
    let first = text.split_whitespace().next().unwrap_or("");
    match (class, first) {
        ("message", _) => check_message(what, inlet, text),
        ("newobj", "prepend") => {
            let sel = text
                .split_whitespace()
                .nth(1)
                .expect("prepend needs a word");
            assert!(
                accepted(inlet, sel),
                "{what}: `{sel}` is not a message of inlet {inlet}"
            );
        }
        ("newobj", "pak" | "pack") => {
            assert!(accepted(inlet, "list"), "{what}: list into inlet {inlet}")
        }
        ("newobj", "sel" | "select") | ("button", _) => {
            assert!(accepted(inlet, "bang"), "{what}: bang into inlet {inlet}")
        }
        ("umenu" | "live.menu" | "tab" | "live.tab", _) if outlet == 0 => {
            assert!(accepted(inlet, "int"), "{what}: int into inlet {inlet}")
        }
        ("newobj", "loadmess") => {} // sets a message box's text at load time
        _ => {
            panic!("{what}: unchecked source `{class} {text}` into ndm~ inlet {inlet}: add a rule")
        }
    }
}

#[test]
fn refpage_is_generated_from_the_table_and_up_to_date() {
    let path = root().join(gen_max_docs::MAXREF_PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == gen_max_docs::maxref_xml(),
        "{} is out of date: run `cargo run --example gen_max_docs`",
        path.display()
    );
    for m in MESSAGES {
        assert!(
            committed.contains(&format!("<method name=\"{}\">", m.selector)),
            "{}",
            m.selector
        );
    }
    for a in ATTRIBUTES {
        assert!(
            committed.contains(&format!("<attribute name=\"{}\"", a.name)),
            "{}",
            a.name
        );
    }
    assert_eq!(
        committed.matches("<inlet id=").count(),
        messages::INLETS.len()
    );
    assert_eq!(
        committed.matches("<outlet id=").count(),
        messages::OUTLETS.len()
    );
}

#[test]
fn every_patcher_parses_and_is_wired_consistently() {
    let files = patch_files();
    assert!(
        files.len() >= 3,
        "expected the help file, the interface patch and the device: {files:?}"
    );
    for f in &files {
        let v = load(f);
        let n = check_patcher(&f.display().to_string(), &v["patcher"]);
        assert!(n >= 1, "{}: no ndm~ box", f.display());
    }
}

#[test]
fn help_file_has_the_tabs() {
    let v = load(&root().join("help/ndm~.maxhelp"));
    let tabs: Vec<&str> = v["patcher"]["boxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["box"])
        .filter(|b| b.get("showontab").and_then(Value::as_u64) == Some(1))
        .filter_map(|b| b["text"].as_str())
        .collect();
    for t in ["p basic", "p encode", "p axes", "p variations", "p model"] {
        assert!(tabs.contains(&t), "missing tab {t}: {tabs:?}");
    }
}

fn all_boxes(p: &Value, out: &mut Vec<Value>) {
    for b in p["boxes"].as_array().into_iter().flatten() {
        out.push(b["box"].clone());
        if let Some(sub) = b["box"].get("patcher") {
            all_boxes(sub, out);
        }
    }
}

#[test]
fn max_for_live_device_is_an_automatable_instrument() {
    let path = root().join("max-package/devices/NDM.amxd");
    assert_eq!(
        &std::fs::read(&path).unwrap()[8..12],
        b"iiii",
        "an instrument device"
    );
    let mut boxes = vec![];
    all_boxes(&load(&path)["patcher"], &mut boxes);
    let texts: Vec<&str> = boxes.iter().filter_map(|b| b["text"].as_str()).collect();
    assert!(texts.iter().any(|t| t.starts_with("notein")), "MIDI in");
    assert!(texts.iter().any(|t| t.starts_with("plugout~")), "audio out");
    assert!(
        texts.iter().any(|t| t.starts_with("ndm~ ---")),
        "per-device buffer name"
    );
    let params: Vec<&str> = boxes
        .iter()
        .filter(|b| {
            b["maxclass"]
                .as_str()
                .is_some_and(|c| c.starts_with("live."))
        })
        .filter(|b| b["parameter_enable"] == 1)
        .filter_map(|b| b["saved_attribute_attributes"]["valueof"]["parameter_longname"].as_str())
        .collect();
    for p in [
        "Pad X", "Pad Y", "Fine", "Class", "Range", "Axes", "Vocoder",
    ] {
        assert!(
            params.contains(&p),
            "missing Live parameter {p}: {params:?}"
        );
    }
}

#[test]
fn interface_patch_has_a_presentation() {
    let v = load(&root().join("max-package/patchers/ndm.maxpat"));
    assert_eq!(v["patcher"]["openinpresentation"], 1);
    let mut boxes = vec![];
    all_boxes(&v["patcher"], &mut boxes);
    for class in [
        "pictslider",
        "dial",
        "umenu",
        "tab",
        "dropfile",
        "waveform~",
        "button",
    ] {
        assert!(
            boxes
                .iter()
                .any(|b| b["maxclass"] == class && b["presentation"] == 1),
            "no {class} in presentation"
        );
    }
}

#[test]
fn package_info_has_the_fields_max_expects() {
    let v: Value = serde_json::from_slice(
        &std::fs::read(root().join("max-package/package-info.json")).unwrap(),
    )
    .unwrap();
    for k in [
        "name",
        "displayname",
        "version",
        "author",
        "description",
        "website",
        "max_version_min",
    ] {
        assert!(
            v[k].as_str().is_some_and(|s| !s.is_empty()),
            "package-info.json: {k}"
        );
    }
    assert_eq!(v["name"], "ndm");
    assert!(v["tags"].is_array());
    assert!(v["os"]["macintosh"].is_object() && v["os"]["windows"].is_object());
    let home = v["homepatcher"].as_str().unwrap();
    assert!(
        root().join("max-package/patchers").join(home).is_file(),
        "homepatcher {home}"
    );
}

#[test]
fn icon_is_a_500_px_png() {
    let b = std::fs::read(root().join("max-package/icon.png")).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&b[12..16], b"IHDR");
    let (w, h) = (
        u32::from_be_bytes(b[16..20].try_into().unwrap()),
        u32::from_be_bytes(b[20..24].try_into().unwrap()),
    );
    assert_eq!((w, h), (500, 500));
}

#[test]
fn table_inlets_match_the_external() {
    // The external makes one proxy inlet per INLETS row after the left one, and one outlet per
    // OUTLETS row; the patches above assume three of each.
    assert_eq!(messages::INLETS.len(), 3);
    assert_eq!(messages::OUTLETS.len(), 3);
    assert!(messages::find(MIDDLE, "list").is_some());
    assert!(messages::find(RIGHT, "int").is_some());
}
