//! THE message table of `ndm~`: every message, inlet, outlet and attribute of the object.
//!
//! The Max and Pd adapters, the help files, the refpage, the README section and the tests
//! are generated from, or checked against, [`MESSAGES`], [`ATTRIBUTES`], [`INLETS`] and
//! [`OUTLETS`]. The parser [`parse`] is driven by the same table: a message that is not in
//! it cannot be parsed, and every argument is checked against its [`ArgType`].
//!
//! Policy for bad input (see also RELIABILITY.md): a message is either accepted whole or
//! rejected whole with one [`ParseError`] whose text names the message and the problem.
//! NaN and infinity are always rejected. Out-of-range numbers (pad coordinates outside
//! [0, 1], a negative range, ...) are rejected too, never clamped: a patch that sends them
//! has a bug the user should see, and the object keeps its previous state.

use std::fmt;

/// One atom of a message, as the host delivers it. Pd delivers every number as a float;
/// Max distinguishes ints and floats.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Float(f64),
    Int(i64),
    Symbol(String),
}

impl Atom {
    pub fn sym(s: impl Into<String>) -> Atom {
        Atom::Symbol(s.into())
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Float(v) => write!(f, "{v}"),
            Atom::Int(v) => write!(f, "{v}"),
            Atom::Symbol(s) => write!(f, "{s}"),
        }
    }
}

impl From<f64> for Atom {
    fn from(v: f64) -> Self {
        Atom::Float(v)
    }
}
impl From<f32> for Atom {
    fn from(v: f32) -> Self {
        Atom::Float(v as f64)
    }
}
impl From<i64> for Atom {
    fn from(v: i64) -> Self {
        Atom::Int(v)
    }
}
impl From<&str> for Atom {
    fn from(v: &str) -> Self {
        Atom::Symbol(v.to_string())
    }
}

/// The type of one argument.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArgType {
    /// A finite number in `[min, max]` (ints are accepted).
    Float { min: f64, max: f64 },
    /// An integer in `[min, max]` (integral floats are accepted, as Pd sends only floats).
    Int { min: i64, max: i64 },
    /// A non-empty symbol (a buffer name, a file path, a slot name).
    Symbol,
    /// One of a fixed set of symbols.
    Choice(&'static [&'static str]),
    /// The rest of the message: between `min` and `max` finite numbers, each in `[lo, hi]`.
    FloatList {
        min: usize,
        max: usize,
        lo: f64,
        hi: f64,
    },
    /// A class: an index (int) or a name (symbol), resolved against the loaded model.
    ClassRef,
    /// The first argument of `axes`: `pca`, `random`, or a latent dimension index.
    AxesMode,
}

impl ArgType {
    fn describe(&self) -> String {
        match self {
            ArgType::Float { min, max } => format!("float {min}..{max}"),
            ArgType::Int { min, max } => format!("int {min}..{max}"),
            ArgType::Symbol => "symbol".into(),
            ArgType::Choice(c) => c.join("|"),
            ArgType::FloatList { min, max, .. } if min == max => format!("{min} floats"),
            ArgType::FloatList { min, max, .. } => format!("{min}..{max} floats"),
            ArgType::ClassRef => "class name or index".into(),
            ArgType::AxesMode => "pca|random|dimension index".into(),
        }
    }
}

/// One argument of a message.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    pub name: &'static str,
    pub ty: ArgType,
    pub optional: bool,
}

/// Which inlet a message goes to.
pub const LEFT: usize = 0;
pub const MIDDLE: usize = 1;
pub const RIGHT: usize = 2;

/// One message of the object.
pub struct MessageSpec {
    pub selector: &'static str,
    pub inlet: usize,
    pub args: &'static [ArgSpec],
    /// One line, for the refpage digest and the help patch.
    pub digest: &'static str,
    /// A longer description (markdown).
    pub description: &'static str,
    /// Example atoms after the selector, used by the tests and the help files.
    pub example: &'static str,
    build: fn(&[Value]) -> Result<Command, String>,
}

impl fmt::Debug for MessageSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageSpec")
            .field("selector", &self.selector)
            .field("inlet", &self.inlet)
            .finish()
    }
}

impl MessageSpec {
    /// `xy <x> <y>`, with optional arguments in brackets.
    pub fn usage(&self) -> String {
        let mut s = String::from(match self.selector {
            ANYTHING => "<class name>",
            sel => sel,
        });
        for a in self.args {
            let inner = match a.ty {
                ArgType::Choice(c) => c.join("|"),
                ArgType::AxesMode => "pca|random|<i>".into(),
                ArgType::FloatList { .. } => format!("<{}...>", a.name),
                _ => format!("<{}>", a.name),
            };
            if a.optional {
                s.push_str(&format!(" [{inner}]"));
            } else {
                s.push_str(&format!(" {inner}"));
            }
        }
        s
    }

    fn min_args(&self) -> usize {
        self.args
            .iter()
            .map(|a| match a.ty {
                ArgType::FloatList { min, .. } if !a.optional => min,
                _ if a.optional => 0,
                _ => 1,
            })
            .sum()
    }

    fn max_args(&self) -> usize {
        self.args
            .iter()
            .map(|a| match a.ty {
                ArgType::FloatList { max, .. } => max,
                _ => 1,
            })
            .sum()
    }
}

