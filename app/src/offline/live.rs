//! The browser's end of the dashboard's live stream: an `EventSource` on the server's
//! event stream, which reconnects by itself (resending the last event's id), and which
//! says whether it is connected.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// An open stream; dropping it closes it.
pub struct Live {
    source: web_sys::EventSource,
    // Held so the browser's callbacks stay alive as long as the stream.
    _callbacks: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

impl Drop for Live {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Opens `url`: `changed` runs for each `changed` event, `connected` with whether the
/// stream is up each time that changes.
pub fn follow(url: &str, connected: impl Fn(bool) + Clone + 'static, changed: impl Fn() + 'static) -> Option<Live> {
    let source = web_sys::EventSource::new(url).ok()?;
    let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| changed());
    let up = connected.clone();
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| up(true));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected(false));
    source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref()).ok()?;
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Live { source, _callbacks: [on_change, on_open, on_error] })
}
