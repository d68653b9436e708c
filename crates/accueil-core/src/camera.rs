//! Scanning with a camera: frames from a source, tickets' codes (QR, Code
//! 128, EAN-13) decoded off the UI thread by zxing-cpp, the same code held
//! in view counted once; no frame and no failure stops it.
//!
//! A source is a trait, so that tests feed real frames (our own badges,
//! rendered and degraded like photographs, and zxing-cpp's public photo
//! samples) and a kiosk feeds its webcam. The webcam is read through
//! `ffmpeg` (V4L2 on Linux, grey frames on a pipe): a kiosk without ffmpeg
//! or without a camera simply has no camera scanning — the keyboard path
//! never waits on it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One grey frame, a byte per pixel, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Frame {
    pub fn from_image(img: image::GrayImage) -> Frame {
        Frame {
            width: img.width(),
            height: img.height(),
            pixels: img.into_raw(),
        }
    }
}

/// Where frames come from.
pub trait FrameSource: Send {
    /// The next frame; `None` when the source has ended (camera unplugged,
    /// recording over).
    fn next_frame(&mut self) -> Option<Frame>;
}

/// The codes a frame shows (usually none or one). A decoder that fails on
/// a frame — a panic inside it: rqrr, the decoder before, did on a real
/// phone photo — skips that frame: the next one is read as usual (said
/// once in the log).
pub fn decode(frame: &Frame) -> Vec<String> {
    frame_guarded(|| decode_unguarded(frame))
}

/// Whether a decoder's failure was logged already: once is enough.
static DECODER_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What `decode` returns, or nothing when it panicked.
fn frame_guarded(decode: impl FnOnce() -> Vec<String>) -> Vec<String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)) {
        Ok(codes) => codes,
        Err(_) => {
            if !DECODER_FAILED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                tracing::warn!(
                    "caméra : le décodeur a échoué sur une image — elle est ignorée, les suivantes sont lues (signalé une fois)"
                );
            }
            Vec::new()
        }
    }
}

/// What tickets carry: QR codes (pretix, HelloAsso, Weezevent,
/// Eventbrite) and the linear barcodes some print beside or instead of
/// them (Code 128, EAN-13). No other format: each one more is one more
/// way to read a pattern on a sleeve as a code.
const TICKET_FORMATS: [zxingcpp::BarcodeFormat; 3] = [
    zxingcpp::BarcodeFormat::QRCode,
    zxingcpp::BarcodeFormat::Code128,
    zxingcpp::BarcodeFormat::EAN13,
];

/// zxing-cpp, trying hard: a frame is read as it is, turned, smaller, and
/// inverted (light on dark: a phone in dark mode) — still about a
/// millisecond for a 1280 × 720 frame (BENCHMARKS.md, « Camera decoders »).
fn decode_unguarded(frame: &Frame) -> Vec<String> {
    let (w, h) = (frame.width as usize, frame.height as usize);
    if w == 0 || h == 0 || frame.pixels.len() < w * h {
        return Vec::new();
    }
    let Ok(view) = zxingcpp::ImageView::from_slice(
        &frame.pixels[..w * h],
        frame.width,
        frame.height,
        zxingcpp::ImageFormat::Lum,
    ) else {
        return Vec::new();
    };
    let read = zxingcpp::read()
        .formats(TICKET_FORMATS)
        .try_harder(true)
        .try_rotate(true)
        .try_invert(true)
        .try_downscale(true);
    read.from(view)
        .unwrap_or_default()
        .iter()
        .map(|code| code.text())
        .filter(|text| !text.trim().is_empty())
        .collect()
}

/// A code held in front of the camera is in many frames: it counts once,
/// until another code is read or it leaves the view for `gap`.
#[derive(Debug)]
pub struct Debounce {
    gap: Duration,
    last: Option<(String, Instant)>,
}

impl Debounce {
    /// The same code again within `gap` of its last sighting is the same
    /// scan.
    pub fn new(gap: Duration) -> Debounce {
        Debounce { gap, last: None }
    }

    /// Whether `code`, seen at `now`, is a new scan.
    pub fn accept(&mut self, code: &str, now: Instant) -> bool {
        let repeat =
            matches!(&self.last, Some((c, at)) if c == code && now.duration_since(*at) < self.gap);
        self.last = Some((code.to_owned(), now));
        !repeat
    }
}

/// How long the same code is one scan (it stays in view while the person
/// reads the screen).
pub const SAME_SCAN: Duration = Duration::from_secs(4);

/// Why reading frames stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The source ended: camera unplugged, ffmpeg gone, recording over.
    SourceEnded,
    /// `deliver` said stop (the window is gone).
    Told,
}

