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

/// The kind of a dependency edge, as `cargo metadata` reports it.
#[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
enum Edge {
    Normal,
    Dev,
    Build,
}

/// Architecture Invariant: what each library crate may depend on directly, per kind of edge. A dependency that
/// is not listed fails the test: adding one is a decision to write down here (and in docs/ARCHITECTURE.md),
/// not a side effect.
const ALLOWED: &[(&str, Edge, &[&str])] = &[
    // Core: flows, types and traits. No network, database or runtime crate (see CORE_NEVER_REACHES).
    (
        "nauthera-core",
        Edge::Normal,
        &[
            "argon2",
            "aws-lc-rs",
            "base64",
            "futures-channel",
            "http",
            "serde",
            "serde_json",
            "thiserror",
            "tracing",
            "url",
            "zeroize",
        ],
    ),
    ("nauthera-core", Edge::Dev, &["oxide-auth", "proptest"]),
    // Storage: implements core's traits for SQLite, PostgreSQL and Redis; never HTTP.
    (
        "nauthera-storage",
        Edge::Normal,
        &[
            "aws-lc-rs",
            "base64",
            "bb8",
            "diesel",
            "diesel-async",
            "diesel_migrations",
            "futures-util",
            "libsqlite3-sys",
            "nauthera-core",
            "redis",
            "rustls",
            "serde_json",
            "thiserror",
            "tokio",
            "tokio-postgres",
            "tokio-postgres-rustls",
            "tracing",
            "webpki-roots",
            "zeroize",
        ],
    ),
    ("nauthera-storage", Edge::Dev, &["tempfile", "tokio"]),
    // HTTP: an axum router over core; never a storage backend.
    (
        "nauthera-http",
        Edge::Normal,
        &[
            "askama",
            "axum",
            "base64",
            "fluent-bundle",
            "http",
            "nauthera-core",
            "serde",
            "serde_json",
            "serde_urlencoded",
            "tokio",
            "tower",
            "tower-http",
            "tracing",
            "unic-langid",
            "url",
        ],
    ),
    ("nauthera-http", Edge::Dev, &["proptest"]),
    // Admin API: gRPC over core; its tests boot a real server (storage and HTTP as dev-dependencies only).
    (
        "nauthera-admin",
        Edge::Normal,
        &[
            "nauthera-core",
            "prost",
            "rcgen",
            "rustls",
            "serde_json",
            "thiserror",
            "time",
            "tokio",
            "tonic",
            "tonic-prost",
            "tracing",
            "x509-parser",
            "zeroize",
        ],
    ),
    (
        "nauthera-admin",
        Edge::Dev,
        &[
            "axum",
            "base64",
            "http-body-util",
            "hyper",
            "hyper-util",
            "nauthera-admin",
            "nauthera-http",
            "nauthera-storage",
            "tokio-postgres",
        ],
    ),
    (
        "nauthera-admin",
        Edge::Build,
        &["protoc-bin-vendored", "tonic-prost-build"],
    ),
    // Operator: kube and the admin client; never storage or HTTP at run time. Its tests run the reference
    // server binary's library to prove what it renders.
    (
        "nauthera-operator",
        Edge::Normal,
        &[
            "aws-lc-rs",
            "base64",
            "clap",
            "futures-util",
            "k8s-openapi",
            "kube",
            "nauthera-admin",
            "nauthera-core",
            "schemars",
            "serde",
            "serde_json",
            "serde_norway",
            "thiserror",
            "tokio",
            "toml",
            "tracing",
            "tracing-subscriber",
            "zeroize",
        ],
    ),
    (
        "nauthera-operator",
        Edge::Dev,
        &[
            "base64",
            "http",
            "http-body-util",
            "hyper",
            "hyper-util",
            "nauthera-server",
            "tempfile",
            "tower-test",
        ],
    ),
];

