//! Output that is written whole or not at all.
//!
//! A file output is written to a temporary file in the same directory and
//! renamed over the target when the command finishes; an interrupted or
//! failed run leaves no half-written file behind (the temporary file is
//! removed when the sink is dropped without being committed).
//!
//! Only regular files are replaced that way. A target that is a device, a
//! FIFO or a socket (`-o /dev/null`, `-o >(gzip > out.gz)`) is opened and
//! written in place: renaming a temporary file over `/dev/null` would turn
//! the system's null device into an ordinary file for every other program.
//! A symbolic link is followed, so the file it points to is replaced and the
//! link stays; an existing file keeps its permissions.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::blocks::BlockWriter;

/// Where output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file: a regular file is replaced atomically, anything else is
    /// written in place.
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
    writer: BlockWriter<Box<dyn Write + Send>>,
    /// The temporary file and its final name, for a regular-file destination.
    pending: Option<(PathBuf, PathBuf)>,
}

impl Sink {
    /// Opens a destination for writing.
    pub fn open(destination: &Destination) -> io::Result<Self> {
        let (writer, pending): (Box<dyn Write + Send>, _) = match destination {
            Destination::Stdout => (Box::new(io::stdout()), None),
            Destination::File(target) => match fs::metadata(target) {
                Ok(existing) if existing.is_dir() => {
                    return Err(io::Error::new(
                        io::ErrorKind::IsADirectory,
                        format!("{} is a directory", target.display()),
                    ));
                }
                Ok(existing) if !existing.is_file() => {
                    let special = OpenOptions::new().write(true).open(target)?;
                    (Box::new(special), None)
                }
                Ok(existing) => {
                    // Replace what a symbolic link points to, not the link.
                    let target = fs::canonicalize(target)?;
                    let (temporary, file) = create_temporary(&target)?;
                    if let Err(error) = file.set_permissions(existing.permissions()) {
                        let _ = fs::remove_file(&temporary);
                        return Err(error);
                    }
                    (Box::new(file), Some((temporary, target)))
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    // A dangling link names the file to create, as a shell's
                    // `>` would treat it; the link stays.
                    let target = dangling_link_target(target).unwrap_or_else(|| target.clone());
                    let (temporary, file) = create_temporary(&target)?;
                    (Box::new(file), Some((temporary, target)))
                }
                Err(error) => return Err(error),
            },
        };
        Ok(Sink {
            writer: BlockWriter::new(writer),
            pending,
        })
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

/// Where a symbolic link that points at nothing (yet) points, resolved
/// against the link's directory when relative; `None` when `path` is not a
/// symbolic link.
fn dangling_link_target(path: &Path) -> Option<PathBuf> {
    let points_to = fs::read_link(path).ok()?;
    Some(match path.parent() {
        Some(directory) if points_to.is_relative() => directory.join(points_to),
        _ => points_to,
    })
}

/// Creates the temporary file that will be renamed over `target`, in the
/// same directory so that the rename stays on one file system.
fn create_temporary(target: &Path) -> io::Result<(PathBuf, File)> {
    let directory = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let temporary = directory.join(format!(".{name}.docket-{}.tmp", std::process::id()));
    let file = File::create(&temporary)?;
    Ok((temporary, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opens `path` as a file output, writes `bytes` and commits.
    fn write_whole(path: &Path, bytes: &[u8]) {
        let mut sink = Sink::open(&Destination::File(path.to_path_buf())).unwrap();
        sink.write_all(bytes).unwrap();
        sink.commit().unwrap();
    }

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

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_whole(&fifo, b"through the pipe\n");
        assert_eq!(reader.join().unwrap(), "through the pipe\n");
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    fn assert_is_symlink(path: &Path) {
        let metadata = std::fs::symlink_metadata(path).unwrap();
        assert!(metadata.file_type().is_symlink(), "{}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_keeps_pointing_at_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_whole(&link, b"new");
        assert_is_symlink(&link);
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_gets_its_file_created_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_whole(&link, b"new");
        assert_is_symlink(&link);
        let real = dir.path().join("real.csv");
        assert_eq!(std::fs::read_to_string(real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_whole(&target, b"new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = Sink::open(&Destination::File(dir.path().to_path_buf()))
            .err()
            .unwrap();
        assert!(error.to_string().contains("is a directory"), "{error}");
    }
}
