//! The release archive: files at its root, as a gzipped tar that keeps executable bits, or as
//! a zip for Windows.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use flate2::Compression;
use flate2::write::GzEncoder;
use zip::write::SimpleFileOptions;

/// The kind of archive a target gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.tar.gz`, for every target but Windows.
    TarGz,
    /// `.zip`, for Windows targets.
    Zip,
}

impl Format {
    /// The archive for `triple`: a zip for Windows, a gzipped tar for the rest.
    pub fn for_target(triple: &str) -> Self {
        if triple.contains("-windows") { Self::Zip } else { Self::TarGz }
    }

    /// The archive's file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::TarGz => "tar.gz",
            Self::Zip => "zip",
        }
    }

    /// What the target's executables end with: `.exe` on Windows.
    pub fn binary_suffix(self) -> &'static str {
        match self {
            Self::TarGz => "",
            Self::Zip => ".exe",
        }
    }
}

/// Writes a new archive at `path` holding `files` (the name in the archive, the file on disk) at
/// its root, in that order.
pub fn write(path: &Path, format: Format, files: &[(String, PathBuf)]) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    match format {
        Format::TarGz => write_tar_gz(file, files),
        Format::Zip => write_zip(file, files),
    }
    .with_context(|| format!("writing {}", path.display()))
}

/// A gzipped tar of plain files with reproducible headers: fixed times and owners, and mode 755
/// for executables (644 for the rest).
///
/// Files with holes (linkers leave some) are stored whole, never as GNU sparse entries, which
/// some extractors skip (cargo-binstall's does).
fn write_tar_gz(file: File, files: &[(String, PathBuf)]) -> Result<()> {
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    tar.mode(tar::HeaderMode::Deterministic);
    tar.sparse(false);
    for (name, source) in files {
        tar.append_path_with_name(source, name).with_context(|| format!("adding {}", source.display()))?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}

/// A zip of deflated files.
fn write_zip(file: File, files: &[(String, PathBuf)]) -> Result<()> {
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, source) in files {
        let mut reader = File::open(source).with_context(|| format!("opening {}", source.display()))?;
        zip.start_file(name.as_str(), options)?;
        io::copy(&mut reader, &mut zip).with_context(|| format!("adding {}", source.display()))?;
    }
    zip.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::{Read as _, Seek as _, SeekFrom, Write as _};

    use super::*;

    /// The size of the tool of [`sources`]: a hole of 1 MiB between its two lines.
    const TOOL_SIZE: u64 = (1 << 20) + 6;

    /// A tool (with a hole, as linkers leave some) and a readme in a temporary folder, as
    /// (name, path) pairs.
    fn sources(dir: &Path, tool: &str) -> Result<Vec<(String, PathBuf)>> {
        let tool_path = dir.join(tool);
        let mut tool_file = File::create(&tool_path)?;
        tool_file.write_all(b"#!/bin/sh\n")?;
        tool_file.seek(SeekFrom::Start(1 << 20))?;
        tool_file.write_all(b"# end\n")?;
        drop(tool_file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&tool_path, fs::Permissions::from_mode(0o755))?;
        }
        fs::write(dir.join("README.md"), "# readme\n")?;
        Ok(vec![(tool.to_owned(), tool_path), ("README.md".to_owned(), dir.join("README.md"))])
    }

    #[test]
    fn windows_targets_get_a_zip_of_exe_files_and_the_rest_a_tar_gz() {
        assert_eq!(Format::for_target("x86_64-pc-windows-msvc"), Format::Zip);
        assert_eq!(Format::for_target("x86_64-pc-windows-gnu").binary_suffix(), ".exe");
        assert_eq!(Format::for_target("x86_64-unknown-linux-gnu").extension(), "tar.gz");
        assert_eq!(Format::for_target("aarch64-apple-darwin"), Format::TarGz);
    }

    #[test]
    fn the_tar_gz_holds_plain_files_at_its_root_with_executable_bits() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.tar.gz");
        write(&path, Format::TarGz, &sources(dir.path(), "tool")?)?;

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(File::open(&path)?));
        let mut entries = Vec::new();
        for entry in archive.entries()? {
            let entry = entry?;
            let header = entry.header();
            let path = entry.path()?.display().to_string();
            entries.push((path, header.entry_type(), header.mode()?, header.size()?));
        }
        let tool_mode = if cfg!(unix) { 0o755 } else { 0o644 };
        let regular = tar::EntryType::Regular;
        assert_eq!(
            entries,
            [("tool".to_owned(), regular, tool_mode, TOOL_SIZE), ("README.md".to_owned(), regular, 0o644, 9)]
        );
        Ok(())
    }

    #[test]
    fn the_zip_holds_the_files_at_its_root() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.zip");
        write(&path, Format::Zip, &sources(dir.path(), "tool.exe")?)?;

        let mut archive = zip::ZipArchive::new(File::open(&path)?)?;
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"tool.exe") && names.contains(&"README.md"), "{names:?}");
        let mut text = String::new();
        archive.by_name("README.md")?.read_to_string(&mut text)?;
        assert_eq!(text, "# readme\n");
        Ok(())
    }
}
