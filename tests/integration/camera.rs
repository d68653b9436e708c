//! The camera's decoder on photographs it did not make: zxing-cpp's public
//! samples (tests/fixtures/camera/zxing-cpp, 137 phone photos and scans of
//! QR codes with their contents, real Code 128 and EAN-13 labels, and
//! pictures where nothing must be read). What a kiosk reads is what
//! `camera::decode` returns for the whole image as a frame.

use std::path::{Path, PathBuf};

use accueil::camera::{Frame, decode};

fn samples(set: &str) -> Vec<(PathBuf, Option<String>)> {
    let dir = crate::common::fixture(&format!("camera/zxing-cpp/{set}"));
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "png" || e == "jpg" || e == "webp")
        })
        .map(|p| {
            let expected = std::fs::read_to_string(p.with_extension("txt")).ok();
            (p, expected)
        })
        .collect();
    found.sort();
    found
}

fn read(path: &Path) -> Vec<String> {
    let image = image::open(path).unwrap().to_luma8();
    decode(&Frame::from_image(image))
}

/// Of each set, how many images read as their expected text.
fn rate(sets: &[&str]) -> (usize, usize, Vec<String>) {
    let (mut right, mut all, mut missed) = (0, 0, Vec::new());
    for set in sets {
        for (path, expected) in samples(set) {
            let expected = expected.unwrap();
            all += 1;
            if read(&path).iter().any(|got| got.trim() == expected.trim()) {
                right += 1;
            } else {
                missed.push(format!(
                    "{set}/{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    (right, all, missed)
}

/// zxing-cpp itself reads 123 of these 137 (its own reader, trying hard;
/// BENCHMARKS.md, « Camera decoders »); rqrr, the decoder before, read 61
/// and panicked on one.
#[test]
fn phone_photos_of_qr_codes_read_as_zxing_cpp_reads_them() {
    let sets = [
        "qrcode-1", "qrcode-2", "qrcode-3", "qrcode-4", "qrcode-5", "qrcode-6",
    ];
    let (right, all, missed) = rate(&sets);
    assert_eq!(all, 137, "the vendored samples");
    eprintln!("QR codes in phone photos: {right}/{all}");
    assert!(right >= 121, "{right}/{all} read; missed: {missed:?}");
}

/// Eventbrite and Weezevent print linear codes beside or instead of the
/// QR: the same decoder reads them (zxing-cpp reads 6/6 and 14/16).
#[test]
fn linear_barcodes_on_real_labels_are_read_too() {
    let (right, all, missed) = rate(&["code128-1"]);
    assert_eq!((right, all), (6, 6), "Code 128, missed: {missed:?}");
    let (right, all, missed) = rate(&["ean13-1"]);
    assert!(right >= 13, "EAN-13: {right}/{all}, missed: {missed:?}");
}

/// Pictures with patterns but no code: nothing is read (a false read at a
/// door is someone else's arrival).
#[test]
fn pictures_without_a_code_read_as_nothing() {
    let wrongly: Vec<_> = samples("falsepositives-1")
        .into_iter()
        .filter_map(|(path, _)| {
            let got = read(&path);
            (!got.is_empty()).then(|| format!("{}: {got:?}", path.display()))
        })
        .collect();
    assert!(wrongly.is_empty(), "{wrongly:#?}");
}

/// A ticket whose only code is linear — a Code 128 as Weezevent prints
/// it, an EAN-13 as some box offices do — rendered with its digits, held
/// a little turned and out of focus before the camera: read whole.
#[test]
fn a_ticket_with_only_a_linear_barcode_is_read_from_a_camera_frame() {
    use zxingcpp::BarcodeFormat;
    for (format, text) in [
        (BarcodeFormat::Code128, "WZ-2026-0042-7731"),
        (BarcodeFormat::EAN13, "4006381333931"),
    ] {
        let code = zxingcpp::create(format).from_str(text).unwrap();
        let drawn = code
            .to_image_with(&zxingcpp::write().scale(3).add_hrt(true))
            .unwrap();
        let label =
            image::GrayImage::from_vec(drawn.width() as u32, drawn.height() as u32, drawn.data())
                .unwrap();
        // On a white ticket, on a grey desk, turned 6°, slightly blurred.
        let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([120]));
        let ticket = image::GrayImage::from_fn(label.width() + 80, label.height() + 80, |x, y| {
            if (40..label.width() + 40).contains(&x) && (40..label.height() + 40).contains(&y) {
                *label.get_pixel(x - 40, y - 40)
            } else {
                image::Luma([250])
            }
        });
        image::imageops::overlay(&mut frame, &ticket, 300, 200);
        let (s, c) = 0.1f32.sin_cos();
        let turned = image::GrayImage::from_fn(1280, 720, |x, y| {
            let (dx, dy) = (x as f32 - 640.0, y as f32 - 360.0);
            let (sx, sy) = (640.0 + c * dx + s * dy, 360.0 - s * dx + c * dy);
            if sx >= 0.0 && sy >= 0.0 && sx < 1280.0 && sy < 720.0 {
                *frame.get_pixel(sx as u32, sy as u32)
            } else {
                image::Luma([120])
            }
        });
        let seen = image::imageops::blur(&turned, 0.8);
        assert_eq!(decode(&Frame::from_image(seen)), [text], "{format:?}");
    }
}
