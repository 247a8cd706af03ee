//! The `mdbook-vision` binary: the combined preprocessor, and the command line.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mdbook_vision::check::{Format, check};
use mdbook_vision::migrate::{self, Step};
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
        /// Leaves SUMMARY.md alone and prints the line to add to it.
        #[arg(long)]
        no_summary: bool,
    },
    /// Adds [preprocessor.vision] to book.toml, keeping its comments and formatting, and lists
    /// what mdBook 0.5 would refuse in it.
    Install {
        /// The book's folder.
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Also fixes what mdBook 0.5 would refuse: keys it rejects are removed or renamed, and
        /// preprocessors whose command is not installed are marked `optional = true`.
        #[arg(long)]
        fix: bool,
    },
    /// Moves a hand-maintained book onto the suite: story blocks from hand tables and FAQ
    /// answers, redundant character definitions removed, hand story links to directives,
    /// book.toml fixed.
    ///
    /// Without --write, prints the changes as a diff and writes nothing. A change is kept only
    /// if the book renders the same with it; what cannot be decided is reported and left as
    /// written.
    Migrate {
        /// The book's folder.
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Makes the changes.
        #[arg(long)]
        write: bool,
        /// Runs only these steps.
        #[arg(long, value_enum, num_args = 1..)]
        only: Vec<Step>,
        /// Where the book is or was published (`https://example.github.io/vision-doc/`), so that
        /// absolute links to its pages count as links to stories; book.toml's `site-url` and
        /// `git-repository-url` are read too.
        #[arg(long, value_name = "URL")]
        published_at: Vec<String>,
    },
}

fn main() -> ExitCode {
    if std::env::args_os().len() == 1 {
        // How mdBook runs a preprocessor: the book on stdin, no argument to parse.
        mdbook_vision_core::run::main(&mdbook_vision::COMBINED);
    }
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        mdbook_vision_core::run::main(&mdbook_vision::COMBINED);
    };
    let code = match command {
        Command::Supports { .. } => 0,
        Command::Check { book, format, deny_warnings } => run_check(&book, format, deny_warnings),
        Command::New { kind, title, character, pair, book, dry_run, no_summary } => {
            run_new(&book, &new::NewPage { kind, title, character, pair, no_summary }, dry_run)
        }
        Command::Install { book, fix } => run_install(&book, fix),
        Command::Migrate { book, write, only, published_at } => {
            run_migrate(&book, write, &migrate::Options { only, published_at })
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run_check(book: &Path, format: Format, deny_warnings: bool) -> i32 {
    let report = check(book, format, deny_warnings);
    print(&report.stdout, &report.stderr);
    if let Some(table) = &report.step_summary {
        // The job summary has every finding (GitHub shows only the first annotations of a
        // step), and the preprocessors later in the job need not annotate them again.
        append_to_env_file("GITHUB_STEP_SUMMARY", table);
        append_to_env_file("GITHUB_ENV", "MDBOOK_VISION_CHECKED=true\n");
    }
    report.exit_code
}

/// Appends `text` to the file GitHub Actions names in the variable `name`, if it does.
fn append_to_env_file(name: &str, text: &str) {
    let Some(path) = std::env::var_os(name) else { return };
    let file = std::fs::OpenOptions::new().append(true).create(true).open(path);
    if let Ok(mut file) = file {
        let _ = file.write_all(text.as_bytes());
    }
}

fn run_new(book: &Path, page: &new::NewPage, dry_run: bool) -> i32 {
    let result = new::plan(book, page).and_then(|plan| {
        let summary = plan.summary.display();
        let message = if dry_run {
            let (_, line) = plan.summary_entry(book)?;
            format!(
                "would write {}:\n\n{}\nwould add to {summary}: {line}\n",
                plan.page.display(),
                plan.content
            )
        } else {
            let line = new::write(book, &plan)?;
            if plan.edit_summary {
                format!("wrote {}\nadded to {summary}: {line}\n", plan.page.display())
            } else {
                format!("wrote {}\nadd it to {summary}:\n{line}\n", plan.page.display())
            }
        };
        print(&message, "");
        Ok(())
    });
    report_error(result)
}

fn run_install(book: &Path, fix: bool) -> i32 {
    let result = install::install(book, fix).map(|installed| {
        let mut message = match (installed.added, installed.changed) {
            (true, _) => "added [preprocessor.vision] to book.toml\n".to_owned(),
            (false, true) => "[preprocessor.vision] is already in book.toml; fixed the rest\n".to_owned(),
            (false, false) => "[preprocessor.vision] is already in book.toml\n".to_owned(),
        };
        for problem in &installed.problems {
            let prefix = if fix { "fixed" } else { "warning" };
            message.push_str(&format!("{prefix}: {problem}\n"));
        }
        for problem in &installed.left {
            message.push_str(&format!("warning: {problem}\n"));
        }
        if !fix && installed.fixable {
            message.push_str("run `mdbook-vision install --fix` to fix these in book.toml\n");
        }
        print("", &message);
    });
    report_error(result)
}

fn run_migrate(book: &Path, write: bool, options: &migrate::Options) -> i32 {
    let result = migrate::plan(book, options).and_then(|migration| {
        if write {
            migration.write()?;
            print("", &migration.summary(true));
        } else {
            print(&migration.diff(), &migration.summary(false));
        }
        Ok(())
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