/// An attribute: set with `@name value` in the box, or with the message `name value`
/// (every attribute is also a message of [`MESSAGES`]; the tests check it).
#[derive(Debug, Clone, Copy)]
pub struct AttrSpec {
    pub name: &'static str,
    pub ty: &'static str,
    pub default: &'static str,
    pub digest: &'static str,
}

/// One inlet or outlet.
#[derive(Debug, Clone, Copy)]
pub struct PortSpec {
    pub index: usize,
    pub name: &'static str,
    pub digest: &'static str,
}

/// The selector under which the right inlet accepts a bare class name (Max's `anything`).
pub const ANYTHING: &str = "anything";

/// A class reference before it is resolved against the model's class list.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassRef {
    Index(usize),
    Name(String),
}

impl fmt::Display for ClassRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassRef::Index(i) => write!(f, "{i}"),
            ClassRef::Name(n) => write!(f, "{n}"),
        }
    }
}

/// The pad's axes, as a message sets them.
#[derive(Debug, Clone, PartialEq)]
pub enum AxesCmd {
    /// Principal directions P1, P2 (fine: P3).
    Pca,
    /// Random latent dimensions drawn with `seed` (None: the object's `seed`).
    Random { seed: Option<u64> },
    /// Explicit latent dimensions `[i, j]` or `[i, j, k]` (k: fine).
    Explicit(Vec<usize>),
}

impl fmt::Display for AxesCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxesCmd::Pca => write!(f, "pca"),
            AxesCmd::Random { seed: None } => write!(f, "random"),
            AxesCmd::Random { seed: Some(s) } => write!(f, "random {s}"),
            AxesCmd::Explicit(d) => {
                let v: Vec<String> = d.iter().map(|i| i.to_string()).collect();
                write!(f, "{}", v.join(" "))
            }
        }
    }
}

/// The vocoder, as a message sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocoderCmd {
    /// The model's own choice (bundle.json `vocoder`) with its rounds.
    Model,
    /// `refine`: Griffin-Lim rounds after the MCNN; `None`: the bundle's `mcnn_refine`.
    Mcnn {
        refine: Option<u32>,
    },
    /// `rounds` from a seeded noise, the first with PGHI's phase; `None`: the bundle's.
    Pghi {
        rounds: Option<u32>,
    },
    GriffinLim {
        iterations: Option<u32>,
    },
}

/// A parsed, validated message.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Bang,
    Class(ClassRef),
    /// Pad position; `fine` only from a 3-element list into the middle inlet.
    Xy {
        x: f64,
        y: f64,
        fine: Option<f64>,
    },
    Fine(f64),
    Z(Vec<f32>),
    Axes(AxesCmd),
    Range(f64),
    Random,
    Vary(f64),
    Store(String),
    Recall(String),
    Morph {
        a: String,
        b: String,
        t: f64,
    },
    Encode {
        buffer: String,
        class: Option<ClassRef>,
    },
    Set(String),
    Model(String),
    Write(String),
    Dump,
    Vocoder(VocoderCmd),
    Autorender(bool),
    Seed(u64),
    Trim(bool),
}

/// Why a message was rejected. Its text is one line that names the message and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    fn new(selector: &str, problem: impl fmt::Display) -> Self {
        ParseError {
            message: format!("{}: {problem}", short(selector, 40)),
        }
    }
}

/// A checked argument value.
#[derive(Debug, Clone)]
enum Value {
    F(f64),
    I(i64),
    S(String),
    List(Vec<f64>),
    Class(ClassRef),
    /// Present only for missing optional arguments.
    None,
}

impl Value {
    fn f(&self) -> f64 {
        match self {
            Value::F(v) => *v,
            Value::I(v) => *v as f64,
            _ => f64::NAN,
        }
    }
    fn opt_i(&self) -> Option<i64> {
        match self {
            Value::I(v) => Some(*v),
            _ => None,
        }
    }
    fn s(&self) -> String {
        match self {
            Value::S(s) => s.clone(),
            _ => String::new(),
        }
    }
}

/// Largest seed: integers up to 2^53 survive a round trip through a double (Max), and Pd's
/// floats are exact up to 2^24.
pub const MAX_SEED: i64 = 1 << 53;
/// Largest latent dimension index accepted by the parser; the object checks the model's.
pub const MAX_DIM: i64 = 4095;
/// Longest list accepted by `z` (the object checks the model's latent_dim).
pub const MAX_Z_LEN: usize = 4096;
/// Longest symbol accepted (buffer names, paths, slot names).
pub const MAX_SYMBOL_LEN: usize = 4096;
/// Largest Griffin-Lim iteration count.
pub const MAX_GL_ITERS: i64 = 1000;
/// Default Griffin-Lim iteration count.
pub const DEFAULT_GL_ITERS: u32 = 32;
/// Most Griffin-Lim rounds after the MCNN (as bundle.json's `mcnn_refine`).
pub const MAX_MCNN_REFINE: u32 = crate::bundle::limits::MAX_MCNN_REFINE;

const fn req(name: &'static str, ty: ArgType) -> ArgSpec {
    ArgSpec {
        name,
        ty,
        optional: false,
    }
}
const fn opt(name: &'static str, ty: ArgType) -> ArgSpec {
    ArgSpec {
        name,
        ty,
        optional: true,
    }
}
const UNIT: ArgType = ArgType::Float { min: 0.0, max: 1.0 };
const BOOL: ArgType = ArgType::Int { min: 0, max: 1 };

