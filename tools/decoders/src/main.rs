//! How BENCHMARKS.md's « Camera decoders » table was measured: rqrr (the
//! decoder before), rxing (pure Rust), and zxing-cpp (what accueil runs),
//! called as accueil calls them, on the same files. Not part of accueil's
//! build (its own workspace: it pulls rxing in).
//!
//! ```sh
//! cd tools/decoders
//! # zxing-cpp's samples, laid out NAME.png|jpg|webp + NAME.txt (contents):
//! cargo run --release -- samples ../../tests/fixtures/camera/zxing-cpp/qrcode-*
//! # our badges: frames written by the badge test, then harsher variants
//! ACCUEIL_FRAMES=/tmp/frames cargo test --test integration camera_frames -- --include-ignored   # at the root
//! cargo run --release -- degrade /tmp/frames /tmp/own    # 19 variants of each sharp frame
//! cargo run --release -- samples /tmp/own
//! # time per 1280 × 720 frame (median of 15), one core:
//! taskset -c 1 cargo run --release -- time FRAME.png EMPTY.png
//! cargo run --release -- empty PHOTO 1280x720-empty.png   # a photo without code, scaled
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Instant;

fn rqrr_decode(img: &image::GrayImage) -> Vec<String> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let at = |w: usize, h: usize, px: &dyn Fn(usize, usize) -> u8| -> Vec<String> {
        let mut p = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px(x, y));
        p.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, c)| c).collect()
    };
    let found = at(w, h, &|x, y| img.get_pixel(x as u32, y as u32)[0]);
    if !found.is_empty() || w < 64 || h < 64 {
        return found;
    }
    for scale in [0.5f32, 0.7] {
        let (sw, sh) = ((w as f32 * scale) as u32, (h as f32 * scale) as u32);
        let small = image::imageops::resize(img, sw, sh, image::imageops::FilterType::Triangle);
        let f = at(sw as usize, sh as usize, &|x, y| small.get_pixel(x as u32, y as u32)[0]);
        if !f.is_empty() {
            return f;
        }
    }
    Vec::new()
}

fn rxing_decode(img: &image::GrayImage, qr_only: bool) -> Vec<String> {
    let mut hints = rxing::DecodeHints::default();
    hints.TryHarder = Some(true);
    if qr_only {
        hints.PossibleFormats = Some([rxing::BarcodeFormat::QR_CODE].into_iter().collect());
    }
    match rxing::helpers::detect_in_luma_with_hints(img.as_raw().clone(), img.width(), img.height(), None, &mut hints) {
        Ok(r) => vec![r.getText().to_owned()],
        Err(_) => Vec::new(),
    }
}

fn rxing_plus(img: &image::GrayImage, qr_only: bool) -> Vec<String> {
    let found = rxing_decode(img, qr_only);
    if !found.is_empty() { return found; }
    // downscaled
    let (w, h) = img.dimensions();
    let small = image::imageops::resize(img, w / 2, h / 2, image::imageops::FilterType::Triangle);
    let found = rxing_decode(&small, qr_only);
    if !found.is_empty() { return found; }
    let mut inv = img.clone();
    image::imageops::invert(&mut inv);
    rxing_decode(&inv, qr_only)
}

fn zxing_decode(img: &image::GrayImage, qr_only: bool, harder: bool) -> Vec<String> {
    let mut r = zxingcpp::read().try_harder(harder).try_invert(harder).try_rotate(harder).try_downscale(harder);
    if qr_only {
        r = r.formats(zxingcpp::BarcodeFormat::QRCode);
    }
    match r.from(img) {
        Ok(v) => v.into_iter().map(|b| b.text()).collect(),
        Err(_) => Vec::new(),
    }
}

fn guarded(f: impl FnOnce() -> Vec<String>) -> (Vec<String>, bool) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => (v, false),
        Err(_) => (Vec::new(), true),
    }
}

fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("samples");
    if mode == "time" {
        return time(&args[2..]);
    }
    if mode == "empty" {
        return make_empty(&args[2], &args[3]);
    }
    if mode == "degrade" {
        return degrade_all(&args[2], &args[3]);
    }
    // samples DIR...: each image with a .txt of its content
    let mut totals = [0usize; 4];
    let mut n_total = 0;
    for dir in &args[2..] {
        let qr_only = dir.contains("qrcode");
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        let mut counts = [0usize; 4];
        let mut panics = [0usize; 4];
        let mut n = 0;
        for p in paths {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["png", "jpg", "webp"].contains(&ext) { continue; }
            let expected_path = p.with_extension("txt");
            let expected = std::fs::read_to_string(&expected_path).ok();
            let Ok(img) = image::open(&p) else { eprintln!("cannot open {}", p.display()); continue; };
            let img = img.to_luma8();
            n += 1;
            let results = [
                guarded(|| rqrr_decode(&img)),
                guarded(|| rxing_decode(&img, qr_only)),
                guarded(|| zxing_decode(&img, qr_only, true)),
                guarded(|| rxing_plus(&img, qr_only)),
            ];
            for (i, (got, panicked)) in results.iter().enumerate() {
                if *panicked { panics[i] += 1; }
                let ok = match &expected {
                    Some(e) => got.iter().any(|g| g.trim() == e.trim()),
                    None => got.is_empty(), // false positives: nothing is right
                };
                if ok { counts[i] += 1; }
            }
        }
        println!("{dir}: n={n} rqrr={} rxing={} zxing={} rxing+={} panics={:?}", counts[0], counts[1], counts[2], counts[3], panics);
        for i in 0..4 { totals[i] += counts[i]; }
        n_total += n;
    }
    println!("TOTAL n={n_total} rqrr={} rxing={} zxing={} rxing+={}", totals[0], totals[1], totals[2], totals[3]);
}

