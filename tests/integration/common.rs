//! Shared helpers for the integration tests: an event folder with a real
//! kiosk.toml and SQLite file, the real `accueil` binary, fixtures. (The
//! window's own helpers are `gui::support`.)

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use accueil::app::Kiosk;
use accueil::config::Config;

pub const KIOSK_TOML: &str = include_str!("../../kiosk.toml");

/// A throwaway event folder holding the repository's kiosk.toml.
pub struct Event {
    pub dir: tempfile::TempDir,
}

impl Event {
    pub fn new() -> Event {
        Event::with_config(KIOSK_TOML)
    }

    pub fn with_config(toml: &str) -> Event {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, toml).expect("write kiosk.toml");
        // As the README asks: it may hold tokens and the PIN's hash.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod kiosk.toml");
        Event { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write file");
        p
    }

    pub fn config(&self) -> Config {
        Config::load(&self.path("kiosk.toml")).expect("valid kiosk.toml")
    }

    /// The kiosk, through the library, on the event's database.
    pub fn kiosk(&self) -> Kiosk {
        Kiosk::open(self.config(), None).expect("open kiosk")
    }

    /// Runs `accueil ARGS` in the event folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run accueil")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_accueil"));
        c.current_dir(self.dir.path()).args(args);
        c
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "accueil {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs a `--json` command that must succeed; returns its JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture_str(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

/// A CSV of `n` synthetic registrants with French names, codes `S-000001`…
pub fn synthetic_csv(n: usize) -> String {
    const FIRST: [&str; 8] = [
        "Hélène",
        "Jean",
        "Zoé",
        "François",
        "Ayşe",
        "Noël",
        "Lætitia",
        "Paul",
    ];
    const LAST: [&str; 8] = [
        "Dupont",
        "Martin",
        "Lefèvre",
        "Çavuşoğlu",
        "Bernard",
        "Durand",
        "Œuvray",
        "Moreau",
    ];
    let mut s = String::from("Code;Nom;Prénom;Organisation;Courriel;Catégorie\n");
    for i in 0..n {
        s.push_str(&format!(
            "S-{i:06};{}{};{};Commune {};p{i}@example.fr;Participant\n",
            LAST[i % 8],
            i / 64,
            FIRST[(i / 8) % 8],
            i % 97
        ));
    }
    s
}

/// `accueil hub` running in the hub's folder; killed (SIGKILL) when dropped.
pub struct HubProcess {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl HubProcess {
    pub fn start(ev: &Event, listen: &str) -> HubProcess {
        let mut child = ev
            .command(&["--json", "hub", "--listen", listen])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("start the hub");
        // The hub says where it listens once it does: no waiting by the clock.
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("hub's first line");
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let addr = v["listening"]
            .as_str()
            .expect("listening")
            .parse()
            .expect("address");
        HubProcess { child, addr }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL: no goodbye, no flush
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An outside tool reading the database: `sqlite3 FILE 'select …'`, as a
/// backup script, a DB browser or a curious organiser would (Python's
/// sqlite3 module, a program of its own, with its own SQLite).
pub fn outside_read(db: &std::path::Path) -> i64 {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nprint(c.execute('select count(*) from record').fetchone()[0])\nc.close()",
        ])
        .arg(db)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
