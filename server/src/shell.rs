//! The offline app shell: the service worker script, served with the version of the files
//! it caches. Any change to a file of the built site gives a new version, so a deploy
//! makes browsers install a new worker with a new cache, never a mix of old and new files.

use axum::body::Bytes;
use axum::http::HeaderValue;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The worker as written in `public/`; cargo-leptos copies it to the site root.
pub const WORKER_FILE: &str = "sw.js";

#[derive(Debug, Clone)]
pub struct Shell {
    pub version: String,
    /// URL paths of the files the worker caches beside the page when it installs, e.g.
    /// `/pkg/chidao.wasm`.
    pub files: Vec<String>,
    /// URL paths of the wasm chunks of pages loaded on demand (supervisors', admins'):
    /// cached the first time they are fetched, so a field tablet's shell stays small.
    pub on_demand: Vec<String>,
    /// `version` as the value of [`VERSION_HEADER`]; `load` admits only versions that are.
    pub version_header: HeaderValue,
    /// The chunks each on-demand page needs, by the page's split name (`compose` …), from
    /// the manifest cargo-leptos writes: a page asks the worker to keep its person's pages.
    pub pages: BTreeMap<String, Vec<String>>,
    worker: String,
    site_root: PathBuf,
    /// The text and wasm files of the shell, brotli-compressed at the best quality, by URL
    /// path; filled once in the background after start-up.
    compressed: Arc<OnceLock<HashMap<String, Bytes>>>,
}

/// The type a shell file is served as, for files worth compressing; `None` for the rest
/// (images are compressed already).
pub fn compressible_type(url_path: &str) -> Option<&'static str> {
    let extension = url_path.rsplit_once('.').map(|(_, extension)| extension)?;
    Some(match extension {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "webmanifest" => "application/manifest+json",
        "html" => "text/html; charset=utf-8",
        _ => return None,
    })
}

/// Above this size (a debug build's wasm) the best setting would keep a core busy for
/// minutes; a fast setting still beats per-request compression.
const BEST_COMPRESSION_UP_TO: usize = 4 * 1024 * 1024;

fn brotli_best(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut compressed = Vec::new();
    let quality = if bytes.len() <= BEST_COMPRESSION_UP_TO { 11 } else { 5 };
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params)?;
    Ok(compressed)
}

/// How the browser's cache treats a built file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caching {
    /// Part of the shell, fetched when the worker installs.
    AtInstall,
    /// A chunk split off the wasm (cargo-leptos names them `split_*.wasm` and
    /// `chunk_*.wasm`): kept once a page has fetched it.
    OnFirstUse,
    /// The worker itself (browsers fetch it on their own), type declarations and the split
    /// manifest the server reads: never cached by the worker.
    Never,
}

