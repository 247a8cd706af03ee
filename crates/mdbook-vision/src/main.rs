//! The `mdbook-vision` binary: the combined preprocessor, and the command line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mdbook_vision::check::{Format, check};
use mdbook_vision::{install, new};

/// Vision documents in mdBook: story tables, required FAQs, character links, roadmap emoji and
/// story lists, declared once and generated or checked at build time.
///
/// Without a command, runs as the mdBook preprocessor `[preprocessor.vision]`.
#[derive(Debug, Parser)]
#[command(name = "mdbook-vision", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// mdBook's handshake: whether the preprocessor supports RENDERER (it supports all).
    Supports {
        /// The renderer's name (`html`, `markdown`, ...).
        renderer: String,
    },
    /// Loads the book as mdBook would and runs every check, without rendering or writing.
    ///
    /// Exits 0 when clean, 1 on errors (or warnings, with --deny-warnings), 2 when the book
    /// cannot be loaded.
    Check {
        /// The book's folder (holding book.toml).
        #[arg(default_value = ".")]
        book: PathBuf,
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Writes a new page from its kind's template and adds it to SUMMARY.md.
    New {
        /// The kind of page: status-quo, shiny-future, character, design-doc, or a configured kind.
        kind: String,
        /// The page's title.
        title: String,
        /// The story's character.
        #[arg(long)]
        character: Option<String>,
        /// The id of the paired story (status-quo and shiny-future pages).
        #[arg(long)]
        pair: Option<String>,
        /// The book's folder.
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Shows what would be written, and writes nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Adds [preprocessor.vision] to book.toml, keeping its comments and formatting.
    Install {
        /// The book's folder.
        #[arg(default_value = ".")]
        book: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        mdbook_vision_core::run::main(&mdbook_vision::COMBINED);
    };
    let code = match command {
        Command::Supports { .. } => 0,
        Command::Check { book, format, deny_warnings } => {
            let report = check(&book, format, deny_warnings);
            print(&report.stdout, &report.stderr);
            report.exit_code
        }
        Command::New { kind, title, character, pair, book, dry_run } => {
            run_new(&book, &new::NewPage { kind, title, character, pair }, dry_run)
        }
        Command::Install { book } => run_install(&book),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run_new(book: &std::path::Path, page: &new::NewPage, dry_run: bool) -> i32 {
    let result = new::plan(book, page).and_then(|plan| {
        if dry_run {
            let message = format!(
                "would write {}:\n\n{}\nwould add to {}: {}\n",
                plan.page.display(),
                plan.content,
                plan.summary.display(),
                plan.summary_line
            );
            print(&message, "");
        } else {
            new::write(book, &plan)?;
            let message = format!(
                "wrote {}\nadded to {}: {}\n",
                plan.page.display(),
                plan.summary.display(),
                plan.summary_line
            );
            print(&message, "");
        }
        Ok(())
    });
    report_error(result)
}

fn run_install(book: &std::path::Path) -> i32 {
    let result = install::install(book).map(|installed| {
        let mut message = if installed.changed {
            "added [preprocessor.vision] to book.toml\n".to_owned()
        } else {
            "[preprocessor.vision] is already in book.toml\n".to_owned()
        };
        for warning in &installed.warnings {
            message.push_str(&format!("warning: {warning}\n"));
        }
        print("", &message);
    });
    report_error(result)
}

fn report_error(result: anyhow::Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(error) => {
            print("", &format!("error: {error:#}\n"));
            1
        }
    }
}

fn print(stdout: &str, stderr: &str) {
    let _ = std::io::stdout().write_all(stdout.as_bytes());
    let _ = std::io::stderr().write_all(stderr.as_bytes());
}
