//! Whether the browser believes it has a network, following `online`/`offline`
//! events. "Online" only means a network exists; reaching the relay is the sync
//! client's business.

use leptos::prelude::*;

/// The browser's online state as a signal, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Online(pub ReadSignal<bool>);

/// Starts following the browser's online state.
pub fn watch() -> Online {
    let (online, set_online) = signal(navigator_on_line());
    let on = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    Online(online)
}

fn navigator_on_line() -> bool {
    window().navigator().on_line()
}
