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
