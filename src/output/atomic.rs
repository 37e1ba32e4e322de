//! Output that is written whole or not at all.
//!
//! A file output is written to a temporary file in the same directory and
//! renamed over the target when the command finishes; an interrupted or
//! failed run leaves no half-written file behind (the temporary file is
//! removed when the sink is dropped without being committed).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

impl Destination {
    /// `-` or no path is stdout.
    pub fn from_arg(path: Option<&Path>) -> Self {
        match path {
            None => Destination::Stdout,
            Some(p) if p == Path::new("-") => Destination::Stdout,
            Some(p) => Destination::File(p.to_path_buf()),
        }
    }
}

/// An open output.
pub struct Sink {
    writer: BufWriter<Box<dyn Write + Send>>,
    /// The temporary file and its final name, for a file destination.
    pending: Option<(PathBuf, PathBuf)>,
}

impl Sink {
    /// Opens a destination for writing.
    pub fn open(destination: &Destination) -> io::Result<Self> {
        match destination {
            Destination::Stdout => Ok(Sink {
                writer: BufWriter::with_capacity(1 << 16, Box::new(io::stdout())),
                pending: None,
            }),
            Destination::File(target) => {
                let directory = target
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = target
                    .file_name()
                    .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
                let temporary =
                    directory.join(format!(".{name}.docket-{}.tmp", std::process::id()));
                let file = File::create(&temporary)?;
                Ok(Sink {
                    writer: BufWriter::with_capacity(1 << 16, Box::new(file)),
                    pending: Some((temporary, target.clone())),
                })
            }
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        if let Some((temporary, target)) = self.pending.take() {
            std::fs::rename(&temporary, &target).inspect_err(|_| {
                let _ = std::fs::remove_file(&temporary);
            })?;
        }
        Ok(())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Some((temporary, _)) = self.pending.take() {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut sink = Sink::open(&Destination::File(target.clone())).unwrap();
        sink.write_all(b"a,b\n").unwrap();
        sink.flush().unwrap();
        assert!(!target.exists());
        sink.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
    }

    #[test]
    fn dropped_sink_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        {
            let mut sink = Sink::open(&Destination::File(target.clone())).unwrap();
            sink.write_all(b"partial").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