/// Architecture Invariant: crates that `nauthera-core` never reaches through normal dependencies, directly or
/// transitively: core does no network, database or runtime I/O, and renders its own OpenID Connect documents.
const CORE_NEVER_REACHES: &[&str] = &[
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

#[test]
fn library_crates_depend_only_on_what_they_are_allowed() {
    let graph = DependencyGraph::load();
    let mut violations = Vec::new();
    let crates: BTreeSet<&str> = ALLOWED.iter().map(|(name, _, _)| *name).collect();
    for package in crates {
        let direct = graph.direct(package);
        assert!(
            !direct.is_empty(),
            "{package} has no dependencies in the graph cargo metadata printed: the graph was not read"
        );
        for (edge, dependency) in direct {
            let allowed = ALLOWED
                .iter()
                .filter(|(name, kind, _)| *name == package && *kind == edge)
                .any(|(_, _, list)| list.contains(&dependency.as_str()));
            if !allowed {
                violations.push(format!(
                    "{package} has a {edge:?} dependency on {dependency}, which its allowed list does not name"
                ));
            }
        }
    }
    report("dependencies outside the allowed lists", &violations);
}

#[test]
fn core_does_no_io() {
    let graph = DependencyGraph::load();
    let closure = graph.normal_closure("nauthera-core");
    let violations: Vec<String> = CORE_NEVER_REACHES
        .iter()
        .filter(|name| closure.contains(**name))
        .map(|name| {
            format!(
                "nauthera-core depends on {name} (via {})",
                graph.path("nauthera-core", name)
            )
        })
        .collect();
    report("forbidden dependencies of nauthera-core", &violations);
}

/// Architecture Invariant: run-time paths that must not exist, directly or transitively: HTTP, the admin API and
/// the operator never pick a storage backend; storage knows nothing of HTTP; only the operator speaks to
/// Kubernetes.
const NEVER_REACHES: &[(&str, &[&str])] = &[
    ("nauthera-http", &["nauthera-storage", "diesel", "redis"]),
    (
        "nauthera-storage",
        &["nauthera-http", "axum", "hyper", "tower"],
    ),
    (
        "nauthera-admin",
        &[
            "nauthera-storage",
            "nauthera-http",
            "diesel",
            "redis",
            "kube",
        ],
    ),
    (
        "nauthera-operator",
        &["nauthera-storage", "nauthera-http", "diesel", "redis"],
    ),
];

#[test]
fn no_run_time_path_crosses_a_layer() {
    let graph = DependencyGraph::load();
    let mut violations = Vec::new();
    for (package, never) in NEVER_REACHES {
        let closure = graph.normal_closure(package);
        for forbidden in *never {
            if closure.contains(*forbidden) {
                violations.push(format!(
                    "{package} reaches {forbidden} (via {})",
                    graph.path(package, forbidden)
                ));
            }
        }
    }
    report("run-time paths across layers", &violations);
}

/// The most lines a `.rs` file may have (the house style's soft cap is about 600 non-test lines).
const MAX_LINES: usize = 1000;

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

/// The workspace's resolved dependency graph, by package name: every edge with its kinds.
struct DependencyGraph {
    edges: HashMap<String, BTreeSet<(Edge, String)>>,
}

impl DependencyGraph {
    /// Runs `cargo metadata --all-features` (the strictest feature set) and keeps every edge with its kind.
    fn load() -> Self {
        let metadata = cargo_metadata(&["--all-features"]);
        let names: HashMap<&str, &str> = array(&metadata, "packages")
            .iter()
            .map(|package| (string(package, "id"), string(package, "name")))
            .collect();
        let resolve = metadata
            .get("resolve")
            .unwrap_or_else(|| panic!("cargo metadata printed no resolve graph"));
        let mut edges: HashMap<String, BTreeSet<(Edge, String)>> = HashMap::new();
        for node in array(resolve, "nodes") {
            let name = names[string(node, "id")].to_owned();
            let out = edges.entry(name).or_default();
            for dep in array(node, "deps") {
                let dependency = names[string(dep, "pkg")].to_owned();
                for kind in array(dep, "dep_kinds") {
                    // `kind: null` marks a normal dependency.
                    let edge = match kind.get("kind").and_then(Value::as_str) {
                        None => Edge::Normal,
                        Some("dev") => Edge::Dev,
                        Some(_) => Edge::Build,
                    };
                    out.insert((edge, dependency.clone()));
                }
            }
        }
        assert!(
            edges.values().map(BTreeSet::len).sum::<usize>() > 0,
            "cargo metadata printed an empty dependency graph"
        );
        Self { edges }
    }

    /// The direct dependencies of `package`, with the kind of each edge.
    fn direct(&self, package: &str) -> BTreeSet<(Edge, String)> {
        self.edges.get(package).cloned().unwrap_or_default()
    }

    fn normal_deps(&self, package: &str) -> impl Iterator<Item = &String> {
        self.edges
            .get(package)
            .into_iter()
            .flatten()
            .filter(|(edge, _)| *edge == Edge::Normal)
            .map(|(_, name)| name)
    }

    /// Every package that `root` reaches through normal dependencies.
    fn normal_closure(&self, root: &str) -> BTreeSet<String> {
        assert!(
            self.edges.contains_key(root),
            "{root} is not in the workspace's resolve graph"
        );
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.to_owned()];
        while let Some(name) = stack.pop() {
            for dep in self.normal_deps(&name) {
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
            for dep in self.normal_deps(name) {
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
