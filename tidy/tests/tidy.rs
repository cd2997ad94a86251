//! Repository-wide checks: architecture invariants, file size and no ignored tests.
//!
//! Each check collects every violation before failing, so one run lists all the crates or files to fix.

// Clippy treats only `#[test]` functions as test code; the helpers below are test code too, and they fail the
// test the only way a test can, by panicking with a message.
#![allow(
    clippy::panic,
    reason = "helpers of a test crate fail their test by panicking"
)]

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use serde_json::Value;

/// Crates that `nauthera-core` must not reach through normal dependencies, directly or transitively:
/// core does no network, database or runtime I/O, and renders its own OpenID Connect documents.
const CORE_FORBIDDEN: &[&str] = &[
    "tokio",
    "hyper",
    "tower",
    "tower-http",
    "axum",
    "diesel",
    "diesel-async",
    "redis",
    "bb8",
    "tonic",
    "kube",
    "openidconnect",
];

/// Crates that `nauthera-http` must not reach: it serves any backend through core's traits.
const HTTP_FORBIDDEN: &[&str] = &["nauthera-storage"];

/// Crates that `nauthera-storage` must not reach: backends know nothing of HTTP.
const STORAGE_FORBIDDEN: &[&str] = &["nauthera-http", "axum", "hyper", "tower"];

/// The most lines a `.rs` file may have (the house style's soft cap is about 600 non-test lines).
const MAX_LINES: usize = 1000;

#[test]
fn core_does_no_io() {
    check_forbidden("nauthera-core", CORE_FORBIDDEN);
}

#[test]
fn http_does_not_depend_on_storage() {
    check_forbidden("nauthera-http", HTTP_FORBIDDEN);
}

#[test]
fn storage_does_not_depend_on_http() {
    check_forbidden("nauthera-storage", STORAGE_FORBIDDEN);
}

/// Architecture Invariant: the admin API crate serves a provider; it never picks a backend or speaks HTTP/1.
const ADMIN_FORBIDDEN: &[&str] = &[
    "nauthera-storage",
    "nauthera-http",
    "diesel",
    "redis",
    "kube",
];

/// Architecture Invariant: the operator talks to servers only through the admin API.
const OPERATOR_FORBIDDEN: &[&str] = &["nauthera-storage", "nauthera-http", "diesel", "redis"];

#[test]
fn admin_api_depends_on_core_only() {
    check_forbidden("nauthera-admin", ADMIN_FORBIDDEN);
}

#[test]
fn operator_depends_on_neither_storage_nor_http() {
    check_forbidden("nauthera-operator", OPERATOR_FORBIDDEN);
}

#[test]
fn rust_files_are_at_most_1000_lines() {
    let mut violations = Vec::new();
    for file in workspace_rust_files() {
        let text = read(&file);
        let lines = text.lines().count();
        if lines > MAX_LINES {
            violations.push(format!(
                "{}: {lines} lines (at most {MAX_LINES}; split it, one concept per file)",
                relative(&file)
            ));
        }
    }
    report("files longer than the limit", &violations);
}

#[test]
fn no_ignored_tests() {
    // Built from pieces so that this file does not match its own patterns.
    let fence = concat!("`", "``");
    let ignore_attribute = concat!("#[", "ignore");
    let mut violations = Vec::new();
    for file in workspace_rust_files() {
        let text = read(&file);
        for (index, line) in text.lines().enumerate() {
            let location = format!("{}:{}", relative(&file), index + 1);
            let is_comment = line.trim_start().starts_with("//");
            if !is_comment && line.contains(ignore_attribute) {
                violations.push(format!(
                    "{location}: an ignored test (make it run, or delete it)"
                ));
            }
            if is_ignored_doc_test(line, fence) {
                violations.push(format!(
                    "{location}: an `ignore` doc test (use no_run or compile_fail)"
                ));
            }
        }
    }
    report("ignored tests", &violations);
}

#[test]
fn ignored_doc_test_detection() {
    let fence = concat!("`", "``");
    let check = |line: String, expect: bool| {
        assert_eq!(is_ignored_doc_test(&line, fence), expect, "{line}");
    };
    check(format!("/// {fence}ignore"), true);
    check(format!("//! {fence}rust,ignore"), true);
    check(format!("    {fence} ignore"), true);
    check(format!("/// {fence}no_run"), false);
    check(format!("/// {fence}rust"), false);
    check(format!("/// {fence}"), false);
    check("let x = 1; // ignore this".to_owned(), false);
}