/// Reads frames from `source` until it ends or `deliver` says stop, and
/// hands each new code over; `view` sees every frame first (the preview).
/// Run it on a thread of its own.
pub fn run(
    source: Box<dyn FrameSource>,
    mut view: impl FnMut(&Frame),
    mut deliver: impl FnMut(String) -> bool,
) -> Stopped {
    let mut debounce = Debounce::new(SAME_SCAN);
    read(source, &mut debounce, &mut view, &mut deliver).0
}

/// [`run`] with the debounce kept by the caller (across restarts); also
/// says how many frames came.
fn read(
    mut source: Box<dyn FrameSource>,
    debounce: &mut Debounce,
    view: &mut impl FnMut(&Frame),
    deliver: &mut impl FnMut(String) -> bool,
) -> (Stopped, u64) {
    let mut frames = 0;
    while let Some(frame) = source.next_frame() {
        frames += 1;
        view(&frame);
        for code in decode(&frame) {
            if debounce.accept(&code, Instant::now()) && !deliver(code) {
                return (Stopped::Told, frames);
            }
        }
    }
    (Stopped::SourceEnded, frames)
}

/// The camera thread's supervisor: opens a source, reads it, and when it
/// ends — unplugged, ffmpeg stopped, a panic anywhere in the reading
/// (caught and logged) — tells `ended` (the preview hides) and opens it
/// again after a pause, which doubles from `pause` up to a minute while
/// nothing comes (no camera: a try a minute). Stops when `deliver` says
/// so, or when `alive` says the window is gone. A code held in view
/// across a restart still counts once.
pub fn supervise(
    mut open: impl FnMut() -> Option<Box<dyn FrameSource>>,
    mut view: impl FnMut(&Frame),
    mut deliver: impl FnMut(String) -> bool,
    mut ended: impl FnMut(),
    mut alive: impl FnMut() -> bool,
    pause: Duration,
) {
    let mut debounce = Debounce::new(SAME_SCAN);
    let mut wait = pause;
    while alive() {
        let frames = match open() {
            Some(source) => {
                let reading = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    read(source, &mut debounce, &mut view, &mut deliver)
                }));
                match reading {
                    Ok((Stopped::Told, _)) => return,
                    Ok((Stopped::SourceEnded, frames)) => frames,
                    Err(_) => {
                        tracing::warn!(
                            "caméra : la lecture s'est arrêtée sur une erreur — elle reprend"
                        );
                        1
                    }
                }
            }
            None => 0,
        };
        ended();
        wait = if frames > 0 {
            pause
        } else {
            (wait * 2).min(Duration::from_secs(60))
        };
        std::thread::sleep(wait);
    }
}

/// A small copy of a frame for the screen: every `step`-th pixel of
/// every `step`-th row.
pub fn thumbnail(frame: &Frame, step: u32) -> Frame {
    let step = step.max(1);
    let (w, h) = (frame.width / step, frame.height / step);
    let mut pixels = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let at = ((y * step) * frame.width + x * step) as usize;
            pixels.push(frame.pixels.get(at).copied().unwrap_or(0));
        }
    }
    Frame {
        width: w,
        height: h,
        pixels,
    }
}

/// kiosk.toml `[scanner] camera`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CameraSetting {
    /// The first camera, when there is one and ffmpeg to read it.
    #[default]
    Auto,
    Device(PathBuf),
    Off,
}

impl CameraSetting {
    /// The device to read, if any.
    pub fn device(&self) -> Option<PathBuf> {
        match self {
            CameraSetting::Off => None,
            CameraSetting::Device(p) => Some(p.clone()),
            CameraSetting::Auto => {
                let first = Path::new("/dev/video0");
                first.exists().then(|| first.to_owned())
            }
        }
    }
}

/// Frames of a V4L2 camera through `ffmpeg`, 1280 × 720 grey.
pub struct Webcam {
    child: Child,
    width: u32,
    height: u32,
}