/// Every message of `ndm~`.
pub static MESSAGES: &[MessageSpec] = &[
    MessageSpec {
        selector: "bang",
        inlet: LEFT,
        args: &[],
        digest: "Render the current sound into the target buffer",
        description: "Renders with the current class, latent and vocoder on the worker thread, \
            writes the sound into the target buffer (resized, at the buffer's own sample rate) and \
            bangs the left outlet. Unchanged parameters reuse the last sound (a vocoder named \
            another way counts as unchanged: `model` and what the model chose, `pghi` and \
            `pghi` with the model's rounds). Bangs while a render is running replace any \
            waiting request: the latest request wins.",
        example: "",
        build: |_| Ok(Command::Bang),
    },
    MessageSpec {
        selector: "class",
        inlet: LEFT,
        args: &[req("class", ArgType::ClassRef)],
        digest: "Choose the drum class by name or index",
        description: "Sets the class that conditions the decoder (`class snare` or `class 1`). \
            The latent follows the pad at the new class's mean. Unknown names and indices out of \
            range are rejected. Also an attribute (`@class`).",
        example: "snare",
        build: |v| match &v[0] {
            Value::Class(c) => Ok(Command::Class(c.clone())),
            _ => Err("expected a class".into()),
        },
    },
    MessageSpec {
        selector: "xy",
        inlet: LEFT,
        args: &[req("x", UNIT), req("y", UNIT)],
        digest: "Move the pad to (x, y), each in 0..1",
        description: "Moves the pad; 0.5 0.5 is the class mean. Coordinates outside 0..1 are \
            rejected (not clamped). Renders when `autorender` is on.",
        example: "0.25 0.75",
        build: |v| Ok(Command::Xy { x: v[0].f(), y: v[1].f(), fine: None }),
    },
    MessageSpec {
        selector: "fine",
        inlet: LEFT,
        args: &[req("fine", UNIT)],
        digest: "Set the third (fine) pad coordinate, 0..1",
        description: "The third navigation axis (PCA P3, or the third random/explicit dimension). \
            0.5 is neutral. Renders when `autorender` is on.",
        example: "0.6",
        build: |v| Ok(Command::Fine(v[0].f())),
    },
    MessageSpec {
        selector: "z",
        inlet: LEFT,
        args: &[req(
            "latent",
            ArgType::FloatList { min: 1, max: MAX_Z_LEN, lo: -1.0e3, hi: 1.0e3 },
        )],
        digest: "Set the full latent vector directly",
        description: "Sets all latent_dim (64) values; the count must equal the model's latent_dim. \
            The pad moves to the latent's projection on the current axes (sent as `xy` and `fine` \
            on the middle outlet). Moving the pad or changing the class afterwards returns to \
            pad navigation. Renders when `autorender` is on.",
        example: "",
        build: |v| match &v[0] {
            Value::List(l) => Ok(Command::Z(l.iter().map(|&x| x as f32).collect())),
            _ => Err("expected numbers".into()),
        },
    },
    MessageSpec {
        selector: "axes",
        inlet: LEFT,
        args: &[
            req("mode", ArgType::AxesMode),
            opt("j|seed", ArgType::Int { min: 0, max: MAX_SEED }),
            opt("k", ArgType::Int { min: 0, max: MAX_DIM }),
        ],
        digest: "Choose the pad's axes: pca, random [seed], or dimensions i j [k]",
        description: "`axes pca`: principal directions of the training latents (x: P1, y: P2, \
            fine: P3). `axes random [seed]`: three random latent dimensions drawn with the seed \
            (default: the `seed` attribute). `axes i j [k]`: explicit latent dimensions. An explicit \
            latent (after `z`, `encode`, `random`, ...) is kept and the pad moves to its projection. \
            Also an attribute (`@axes`).",
        example: "random 7",
        build: build_axes,
    },
    MessageSpec {
        selector: "range",
        inlet: LEFT,
        args: &[req("range", ArgType::Float { min: 0.0, max: 10.0 })],
        digest: "Scale the pad (1: edges at two standard deviations)",
        description: "With range r the pad's edges lie at 2·r standard deviations of the training \
            latents along each axis. 0..10. Also an attribute (`@range`).",
        example: "1.5",
        build: |v| Ok(Command::Range(v[0].f())),
    },
    MessageSpec {
        selector: "random",
        inlet: LEFT,
        args: &[],
        digest: "Draw a latent from the class prior and render",
        description: "Draws z from N(class mean, class std) with the object's seeded generator \
            (each draw advances it; `seed n` restarts the sequence), sends the new `class`, `xy`, \
            `fine` and `z` on the middle outlet and renders.",
        example: "",
        build: |_| Ok(Command::Random),
    },
    MessageSpec {
        selector: "vary",
        inlet: LEFT,
        args: &[req("amount", ArgType::Float { min: 0.0, max: 10.0 })],
        digest: "Draw a variation around the current latent and render",
        description: "Adds seeded noise of `amount` class standard deviations to the current latent, \
            sends `class`, `xy`, `fine` and `z` on the middle outlet and renders.",
        example: "0.3",
        build: |v| Ok(Command::Vary(v[0].f())),
    },
    MessageSpec {
        selector: "store",
        inlet: LEFT,
        args: &[req("slot", ArgType::Symbol)],
        digest: "Save the current class and latent in a named slot",
        description: "Saves the current class and latent under a name (`store a`), for `recall` \
            and `morph`. To morph between two sounds in buffers: `encode bufA`, `store a`, \
            `encode bufB`, `store b`, `morph a b 0.5`. At most 64 slots.",
        example: "a",
        build: |v| Ok(Command::Store(v[0].s())),
    },
    MessageSpec {
        selector: "recall",
        inlet: LEFT,
        args: &[req("slot", ArgType::Symbol)],
        digest: "Restore the class and latent saved in a slot",
        description: "Sets class and latent from a slot saved with `store`, sends `class`, `xy`, \
            `fine` and `z` on the middle outlet. Renders when `autorender` is on.",
        example: "a",
        build: |v| Ok(Command::Recall(v[0].s())),
    },
    MessageSpec {
        selector: "morph",
        inlet: LEFT,
        args: &[
            req("slotA", ArgType::Symbol),
            req("slotB", ArgType::Symbol),
            req("t", UNIT),
        ],
        digest: "Interpolate between two stored latents (t in 0..1) and render",
        description: "z = (1−t)·z_A + t·z_B between two slots saved with `store`; the class is \
            slot A's for t < 0.5 and slot B's from 0.5 on. Sends `class`, `xy`, `fine` and `z` on \
            the middle outlet and renders.",
        example: "a b 0.5",
        build: |v| Ok(Command::Morph { a: v[0].s(), b: v[1].s(), t: v[2].f() }),
    },
    MessageSpec {
        selector: "encode",
        inlet: LEFT,
        args: &[req("buffer", ArgType::Symbol), opt("class", ArgType::ClassRef)],
        digest: "Encode the sound in a buffer, move the pad there and render",
        description: "Reads the named buffer (mixed to mono, at its own rate), encodes it on the \
            worker thread (with the given class, or the model's guess), sets class and latent, \
            sends `class`, `xy`, `fine` and `z` on the middle outlet and renders.",
        example: "source",
        build: |v| {
            Ok(Command::Encode {
                buffer: v[0].s(),
                class: match &v[1] {
                    Value::Class(c) => Some(c.clone()),
                    _ => None,
                },
            })
        },
    },
    MessageSpec {
        selector: "set",
        inlet: LEFT,
        args: &[req("buffer", ArgType::Symbol)],
        digest: "Set the target buffer",
        description: "Names the buffer (Max `buffer~`, Pd array) that receives rendered sounds. \
            Same as the `buffer` attribute.",
        example: "drums",
        build: |v| Ok(Command::Set(v[0].s())),
    },
    MessageSpec {
        selector: "buffer",
        inlet: LEFT,
        args: &[req("buffer", ArgType::Symbol)],
        digest: "Set the target buffer (the `buffer` attribute)",
        description: "Same as `set`.",
        example: "drums",
        build: |v| Ok(Command::Set(v[0].s())),
    },
    MessageSpec {
        selector: "model",
        inlet: LEFT,
        args: &[req("folder", ArgType::Symbol)],
        digest: "Load another model bundle without blocking",
        description: "Loads a model bundle folder on the worker thread. Until it is loaded the \
            previous model keeps working; if loading fails the previous model stays. When it is \
            loaded the right outlet sends `model <name> <sample rate>`.",
        example: "/path/to/bundle",
        build: |v| Ok(Command::Model(v[0].s())),
    },
    MessageSpec {
        selector: "write",
        inlet: LEFT,
        args: &[req("file", ArgType::Symbol)],
        digest: "Save the last sound as a WAV file",
        description: "Writes the last rendered sound (32-bit float WAV at its sample rate) on the \
            worker thread. An error if nothing was rendered yet.",
        example: "/tmp/ndm-test.wav",
        build: |v| Ok(Command::Write(v[0].s())),
    },
    MessageSpec {
        selector: "dump",
        inlet: LEFT,
        args: &[],
        digest: "Send the state, classes, axes and model info out the right outlet",
        description: "Sends one message per line on the right outlet: `model <name> <sr>` (or \
            `model none`), `classes ...`, `class <name>`, `xy x y`, `fine v`, `axes ...`, \
            `range r`, `seed n`, `vocoder ...`, `autorender 0|1`, `trim 0|1`, `buffer <name>`, \
            `slots ...`, `z ...`.",
        example: "",
        build: |_| Ok(Command::Dump),
    },
    MessageSpec {
        selector: "vocoder",
        inlet: LEFT,
        args: &[
            req("vocoder", ArgType::Choice(&["model", "pghi", "mcnn", "griffinlim"])),
            opt("count", ArgType::Int { min: 0, max: MAX_GL_ITERS }),
        ],
        digest: "Choose the vocoder: model, mcnn [rounds], pghi [rounds] or griffinlim [iterations]",
        description: "`model` (default): the vocoder the model's evaluation chose (bundle.json \
            `vocoder`; ndm-v1: `mcnn`) with its rounds. `mcnn [rounds]`: the neural vocoder, \
            then `rounds` Griffin-Lim rounds started from its output (default: the model's own, \
            2 for ndm-v1; 0 is the MCNN alone; each round costs about 0.45 ms per second of \
            sound and makes the classes more recognisable); the first round takes the phase of \
            the low band from its magnitude if the model asks (ndm-v1: below 2150 Hz). \
            `pghi [rounds]`: no network, about half the cost of `mcnn` (1 s at 48 kHz: 2.3 \
            against 4.5 ms): the same rounds (at least 1) from a fixed seed noise, the first \
            taking the phase of that band (all of it if the model names none) from the \
            magnitude; as recognisable and as close to the Mel as `mcnn` in the model's \
            evaluation, with tails about 5-10% shorter. `griffinlim [iterations]`: the \
            Griffin-Lim baseline from random phases (default 32 iterations). Also an \
            attribute (`@vocoder`).",
        example: "pghi",
        build: |v| {
            let n = v[1].opt_i();
            match (v[0].s().as_str(), n) {
                ("mcnn", Some(n)) if n > MAX_MCNN_REFINE as i64 => Err(format!(
                    "mcnn takes at most {MAX_MCNN_REFINE} refinement rounds, got {n}"
                )),
                ("mcnn", _) => Ok(Command::Vocoder(VocoderCmd::Mcnn {
                    refine: n.map(|i| i as u32),
                })),
                ("model", None) => Ok(Command::Vocoder(VocoderCmd::Model)),
                ("model", Some(_)) => Err("model takes no count: it plays the model's rounds".into()),
                ("pghi", Some(n)) if n > MAX_MCNN_REFINE as i64 => Err(format!(
                    "pghi takes at most {MAX_MCNN_REFINE} rounds, got {n}"
                )),
                ("pghi", Some(0)) => Err("pghi needs at least 1 round, got 0".into()),
                ("pghi", _) => Ok(Command::Vocoder(VocoderCmd::Pghi {
                    rounds: n.map(|i| i as u32),
                })),
                (_, Some(0)) => Err("griffinlim needs at least 1 iteration, got 0".into()),
                _ => Ok(Command::Vocoder(VocoderCmd::GriffinLim {
                    iterations: n.map(|i| i as u32),
                })),
            }
        },
    },
    MessageSpec {
        selector: "autorender",
        inlet: LEFT,
        args: &[req("on", BOOL)],
        digest: "Re-render as the pad moves (0/1)",
        description: "With 1, changes of `xy`, `fine`, `z`, `class`, `axes`, `range` and `recall` \
            render (throttled: one render at a time, the latest parameters win). Also an attribute \
            (`@autorender`).",
        example: "1",
        build: |v| Ok(Command::Autorender(v[0].f() != 0.0)),
    },
    MessageSpec {
        selector: "seed",
        inlet: LEFT,
        args: &[req("seed", ArgType::Int { min: 0, max: MAX_SEED })],
        digest: "Restart the random generator with a seed",
        description: "Seeds the generator used by `random`, `vary` and `axes random`. Also an \
            attribute (`@seed`).",
        example: "42",
        build: |v| Ok(Command::Seed(v[0].opt_i().unwrap_or(0) as u64)),
    },
    MessageSpec {
        selector: "trim",
        inlet: LEFT,
        args: &[req("on", BOOL)],
        digest: "Trim the silent tail after the sound ends (0/1)",
        description: "With 1 (default) the tail after the vocoder's mask ends is cut (with a short \
            fade), so buffers hold no trailing silence. Also an attribute (`@trim`).",
        example: "0",
        build: |v| Ok(Command::Trim(v[0].f() != 0.0)),
    },
    MessageSpec {
        selector: "list",
        inlet: MIDDLE,
        args: &[req("x", UNIT), req("y", UNIT), opt("fine", UNIT)],
        digest: "Pad position as a list: x y [fine]",
        description: "A list of two or three numbers in 0..1 into the middle inlet is \
            `xy x y` (and `fine`).",
        example: "0.5 0.25 0.5",
        build: |v| {
            Ok(Command::Xy {
                x: v[0].f(),
                y: v[1].f(),
                fine: match v[2] {
                    Value::None => None,
                    ref f => Some(f.f()),
                },
            })
        },
    },
    MessageSpec {
        selector: "int",
        inlet: RIGHT,
        args: &[req("index", ArgType::Int { min: 0, max: MAX_DIM })],
        digest: "Class by index (Max int)",
        description: "An int into the right inlet selects the class by index.",
        example: "1",
        build: |v| Ok(Command::Class(ClassRef::Index(v[0].opt_i().unwrap_or(0) as usize))),
    },
    MessageSpec {
        selector: "float",
        inlet: RIGHT,
        args: &[req("index", ArgType::Int { min: 0, max: MAX_DIM })],
        digest: "Class by index (a number; Pd float)",
        description: "A whole number into the right inlet selects the class by index.",
        example: "0",
        build: |v| Ok(Command::Class(ClassRef::Index(v[0].opt_i().unwrap_or(0) as usize))),
    },
    MessageSpec {
        selector: "symbol",
        inlet: RIGHT,
        args: &[req("name", ArgType::Symbol)],
        digest: "Class by name (Pd symbol message)",
        description: "`symbol snare` into the right inlet selects the class by name.",
        example: "snare",
        build: |v| Ok(Command::Class(ClassRef::Name(v[0].s()))),
    },
    MessageSpec {
        selector: ANYTHING,
        inlet: RIGHT,
        args: &[],
        digest: "Class by name (a bare word such as `snare`)",
        description: "A bare word into the right inlet selects the class of that name.",
        example: "",
        build: |_| Err("internal: anything is handled by the parser".into()),
    },
];