/// Fails listing every crate in `forbidden` that `package` reaches through normal dependencies.
fn check_forbidden(package: &str, forbidden: &[&str]) {
    let graph = DependencyGraph::load();
    let closure = graph.normal_closure(package);
    let violations: Vec<String> = forbidden
        .iter()
        .filter(|name| closure.contains(**name))
        .map(|name| {
            format!(
                "{package} depends on {name} (via {})",
                graph.path(package, name)
            )
        })
        .collect();
    report(&format!("forbidden dependencies of {package}"), &violations);
}

/// The workspace's resolved dependency graph, by package name, with normal (not dev or build) edges only.
struct DependencyGraph {
    normal_deps: HashMap<String, BTreeSet<String>>,
}

impl DependencyGraph {
    /// Runs `cargo metadata --all-features` (the strictest feature set) and keeps the normal edges.
    fn load() -> Self {
        let metadata = cargo_metadata(&["--all-features"]);
        let names: HashMap<&str, &str> = array(&metadata, "packages")
            .iter()
            .map(|package| (string(package, "id"), string(package, "name")))
            .collect();
        let resolve = metadata
            .get("resolve")
            .unwrap_or_else(|| panic!("cargo metadata printed no resolve graph"));
        let mut normal_deps: HashMap<String, BTreeSet<String>> = HashMap::new();
        for node in array(resolve, "nodes") {
            let name = names[string(node, "id")].to_owned();
            let deps = normal_deps.entry(name).or_default();
            for dep in array(node, "deps") {
                // `kind: null` marks a normal dependency; dev and build edges do not reach runtime code.
                let is_normal = array(dep, "dep_kinds")
                    .iter()
                    .any(|kind| kind.get("kind").is_none_or(Value::is_null));
                if is_normal {
                    deps.insert(names[string(dep, "pkg")].to_owned());
                }
            }
        }
        Self { normal_deps }
    }

    /// Every package that `root` reaches through normal dependencies.
    fn normal_closure(&self, root: &str) -> BTreeSet<String> {
        assert!(
            self.normal_deps.contains_key(root),
            "{root} is not in the workspace's resolve graph"
        );
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.to_owned()];
        while let Some(name) = stack.pop() {
            for dep in self.normal_deps.get(&name).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        seen
    }

    /// One chain of normal dependencies from `from` to `to`, as `a -> b -> c`, to show where an edge comes from.
    fn path(&self, from: &str, to: &str) -> String {
        let mut parents: HashMap<&str, &str> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(name) = queue.pop_front() {
            if name == to {
                break;
            }
            for dep in self.normal_deps.get(name).into_iter().flatten() {
                if dep != from && !parents.contains_key(dep.as_str()) {
                    parents.insert(dep, name);
                    queue.push_back(dep);
                }
            }
        }
        let mut chain = vec![to];
        let mut current = to;
        while let Some(parent) = parents.get(current) {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain.join(" -> ")
    }
}

/// Every `.rs` file under the directories of the workspace's member crates, outside `target/`.
fn workspace_rust_files() -> Vec<PathBuf> {
    let metadata = cargo_metadata(&["--no-deps"]);
    let mut files = Vec::new();
    for package in array(&metadata, "packages") {
        let manifest = PathBuf::from(string(package, "manifest_path"));
        if let Some(dir) = manifest.parent() {
            collect_rust_files(dir, &mut files);
        }
    }
    files.sort();
    files.dedup();
    assert!(!files.is_empty(), "found no .rs files in the workspace");
    files
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
            .path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect_rust_files(&path, files);
            }
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
}

/// Whether a line opens a code block whose attributes include `ignore`, alone or after `rust,`.
fn is_ignored_doc_test(line: &str, fence: &str) -> bool {
    line.split_once(fence).is_some_and(|(_, info)| {
        info.split(|c: char| c == ',' || c.is_whitespace())
            .any(|attribute| attribute == "ignore")
    })
}

fn cargo_metadata(args: &[&str]) -> Value {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = workspace_root().join("Cargo.toml");
    let output = Command::new(&cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(&manifest)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {cargo} metadata: {error}"));
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("cargo metadata printed invalid JSON: {error}"))
}

fn workspace_root() -> PathBuf {
    let tidy = Path::new(env!("CARGO_MANIFEST_DIR"));
    tidy.parent()
        .unwrap_or_else(|| panic!("{} has no parent", tidy.display()))
        .to_path_buf()
}

fn relative(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("cargo metadata: `{key}` is not an array"))
}

fn string<'a>(value: &'a Value, key: &str) -> &'a str {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("cargo metadata: `{key}` is not a string"))
}

/// Fails with every violation, one a line, or passes when there is none.
fn report(what: &str, violations: &[String]) {
    assert!(
        violations.is_empty(),
        "{} {what}:\n  {}",
        violations.len(),
        violations.join("\n  ")
    );
}
