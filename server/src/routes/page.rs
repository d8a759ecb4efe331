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

/// The page, in the reader's language; the app reads that language back from `lang`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
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
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
            </head>
            <body>
                <p class="loading" id=PAGE_LOADING_ID>{t(locale, Key::Loading)}</p>
            </body>
        </html>
    }
}
