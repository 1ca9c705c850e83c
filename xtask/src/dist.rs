//! Builds `dist/`: the app compiled to wasm, optimised, content-hashed, listed
//! in the service worker's precache, and precompressed for the relay to serve.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use crate::{
    sh::{self, cmd},
    tools,
};

const DIST: &str = "dist";
const STAGING: &str = "target/xtask/dist.new";
const BINDGEN_OUT: &str = "target/xtask/bindgen";
const OPT_CACHE: &str = "target/xtask/wasm-opt-cache";
/// Files of public/ that are templates or sources, not copied as they are.
const NOT_COPIED: &[&str] = &["index.html", "sw.js", "style.css", "icons/draw_icons.py"];
/// Extensions worth compressing (PNGs are compressed already).
const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "wasm",
    "css",
    "svg",
    "webmanifest",
    "json",
    "txt",
];

/// One file of dist/ and its sizes.
pub struct Asset {
    pub path: String,
    pub raw: u64,
    pub brotli: Option<u64>,
    pub gzip: Option<u64>,
}

pub struct Report {
    pub assets: Vec<Asset>,
    pub cache_version: String,
}

impl Report {
    /// What a phone downloads on first load: brotli where the relay has it.
    pub fn transfer(&self) -> u64 {
        self.assets.iter().map(|a| a.brotli.unwrap_or(a.raw)).sum()
    }

    pub fn print(&self) {
        println!(
            "{:<40} {:>10} {:>10} {:>10}",
            "asset", "raw", "brotli", "gzip"
        );
        for a in &self.assets {
            let br = a.brotli.map_or_else(|| "-".to_owned(), kb);
            let gz = a.gzip.map_or_else(|| "-".to_owned(), kb);
            println!("{:<40} {:>10} {:>10} {:>10}", a.path, kb(a.raw), br, gz);
        }
        let raw: u64 = self.assets.iter().map(|a| a.raw).sum();
        let gz: u64 = self.assets.iter().map(|a| a.gzip.unwrap_or(a.raw)).sum();
        println!(
            "{:<40} {:>10} {:>10} {:>10}",
            "total",
            kb(raw),
            kb(self.transfer()),
            kb(gz)
        );
        println!(
            "transfer (brotli where precompressed): {} bytes = {}; cache version {}",
            self.transfer(),
            kb(self.transfer()),
            self.cache_version
        );
    }
}

fn kb(n: u64) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}

