//! The malformed-message corpus format (tests/corpus/messages.txt, described in its header),
//! parsed here once for every replay of it: the fake host (tests/hardening_messages.rs) and
//! real Pd (pd/tests/pd_e2e.rs).

use super::messages::Atom;

/// One corpus line.
#[derive(Debug, Clone)]
pub struct Case {
    /// 1-based line number in the corpus file.
    pub line_no: usize,
    /// The line as written (first 80 characters), for failure messages.
    pub text: String,
    /// `+` lines: a valid message.
    pub valid: bool,
    pub inlet: usize,
    pub selector: String,
    pub atoms: Vec<Atom>,
}

/// Decodes the escapes of the corpus syntax (see the file's header).
pub fn unescape(t: &str) -> String {
    if let Some(rep) = t.strip_prefix("S:") {
        let (n, ch) = rep.split_once(':').expect("S:<n>:<c>");
        return ch.repeat(n.parse().expect("S:<n>"));
    }
    let mut out = String::new();
    let mut it = t.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next().expect("dangling backslash") {
            's' => out.push(' '),
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '_' => {}
            'u' => {
                assert_eq!(it.next(), Some('{'));
                let hex: String = it.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            other => panic!("unknown escape \\{other}"),
        }
    }
    out
}

pub fn atom(tok: &str) -> Atom {
    if let Some(v) = tok.strip_prefix("f:") {
        Atom::Float(v.parse().unwrap_or_else(|_| panic!("bad float {tok}")))
    } else if let Some(v) = tok.strip_prefix("i:") {
        Atom::Int(v.parse().unwrap_or_else(|_| panic!("bad int {tok}")))
    } else if let Some(v) = tok.strip_prefix("s:") {
        Atom::Symbol(unescape(v))
    } else if tok.starts_with("S:") {
        Atom::Symbol(unescape(tok))
    } else {
        panic!("bad atom `{tok}` (use f:, i:, s: or S:)")
    }
}

/// Parses a corpus (the syntax of tests/corpus/messages.txt); panics on a malformed line,
/// since a corpus is test data written by us.
pub fn parse_corpus(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (valid, rest) = match line.strip_prefix("+ ") {
            Some(r) => (true, r),
            None => (false, line),
        };
        let mut toks = rest.split(' ').filter(|t| !t.is_empty());
        let inlet_tok = toks.next().unwrap();
        // Inlets beyond usize (18446744073709551615 fits) are clamped: the object sees a huge one.
        let inlet = inlet_tok.parse::<usize>().unwrap_or(usize::MAX);
        let selector = unescape(toks.next().unwrap_or_else(|| panic!("line {}", i + 1)));
        let mut atoms = Vec::new();
        let mut repeat = 1usize;
        for t in toks {
            if let Some(n) = t.strip_prefix('*') {
                repeat = n.parse().unwrap();
                continue;
            }
            let a = atom(t);
            atoms.extend(std::iter::repeat_n(a, repeat));
            repeat = 1;
        }
        cases.push(Case {
            line_no: i + 1,
            text: line.chars().take(80).collect(),
            valid,
            inlet,
            selector,
            atoms,
        });
    }
    cases
}
