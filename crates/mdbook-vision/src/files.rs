//! Writing the book's files for `new` and `install`.

use std::fs;
use std::path::Path;

use anyhow::Result;

/// Writes `text` to a temporary file beside `path`, then renames it to `path`: a reader sees
/// the old file or the new one, never a part.
pub fn write_whole(path: &Path, text: &str) -> Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })?;
    Ok(())
}
