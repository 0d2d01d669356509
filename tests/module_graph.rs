//! Dependencies between the crate's top-level modules point one way
//! (issue 15): a new cycle fails here. Reads `crate::NAME` paths in the
//! sources, comments left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            out.push((path.to_string_lossy().into_owned(), text));
        }
    }
}

/// Top-level module -> the top-level modules it names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        let rel = path.strip_prefix(&*src.to_string_lossy()).unwrap_or(&path);
        let module = rel
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" {
            continue;
        }
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    deps.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    deps
}

fn reaches(deps: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for n in deps.get(&m).into_iter().flatten() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.push(n.clone());
            }
        }
    }
    false
}

#[test]
fn no_cycle_between_modules() {
    let deps = dependencies();
    assert!(
        deps.contains_key("graph") && deps.contains_key("svg") && deps.contains_key("make"),
        "sources read: {deps:?}"
    );
    let mut cycles = BTreeSet::new();
    for (a, targets) in &deps {
        for b in targets {
            if reaches(&deps, b, a) {
                let pair = if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                cycles.insert(pair);
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that depend on each other: {cycles:?}; all: {deps:?}"
    );
}
