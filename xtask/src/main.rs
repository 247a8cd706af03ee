//! `cargo xtask`: the workspace's release tasks (the alias is in `.cargo/config.toml`).
//!
//! `cargo xtask dist [--target TRIPLE]` builds the suite's six binaries in release mode and packs
//! them, with README.md and the two licenses, at the root of
//! `target/dist/mdbook-vision-TRIPLE.tar.gz` (`.zip` for Windows targets): the archive a GitHub
//! release carries, that `cargo binstall mdbook-vision` downloads and a Pages pipeline unpacks
//! onto its `PATH`. It prints the archive's path.

mod archive;

use std::ffi::OsString;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};

use crate::archive::Format;

/// The suite's binaries, each the only binary of the package of the same name.
const BINARIES: [&str; 6] = [
    "mdbook-vision",
    "mdbook-vision-stories",
    "mdbook-vision-faq",
    "mdbook-vision-characters",
    "mdbook-vision-roadmap",
    "mdbook-vision-metanarrative",
];

/// The files of the repository's root shipped beside the binaries.
const DOCUMENTS: [&str; 3] = ["README.md", "LICENSE-APACHE", "LICENSE-MIT"];

/// The workspace's release tasks.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Builds the six binaries in release mode and packs the release archive.
    ///
    /// The archive, target/dist/mdbook-vision-TRIPLE.tar.gz (.zip for Windows targets), holds the
    /// binaries, README.md and the two licenses at its root. Prints the archive's path.
    Dist {
        /// The target triple to build for (default: the host's, as `rustc -vV` tells it).
        #[arg(long, value_name = "TRIPLE")]
        target: Option<String>,
    },
}

fn main() -> ExitCode {
    match perform(Cli::parse().task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Carries out `task`.
fn perform(task: Task) -> Result<()> {
    match task {
        Task::Dist { target } => {
            let archive = dist(target.as_deref())?;
            writeln!(std::io::stdout(), "{}", archive.display())?;
        }
    }
    Ok(())
}

/// Builds the binaries for `target` (the host when `None`) and writes the archive; returns its
/// path.
fn dist(target: Option<&str>) -> Result<PathBuf> {
    let workspace = Workspace::locate()?;
    let triple = match target {
        Some(triple) => triple.to_owned(),
        None => host_triple()?,
    };
    build_release(&workspace.root, target)?;

    let format = Format::for_target(&triple);
    let binaries = workspace.release_dir(target);
    let mut files: Vec<(String, PathBuf)> = BINARIES
        .iter()
        .map(|binary| {
            let name = format!("{binary}{}", format.binary_suffix());
            (name.clone(), binaries.join(&name))
        })
        .collect();
    files.extend(DOCUMENTS.iter().map(|name| ((*name).to_owned(), workspace.root.join(name))));

    let dist = workspace.target_dir.join("dist");
    fs::create_dir_all(&dist).with_context(|| format!("creating {}", dist.display()))?;
    let path = dist.join(format!("mdbook-vision-{triple}.{}", format.extension()));
    archive::write(&path, format, &files)?;
    Ok(path)
}

/// Where the workspace is, and where cargo puts what it builds (`CARGO_TARGET_DIR`,
/// `build.target-dir` or `target/`), as `cargo metadata` tells it.
struct Workspace {
    root: PathBuf,
    target_dir: PathBuf,
}

impl Workspace {
    fn locate() -> Result<Self> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let output = run(cargo()
            .args(["metadata", "--format-version", "1", "--no-deps", "--manifest-path"])
            .arg(manifest))?;
        let metadata: serde_json::Value =
            serde_json::from_slice(&output).context("reading `cargo metadata`")?;
        let path = |key: &str| {
            metadata[key]
                .as_str()
                .map(PathBuf::from)
                .with_context(|| format!("`cargo metadata` has no {key}"))
        };
        Ok(Self { root: path("workspace_root")?, target_dir: path("target_directory")? })
    }

    /// The folder of the release binaries: `target/release`, or `target/TRIPLE/release` when the
    /// build named its target.
    fn release_dir(&self, target: Option<&str>) -> PathBuf {
        match target {
            Some(triple) => self.target_dir.join(triple).join("release"),
            None => self.target_dir.join("release"),
        }
    }
}

/// `cargo build --release --locked --bins` of the six binaries' packages.
fn build_release(root: &Path, target: Option<&str>) -> Result<()> {
    let mut build = cargo();
    build.current_dir(root).args(["build", "--release", "--locked", "--bins"]);
    for package in BINARIES {
        build.args(["--package", package]);
    }
    if let Some(triple) = target {
        build.args(["--target", triple]);
    }
    let status = build.status().context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    Ok(())
}

/// The host's target triple: the `host:` line of `rustc -vV`.
fn host_triple() -> Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let output = run(Command::new(rustc).arg("-vV"))?;
    String::from_utf8_lossy(&output)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_owned())
        .context("`rustc -vV` tells no host")
}

/// The cargo that runs this task (`CARGO`), else the one on `PATH`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// Runs `command` and returns its stdout, or fails with its stderr.
fn run(command: &mut Command) -> Result<Vec<u8>> {
    let output = command.output().with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!("{command:?} failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(output.stdout)
}
