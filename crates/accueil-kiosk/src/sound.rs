//! The door's two sounds: a short rising tone for « Bienvenue », a low
//! double buzz for a refusal — made by the program (no sound files to
//! ship), played off the UI thread by the system's player, and silence,
//! never an error, where there is no player or no sound card.

use std::io::Write;
use std::process::{Command, Stdio};

/// Samples per second.
pub const RATE: u32 = 22_050;

/// Which sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// Welcome: two short notes going up (E5 then A5).
    Success,
    /// Refused, unknown, see the desk: two low buzzes.
    Refusal,
}

/// One note: its pitch (Hz; 0 for a rest) and length (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Note {
    pub hz: f32,
    pub ms: u32,
}

impl Cue {
    /// The notes, in order.
    pub fn notes(self) -> &'static [Note] {
        match self {
            Cue::Success => &[Note { hz: 659.25, ms: 90 }, Note { hz: 880.0, ms: 140 }],
            Cue::Refusal => &[
                Note { hz: 220.0, ms: 160 },
                Note { hz: 0.0, ms: 70 },
                Note { hz: 220.0, ms: 160 },
            ],
        }
    }

    /// 16-bit mono samples at [`RATE`]: each note with 5 ms ramps at both
    /// ends, so that it starts and stops without a click.
    pub fn samples(self) -> Vec<i16> {
        let mut out = Vec::new();
        for note in self.notes() {
            let n = (RATE * note.ms / 1000) as usize;
            let ramp = (RATE as usize * 5 / 1000).min(n / 2).max(1);
            for i in 0..n {
                if note.hz == 0.0 {
                    out.push(0);
                    continue;
                }
                let t = i as f32 / RATE as f32;
                let envelope = (i.min(n - 1 - i) as f32 / ramp as f32).min(1.0);
                let wave = (std::f32::consts::TAU * note.hz * t).sin();
                out.push((wave * envelope * 0.35 * f32::from(i16::MAX)) as i16);
            }
        }
        out
    }

    /// The samples as a WAV file.
    pub fn wav(self) -> Vec<u8> {
        wav(&self.samples())
    }
}

/// 16-bit mono PCM in a RIFF/WAVE container.
pub fn wav(samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// The players tried, in order: PipeWire, PulseAudio, ALSA. Each reads a
/// WAV file on its standard input.
const PLAYERS: [(&str, &[&str]); 3] = [
    ("pw-play", &["-"]),
    ("paplay", &[]),
    ("aplay", &["-q", "-"]),
];

/// Plays a cue on a thread of its own and returns at once. Where no player
/// is installed, or none can reach a sound card, nothing is heard and
/// nothing is said: the door goes on.
pub fn play(cue: Cue) {
    let spawned = std::thread::Builder::new()
        .name("accueil-sound".into())
        .spawn(move || {
            let _ = play_now(cue);
        });
    drop(spawned);
}

/// Plays a cue and waits for it; whether a player took it.
pub fn play_now(cue: Cue) -> bool {
    play_with(cue, &PLAYERS)
}

fn play_with(cue: Cue, players: &[(&str, &[&str])]) -> bool {
    let wav = cue.wav();
    players.iter().any(|(program, args)| {
        let Ok(mut child) = Command::new(program)
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            return false;
        };
        let written = child
            .stdin
            .take()
            .is_some_and(|mut stdin| stdin.write_all(&wav).is_ok());
        child.wait().is_ok_and(|s| s.success()) && written
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pitch from the samples themselves: rising zero crossings per second.
    fn pitch(samples: &[i16]) -> f32 {
        let rising = samples.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count();
        rising as f32 * RATE as f32 / samples.len() as f32
    }

    fn ms(samples: usize) -> f32 {
        samples as f32 * 1000.0 / RATE as f32
    }

    #[test]
    fn the_tones_last_and_sound_as_designed_and_tell_apart() {
        let ok = Cue::Success.samples();
        let no = Cue::Refusal.samples();
        assert!((ms(ok.len()) - 230.0).abs() < 1.0, "{} ms", ms(ok.len()));
        assert!((ms(no.len()) - 390.0).abs() < 1.0, "{} ms", ms(no.len()));
        // Each note at its pitch, within 2 %.
        let first = (RATE * 90 / 1000) as usize;
        let ok_low = pitch(&ok[..first]);
        let ok_high = pitch(&ok[first..]);
        assert!((ok_low - 659.25).abs() < 13.0, "{ok_low} Hz");
        assert!((ok_high - 880.0).abs() < 18.0, "{ok_high} Hz");
        let buzz = (RATE * 160 / 1000) as usize;
        let low = pitch(&no[..buzz]);
        assert!((low - 220.0).abs() < 5.0, "{low} Hz");
        assert!(
            no[buzz..buzz + (RATE * 70 / 1000) as usize]
                .iter()
                .all(|&s| s == 0),
            "a rest between the buzzes"
        );
        // No click: every note starts and ends near silence, and nothing
        // clips.
        for s in [&ok[..], &no[..]] {
            assert!(s[0].abs() < 500 && s[s.len() - 1].abs() < 500);
            assert!(s.iter().all(|v| v.unsigned_abs() < i16::MAX as u16 / 2));
        }
    }

    /// No player installed, or one that fails (aplay without a sound
    /// card): silence, no error, no wait.
    #[test]
    fn without_a_player_or_a_sound_card_the_door_stays_silent() {
        let none: [(&str, &[&str]); 2] = [("accueil-no-such-player", &[]), ("false", &[])];
        assert!(!play_with(Cue::Refusal, &none));
        assert!(
            play_with(Cue::Success, &[("cat", &[])]),
            "a player that takes it"
        );
    }

    #[test]
    fn a_wav_file_says_what_it_holds() {
        let w = Cue::Success.wav();
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(&w[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes([w[24], w[25], w[26], w[27]]), RATE);
        let data = u32::from_le_bytes([w[40], w[41], w[42], w[43]]) as usize;
        assert_eq!(data, Cue::Success.samples().len() * 2);
        assert_eq!(w.len(), 44 + data);
    }
}