pub fn build() -> anyhow::Result<Report> {
    tools::wasm_target()?;
    tools::wasm_bindgen()?;
    let wasm_opt = tools::wasm_opt()?;

    let cargo = cmd(
        "cargo",
        [
            "build",
            "--package",
            "linli-app",
            "--bin",
            "linli-app",
            "--release",
            "--target",
            tools::WASM_TARGET,
        ],
    );
    sh::run(cargo)?;
    let built = PathBuf::from("target")
        .join(tools::WASM_TARGET)
        .join("release/linli-app.wasm");

    let _ = std::fs::remove_dir_all(BINDGEN_OUT);
    sh::run(cmd(
        "wasm-bindgen",
        [
            built.to_str().unwrap_or_default(),
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            BINDGEN_OUT,
            "--out-name",
            "app",
        ],
    ))?;
    let js = std::fs::read(Path::new(BINDGEN_OUT).join("app.js"))?;
    let wasm = optimise(&wasm_opt, &Path::new(BINDGEN_OUT).join("app_bg.wasm"))?;
    let css = std::fs::read("public/style.css")?;

    let staging = PathBuf::from(STAGING);
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)?;

    // The JS glue and the wasm change together: one hash names both.
    let app_hash = short_hash(&[&js, &wasm]);
    let app_js = format!("app-{app_hash}.js");
    let app_wasm = format!("app-{app_hash}_bg.wasm");
    let style = format!("style-{}.css", short_hash(&[&css]));
    std::fs::write(staging.join(&app_js), &js)?;
    std::fs::write(staging.join(&app_wasm), &wasm)?;
    std::fs::write(staging.join(&style), &css)?;

    copy_public(Path::new("public"), &staging)?;

    let index = std::fs::read_to_string("public/index.html")?
        .replace("{{APP_JS}}", &app_js)
        .replace("{{APP_WASM}}", &app_wasm)
        .replace("{{STYLE_CSS}}", &style);
    if index.contains("{{") {
        bail!("public/index.html has a placeholder xtask does not fill");
    }
    std::fs::write(staging.join("index.html"), &index)?;

    // Precache everything the shell needs; the version is the hash of it all.
    let mut precache = files_under(&staging)?;
    precache.sort();
    let mut contents: Vec<Vec<u8>> = Vec::new();
    for f in &precache {
        contents.push(std::fs::read(staging.join(f))?);
    }
    let refs: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
    let cache_version = short_hash(&refs);
    let urls: Vec<String> = precache.iter().map(|f| format!("/{f}")).collect();
    let sw = std::fs::read_to_string("public/sw.js")?
        .replace("\"__CACHE_VERSION__\"", &format!("\"{cache_version}\""))
        .replace("__PRECACHE__", &serde_json::to_string_pretty(&urls)?);
    if sw.contains("__PRECACHE__") || sw.contains("__CACHE_VERSION__") {
        bail!("public/sw.js placeholders were not filled");
    }
    std::fs::write(staging.join("sw.js"), sw)?;

    let mut assets = Vec::new();
    let mut all = files_under(&staging)?;
    all.sort();
    for f in all {
        let path = staging.join(&f);
        let raw = path.metadata()?.len();
        let ext = f.rsplit('.').next().unwrap_or("");
        let (brotli, gzip) = if COMPRESSIBLE.contains(&ext) {
            let (b, g) = precompress(&path)?;
            (Some(b), Some(g))
        } else {
            (None, None)
        };
        assets.push(Asset {
            path: f,
            raw,
            brotli,
            gzip,
        });
    }

    // Swap in the new dist/ in one rename, so a running relay never serves a
    // half-written directory.
    let old = PathBuf::from("target/xtask/dist.old");
    let _ = std::fs::remove_dir_all(&old);
    if Path::new(DIST).exists() {
        std::fs::rename(DIST, &old).context("moving the old dist/ aside")?;
    }
    std::fs::rename(&staging, DIST).context("moving the new dist/ in place")?;
    let _ = std::fs::remove_dir_all(&old);

    Ok(Report {
        assets,
        cache_version,
    })
}

/// wasm-opt -Oz, cached by the input's hash so a second run skips it.
fn optimise(wasm_opt: &Path, input: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(input)?;
    let key = short_hash(&[&bytes]);
    let cached = Path::new(OPT_CACHE).join(format!("{key}.wasm"));
    if let Ok(done) = std::fs::read(&cached) {
        return Ok(done);
    }
    std::fs::create_dir_all(OPT_CACHE)?;
    let tmp = Path::new(OPT_CACHE).join(format!("{key}.tmp.wasm"));
    sh::run(cmd(
        wasm_opt.to_str().unwrap_or_default(),
        [
            input.to_str().unwrap_or_default(),
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            "-o",
            tmp.to_str().unwrap_or_default(),
        ],
    ))?;
    std::fs::rename(&tmp, &cached)?;
    Ok(std::fs::read(cached)?)
}

fn copy_public(from: &Path, to: &Path) -> anyhow::Result<()> {
    for rel in files_under(from)? {
        if NOT_COPIED.contains(&rel.as_str()) {
            continue;
        }
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from.join(&rel), dest)?;
    }
    Ok(())
}

/// Relative paths (with `/`) of every file under `root`, compressed copies excluded.
fn files_under(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(root)?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if rel.ends_with(".br") || rel.ends_with(".gz") {
                continue;
            }
            out.push(rel);
        }
    }
    Ok(out)
}

/// Writes `FILE.br` (quality 11) and `FILE.gz` (level 9) beside `FILE`.
fn precompress(path: &Path) -> anyhow::Result<(u64, u64)> {
    let data = std::fs::read(path)?;
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)?;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&data)?;
    let gz = gz.finish()?;
    let with = |ext: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(ext);
        PathBuf::from(s)
    };
    std::fs::write(with(".br"), &br)?;
    std::fs::write(with(".gz"), &gz)?;
    Ok((br.len() as u64, gz.len() as u64))
}

/// The first 16 hex digits of SHA-256 over the parts in order.
pub fn short_hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_is_16_hex_digits_and_separates_parts() {
        let h = short_hash(&[b"ab", b"c"]);
        assert_eq!(h.len(), 16);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(h, short_hash(&[b"a", b"bc"]));
        assert_eq!(h, short_hash(&[b"ab", b"c"]));
    }
}
