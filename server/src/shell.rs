//! The offline app shell: the service worker script, served with the version of the files
//! it caches. Any change to a file of the built site gives a new version, so a deploy
//! makes browsers install a new worker with a new cache, never a mix of old and new files.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The worker as written in `public/`; cargo-leptos copies it to the site root.
pub const WORKER_FILE: &str = "sw.js";

#[derive(Debug, Clone)]
pub struct Shell {
    pub version: String,
    /// URL paths of the files the worker caches beside the page, e.g. `/pkg/chidao.wasm`.
    pub files: Vec<String>,
    worker: String,
}

/// Whether a built file belongs in the browser's cache: not the worker itself (browsers
/// fetch it on their own) and not type declarations left by the wasm build.
fn cached_in_browser(url_path: &str) -> bool {
    url_path != format!("/{WORKER_FILE}") && !url_path.ends_with(".d.ts")
}

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error("reading {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
}

fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> ShellError + '_ {
    move |source| ShellError::Read { path: path.to_owned(), source }
}

/// Every file under `dir`, sorted, so the hash does not depend on directory order.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, ShellError> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).map_err(read_error(&next))? {
            let path = entry.map_err(read_error(&next))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

impl Shell {
    /// Reads the built site at `site_root`. `None` when it has no worker (the site was not
    /// built, as in the API tests): the app then works online only. `version` replaces the
    /// files' hash, for operators who must force every browser onto a new shell.
    pub fn load(site_root: &Path, version: Option<String>) -> Result<Option<Shell>, ShellError> {
        let worker_path = site_root.join(WORKER_FILE);
        if !worker_path.exists() {
            return Ok(None);
        }
        let worker = std::fs::read_to_string(&worker_path).map_err(read_error(&worker_path))?;
        let mut hash = Sha256::new();
        let mut files = Vec::new();
        for path in files_under(site_root)? {
            let relative = path.strip_prefix(site_root).unwrap_or(&path);
            let url_path = format!("/{}", relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            // The name too, so that moving a file is a change.
            hash.update(url_path.as_bytes());
            hash.update(std::fs::read(&path).map_err(read_error(&path))?);
            if cached_in_browser(&url_path) {
                files.push(url_path);
            }
        }
        let version = version.unwrap_or_else(|| hash.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect());
        Ok(Some(Shell { version, files, worker }))
    }

    /// The worker's source with its version and file list in front.
    pub fn worker_script(&self) -> String {
        format!(
            "const SHELL_VERSION = {};\nconst SHELL_FILES = {};\n{}",
            serde_json::Value::String(self.version.clone()),
            serde_json::json!(self.files),
            self.worker
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn any_changed_file_changes_the_version() {
        let before = site(&[("sw.js", "w"), ("pkg/chidao.js", "a"), ("pkg/chidao_bg.wasm", "b")]);
        let after = site(&[("sw.js", "w"), ("pkg/chidao.js", "a"), ("pkg/chidao_bg.wasm", "c")]);
        let same = site(&[("sw.js", "w"), ("pkg/chidao.js", "a"), ("pkg/chidao_bg.wasm", "b")]);
        let version = |dir: &tempfile::TempDir| Shell::load(dir.path(), None).unwrap().unwrap().version;
        assert_ne!(version(&before), version(&after));
        assert_eq!(version(&before), version(&same));
    }

    #[test]
    fn the_script_carries_its_version_and_an_unbuilt_site_has_no_shell() {
        let dir = site(&[("sw.js", "self.x = 1;"), ("pkg/chidao.wasm", "w"), ("pkg/chidao.d.ts", "t"), ("favicon.svg", "f")]);
        let shell = Shell::load(dir.path(), Some("deploy-2".into())).unwrap().unwrap();
        assert_eq!(
            shell.worker_script(),
            "const SHELL_VERSION = \"deploy-2\";\nconst SHELL_FILES = [\"/favicon.svg\",\"/pkg/chidao.wasm\"];\nself.x = 1;"
        );
        assert!(Shell::load(site(&[]).path(), None).unwrap().is_none());
    }
}
