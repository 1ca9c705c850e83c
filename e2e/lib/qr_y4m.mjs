// A fake camera for the in-app QR scanner: a Y4M video of one QR code,
// black on white, which Chromium plays as its camera when launched with
//   --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
//   --use-file-for-fake-video-capture=FILE.y4m
// (Chromium loops the file). The code is drawn with whole pixels per module
// and no blur, so a scan that fails is the app's fault, not the picture's.
import { writeFileSync } from "node:fs";
import QRCode from "qrcode";

const QUIET_ZONE = 4; // modules of white the QR spec asks for around the code
const FILL = 0.7; // the code's share of the frame's shorter side

/**
 * Writes `frames` identical frames showing the QR code of `text`, centred,
 * to `path` (YUV4MPEG2, 4:2:0, 10 frames a second). Returns `path`.
 */
export function writeQrY4m(text, path, { width = 640, height = 480, frames = 30 } = {}) {
  const modules = QRCode.create(text, { errorCorrectionLevel: "M" }).modules;
  const size = modules.size;
  const shorter = Math.min(width, height);
  let scale = Math.max(1, Math.floor((shorter * FILL) / size));
  while (scale > 1 && (size + 2 * QUIET_ZONE) * scale > shorter) scale -= 1;
  if (size * scale > shorter) {
    throw new Error(`QR code of ${size} modules does not fit a ${width}×${height} frame`);
  }
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);

  // Y: white ground, black modules. U and V: no colour.
  const luma = Buffer.alloc(width * height, 255);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const start = (top + row * scale + dy) * width + left + col * scale;
        luma.fill(0, start, start + scale);
      }
    }
  }
  const chroma = Buffer.alloc(2 * Math.ceil(width / 2) * Math.ceil(height / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);

  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array(frames).fill(frame)]));
  return path;
}
