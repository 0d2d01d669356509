//! The protocol between the JS modules and the wasm exports: every code
//! that crosses the boundary is defined here, or in the core's own tables,
//! and nowhere else. The exports use these constants; JS learns them from
//! [`protocol`], once, when the wasm is started (`js/protocol.mjs`), so no
//! number is written twice. `tests/js/protocol.test.mjs` checks that both
//! sides agree.
//!
//! The one error route: an export that can fail returns `undefined` to
//! JS (an `Option` here) and stashes its error (`errors::stash`); JS at
//! once calls `check` in `js/boundary.mjs`, which takes it (`takeError`)
//! and builds the package's error class (`class`) from it.

use crate::error::TaskErrorKind;
use crate::graph::Because;
use crate::task_state::{EVENTS, STATES};
use wasm_bindgen::prelude::*;

/// A group of named codes, numbered from 0 in the order written: a
/// module of constants, and `NAMES`, by code, for [`protocol`]. The names
/// JS reads are the names of the constants.
macro_rules! codes {
    ($(#[$doc:meta])* $group:ident { $($name:ident,)* }) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals, dead_code)]
        pub mod $group {
            /// The names, by code.
            pub const NAMES: &[&str] = &[$(stringify!($name),)*];
            $(pub const $name: u32 = super::position(NAMES, stringify!($name));)*
        }
    };
}

/// Where `name` is in `names` (when compiling).
const fn position(names: &[&str], name: &str) -> u32 {
    let mut i = 0;
    while !eq(names[i], name) {
        i += 1;
    }
    i as u32
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

codes! {
    /// Step kinds, as `makeSteps` writes them (four numbers per step:
    /// `kind, task, via, index`).
    step { WAIT, RUN, ENQUEUE, YIELD, FINISHED, FAILED, DISCOVER, }
}

codes! {
    /// How a run ended, as JS reports it (`taskFinish`'s `how`): returned
    /// (and `cancelOnResult` said cancel), threw (a cancellation error).
    finish { RETURNED, RETURNED_CANCEL, THREW, THREW_CANCELLATION, }
}

codes! {
    /// The class of the error JS builds (`takeError`), named as in
    /// `js/errors.mjs` (`TypeError` is JS's own).
    class { TypeError, FSMError, TaskError, BlockedError, }
}

/// Not a state: `taskState` of a task that is gone, `taskFinish` of a
/// run whose outcome was not taken.
pub const NO_STATE: u32 = 255;

/// No task, no error kind (in `takeError`).
pub const NONE: u32 = u32::MAX;

// Codes are positions in the core's tables: make sure they are.
const _: () = {
    let mut i = 0;
    while i < TaskErrorKind::ALL.len() {
        assert!(TaskErrorKind::ALL[i] as usize == i);
        i += 1;
    }
    let mut i = 0;
    while i < Because::ALL.len() {
        assert!(Because::ALL[i] as usize == i + 1);
        i += 1;
    }
    let mut i = 0;
    while i < STATES.len() {
        assert!(STATES[i] as usize == i);
        i += 1;
    }
    let mut i = 0;
    while i < EVENTS.len() {
        assert!(EVENTS[i] as usize == i);
        i += 1;
    }
    assert!(STATES.len() < NO_STATE as usize);
};

/// The class of error JS builds for a task error.
pub fn class_of(kind: TaskErrorKind) -> u32 {
    match kind {
        TaskErrorKind::Blocked => class::BlockedError,
        TaskErrorKind::MakePrepare => class::FSMError,
        _ => class::TaskError,
    }
}

/// The names of the core's tables, by code, read when compiling.
macro_rules! names {
    ($table:expr) => {{
        let mut names = [""; $table.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = $table[i].name();
            i += 1;
        }
        names
    }};
}

/// The description, but for the `because` names (`Because::name` is
/// not a `const fn`), written when compiling: made at run time, it cost
/// 2 KB of code.
const JSON: &str = match std::str::from_utf8(&BYTES) {
    Ok(text) => text,
    Err(_) => panic!("not UTF-8"),
};
const BYTES: [u8; DRAFT.len] = DRAFT.exact();
const DRAFT: Json = Json::new()
    .group("states", &names!(STATES))
    .group("events", &names!(EVENTS))
    .group("kinds", &names!(TaskErrorKind::ALL))
    .group("step", step::NAMES)
    .group("finish", finish::NAMES)
    .group("class", class::NAMES)
    .number("NO_STATE", NO_STATE)
    .number("NONE", NONE);

/// Every code above and in the core's tables, as JSON: each group its
/// names by code, then the two codes that are not in a group.
///
/// ```text
/// { "states": ["PREPARE", ...], "events": [...], "kinds": [...],
///   "step": ["WAIT", ...], "finish": [...], "class": [...],
///   "NO_STATE": 255, "NONE": 4294967295,
///   "because": [null, "failed prerequisites", ...] }
/// ```
///
/// A `because` of 0 is none (`null`).
#[wasm_bindgen]
pub fn protocol() -> String {
    // Three, written out: smaller than a loop. A fourth fails to compile.
    let [a, b, c] = Because::ALL.map(Because::name);
    format!("{JSON}\"because\":[null,\"{a}\",\"{b}\",\"{c}\"]}}")
}

/// A JSON object written by `const fn`s, each member followed by a comma
/// (names are ours: nothing to escape).
struct Json {
    bytes: [u8; 1024],
    len: usize,
}

impl Json {
    const fn new() -> Json {
        Json {
            bytes: [0; 1024],
            len: 0,
        }
        .text("{")
    }

    const fn text(mut self, text: &str) -> Json {
        let text = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            self.bytes[self.len] = text[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// `"key":["name",...],`
    const fn group(self, key: &str, names: &[&str]) -> Json {
        let mut json = self.text("\"").text(key).text("\":[");
        let mut i = 0;
        while i < names.len() {
            let comma = if i == 0 { "\"" } else { ",\"" };
            json = json.text(comma).text(names[i]).text("\"");
            i += 1;
        }
        json.text("],")
    }

    /// `"key":number,`
    const fn number(self, key: &str, mut n: u32) -> Json {
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut json = self.text("\"").text(key).text("\":");
        while at < digits.len() {
            json.bytes[json.len] = digits[at];
            json.len += 1;
            at += 1;
        }
        json.text(",")
    }

    /// The bytes written (`N`: their number).
    const fn exact<const N: usize>(&self) -> [u8; N] {
        let mut bytes = [0; N];
        let mut i = 0;
        while i < N {
            bytes[i] = self.bytes[i];
            i += 1;
        }
        bytes
    }
}
