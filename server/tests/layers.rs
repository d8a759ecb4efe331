//! The layers of the workspace, held by a test rather than by hope: what each floor may
//! name of the others, read from the sources and manifests as text. A new import across a
//! line below fails here, with the file and the line.
//!
//! - the core is pure: no server, browser, web framework or database crate;
//! - the core's domain is its ground floor: it names nothing of sync, the reader, the API
//!   bodies or the words;
//! - the database layer names nothing of the server but itself and the `secret` leaf (no
//!   service, no configuration, no HTTP);
//! - the server does not link the browser's pages;
//! - a page never touches browser storage: it asks the workspace, the session module or
//!   the client, and of `offline` only the service worker's and the live stream's calls.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds the server").to_path_buf()
}

/// Every `.rs` file under `dir`, with its lines of code (comments and doc comments left out).
fn sources(dir: &Path) -> Vec<(PathBuf, Vec<(usize, String)>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap_or_else(|error| panic!("{}: {error}", next.display())) {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                let code = text
                    .lines()
                    .enumerate()
                    .filter(|(_, line)| !line.trim_start().starts_with("//"))
                    .map(|(index, line)| (index + 1, line.to_owned()))
                    .collect();
                found.push((path, code));
            }
        }
    }
    found
}

/// The lines under `dir` that name any of `forbidden`, as `file:line: text`.
fn naming(dir: &Path, forbidden: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (path, lines) in sources(dir) {
        for (number, line) in lines {
            let named = forbidden.iter().any(|name| line.contains(name));
            let excused = allowed.iter().any(|name| line.contains(name));
            if named && !excused {
                wrong.push(format!("{}:{number}: {}", path.strip_prefix(workspace()).unwrap_or(&path).display(), line.trim()));
            }
        }
    }
    wrong
}

/// The names of a manifest's `[dependencies]`.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).expect("a manifest");
    let mut inside = false;
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            names.extend(line.split(['=', '.']).next().map(|name| name.trim().to_owned()));
        }
    }
    names
}

#[test]
fn the_core_is_pure() {
    let root = workspace();
    let outside = ["chidao_server", "leptos", "axum", "surrealdb", "web_sys", "gloo", "wasm_bindgen", "tokio"];
    let deps = dependencies(&root.join("core/Cargo.toml"));
    let linked: Vec<&String> = deps.iter().filter(|dep| outside.iter().any(|name| dep.replace('-', "_").starts_with(name))).collect();
    assert!(linked.is_empty(), "the core links {linked:?}");
    let named = naming(&root.join("core/src"), &["chidao_server::", "leptos::", "axum::", "surrealdb::", "web_sys::", "app::"], &[]);
    assert!(named.is_empty(), "the core names the server, the browser or a framework:\n{}", named.join("\n"));
}

#[test]
fn the_domain_is_the_ground_floor() {
    let named =
        naming(&workspace().join("core/src/domain"), &["crate::sync", "crate::import", "crate::api", "crate::i18n", "crate::openapi"], &[]);
    assert!(named.is_empty(), "the domain names a floor above it:\n{}", named.join("\n"));
}

#[test]
fn the_database_layer_names_no_service() {
    let named = naming(&workspace().join("server/src/db"), &["crate::"], &["crate::db", "crate::secret"]);
    assert!(named.is_empty(), "the database layer names the server above it:\n{}", named.join("\n"));
}

#[test]
fn the_server_does_not_link_the_pages() {
    let root = workspace();
    assert!(!dependencies(&root.join("server/Cargo.toml")).iter().any(|dep| dep == "app"), "the server links the app crate");
    let named = naming(&root.join("server/src"), &["app::"], &["axum::", "leptos::"]);
    assert!(named.is_empty(), "the server names the app's pages:\n{}", named.join("\n"));
}

#[test]
fn pages_never_touch_browser_storage() {
    let storage = ["gloo_storage", "LocalStorage", "SessionStorage", "UserStore", "PhotoStore", "IdbFactory", "crate::offline::"];
    // The service worker's calls and the live stream: not storage.
    let allowed = [
        "crate::offline::register_shell",
        "crate::offline::activate_new_shell",
        "crate::offline::shell_controlled",
        "crate::offline::keep_pages",
        "crate::offline::storage_report",
        "crate::offline::live::",
    ];
    let named = naming(&workspace().join("app/src/pages"), &storage, &allowed);
    assert!(named.is_empty(), "a page touches browser storage itself:\n{}", named.join("\n"));
}
