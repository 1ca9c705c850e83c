//! The phone's rear camera, for reading QR codes (an invite on a staff phone,
//! a label on a door) without leaving the app. Frames are decoded here in
//! Rust with `rqrr`: no JavaScript library, nothing sent anywhere, and it
//! works offline like the rest of the app.
//!
//! The camera is a privacy matter for the people on the other side of the
//! lens: whoever opens a stream must [`stop`] it as soon as it is not needed,
//! so the browser's "camera in use" indicator goes out.

use std::fmt;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
    MediaStreamConstraints, MediaStreamTrack,
};

/// The longer side of the frames handed to the decoder. A QR code held up to
/// a phone fills much of the picture, so 640 px is plenty, and decoding a
/// smaller image keeps a cheap phone responsive at four frames a second.
pub const MAX_FRAME_SIDE: u32 = 640;

/// Why the camera could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraError {
    /// No `navigator.mediaDevices` (an old browser, or a page not served over
    /// HTTPS or from localhost).
    Unsupported,
    /// The person (or the browser's settings) refused camera access.
    Denied,
    /// The phone has no camera the browser can use.
    NoCamera,
    /// Anything else (the camera busy in another app, …), with the browser's
    /// own words.
    Other(String),
}

impl CameraError {
    /// A stable name for the error, for `data-` attributes and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            CameraError::Unsupported => "unsupported",
            CameraError::Denied => "denied",
            CameraError::NoCamera => "no-camera",
            CameraError::Other(_) => "failed",
        }
    }

    /// Classifies a rejection from `getUserMedia` by its DOMException name.
    fn from_js(error: &JsValue) -> Self {
        let name = js_string(error, "name");
        match name.as_str() {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => CameraError::Denied,
            "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => {
                CameraError::NoCamera
            }
            _ => {
                let message = js_string(error, "message");
                let text = match (name.is_empty(), message.is_empty()) {
                    (false, false) => format!("{name}: {message}"),
                    (false, true) => name,
                    (true, false) => message,
                    (true, true) => error.as_string().unwrap_or_else(|| format!("{error:?}")),
                };
                CameraError::Other(text)
            }
        }
    }
}

impl fmt::Display for CameraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CameraError::Other(text) => write!(f, "failed: {text}"),
            other => f.write_str(other.kind()),
        }
    }
}

impl std::error::Error for CameraError {}

fn js_string(value: &JsValue, key: &str) -> String {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Opens the rear camera (`facingMode: "environment"`, a preference, so a
/// laptop's only camera still works), video only. The browser asks for
/// permission the first time.
pub async fn open_rear_camera() -> Result<MediaStream, CameraError> {
    let window = leptos::prelude::window();
    let secure = js_sys::Reflect::get(&window, &JsValue::from_str("isSecureContext"))
        .map(|v| v.as_bool() != Some(false))
        .unwrap_or(true);
    if !secure {
        return Err(CameraError::Unsupported);
    }
    let navigator = window.navigator();
    let devices = js_sys::Reflect::get(&navigator, &JsValue::from_str("mediaDevices"))
        .map_err(|_| CameraError::Unsupported)?;
    if devices.is_undefined() || devices.is_null() {
        return Err(CameraError::Unsupported);
    }
    let get_user_media = js_sys::Reflect::get(&devices, &JsValue::from_str("getUserMedia"))
        .map_err(|_| CameraError::Unsupported)?;
    if !get_user_media.is_function() {
        return Err(CameraError::Unsupported);
    }
    let devices: web_sys::MediaDevices = devices.unchecked_into();

    let video = js_sys::Object::new();
    js_sys::Reflect::set(
        &video,
        &JsValue::from_str("facingMode"),
        &JsValue::from_str("environment"),
    )
    .map_err(|e| CameraError::from_js(&e))?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);

    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| CameraError::from_js(&e))?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|e| CameraError::from_js(&e))?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|v| CameraError::Other(format!("getUserMedia gave {v:?}")))
}

/// Stops every track of `stream`, releasing the camera (its indicator goes
/// out). Stopping twice is harmless.
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// One video frame in shades of grey, row by row, one byte a pixel
/// (0 black, 255 white).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GreyFrame {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
}

/// Copies video frames into an offscreen canvas, downscaled so the longer
/// side is at most [`MAX_FRAME_SIDE`], and reads them back as grey levels.
/// Make one per scanner and reuse it for every frame.
#[derive(Clone, Debug)]
pub struct FrameGrabber {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
}

impl FrameGrabber {
    /// A canvas that is never attached to the page.
    pub fn new() -> Result<Self, CameraError> {
        let fail = |what: &str| CameraError::Other(format!("canvas: {what}"));
        let canvas: HtmlCanvasElement = leptos::prelude::document()
            .create_element("canvas")
            .map_err(|_| fail("cannot create"))?
            .dyn_into()
            .map_err(|_| fail("not a canvas"))?;
        // Frames are read back every time: let the browser keep the canvas
        // in memory rather than on the GPU.
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &options,
            &JsValue::from_str("willReadFrequently"),
            &JsValue::TRUE,
        );
        let context: CanvasRenderingContext2d = canvas
            .get_context_with_context_options("2d", &options)
            .ok()
            .flatten()
            .ok_or_else(|| fail("no 2d context"))?
            .dyn_into()
            .map_err(|_| fail("not a 2d context"))?;
        Ok(FrameGrabber { canvas, context })
    }

    /// The frame `video` shows now, or `None` while it has no picture yet
    /// (the stream still starting) or the canvas refused.
    pub fn grab(&self, video: &HtmlVideoElement) -> Option<GreyFrame> {
        // HAVE_CURRENT_DATA: there is a frame to draw.
        if video.ready_state() < 2 {
            return None;
        }
        let (width, height) = scaled_size(video.video_width(), video.video_height())?;
        if self.canvas.width() != width || self.canvas.height() != height {
            self.canvas.set_width(width);
            self.canvas.set_height(height);
        }
        self.context
            .draw_image_with_html_video_element_and_dw_and_dh(
                video,
                0.0,
                0.0,
                f64::from(width),
                f64::from(height),
            )
            .ok()?;
        let rgba = self
            .context
            .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
            .ok()?
            .data();
        Some(GreyFrame {
            width: width as usize,
            height: height as usize,
            luma: rgba_to_luma(&rgba),
        })
    }
}

/// The size to draw a `width`×`height` frame at: the same shape, the longer
/// side at most [`MAX_FRAME_SIDE`]. `None` for an empty frame.
fn scaled_size(width: u32, height: u32) -> Option<(u32, u32)> {
    if width == 0 || height == 0 {
        return None;
    }
    let longer = width.max(height);
    if longer <= MAX_FRAME_SIDE {
        return Some((width, height));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(MAX_FRAME_SIDE) + u64::from(longer) / 2) / u64::from(longer))
            .max(1) as u32
    };
    Some((scale(width), scale(height)))
}

/// RGBA bytes to grey levels (ITU-R BT.601 weights, in integers).
fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            let (r, g, b) = (u32::from(p[0]), u32::from(p[1]), u32::from(p[2]));
            ((77 * r + 150 * g + 29 * b + 128) >> 8) as u8
        })
        .collect()
}

/// The text of the first QR code found in a grey image (`luma` row by row,
/// `width * height` bytes), or `None` if there is none, it is unreadable, or
/// `luma` has the wrong length.
pub fn decode_qr(width: usize, height: usize, luma: &[u8]) -> Option<String> {
    if width == 0 || height == 0 || width.checked_mul(height) != Some(luma.len()) {
        return None;
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_meta, text)| text))
}
