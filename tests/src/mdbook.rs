//! Real mdBook builds of real books, with the suite's binaries on `PATH`.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The pinned mdBook CLI of `version`, as `tests/install-mdbook` installs it.
///
/// `MDBOOK_VISION_CACHE` overrides the cache folder (default `~/.cache/mdbook-vision`).
pub fn mdbook_cli(version: &str) -> PathBuf {
    let cache = std::env::var_os("MDBOOK_VISION_CACHE").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/mdbook-vision")
    });
    let cli = cache.join(format!("mdbook-{version}/bin/mdbook"));
    assert!(
        cli.exists(),
        "mdBook {version} is not installed at {}: run `tests/run`, which installs it",
        cli.display()
    );
    cli
}

/// The folder holding the suite's binaries built for this test run (`target/debug`).
pub fn suite_bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    assert!(
        dir.join("mdbook-vision-stories").exists(),
        "the suite's binaries are not built in {}: run `tests/run` (or `cargo build --workspace --bins`)",
        dir.display()
    );
    dir
}

/// Every binary of the suite: the five features' and the combined one.
pub fn suite_binaries() -> impl Iterator<Item = &'static str> {
    use mdbook_vision_core::feature::{COMBINED_BINARY, FeatureId};
    FeatureId::ALL.into_iter().map(FeatureId::binary).chain([COMBINED_BINARY])
}

/// The path of one of the suite's binaries.
pub fn suite_bin(name: &str) -> PathBuf {
    suite_bin_dir().join(name)
}

/// A preprocessor binary run as mdBook runs it: the request on stdin.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// The book, as JSON.
    pub stdout: Vec<u8>,
    /// The diagnostics.
    pub stderr: String,
}

/// Runs the suite's binary `name` with `input` on stdin, outside GitHub Actions unless `env`
/// sets `GITHUB_ACTIONS`, with `env` added to its environment.
pub fn run_preprocessor(name: &str, input: &[u8], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(suite_bin(name));
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.env_remove("GITHUB_ACTIONS").env_remove("SOURCE_DATE_EPOCH").envs(env.iter().copied());
    let mut child = command.spawn().unwrap_or_else(|e| panic!("running {name}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        // A binary that fails early may close stdin before reading it all.
        let _ = stdin.write_all(input);
    }
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("running {name}: {e}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The result of `mdbook build` on a copy of a book.
#[derive(Debug)]
pub struct Build {
    /// Whether mdBook exited with success.
    pub success: bool,
    /// mdBook's stderr (its log, and the preprocessors' diagnostics).
    pub stderr: String,
    /// The copy of the book that was built; removed when dropped.
    pub dir: tempfile::TempDir,
}

impl Build {
    /// The rendered HTML book.
    pub fn output(&self) -> PathBuf {
        self.dir.path().join("book")
    }

    /// The text of a rendered page, e.g. `vision/status_quo/alan.html`.
    pub fn page(&self, path: &str) -> String {
        fs::read_to_string(self.output().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    }
}

/// Runs `mdbook-vision ARGS` with mdBook `version` and the suite's binaries first on `PATH`,
/// outside GitHub Actions: the mdBook whose rules the command applies.
pub fn vision_with_mdbook(version: &str, args: &[&str]) -> std::process::Output {
    let mdbook_dir = mdbook_cli(version).parent().map(Path::to_path_buf).unwrap_or_default();
    let path = std::env::join_paths(
        [mdbook_dir, suite_bin_dir()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap_or_default();
    Command::new(suite_bin("mdbook-vision"))
        .args(args)
        .env("PATH", path)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap_or_else(|e| panic!("running mdbook-vision: {e}"))
}

/// Every file under `root` with its bytes, in path order.
pub fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    crate::files_under(root)
        .into_iter()
        .map(|file| {
            let bytes = fs::read(root.join(&file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
            (file, bytes)
        })
        .collect()
}

/// A copy of the book at `book` in a temporary folder (without its rendered `book/`).
pub fn copy_book(book: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
    copy_dir(book, dir.path());
    dir
}

/// Builds the book in `dir` in place with mdBook `version`, the suite's binaries first on `PATH`.
pub fn build_in_place(version: &str, dir: tempfile::TempDir) -> Build {
    run_build(version, dir, &[])
}

/// Copies the book at `book` to a temporary folder and builds it with mdBook `version`,
/// with the suite's binaries first on `PATH`, outside GitHub Actions.
pub fn build(version: &str, book: &Path) -> Build {
    build_with_env(version, book, &[])
}

/// [`build`], with extra environment variables.
pub fn build_with_env(version: &str, book: &Path, env: &[(&str, &str)]) -> Build {
    run_build(version, copy_book(book), env)
}

fn run_build(version: &str, dir: tempfile::TempDir, env: &[(&str, &str)]) -> Build {
    let _ = fs::remove_dir_all(dir.path().join("book"));
    let path = std::env::join_paths(
        std::iter::once(suite_bin_dir())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap_or_default();
    let mut command = Command::new(mdbook_cli(version));
    command
        .arg("build")
        .arg(dir.path())
        .env("PATH", path)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("RUST_LOG");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap_or_else(|e| panic!("running mdBook {version}: {e}"));
    Build {
        success: output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        dir,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())).flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if entry.file_name() != "book" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", entry.path().display()));
        }
    }
}
