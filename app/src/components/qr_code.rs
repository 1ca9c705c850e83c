//! A QR code drawn as SVG (one path, crisp at any size), for invite links
//! shown on a staff phone and scanned by a new volunteer's camera.

use leptos::prelude::*;
use qrcode::{Color, QrCode};

/// The SVG path (`M x y h1 v1 h-1 z` per dark module) and the side in modules,
/// quiet zone included.
pub fn svg_path(text: &str) -> Option<(String, usize)> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 4;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((path, width + 2 * quiet))
}

#[component]
pub fn QrCode(#[prop(into)] text: Signal<String>, #[prop(into)] label: String) -> impl IntoView {
    move || {
        svg_path(&text.get()).map(|(path, side)| {
            view! {
                <svg
                    class="qr"
                    viewBox=format!("0 0 {side} {side}")
                    role="img"
                    aria-label=label.clone()
                    shape-rendering="crispEdges"
                >
                    <rect width="100%" height="100%" fill="#fff"></rect>
                    <path d=path fill="#000"></path>
                </svg>
            }
        })
    }
}
