//! The in-app QR scanner's decoder: a code drawn the way a camera sees one
//! (black modules on white, a quiet zone) reads back as its text.

use linli_app::browser::camera::decode_qr;
use qrcode::{Color, QrCode};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `text` as a QR code, 4×4 px a module, a 4-module white quiet zone.
fn render(text: &str) -> (usize, Vec<u8>) {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let code = QrCode::new(text.as_bytes()).unwrap();
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / SCALE, y / SCALE);
            let inside =
                (QUIET..QUIET + modules).contains(&mx) && (QUIET..QUIET + modules).contains(&my);
            if inside && colors[(my - QUIET) * modules + (mx - QUIET)] == Color::Dark {
                luma[y * side + x] = 0;
            }
        }
    }
    (side, luma)
}

#[wasm_bindgen_test]
fn decodes_a_rendered_code() {
    let text = "https://linli.example/join#3yQ7abcDEF12";
    let (side, luma) = render(text);
    assert_eq!(decode_qr(side, side, &luma).as_deref(), Some(text));
}

#[wasm_bindgen_test]
fn finds_nothing_in_a_blank_or_misshapen_image() {
    assert_eq!(decode_qr(64, 64, &[255; 64 * 64]), None);
    assert_eq!(decode_qr(64, 64, &[255; 10]), None);
    assert_eq!(decode_qr(0, 0, &[]), None);
}