fn caching(url_path: &str) -> Caching {
    let file = url_path.rsplit('/').next().unwrap_or(url_path);
    if url_path == format!("/{WORKER_FILE}") || file.ends_with(".d.ts") || file == SPLIT_MANIFEST {
        Caching::Never
    } else if file.ends_with(".wasm") && (file.starts_with("split_") || file.starts_with("chunk_")) {
        Caching::OnFirstUse
    } else {
        Caching::AtInstall
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error("reading {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("reading the wasm split manifest {path}: {source}")]
    Manifest { path: PathBuf, source: serde_json::Error },
    #[error("the shell version must be 1 to 64 letters, digits, '.', '-' or '_', not {0:?}")]
    Version(String),
    #[error("the wasm split manifest names {0}, which the site does not have")]
    MissingChunk(String),
}

/// The response header that names the shell version a file belongs to. The worker checks
/// it on chunks it fetches late: an old page must not run a new deploy's chunk.
pub const VERSION_HEADER: &str = "x-chidao-shell";

/// The split manifest's name in the site's package folder.
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";

/// The chunks of each page, as URL paths, from the split manifest at `url_path` (its
/// entries name files beside it, without `.wasm`).
fn pages_from_manifest(path: &Path, url_path: &str) -> Result<BTreeMap<String, Vec<String>>, ShellError> {
    let text = std::fs::read(path).map_err(read_error(path))?;
    let chunks: BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&text).map_err(|source| ShellError::Manifest { path: path.to_owned(), source })?;
    let folder = url_path.rsplit_once('/').map_or("", |(folder, _)| folder);
    Ok(chunks.into_iter().map(|(page, files)| (page, files.into_iter().map(|file| format!("{folder}/{file}.wasm")).collect())).collect())
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
        if let Some(version) = &version {
            let fits =
                (1..=64).contains(&version.len()) && version.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-_".contains(&byte));
            if !fits {
                return Err(ShellError::Version(version.clone()));
            }
        }
        let worker_path = site_root.join(WORKER_FILE);
        if !worker_path.exists() {
            return Ok(None);
        }
        let worker = std::fs::read_to_string(&worker_path).map_err(read_error(&worker_path))?;
        let mut hash = Sha256::new();
        let (mut files, mut on_demand, mut pages) = (Vec::new(), Vec::new(), BTreeMap::new());
        for path in files_under(site_root)? {
            let relative = path.strip_prefix(site_root).unwrap_or(&path);
            let url_path =
                format!("/{}", relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            // The name too, so that moving a file is a change.
            hash.update(url_path.as_bytes());
            hash.update(std::fs::read(&path).map_err(read_error(&path))?);
            if url_path.ends_with(&format!("/{SPLIT_MANIFEST}")) {
                pages = pages_from_manifest(&path, &url_path)?;
            }
            match caching(&url_path) {
                Caching::AtInstall => files.push(url_path),
                Caching::OnFirstUse => on_demand.push(url_path),
                Caching::Never => {}
            }
        }
        if let Some(missing) = pages.values().flatten().find(|path| !on_demand.contains(path)) {
            return Err(ShellError::MissingChunk(missing.clone()));
        }
        let version = version.unwrap_or_else(|| hash.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect());
        let version_header = HeaderValue::from_str(&version).map_err(|_| ShellError::Version(version.clone()))?;
        Ok(Some(Shell {
            version,
            version_header,
            files,
            on_demand,
            pages,
            worker,
            site_root: site_root.to_owned(),
            compressed: Arc::default(),
        }))
    }

    /// Compresses the shell's files in a background thread (a few seconds for the wasm at
    /// the best setting); until it is done they are compressed per request, less well.
    pub fn precompress(&self) {
        let files: Vec<String> = self.files.iter().chain(&self.on_demand).cloned().collect();
        let (root, slot) = (self.site_root.clone(), self.compressed.clone());
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut compressed = HashMap::new();
            for url_path in files.into_iter().filter(|path| compressible_type(path).is_some()) {
                let path = root.join(url_path.trim_start_matches('/'));
                match std::fs::read(&path).and_then(|bytes| brotli_best(&bytes)) {
                    Ok(body) => {
                        compressed.insert(url_path, Bytes::from(body));
                    }
                    Err(error) => tracing::warn!(path = %path.display(), %error, "could not precompress a shell file"),
                }
            }
            tracing::info!(files = compressed.len(), seconds = started.elapsed().as_secs_f64(), "shell precompressed");
            let _ = slot.set(compressed);
        });
    }

    /// Whether `url_path` is one of the shell's files or chunks.
    pub fn serves(&self, url_path: &str) -> bool {
        self.files.iter().chain(&self.on_demand).any(|path| path == url_path)
    }

    /// The file at `url_path` compressed with brotli, once precompression is done.
    pub fn brotli(&self, url_path: &str) -> Option<Bytes> {
        self.compressed.get()?.get(url_path).cloned()
    }

    /// The worker's source with its version and file lists in front.
    pub fn worker_script(&self) -> String {
        format!(
            "const SHELL_VERSION = {};\nconst SHELL_FILES = {};\nconst ON_DEMAND_FILES = {};\nconst ON_DEMAND_PAGES = {};\n{}",
            serde_json::Value::String(self.version.clone()),
            serde_json::json!(self.files),
            serde_json::json!(self.on_demand),
            serde_json::json!(self.pages),
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
        let dir = site(&[
            ("sw.js", "self.x = 1;"),
            ("pkg/chidao.wasm", "w"),
            ("pkg/chidao.d.ts", "t"),
            ("favicon.svg", "f"),
            ("pkg/__wasm_split.______________________.js", "s"),
            ("pkg/__wasm_split_manifest.json", r#"{"admin": ["chunk_5", "split_admin_2"]}"#),
            ("pkg/split_admin_2.wasm", "a"),
            ("pkg/chunk_5.wasm", "c"),
        ]);
        let shell = Shell::load(dir.path(), Some("deploy-2".into())).unwrap().unwrap();
        assert_eq!(
            shell.worker_script(),
            "const SHELL_VERSION = \"deploy-2\";\n\
             const SHELL_FILES = [\"/favicon.svg\",\"/pkg/__wasm_split.______________________.js\",\"/pkg/chidao.wasm\"];\n\
             const ON_DEMAND_FILES = [\"/pkg/chunk_5.wasm\",\"/pkg/split_admin_2.wasm\"];\n\
             const ON_DEMAND_PAGES = {\"admin\":[\"/pkg/chunk_5.wasm\",\"/pkg/split_admin_2.wasm\"]};\n\
             self.x = 1;"
        );
        assert!(Shell::load(site(&[]).path(), None).unwrap().is_none());
    }

    #[test]
    fn an_operator_version_must_fit_in_a_header() {
        let dir = site(&[("sw.js", "w")]);
        assert!(Shell::load(dir.path(), Some("2026-11-26.1".into())).is_ok());
        for bad in ["", "new version", "v\n2", "ü", &"x".repeat(65)] {
            let error = Shell::load(dir.path(), Some(bad.into())).unwrap_err();
            assert!(matches!(error, ShellError::Version(_)), "{bad}: {error}");
        }
    }

    #[test]
    fn a_broken_split_manifest_is_a_clear_error() {
        let dir = site(&[("sw.js", "w"), ("pkg/__wasm_split_manifest.json", "{not json")]);
        let error = Shell::load(dir.path(), None).unwrap_err();
        assert!(error.to_string().contains("wasm split manifest"), "{error}");
        let dir = site(&[("sw.js", "w"), ("pkg/__wasm_split_manifest.json", r#"{"admin": ["split_admin"]}"#)]);
        let error = Shell::load(dir.path(), None).unwrap_err();
        assert!(matches!(&error, ShellError::MissingChunk(path) if path == "/pkg/split_admin.wasm"), "{error}");
    }

    #[test]
    fn text_and_wasm_files_are_precompressed_and_decompress_to_themselves() {
        let script = "console.log('chidao');\n".repeat(200);
        let dir = site(&[("sw.js", "w"), ("pkg/chidao.js", &script), ("icons/icon.png", "png")]);
        let shell = Shell::load(dir.path(), None).unwrap().unwrap();
        shell.precompress();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while shell.compressed.get().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let body = shell.brotli("/pkg/chidao.js").expect("the script is precompressed");
        assert!(body.len() < script.len() / 10);
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
        assert_eq!(plain, script.as_bytes());
        assert!(shell.brotli("/icons/icon.png").is_none(), "images are left alone");
    }
}
