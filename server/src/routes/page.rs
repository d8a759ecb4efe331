//! The page the server sends for every path the app shows: head, scripts and a loading
//! line. The browser renders everything inside `<body>` itself (Leptos `csr`, see
//! docs/offline.md), so the server needs none of the app's pages to make it, only this.

use chidao_core::api::PAGE_LOADING_ID;
use chidao_core::i18n::{t, Key, Locale};
use leptos::prelude::*;

/// The reader's language, from their language cookie on this request.
fn request_locale() -> Locale {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.headers.get(axum::http::header::COOKIE)?.to_str().ok().map(str::to_owned))
        .and_then(|header| Locale::from_cookie_header(&header))
        .unwrap_or_default()
}

/// The loader of the on-demand chunks that the app's script imports, as the split build
/// names it in `pkg_dir`, if there is one. Announced with the page, the browser fetches it
/// beside the script instead of after it (~30 ms of a slow tablet's offline start).
fn split_loader(pkg_dir: &std::path::Path) -> Option<String> {
    std::fs::read_dir(pkg_dir)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("__wasm_split.") && name.ends_with(".js"))
}

/// [`split_loader`] of the site being served, looked for once.
fn served_split_loader(options: &LeptosOptions) -> Option<&'static str> {
    static FOUND: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let pkg_dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
            split_loader(&pkg_dir).map(|name| format!("/{}/{name}", options.site_pkg_dir))
        })
        .as_deref()
}

/// The page, in the reader's language; the app reads that language back from `lang`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    let split_loader = served_split_loader(&options).map(|href| view! { <link rel="modulepreload" href=href/> });
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // As markup, not a text child: a text child gets a hydration marker, which a
                // title would show.
                <title inner_html=t(locale, Key::AppName)></title>
                <link rel="stylesheet" id="leptos" href="/pkg/chidao.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <meta name="theme-color" content="#b3261e"/>
                {split_loader}
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
            </head>
            <body>
                <p class="loading" id=PAGE_LOADING_ID>{t(locale, Key::Loading)}</p>
            </body>
        </html>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_loader_is_found_by_its_name_and_only_it() {
        let pkg = std::env::temp_dir().join(format!("chidao-pkg-{}", std::process::id()));
        std::fs::create_dir_all(&pkg).unwrap();
        assert_eq!(split_loader(&pkg), None);
        for name in ["chidao.js", "chidao.wasm", "__wasm_split_manifest.json", "__wasm_split.______________________.js"] {
            std::fs::write(pkg.join(name), b"").unwrap();
        }
        assert_eq!(split_loader(&pkg).as_deref(), Some("__wasm_split.______________________.js"));
        assert_eq!(split_loader(&pkg.join("missing")), None);
        std::fs::remove_dir_all(&pkg).unwrap();
    }
}