impl Webcam {
    /// Starts reading `device`; `None` when ffmpeg is not installed.
    pub fn open(device: &Path) -> Option<Webcam> {
        let (width, height) = (1280, 720);
        let child = Command::new("ffmpeg")
            .args(["-loglevel", "error", "-f", "v4l2", "-video_size"])
            .arg(format!("{width}x{height}"))
            .arg("-i")
            .arg(device)
            .args(["-f", "rawvideo", "-pix_fmt", "gray", "-"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        Some(Webcam {
            child,
            width,
            height,
        })
    }
}

impl FrameSource for Webcam {
    fn next_frame(&mut self) -> Option<Frame> {
        let mut pixels = vec![0; (self.width * self.height) as usize];
        self.child.stdout.as_mut()?.read_exact(&mut pixels).ok()?;
        Some(Frame {
            width: self.width,
            height: self.height,
            pixels,
        })
    }
}

impl Drop for Webcam {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Frames already in memory (tests, benches, recordings).
pub struct Recorded(pub std::vec::IntoIter<Frame>);

impl FrameSource for Recorded {
    fn next_frame(&mut self) -> Option<Frame> {
        self.0.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_held_in_view_counts_once_and_again_once_it_left() {
        let t0 = Instant::now();
        let mut d = Debounce::new(SAME_SCAN);
        assert!(d.accept("NEC-1", t0));
        assert!(!d.accept("NEC-1", t0 + Duration::from_millis(200)));
        assert!(
            !d.accept("NEC-1", t0 + Duration::from_secs(3)),
            "still in view"
        );
        assert!(
            d.accept("NEC-2", t0 + Duration::from_secs(3)),
            "the next person"
        );
        assert!(
            d.accept("NEC-1", t0 + Duration::from_secs(4)),
            "back: a new scan"
        );
        assert!(d.accept("NEC-1", t0 + Duration::from_secs(9)));
    }

    #[test]
    fn an_empty_or_short_frame_decodes_to_nothing() {
        let blank = Frame {
            width: 64,
            height: 48,
            pixels: vec![255; 64 * 48],
        };
        assert!(decode(&blank).is_empty());
        let short = Frame {
            width: 64,
            height: 48,
            pixels: vec![0; 10],
        };
        assert!(decode(&short).is_empty());
    }

    /// A frame that makes the decoder panic is skipped; the next one is
    /// read.
    #[test]
    fn a_decoder_panic_skips_its_frame_only() {
        #[allow(clippy::panic)]
        let failed = frame_guarded(|| panic!("geometry.rs: assertion failed"));
        assert!(failed.is_empty());
        assert_eq!(frame_guarded(|| vec!["NEC-1".to_owned()]), ["NEC-1"]);
    }

    /// A source that panics, then one that ends, then one with a code:
    /// the supervisor opens each in turn, says each end, and the code
    /// held across a restart counts once.
    #[test]
    fn the_camera_thread_comes_back_after_a_panic_or_an_unplugged_camera() {
        struct Panicking;
        impl FrameSource for Panicking {
            #[allow(clippy::panic)]
            fn next_frame(&mut self) -> Option<Frame> {
                panic!("ffmpeg pipe");
            }
        }
        let badge = Frame::from_image(qr_frame("NEC-1"));
        let blank = Frame {
            width: 64,
            height: 64,
            pixels: vec![255; 64 * 64],
        };
        let opened = std::cell::Cell::new(0);
        let sources: Vec<Box<dyn Fn() -> Box<dyn FrameSource>>> = vec![
            Box::new(|| Box::new(Panicking)),
            Box::new(|| Box::new(Recorded(Vec::new().into_iter()))),
            Box::new({
                let b = badge.clone();
                move || Box::new(Recorded(vec![b.clone(), b.clone()].into_iter()))
            }),
            Box::new({
                let (b, blank) = (badge.clone(), blank.clone());
                move || Box::new(Recorded(vec![b.clone(), blank.clone()].into_iter()))
            }),
        ];
        let (mut codes, mut ends) = (Vec::new(), 0);
        supervise(
            || {
                opened.set(opened.get() + 1);
                sources.get(opened.get() - 1).map(|open| open())
            },
            |_| {},
            |code| {
                codes.push(code);
                true
            },
            || ends += 1,
            || opened.get() < sources.len() + 1,
            Duration::ZERO,
        );
        assert_eq!(
            opened.get(),
            sources.len() + 1,
            "each source opened, then none"
        );
        assert_eq!(ends, sources.len() + 1, "each end said");
        assert_eq!(codes, ["NEC-1"], "held in view across a restart: once");
    }

    /// A QR code of `text` on a white 1280 × 720 frame.
    fn qr_frame(text: &str) -> image::GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("qr");
        let (n, module) = (code.width() as u32, 8);
        let colours = code.to_colors();
        image::GrayImage::from_fn(1280, 720, |x, y| {
            let (mx, my) = ((x / module).wrapping_sub(50), (y / module).wrapping_sub(12));
            let dark = mx < n && my < n && colours[(my * n + mx) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        })
    }

    #[test]
    fn without_a_camera_nothing_is_opened() {
        assert_eq!(CameraSetting::Off.device(), None);
        assert_eq!(
            CameraSetting::Device("/dev/video7".into()).device(),
            Some(PathBuf::from("/dev/video7"))
        );
        assert!(
            Webcam::open(Path::new("/dev/accueil-no-camera"))
                .is_none_or(|mut w| w.next_frame().is_none())
        );
    }
}