/// Attributes: `@name value...` in the box, or the message `name value...`.
pub static ATTRIBUTES: &[AttrSpec] = &[
    AttrSpec {
        name: "buffer",
        ty: "symbol",
        default: "(none)",
        digest: "Target buffer (also the first box argument)",
    },
    AttrSpec {
        name: "class",
        ty: "symbol or int",
        default: "0 (the model's first class)",
        digest: "Drum class",
    },
    AttrSpec {
        name: "axes",
        ty: "pca | random [seed] | i j [k]",
        default: "pca",
        digest: "Pad axes",
    },
    AttrSpec {
        name: "range",
        ty: "float 0..10",
        default: "1",
        digest: "Pad scale",
    },
    AttrSpec {
        name: "seed",
        ty: "int",
        default: "0",
        digest: "Seed of the random generator",
    },
    AttrSpec {
        name: "autorender",
        ty: "int 0/1",
        default: "0",
        digest: "Re-render as the pad moves",
    },
    AttrSpec {
        name: "vocoder",
        ty: "model | pghi [rounds] | mcnn [rounds] | griffinlim [iterations]",
        default: "model",
        digest: "Vocoder",
    },
    AttrSpec {
        name: "trim",
        ty: "int 0/1",
        default: "1",
        digest: "Trim the silent tail",
    },
];

