//! The layout keeps its promises: no import loop between modules, the core never imports the
//! JavaScript layer (`src/js/`), and no source file grows past 600 lines.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// Every `.rs` file below `dir`, with its module path (`js::calls`, `data::store`).
fn modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(dir).unwrap().with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                found.insert(parts.join("::"), path);
            }
        }
    }
    found
}

/// The modules each module names through `crate::…`, by the longest known module path.
fn imports(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(dir);
    let mut graph = BTreeMap::new();
    for (name, path) in &modules {
        let text = fs::read_to_string(path).unwrap();
        // Tests may reach anywhere: only the code that ships counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut targets = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
                .collect();
            let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            while !segments.is_empty() {
                let candidate = segments.join("::");
                if modules.contains_key(&candidate) && candidate != *name {
                    targets.insert(candidate);
                    break;
                }
                segments.pop();
            }
        }
        graph.insert(name.clone(), targets);
    }
    graph
}

/// A cycle of the graph, if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_import_loops() {
    for dir in ["src", "pce-sim/src", "pce-time/src"] {
        let graph = imports(&root().join(dir));
        assert!(
            graph.len() > 1 || dir == "pce-time/src",
            "{dir} has modules"
        );
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{dir}: an import loop: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_core_never_imports_the_javascript_layer() {
    let graph = imports(&root().join("src"));
    assert!(graph.contains_key("js::exports"), "the layer is there");
    for (module, targets) in &graph {
        if module == "js" || module.starts_with("js::") || module == "lib" {
            continue;
        }
        let reaching: Vec<&String> = targets.iter().filter(|t| t.starts_with("js")).collect();
        assert!(
            reaching.is_empty(),
            "the core module {module} imports {reaching:?}"
        );
    }
}

#[test]
fn no_source_file_over_600_lines() {
    for dir in [
        "src",
        "pce-sim/src",
        "pce-time/src",
        "tests",
        "pce-sim/tests",
    ] {
        for path in modules(&root().join(dir)).values() {
            let lines = fs::read_to_string(path).unwrap().lines().count();
            assert!(
                lines <= MAX_LINES,
                "{} has {lines} lines (at most {MAX_LINES})",
                path.display()
            );
        }
    }
}

#[test]
fn the_check_sees_a_loop() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_cycle(&graph).unwrap().len(), 4);
}
