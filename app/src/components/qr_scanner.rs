//! Reading a QR code with the phone's camera, inside the app: a new volunteer
//! points the phone at the invite on a staff phone (or a printed sheet on the
//! notice board) and is taken straight to joining, with no separate scanner
//! app handing the link to some other browser. Decoding happens on the phone
//! ([`crate::browser::camera`]), so it works in a stairwell with no signal.
//!
//! The camera is released the moment a code is read, the scanner is closed,
//! or it leaves the screen.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use leptos::{html, prelude::*};
use web_sys::MediaStream;

use crate::{
    browser::camera::{self, CameraError, FrameGrabber},
    i18n::*,
};

/// How often a frame is tried: quick enough to feel instant, slow enough to
/// leave a cheap phone's battery alone.
const FRAME_INTERVAL_MS: u32 = 250;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for the browser (and the person) to open the camera.
    Starting,
    /// The picture is live and frames are being read.
    Scanning,
    Failed(CameraError),
}

/// A live camera picture that reads QR codes. `on_code` gets the text of the
/// first code read (the camera is already off by then); `on_close` is the
/// close button. The parent removes the scanner in both cases.
#[component]
pub fn QrScanner(on_code: Callback<String>, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(Phase::Starting);
    let video_ref = NodeRef::<html::Video>::new();
    let stream = StoredValue::new_local(None::<MediaStream>);
    let closed = Arc::new(AtomicBool::new(false));

    // Idempotent: stops the camera and tells the scanning task to end.
    let stop = {
        let closed = Arc::clone(&closed);
        move || {
            closed.store(true, Ordering::Relaxed);
            if let Some(Some(s)) = stream.try_update_value(Option::take) {
                camera::stop(&s);
            }
            if let Some(video) = video_ref.try_get_untracked().flatten() {
                video.set_src_object(None);
            }
        }
    };
    on_cleanup(stop.clone());

    {
        let closed = Arc::clone(&closed);
        let stop = stop.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let fail = |e: CameraError| {
                phase.try_set(Phase::Failed(e));
            };
            let opened = camera::open_rear_camera().await;
            if closed.load(Ordering::Relaxed) {
                // Closed while the browser was still asking: let go at once.
                if let Ok(s) = opened {
                    camera::stop(&s);
                }
                return;
            }
            let s = match opened {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            stream.try_set_value(Some(s.clone()));
            let grabber = match FrameGrabber::new() {
                Ok(g) => g,
                Err(e) => {
                    stop();
                    return fail(e);
                }
            };
            let Some(video) = video_ref.try_get_untracked().flatten() else {
                stop();
                return fail(CameraError::Other("no video element".into()));
            };
            video.set_muted(true);
            video.set_src_object(Some(&s));
            if let Ok(playing) = video.play() {
                // Autoplay already covers this; a refusal here is not fatal.
                let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
            }
            phase.try_set(Phase::Scanning);
            loop {
                gloo_timers::future::TimeoutFuture::new(FRAME_INTERVAL_MS).await;
                if closed.load(Ordering::Relaxed) {
                    return;
                }
                if !s.active() {
                    // The browser took the camera back (permission revoked,
                    // another app).
                    stop();
                    return fail(CameraError::Other("camera stopped".into()));
                }
                let Some(frame) = grabber.grab(&video) else {
                    continue;
                };
                if let Some(text) = camera::decode_qr(frame.width, frame.height, &frame.luma) {
                    stop();
                    on_code.run(text);
                    return;
                }
            }
        });
    }

    let state = move || match phase.get() {
        Phase::Starting => "starting",
        Phase::Scanning => "scanning",
        Phase::Failed(_) => "error",
    };
    let error_kind = move || match phase.get() {
        Phase::Failed(e) => Some(e.kind()),
        _ => None,
    };
    let failed = move || matches!(phase.get(), Phase::Failed(_));
    let message = move || match phase.get() {
        Phase::Starting => {
            view! { <p class="scan-status">{t!(i18n, scan_starting)}</p> }.into_any()
        }
        Phase::Scanning => view! { <p class="scan-hint">{t!(i18n, scan_hint)}</p> }.into_any(),
        Phase::Failed(e) => {
            let (text, detail) = match e {
                CameraError::Unsupported => (t_string!(i18n, scan_unsupported).to_string(), None),
                CameraError::Denied => (t_string!(i18n, scan_denied).to_string(), None),
                CameraError::NoCamera => (t_string!(i18n, scan_no_camera).to_string(), None),
                CameraError::Other(d) => (t_string!(i18n, scan_failed).to_string(), Some(d)),
            };
            view! {
                <div class="error" role="alert">
                    <p>{text}</p>
                    {detail.map(|d| view! { <p class="detail">{d}</p> })}
                </div>
            }
            .into_any()
        }
    };
    let close = move |_| {
        stop();
        on_close.run(());
    };

    view! {
        <section class="qr-scanner" data-state=state data-error=error_kind>
            <div class="qr-viewfinder" hidden=failed>
                <video
                    class="qr-video"
                    node_ref=video_ref
                    playsinline
                    muted
                    autoplay
                ></video>
            </div>
            <div class="scan-message" aria-live="polite">
                {message}
            </div>
            <button class="button button-block" type="button" data-action="scan-close" on:click=close>
                {t!(i18n, scan_close)}
            </button>
        </section>
    }
}