pub static INLETS: &[PortSpec] = &[
    PortSpec {
        index: LEFT,
        name: "messages",
        digest: "bang and every message of the table",
    },
    PortSpec {
        index: MIDDLE,
        name: "pad",
        digest: "list x y [fine]: pad position",
    },
    PortSpec {
        index: RIGHT,
        name: "class",
        digest: "int, float, symbol or a bare word: class",
    },
];

pub static OUTLETS: &[PortSpec] = &[
    PortSpec {
        index: 0,
        name: "done",
        digest: "bang when the target buffer holds the new sound",
    },
    PortSpec {
        index: 1,
        name: "latent",
        digest: "class <name>, xy <x> <y>, fine <v>, z <floats...>: where the latent moved (encode, random, vary, morph, recall, z)",
    },
    PortSpec {
        index: 2,
        name: "info",
        digest: "dump lines; model <name> <sr> after a model load",
    },
];

/// Finds the table entry for `selector` at `inlet` (exact; the right inlet's `anything` is
/// not returned here).
pub fn find(inlet: usize, selector: &str) -> Option<&'static MessageSpec> {
    MESSAGES
        .iter()
        .find(|m| m.inlet == inlet && m.selector == selector && m.selector != ANYTHING)
}

/// Parses one message arriving at `inlet`, with the table's argument checks.
pub fn parse(inlet: usize, selector: &str, atoms: &[Atom]) -> Result<Command, ParseError> {
    if inlet > RIGHT {
        return Err(ParseError::new(selector, format!("no inlet {inlet}")));
    }
    let spec = match find(inlet, selector) {
        Some(s) => s,
        None if inlet == RIGHT => {
            // A bare word into the right inlet is a class name; so is a one-element list.
            if selector == "list" && atoms.len() == 1 {
                return match &atoms[0] {
                    Atom::Symbol(s) => parse(RIGHT, "symbol", &[Atom::Symbol(s.clone())]),
                    a => parse(RIGHT, "float", std::slice::from_ref(a)),
                };
            }
            if !atoms.is_empty() {
                return Err(ParseError::new(
                    selector,
                    "the right inlet takes a class name or index, not a message with arguments",
                ));
            }
            check_symbol(selector).map_err(|e| ParseError::new(ANYTHING, e))?;
            return Ok(Command::Class(ClassRef::Name(selector.to_string())));
        }
        None => {
            let known = MESSAGES
                .iter()
                .any(|m| m.selector == selector && m.selector != ANYTHING);
            let hint = if known {
                "not accepted by"
            } else {
                "unknown message for"
            };
            let inlet_name = ["left", "middle", "right"][inlet];
            return Err(ParseError::new(
                selector,
                format!("{hint} the {inlet_name} inlet (see the help for the message table)"),
            ));
        }
    };
    parse_with(spec, atoms).map_err(|e| ParseError::new(spec.selector, e))
}