fn time(args: &[String]) {
    // time FRAME.png EMPTY.png
    for p in args {
        let img = image::open(p).unwrap().to_luma8();
        let empty = p.contains("empty");
        let qr = true;
        let runs = 15;
        let mut report = String::new();
        for (name, f) in [
            ("rqrr", Box::new(|i: &image::GrayImage| rqrr_decode(i)) as Box<dyn Fn(&image::GrayImage) -> Vec<String>>),
            ("rxing", Box::new(move |i: &image::GrayImage| rxing_decode(i, qr))),
            ("zxing", Box::new(move |i: &image::GrayImage| zxing_decode(i, qr, true))),
            ("zxing-fast", Box::new(move |i: &image::GrayImage| zxing_decode(i, qr, false))),
            ("rxing+", Box::new(move |i: &image::GrayImage| rxing_plus(i, qr))),
        ] {
            let mut times = Vec::new();
            let mut got = Vec::new();
            for _ in 0..runs {
                let t = Instant::now();
                got = f(&img);
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(|a, b| a.partial_cmp(b).unwrap());
            report.push_str(&format!(" {name}={:.1}ms{:?}", times[runs / 2], got));
        }
        println!("{} (empty={empty}):{report}", Path::new(p).file_name().unwrap().to_string_lossy());
    }
}

pub fn degrade_all(src: &str, out: &str) {
    use image::{GrayImage, Luma};
    std::fs::create_dir_all(out).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(src).unwrap().map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("sharp-") && p.extension().unwrap() == "png").collect();
    paths.sort();
    let warp = |img: &GrayImage, inv: &dyn Fn(f32, f32) -> (f32, f32)| {
        let (w, h) = img.dimensions();
        GrayImage::from_fn(w, h, |x, y| {
            let (sx, sy) = inv(x as f32, y as f32);
            if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h { *img.get_pixel(sx as u32, sy as u32) } else { Luma([120]) }
        })
    };
    let (cx, cy) = (640.0f32, 360.0f32);
    for (i, p) in paths.iter().enumerate() {
        let code = std::fs::read_to_string(p.with_extension("txt")).unwrap();
        let f = image::open(p).unwrap().to_luma8();
        let mut variants: Vec<(String, GrayImage)> = Vec::new();
        for scale in [0.6f32, 0.45, 0.35] {
            let small = image::imageops::resize(&f, (1280.0 * scale) as u32, (720.0 * scale) as u32, image::imageops::FilterType::Triangle);
            let mut g = GrayImage::from_pixel(1280, 720, Luma([120]));
            image::imageops::overlay(&mut g, &small, 200, 150);
            variants.push((format!("small{}", (scale * 100.0) as u32), g));
        }
        for r in [2.0f32, 3.0] { variants.push((format!("blur{r}"), image::imageops::blur(&f, r))); }
        for n in [11u32, 17, 25] {
            variants.push((format!("motion{n}"), GrayImage::from_fn(1280, 720, |x, y| {
                let s: u32 = (0..n).map(|d| u32::from(f.get_pixel((x + d).saturating_sub(n / 2).min(1279), y)[0])).sum();
                Luma([(s / n) as u8])
            })));
        }
        for deg in [30f32, 45.0] {
            let a = deg.to_radians(); let (s, c) = a.sin_cos();
            variants.push((format!("rot{deg}"), warp(&f, &|x, y| { let (dx, dy) = (x - cx, y - cy); (cx + c * dx + s * dy, cy - s * dx + c * dy) })));
        }
        for k in [0.5f32, 0.8] {
            variants.push((format!("keystone{}", (k * 10.0) as u32), warp(&f, &|x, y| { let kk = 1.0 + k * (360.0 - y) / 720.0; (cx + (x - cx) * kk, y) })));
        }
        for (gx, gy, strength) in [(760.0f32, 250.0f32, 180.0f32), (600.0, 400.0, 220.0)] {
            variants.push((format!("glare{}", strength as u32), GrayImage::from_fn(1280, 720, |x, y| {
                let d = ((x as f32 - gx).powi(2) + (y as f32 - gy).powi(2)).sqrt();
                let g = (strength * (1.0 - d / 220.0)).max(0.0);
                Luma([(f32::from(f.get_pixel(x, y)[0]) + g).min(255.0) as u8])
            })));
        }
        let mut seed = (i as u32).wrapping_mul(2654435761).wrapping_add(7);
        variants.push(("dark".into(), GrayImage::from_fn(1280, 720, |x, y| {
            seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
            let noise = (seed % 25) as i32 - 12;
            Luma([(i32::from(f.get_pixel(x, y)[0]) * 18 / 100 + 8 + noise).clamp(0, 255) as u8])
        })));
        for q in [15u8, 30] {
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, q).encode_image(&f).unwrap();
            variants.push((format!("jpeg{q}"), image::load_from_memory(&bytes).unwrap().to_luma8()));
        }
        let mut inv = f.clone(); image::imageops::invert(&mut inv); variants.push(("inverted".into(), inv));
        // a phone screen: low contrast, bright, a fine moiré
        variants.push(("screen".into(), GrayImage::from_fn(1280, 720, |x, y| {
            let v = f32::from(f.get_pixel(x, y)[0]);
            let moire = 18.0 * ((x as f32 * 0.9 + y as f32 * 0.35).sin());
            Luma([(90.0 + v * 0.55 + moire).clamp(0.0, 255.0) as u8])
        })));
        for (name, img) in variants {
            let stem = format!("{out}/{name}-{}", p.file_stem().unwrap().to_string_lossy());
            img.save(format!("{stem}.png")).unwrap();
            std::fs::write(format!("{stem}.txt"), &code).unwrap();
        }
    }
}

pub fn make_empty(src: &str, out: &str) {
    let img = image::open(src).unwrap().to_luma8();
    let r = image::imageops::resize(&img, 1280, 720, image::imageops::FilterType::Triangle);
    r.save(out).unwrap();
}
