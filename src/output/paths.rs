//! Refusing output paths that would destroy data: an output that names one
//! of the inputs (the input would be truncated while it is read), and two
//! outputs that name one file (each is written to a temporary file and
//! renamed into place, so one would silently replace the other).

use std::path::{Path, PathBuf};

/// One output a command will write, with the option that named it.
#[derive(Clone, Copy, Debug)]
pub struct NamedOutput<'a> {
    /// How the user named it (`-o`, `--rejects`, `--poam`).
    pub option: &'static str,
    /// The path; `-` is standard output.
    pub path: &'a Path,
}

/// Checks that no output is an input and no two outputs are one file, and
/// that at most one output goes to standard output.
pub fn check_outputs(outputs: &[NamedOutput<'_>], inputs: &[&Path]) -> Result<(), String> {
    let stdout: Vec<&NamedOutput<'_>> = outputs.iter().filter(|o| is_stdout(o.path)).collect();
    if let [first, second, ..] = stdout.as_slice() {
        return Err(format!(
            "{} and {} both go to standard output; give one of them a file",
            first.option, second.option
        ));
    }
    let files: Vec<&NamedOutput<'_>> = outputs.iter().filter(|o| !is_stdout(o.path)).collect();
    for (i, output) in files.iter().enumerate() {
        if let Some(input) = inputs
            .iter()
            .find(|input| !is_stdout(input) && same_file(input, output.path))
        {
            return Err(format!(
                "the output {} ({}) is also an input ({}); refusing to overwrite it",
                output.path.display(),
                output.option,
                input.display()
            ));
        }
        if let Some(other) = files
            .iter()
            .skip(i + 1)
            .find(|o| same_file(o.path, output.path))
        {
            return Err(format!(
                "{} and {} name the same file ({}); give them different files",
                output.option,
                other.option,
                output.path.display()
            ));
        }
    }
    Ok(())
}

fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Whether two paths name one file, even one that does not exist yet
/// (`out.csv` and `./out.csv`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    fn resolve(path: &Path) -> Option<PathBuf> {
        if let Ok(full) = path.canonicalize() {
            return Some(full);
        }
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some(parent.canonicalize().ok()?.join(path.file_name()?))
    }
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out<'a>(option: &'static str, path: &'a str) -> NamedOutput<'a> {
        NamedOutput {
            option,
            path: Path::new(path),
        }
    }

    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let error = check_outputs(&[out("-o", "./Cargo.toml")], &[Path::new("Cargo.toml")]);
        assert!(error.unwrap_err().contains("is also an input"));
    }

    #[test]
    fn two_outputs_to_one_file_are_refused() {
        let error = check_outputs(&[out("-o", "x.csv"), out("--poam", "./x.csv")], &[]);
        assert_eq!(
            error.unwrap_err(),
            "-o and --poam name the same file (x.csv); give them different files"
        );
    }

    #[test]
    fn two_outputs_to_stdout_are_refused_and_stdin_is_no_file() {
        let error = check_outputs(&[out("-o", "-"), out("--rejects", "-")], &[]);
        assert!(error.unwrap_err().contains("both go to standard output"));
        assert!(
            check_outputs(
                &[out("-o", "a.csv"), out("--rejects", "-")],
                &[Path::new("-")]
            )
            .is_ok()
        );
    }
}