fn parse_with(spec: &MessageSpec, atoms: &[Atom]) -> Result<Command, String> {
    let (min, max) = (spec.min_args(), spec.max_args());
    if atoms.len() < min || atoms.len() > max {
        let want = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(format!(
            "expected {want} argument{} ({}), got {}",
            if max == 1 { "" } else { "s" },
            spec.usage(),
            atoms.len()
        ));
    }
    let mut values = Vec::with_capacity(spec.args.len());
    let mut i = 0;
    for arg in spec.args {
        if let ArgType::FloatList { lo, hi, .. } = arg.ty {
            let rest = &atoms[i..];
            let mut list = Vec::with_capacity(rest.len());
            for (k, a) in rest.iter().enumerate() {
                let v = number(a).map_err(|e| format!("{} #{}: {e}", arg.name, k + 1))?;
                if v < lo || v > hi {
                    return Err(format!(
                        "{} #{}: {v} is out of range {lo}..{hi}",
                        arg.name,
                        k + 1
                    ));
                }
                list.push(v);
            }
            i = atoms.len();
            values.push(Value::List(list));
            continue;
        }
        let Some(atom) = atoms.get(i) else {
            values.push(Value::None);
            continue;
        };
        i += 1;
        values.push(check(arg, atom).map_err(|e| label(spec, arg, e))?);
    }
    (spec.build)(&values)
}

