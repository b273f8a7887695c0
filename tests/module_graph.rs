//! No import circles in src/: module A using module B (a `crate::…`, `super::…` or child path
//! outside its tests) while B, directly or through others, uses A. A circle means neither can be
//! read, tested or moved without the other. Names a parent module re-exports (`pub use
//! child::Name`) count as the child's, so a re-export is not a use of the parent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path ("clustering::kmeans", "" for the crate root) → its source up to `#[cfg(test)]`,
/// comments removed.
fn modules(src: &Path) -> BTreeMap<String, (String, bool)> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let is_dir_module = matches!(parts.last().map(String::as_str), Some("mod" | "lib"));
            if is_dir_module {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let code: String = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
            out.insert(parts.join("::"), (code, is_dir_module));
        }
    }
    out
}

/// Every path in `code` starting at `crate`, `super` or `self`, or at one of `children`, with
/// each `{a, b::c}` group expanded; as segments from the crate root.
fn paths(code: &str, here: &[&str], is_dir_module: bool, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let own: Vec<String> = here.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) || (i > 0 && (word(bytes[i - 1]) || bytes[i - 1] == ':')) {
            i += 1;
            continue;
        }
        // A path: words joined by `::`, maybe ending in a `{…}` group.
        let start = i;
        let mut end = i;
        let mut depth = 0;
        while end < bytes.len() {
            let c = bytes[end];
            if word(c) || c == ':' || (depth > 0 && (c == ',' || c == ' ' || c == '\n' || c == '}' || c == '{')) || (c == '{' && end > start && bytes[end - 1] == ':') {
                if c == '{' {
                    depth += 1;
                }
                if c == '}' {
                    depth -= 1;
                    if depth == 0 {
                        end += 1;
                        break;
                    }
                }
                end += 1;
            } else {
                break;
            }
        }
        let text: String = bytes[start..end].iter().collect();
        i = end.max(i + 1);
        let head = text.split("::").next().unwrap_or("");
        let base: Vec<String> = match head {
            "crate" => Vec::new(),
            "super" => own[..own.len().saturating_sub(1)].to_vec(),
            "self" => own.clone(),
            h if is_dir_module && children.contains(h) => own.clone(),
            _ => continue,
        };
        let rest = if matches!(head, "crate" | "super" | "self") { text.splitn(2, "::").nth(1).unwrap_or("") } else { text.as_str() };
        for p in expand(rest) {
            let mut full = base.clone();
            full.extend(p.split("::").filter(|s| !s.is_empty() && *s != "self").map(String::from));
            out.push(full);
        }
    }
    out
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else { return vec![path.trim_end_matches("::").to_string()] };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
    let mut items = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (j, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[from..j]);
                from = j + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[from..]);
    let mut out = vec![prefix.trim_end_matches("::").to_string()];
    for item in items.into_iter().map(|s| s.split(" as ").next().unwrap_or("").trim()).filter(|s| !s.is_empty()) {
        out.extend(expand(item).into_iter().map(|rest| format!("{prefix}{rest}")));
    }
    out
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mods = modules(&src);
    let children = |m: &str| -> BTreeSet<String> {
        mods.keys()
            .filter_map(|k| {
                let rest = if m.is_empty() { Some(k.as_str()) } else { k.strip_prefix(m).and_then(|r| r.strip_prefix("::")) };
                rest.filter(|r| !r.is_empty() && !r.contains("::")).map(String::from)
            })
            .collect()
    };
    // (module, name) → the child module a `pub use child::name` re-exports it from.
    let mut reexports: BTreeMap<(String, String), String> = BTreeMap::new();
    for (m, (code, is_dir)) in &mods {
        let kids = children(m);
        for line in code.lines().map(str::trim).filter(|l| l.starts_with("pub use ") || l.starts_with("pub(crate) use ")) {
            let here: Vec<&str> = if m.is_empty() { Vec::new() } else { m.split("::").collect() };
            for p in paths(line, &here, *is_dir, &kids) {
                let own: Vec<String> = here.iter().map(|s| s.to_string()).collect();
                if p.len() == own.len() + 2 && p.starts_with(&own) {
                    reexports.insert((m.clone(), p[p.len() - 1].clone()), format!("{}{}", if m.is_empty() { String::new() } else { format!("{m}::") }, p[own.len()]));
                }
            }
        }
    }
    let resolve = |p: &[String]| -> Option<String> {
        (0..=p.len()).rev().find_map(|i| {
            let m = p[..i].join("::");
            if !mods.contains_key(&m) {
                return None;
            }
            Some(p.get(i).and_then(|name| reexports.get(&(m.clone(), name.clone()))).cloned().unwrap_or(m))
        })
    };
    let mut graph = BTreeMap::new();
    for (m, (code, is_dir)) in &mods {
        let here: Vec<&str> = if m.is_empty() { Vec::new() } else { m.split("::").collect() };
        let mut uses = BTreeSet::new();
        for p in paths(code, &here, *is_dir, &children(m)) {
            if let Some(target) = resolve(&p) {
                // A parent's `pub mod child` / re-export is not a use; nor is a module of itself.
                let inside = target.starts_with(&format!("{m}::")) || (m.is_empty() && !target.is_empty());
                if &target != m && !(inside && *is_dir) {
                    uses.insert(target);
                }
            }
        }
        graph.insert(m.clone(), uses);
    }
    graph
}

/// The circles of the graph: its strongly connected components with more than one module.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for n in graph.get(&m).into_iter().flatten() {
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for m in graph.keys() {
        let circle: Vec<String> = graph.keys().filter(|n| reached[m].contains(*n) && reached[*n].contains(m)).cloned().collect();
        if circle.len() > 1 && !out.contains(&circle) {
            out.push(circle);
        }
    }
    out
}

#[test]
fn no_import_circles_in_src() {
    let graph = module_graph();
    let found = circles(&graph);
    let describe = |c: &Vec<String>| {
        let edges: Vec<String> = c.iter().flat_map(|a| graph[a].iter().filter(|b| c.contains(b)).map(move |b| format!("{a} → {b}"))).collect();
        edges.join(", ")
    };
    assert!(found.is_empty(), "import circles: {}", found.iter().map(describe).collect::<Vec<_>>().join("; "));
}

/// The checker itself, on hand-written cases: a circle through a `{…}` group and `super::` is
/// found; a parent's re-export of a child is not a use of the parent.
#[test]
fn the_checker_finds_circles_and_reads_paths() {
    assert_eq!(expand("a::{b, c::{d, e as f}}"), vec!["a", "a::b", "a::c", "a::c::d", "a::c::e"]);
    let kids = BTreeSet::new();
    let found = paths("use super::kmeans::{fit, Params};\nlet x = crate::limits::MAX_K;", &["clustering", "sweep"], false, &kids);
    let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert!(found.contains(&"clustering::kmeans::fit".to_string()), "{found:?}");
    assert!(found.contains(&"limits::MAX_K".to_string()), "{found:?}");
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
        .into_iter()
        .map(|(m, u)| (m.to_string(), u.into_iter().map(String::from).collect()))
        .collect();
    assert_eq!(circles(&graph), vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]);
}