/// Prefixes an argument's problem with the argument's name, unless the name is the message's
/// own (`range: -1 is out of range`, not `range: range: ...`).
fn label(spec: &MessageSpec, arg: &ArgSpec, problem: String) -> String {
    if arg.name == spec.selector {
        problem
    } else {
        format!("{}: {problem}", arg.name)
    }
}

fn number(a: &Atom) -> Result<f64, String> {
    let v = match a {
        Atom::Float(v) => *v,
        Atom::Int(v) => *v as f64,
        Atom::Symbol(s) => {
            return Err(format!(
                "expected a number, got the symbol `{}`",
                short(s, 40)
            ))
        }
    };
    if !v.is_finite() {
        return Err(format!("{v} is not a finite number"));
    }
    Ok(v)
}

fn integer(a: &Atom) -> Result<i64, String> {
    match a {
        Atom::Int(v) => Ok(*v),
        _ => {
            let v = number(a)?;
            if v.fract() != 0.0 || v.abs() > MAX_SEED as f64 {
                return Err(format!("expected a whole number, got {v}"));
            }
            Ok(v as i64)
        }
    }
}

fn check_symbol(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("empty symbol".into());
    }
    if s.len() > MAX_SYMBOL_LEN {
        return Err(format!("symbol longer than {MAX_SYMBOL_LEN} bytes"));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("symbol contains control characters".into());
    }
    Ok(())
}

fn check(arg: &ArgSpec, a: &Atom) -> Result<Value, String> {
    match arg.ty {
        ArgType::Float { min, max } => {
            let v = number(a)?;
            if v < min || v > max {
                return Err(format!("{v} is out of range {min}..{max}"));
            }
            Ok(Value::F(v))
        }
        ArgType::Int { min, max } => {
            let v = integer(a)?;
            if v < min || v > max {
                return Err(format!("{v} is out of range {min}..{max}"));
            }
            Ok(Value::I(v))
        }
        ArgType::Symbol => match a {
            Atom::Symbol(s) => {
                check_symbol(s)?;
                Ok(Value::S(s.clone()))
            }
            other => Err(format!("expected a symbol, got {other}")),
        },
        ArgType::Choice(choices) => match a {
            Atom::Symbol(s) if choices.contains(&s.as_str()) => Ok(Value::S(s.clone())),
            other => Err(format!(
                "expected {}, got `{}`",
                choices.join(" or "),
                short(&other.to_string(), 40)
            )),
        },
        ArgType::ClassRef => match a {
            Atom::Symbol(s) => {
                check_symbol(s)?;
                Ok(Value::Class(ClassRef::Name(s.clone())))
            }
            _ => {
                let v = integer(a)?;
                if !(0..=MAX_DIM).contains(&v) {
                    return Err(format!("class index {v} is out of range"));
                }
                Ok(Value::Class(ClassRef::Index(v as usize)))
            }
        },
        ArgType::AxesMode => match a {
            Atom::Symbol(s) if s == "pca" || s == "random" => Ok(Value::S(s.clone())),
            Atom::Symbol(s) => Err(format!(
                "expected pca, random or a dimension index, got `{}`",
                short(s, 40)
            )),
            _ => {
                let v = integer(a)?;
                if !(0..=MAX_DIM).contains(&v) {
                    return Err(format!("dimension {v} is out of range 0..{MAX_DIM}"));
                }
                Ok(Value::I(v))
            }
        },
        ArgType::FloatList { .. } => unreachable!("lists are handled by parse_with"),
    }
}

fn build_axes(v: &[Value]) -> Result<Command, String> {
    match &v[0] {
        Value::S(s) if s == "pca" => match (&v[1], &v[2]) {
            (Value::None, Value::None) => Ok(Command::Axes(AxesCmd::Pca)),
            _ => Err("`axes pca` takes no further arguments".into()),
        },
        Value::S(_) => match (&v[1], &v[2]) {
            (Value::None, Value::None) => Ok(Command::Axes(AxesCmd::Random { seed: None })),
            (Value::I(seed), Value::None) => Ok(Command::Axes(AxesCmd::Random {
                seed: Some(*seed as u64),
            })),
            _ => Err("`axes random` takes at most one argument, the seed".into()),
        },
        Value::I(i) => {
            let mut dims = vec![*i as usize];
            match &v[1] {
                Value::I(j) if *j <= MAX_DIM => dims.push(*j as usize),
                Value::I(j) => return Err(format!("dimension {j} is out of range 0..{MAX_DIM}")),
                _ => return Err("explicit axes need two or three dimension indices".into()),
            }
            if let Value::I(k) = &v[2] {
                dims.push(*k as usize);
            }
            let mut sorted = dims.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != dims.len() {
                return Err("explicit axes must be different dimensions".into());
            }
            Ok(Command::Axes(AxesCmd::Explicit(dims)))
        }
        _ => Err("expected pca, random or dimension indices".into()),
    }
}

/// Cuts a string for an error message (on a char boundary) and escapes control characters,
/// so that a hostile symbol can neither flood the console nor break its line.
pub(crate) fn short(s: &str, max_chars: usize) -> String {
    let mut t = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max_chars {
            t.push('…');
            break;
        }
        if c.is_control() {
            t.extend(c.escape_default());
        } else {
            t.push(c);
        }
    }
    t
}

/// The message table as markdown: inlets, outlets, messages and attributes. Used for the
/// README section and as the source of the refpage and help files.
pub fn markdown_table() -> String {
    let mut s = String::new();
    s.push_str("### Inlets\n\n| inlet | accepts |\n| --- | --- |\n");
    for p in INLETS {
        s.push_str(&format!("| {} ({}) | {} |\n", p.index, p.name, p.digest));
    }
    s.push_str("\n### Outlets\n\n| outlet | sends |\n| --- | --- |\n");
    for p in OUTLETS {
        s.push_str(&format!("| {} ({}) | {} |\n", p.index, p.name, p.digest));
    }
    s.push_str("\n### Messages\n\n| inlet | message | arguments | what it does |\n| --- | --- | --- | --- |\n");
    for m in MESSAGES {
        let args: Vec<String> = m
            .args
            .iter()
            .map(|a| {
                format!(
                    "{}{}: {}",
                    a.name,
                    if a.optional { " (optional)" } else { "" },
                    a.ty.describe()
                )
            })
            .collect();
        s.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            ["left", "middle", "right"][m.inlet],
            m.usage().replace('|', "\\|"),
            if args.is_empty() {
                "—".to_string()
            } else {
                args.join("; ").replace('|', "\\|")
            },
            m.digest.replace('|', "\\|"),
        ));
    }
    s.push_str("\n### Attributes\n\n| attribute | type | default | what it sets |\n| --- | --- | --- | --- |\n");
    for a in ATTRIBUTES {
        s.push_str(&format!(
            "| `@{}` | {} | {} | {} |\n",
            a.name,
            a.ty.replace('|', "\\|"),
            a.default,
            a.digest
        ));
    }
    s.push_str(
        "\nBad input: a message is accepted whole or rejected whole with one console error \
         naming the message and the problem; the object keeps its state. NaN and infinity are \
         always rejected, and out-of-range numbers are rejected, not clamped.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> Atom {
        Atom::Float(v)
    }

    #[test]
    fn xy_parses_and_rejects() {
        assert_eq!(
            parse(0, "xy", &[f(0.2), Atom::Int(1)]).unwrap(),
            Command::Xy {
                x: 0.2,
                y: 1.0,
                fine: None
            }
        );
        assert!(parse(0, "xy", &[f(0.2)])
            .unwrap_err()
            .message
            .starts_with("xy: expected 2"));
        assert!(parse(0, "xy", &[f(f64::NAN), f(0.1)]).is_err());
        assert!(parse(0, "xy", &[f(1.5), f(0.1)])
            .unwrap_err()
            .message
            .contains("out of range"));
        assert!(parse(0, "xy", &[Atom::sym("a"), f(0.1)]).is_err());
    }

    #[test]
    fn ints_accept_integral_floats() {
        assert_eq!(parse(0, "seed", &[f(3.0)]).unwrap(), Command::Seed(3));
        assert!(parse(0, "seed", &[f(3.5)]).is_err());
        assert_eq!(
            parse(2, "float", &[f(2.0)]).unwrap(),
            Command::Class(ClassRef::Index(2))
        );
    }

    #[test]
    fn axes_forms() {
        assert_eq!(
            parse(0, "axes", &[Atom::sym("pca")]).unwrap(),
            Command::Axes(AxesCmd::Pca)
        );
        assert_eq!(
            parse(0, "axes", &[Atom::sym("random"), f(7.0)]).unwrap(),
            Command::Axes(AxesCmd::Random { seed: Some(7) })
        );
        assert_eq!(
            parse(0, "axes", &[f(3.0), f(5.0), f(9.0)]).unwrap(),
            Command::Axes(AxesCmd::Explicit(vec![3, 5, 9]))
        );
        assert!(parse(0, "axes", &[f(3.0)]).is_err());
        assert!(parse(0, "axes", &[f(3.0), f(3.0)]).is_err());
        assert!(parse(0, "axes", &[Atom::sym("pca"), f(1.0)]).is_err());
        assert!(parse(0, "axes", &[Atom::sym("random"), f(1.0), f(2.0)]).is_err());
    }

    #[test]
    fn right_inlet_words() {
        assert_eq!(
            parse(2, "snare", &[]).unwrap(),
            Command::Class(ClassRef::Name("snare".into()))
        );
        assert!(parse(2, "snare", &[f(1.0)]).is_err());
        assert_eq!(
            parse(2, "list", &[f(1.0)]).unwrap(),
            Command::Class(ClassRef::Index(1))
        );
        assert!(parse(0, "snare", &[])
            .unwrap_err()
            .message
            .contains("unknown message"));
        assert!(parse(1, "bang", &[]).is_err());
    }

    #[test]
    fn markdown_mentions_every_message() {
        let md = markdown_table();
        for m in MESSAGES {
            assert!(
                md.contains(&m.usage().replace('|', "\\|")),
                "{}",
                m.selector
            );
        }
    }
}
