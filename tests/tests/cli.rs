//! `mdbook-vision`: the combined preprocessor and its command line (`check`, `new`,
//! `install`, `supports`), run as the real binary on real books.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use mdbook_vision_tests::html::{assert_links_resolve, main_content, pages};
use mdbook_vision_tests::mdbook::{build_in_place, copy_book, suite_bin};
use mdbook_vision_tests::request::VERSIONS;
use mdbook_vision_tests::{fixture, workspace_root};

fn vision(args: &[&str]) -> Output {
    Command::new(suite_bin("mdbook-vision")).args(args).env_remove("GITHUB_ACTIONS").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn example() -> String {
    workspace_root().join("book-example").display().to_string()
}

#[test]
fn check_exits_0_on_a_clean_book_and_1_on_errors() {
    let clean = vision(&["check", &example()]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    assert!(!text(&clean.stderr).contains("warning["), "{}", text(&clean.stderr));

    let broken = vision(&["check", &fixture("books/broken").display().to_string()]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = text(&broken.stderr);
    assert!(
        stderr.contains(
            "error[unknown-character]: `Alna` is not in the cast\n  --> src/vision/status_quo/alan.md:4:13"
        ),
        "{stderr}"
    );
    // Every finding at once: the FAQ checks ran too, although the stories had errors (this book
    // has no templates, so the seed's questions are only suggested).
    assert!(stderr.trim_end().ends_with("mdbook-vision check: 2 errors, 3 notes"), "{stderr}");
    assert!(stderr.contains("note[faq-suggested]"), "{stderr}");
    assert!(broken.stdout.is_empty());
}

#[test]
fn check_fails_on_warnings_only_when_asked() {
    let book = fixture("books/faq-incomplete").display().to_string();
    assert_eq!(vision(&["check", &book]).status.code(), Some(0));
    assert_eq!(vision(&["check", &book, "--deny-warnings"]).status.code(), Some(1));
}

#[test]
fn check_formats_json_and_github() {
    let book = fixture("books/faq-incomplete").display().to_string();
    let json = vision(&["check", &book, "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 5);
    assert_eq!(findings[0]["code"], "faq-missing-question");
    assert_eq!(findings[0]["path"], "src/status_quo/alan_trouble.md");
    assert_eq!(findings[0]["line"], 10);

    let github = vision(&["check", &book, "--format", "github"]);
    let annotations = text(&github.stdout);
    assert_eq!(annotations.lines().count(), 5, "{annotations}");
    assert!(
        annotations.starts_with(
            "::warning file=src/status_quo/alan_trouble.md,line=10,col=1,title=faq-missing-question::"
        ),
        "{annotations}"
    );
    assert!(text(&github.stderr).contains("warning[faq-missing-question]"));
}

#[test]
fn check_reports_a_missing_chapter_file_and_creates_nothing() {
    let dir = copy_book(&fixture("books/broken"));
    let summary = dir.path().join("src/SUMMARY.md");
    let mut text_of_summary = fs::read_to_string(&summary).unwrap();
    text_of_summary.push_str("- [Missing](vision/status_quo/missing.md)\n");
    fs::write(&summary, text_of_summary).unwrap();
    let output = vision(&["check", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(
            "error[missing-chapter]: the chapter file `vision/status_quo/missing.md` does not exist\n  --> src/SUMMARY.md:6:13"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("src/vision/status_quo/missing.md").exists(), "check never writes");
    assert!(!dir.path().join("book").exists(), "check renders nothing");
}

#[test]
fn check_exits_2_when_no_mdbook_can_load_the_book() {
    let dir = copy_book(&fixture("books/broken"));
    fs::write(dir.path().join("book.toml"), "[book\ntitle = 1\n").unwrap();
    let output = vision(&["check", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error[book-load]: book.toml is not valid TOML"), "{stderr}");
    assert!(stderr.contains("  --> book.toml"), "{stderr}");
}

/// Fills every empty FAQ answer of a page written by `new`.
fn fill_answers(page: &Path) {
    let text = fs::read_to_string(page).unwrap();
    let filled: Vec<String> = text
        .lines()
        .map(|line| if line.starts_with("### ") { format!("{line}\n\nAn answer.") } else { line.to_owned() })
        .collect();
    fs::write(page, filled.join("\n") + "\n").unwrap();
}

#[test]
fn new_pages_of_every_kind_pass_check_once_answered_and_appear_in_the_book() {
    let dir = copy_book(&workspace_root().join("book-example"));
    let book = dir.path().display().to_string();
    let pages: &[(&[&str], &str, &str)] = &[
        (
            &["status-quo", "Barbara debugs a deadlock", "--character", "Barbara"],
            "src/vision/status_quo/barbara_debugs_a_deadlock.md",
            "vision/status_quo/barbara_debugs_a_deadlock.html",
        ),
        (
            &[
                "shiny-future",
                "Barbara ships firmware",
                "--character",
                "Barbara",
                "--pair",
                "barbara_tries_embedded_runtime",
            ],
            "src/vision/shiny_future/barbara_ships_firmware.md",
            "vision/shiny_future/barbara_ships_firmware.html",
        ),
        (
            &["character", "Zed: the tester"],
            "src/vision/characters/zed_the_tester.md",
            "vision/characters/zed_the_tester.html",
        ),
        (&["design-doc", "Async drop"], "src/design_docs/async_drop.md", "design_docs/async_drop.html"),
        (&["roadmap", "Q3 plan"], "src/vision/q3_plan.md", "vision/q3_plan.html"),
    ];
    for (args, file, _) in pages {
        let mut full = vec!["new"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--book", &book]);
        let dry = vision(&[full.as_slice(), &["--dry-run"]].concat());
        assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
        assert!(!dir.path().join(file).exists(), "--dry-run writes nothing");
        let output = vision(&full);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(dir.path().join(file).exists(), "{file}");
        let again = vision(&full);
        assert_eq!(again.status.code(), Some(1), "new never overwrites");
        assert!(text(&again.stderr).contains("already exists"));
        fill_answers(&dir.path().join(file));
    }
    let check = vision(&["check", &book, "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let summary = fs::read_to_string(dir.path().join("src/SUMMARY.md")).unwrap();
    assert!(summary.contains("        - [Barbara tries the embedded runtime](vision/status_quo/barbara_tries_embedded_runtime.md)\n        - [Barbara debugs a deadlock](vision/status_quo/barbara_debugs_a_deadlock.md)\n"), "{summary}");
    let built = build_in_place("0.5.4", dir);
    assert!(built.success, "{}", built.stderr);
    for (_, _, html) in pages {
        assert!(built.output().join(html).exists(), "{html}");
    }
    let future = built.page("vision/shiny_future/barbara_ships_firmware.html");
    assert!(
        future.contains("href=\"../status_quo/barbara_tries_embedded_runtime.html\""),
        "the pair is linked"
    );
}

#[test]
fn new_puts_the_first_story_of_a_kind_in_its_template_s_folder_and_after_it_in_summary() {
    let dir = copy_book(&fixture("books/long-lived"));
    let summary_path = dir.path().join("src/SUMMARY.md");
    // The book before its first shiny future: the index page and the template only.
    let summary = fs::read_to_string(&summary_path).unwrap();
    let first_future = |line: &&str| !line.contains("](./vision/shiny_future/") || line.contains("template");
    let before: Vec<&str> = summary.lines().filter(first_future).collect();
    fs::write(&summary_path, before.join("\n") + "\n").unwrap();
    let book = dir.path().display().to_string();
    // The character in another letter case: written as the cast spells it.
    let output = vision(&[
        "new",
        "shiny-future",
        "Grace tests with confidence",
        "--character",
        "grace",
        "--book",
        &book,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let written = dir.path().join("src/vision/shiny_future/grace_tests_with_confidence.md");
    let written = fs::read_to_string(written).unwrap();
    assert!(written.contains("character = \"Grace\""), "{written}");
    let summary = fs::read_to_string(&summary_path).unwrap();
    // After the last chapter of the kind, its template, which this book lists under "Contributing".
    let after_template = "    * [Shiny future template](./vision/shiny_future/template.md)\n    * [Grace tests with confidence](./vision/shiny_future/grace_tests_with_confidence.md)\n";
    assert!(summary.contains(after_template), "{summary}");
    let built = build_in_place("0.5.4", dir);
    assert!(built.success, "{}", built.stderr);
    let page = built.page("vision/shiny_future/grace_tests_with_confidence.html");
    assert!(page.contains("Grace tests with confidence"), "{page}");
}

/// A small book whose index pages are flat files beside their folders (`shiny_future.md`,
/// `shiny_future/`), before its first shiny future: the page nests under its folder's index.
#[test]
fn new_nests_the_first_page_of_a_kind_under_the_index_page_of_its_folder() {
    let dir = copy_book(&fixture("migrate/story-blocks-without-cast/before"));
    let summary_path = dir.path().join("src/SUMMARY.md");
    let summary = fs::read_to_string(&summary_path).unwrap();
    let before: String =
        summary.lines().filter(|l| !l.contains("](./shiny_future/")).map(|l| format!("{l}\n")).collect();
    fs::write(&summary_path, before).unwrap();
    let book = dir.path().display().to_string();
    let args = ["new", "shiny-future", "Shapes clone themselves", "--pair", "cloning_boxed_objects"];
    let output = vision(&[&args[..], &["--book", &book]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(dir.path().join("src/shiny_future/shapes_clone_themselves.md").exists());
    let summary = fs::read_to_string(&summary_path).unwrap();
    let nested = "- [Shiny future](./shiny_future.md)\n    - [Shapes clone themselves](./shiny_future/shapes_clone_themselves.md)\n- [Open questions]()\n";
    assert!(summary.ends_with(nested), "{summary}");
    for version in VERSIONS {
        let built = mdbook_vision_tests::mdbook::build(version, dir.path());
        assert!(built.success, "{}", built.stderr);
        let toc = built.page("toc.html");
        assert!(toc.contains(r#"<strong aria-hidden="true">3.1.</strong> Shapes clone themselves"#), "{toc}");
    }
}

#[test]
fn new_refuses_unknown_kinds_characters_and_pairs() {
    for (args, message) in [
        (&["status-qou", "X"][..], "did you mean `status-quo`?"),
        (&["status-quo", "X", "--character", "Alna"][..], "did you mean `Alan`?"),
        (&["shiny-future", "X", "--pair", "nowhere"][..], "no story has the id `nowhere`"),
    ] {
        let output = vision(&[&["new"], args, &["--book", &example()]].concat());
        assert_eq!(output.status.code(), Some(1));
        assert!(text(&output.stderr).contains(message), "{}", text(&output.stderr));
    }
}

#[test]
fn install_fix_says_what_it_leaves_to_the_author() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n\n[preprocessor.vision-faq]\n").unwrap();
    let fixed = vision(&["install", &dir.path().display().to_string(), "--fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let said = text(&fixed.stderr);
    assert!(said.contains("warning: [preprocessor.vision-faq] is there too"), "{said}");
    assert!(!said.contains("fixed: [preprocessor.vision-faq]"), "it is not removed, so not fixed: {said}");
    let after = fs::read_to_string(dir.path().join("book.toml")).unwrap();
    assert!(after.contains("[preprocessor.vision-faq]"), "{after}");
}

#[test]
fn install_adds_the_table_once_keeping_comments() {
    let dir = tempfile::tempdir().unwrap();
    let book_toml = dir.path().join("book.toml");
    let original =
        "# The example's book.toml\n[book]\ntitle = \"Mine\"  # keep this comment\n\n[output.html]\n";
    fs::write(&book_toml, original).unwrap();
    let first = vision(&["install", &dir.path().display().to_string()]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let installed = fs::read_to_string(&book_toml).unwrap();
    assert!(installed.starts_with(original), "{installed}");
    assert!(installed.contains("[preprocessor.vision]"), "{installed}");
    let second = vision(&["install", &dir.path().display().to_string()]);
    assert_eq!(second.status.code(), Some(0));
    assert!(text(&second.stderr).contains("already"));
    assert_eq!(fs::read_to_string(&book_toml).unwrap(), installed, "running twice changes nothing");

    // The README's quick start: install, then mdbook build.
    fs::create_dir_all(dir.path().join("src/characters")).unwrap();
    fs::write(
        dir.path().join("src/SUMMARY.md"),
        "# Summary\n\n- [Alan](characters/alan.md)\n- [Story](status_quo/alan.md)\n",
    )
    .unwrap();
    fs::write(dir.path().join("src/characters/alan.md"), "# Alan: a developer\n").unwrap();
    fs::create_dir_all(dir.path().join("src/status_quo")).unwrap();
    fs::write(dir.path().join("src/status_quo/alan.md"), "# Alan\n\n```story\ncharacter = \"Alan\"\n```\n")
        .unwrap();
    for version in VERSIONS {
        let built = build_in_place(version, copy_book(dir.path()));
        assert!(built.success, "{}", built.stderr);
        assert!(built.page("status_quo/alan.html").contains("<th>Character</th>"), "{version}");
    }
}

#[test]
fn supports_and_help() {
    assert_eq!(vision(&["supports", "html"]).status.code(), Some(0));
    let help = vision(&["--help"]);
    for command in ["check", "new", "install", "supports"] {
        assert!(text(&help.stdout).contains(command), "{command}");
    }
    assert!(text(&vision(&["--version"]).stdout).starts_with("mdbook-vision "));
}

/// The example book with the five standalone tables replaced by `[preprocessor.vision]`.
fn combined_copy() -> tempfile::TempDir {
    let dir = copy_book(&workspace_root().join("book-example"));
    let book_toml = dir.path().join("book.toml");
    let standalone = fs::read_to_string(&book_toml).unwrap();
    let combined: String = standalone
        .lines()
        .filter(|l| !l.starts_with("[preprocessor.vision-"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replacen("[output.html]", "[preprocessor.vision]\n\n[output.html]", 1);
    fs::write(&book_toml, combined).unwrap();
    dir
}

#[test]
fn the_combined_preprocessor_renders_the_same_book_as_the_five() {
    for version in VERSIONS {
        let five = build_in_place(version, copy_book(&workspace_root().join("book-example")));
        let one = build_in_place(version, combined_copy());
        assert!(five.success && one.success, "{}\n{}", five.stderr, one.stderr);
        assert!(one.stderr.contains("mdbook-vision: 1 note"), "{}", one.stderr);
        let pages = pages(&five.output());
        assert!(pages.len() > 20);
        for page in pages {
            assert_eq!(main_content(&one.page(&page)), main_content(&five.page(&page)), "{version}: {page}");
        }
        assert_links_resolve(&one.output(), &format!("combined, mdBook {version}"));
    }
}

#[test]
fn a_feature_of_the_combined_preprocessor_can_be_turned_off() {
    let dir = combined_copy();
    let book_toml = dir.path().join("book.toml");
    let text_of_toml = fs::read_to_string(&book_toml)
        .unwrap()
        .replace("\n[preprocessor.vision]\n", "\n[preprocessor.vision]\nstories = false\n");
    fs::write(&book_toml, text_of_toml).unwrap();
    let built = build_in_place("0.5.4", dir);
    assert!(built.success, "{}", built.stderr);
    let page = built.page("vision/status_quo/alan_has_trouble_getting_started.html");
    assert!(page.contains("language-story"), "the story block is left as a code block");
}

/// The GitHub Actions workflows a user copies run the commands these tests run, install
/// the archives `cargo xtask dist` makes, and the README shows the main one as it is.
#[test]
fn the_workflows_run_the_tested_commands() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    for file in ["vision-doc.yml", "vision-doc-check.yml"] {
        let path = workspace_root().join("book-example/.github/workflows").join(file);
        let workflow = fs::read_to_string(&path).unwrap();
        let commands: Vec<&str> =
            workflow.lines().filter_map(|l| l.trim().strip_prefix("run: ").or(Some(l.trim()))).collect();
        for tested in ["mdbook-vision check --format github", "mdbook build"] {
            assert!(commands.contains(&tested), "{file} should run `{tested}`");
        }
        assert!(
            workflow.contains("mdbook-vision-x86_64-unknown-linux-gnu.tar.gz\" | tar -xz"),
            "{file} installs the release archive"
        );
        assert!(!workflow.contains("cargo install"), "{file} compiles nothing");
    }
    let main =
        fs::read_to_string(workspace_root().join("book-example/.github/workflows/vision-doc.yml")).unwrap();
    assert!(readme.contains(main.trim()), "the README shows the workflow file as it is");
}

/// The example book with its five standalone tables chained by `after` in the reverse of
/// mdBook's default (alphabetical) order.
fn reversed_copy() -> tempfile::TempDir {
    let dir = copy_book(&workspace_root().join("book-example"));
    let book_toml = dir.path().join("book.toml");
    let chain = [
        ("[preprocessor.vision-stories]", "after = [\"vision-faq\", \"links\", \"index\"]"),
        ("[preprocessor.vision-faq]", "after = [\"vision-characters\"]"),
        ("[preprocessor.vision-characters]", "after = [\"vision-roadmap\"]"),
        ("[preprocessor.vision-roadmap]", "after = [\"vision-metanarrative\"]"),
        ("[preprocessor.vision-metanarrative]", "after = [\"links\", \"index\"]"),
    ];
    let mut text_of_toml = fs::read_to_string(&book_toml).unwrap();
    for (table, after) in chain {
        assert!(text_of_toml.contains(table), "{table}");
        text_of_toml = text_of_toml.replacen(table, &format!("{table}\n{after}"), 1);
    }
    fs::write(&book_toml, text_of_toml).unwrap();
    dir
}

#[test]
fn the_five_preprocessors_in_another_order_render_the_same_book() {
    for version in VERSIONS {
        let default_order = build_in_place(version, copy_book(&workspace_root().join("book-example")));
        let reversed = build_in_place(version, reversed_copy());
        assert!(default_order.success && reversed.success, "{}\n{}", default_order.stderr, reversed.stderr);
        for page in pages(&default_order.output()) {
            assert_eq!(
                main_content(&reversed.page(&page)),
                main_content(&default_order.page(&page)),
                "{version}: {page}"
            );
        }
    }
}

#[test]
fn new_refuses_a_pair_that_has_a_partner_and_writes_nothing() {
    let dir = copy_book(&workspace_root().join("book-example"));
    let book = dir.path().display().to_string();
    let summary = fs::read(dir.path().join("src/SUMMARY.md")).unwrap();
    let output = vision(&[
        "new",
        "shiny-future",
        "Alan has another blast",
        "--pair",
        "alan_has_trouble_getting_started",
        "--book",
        &book,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr)
            .contains("`alan_has_trouble_getting_started` is paired with `alan_has_a_blast` already"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(fs::read(dir.path().join("src/SUMMARY.md")).unwrap(), summary);
    assert!(!dir.path().join("src/vision/shiny_future/alan_has_another_blast.md").exists());
}

#[test]
fn concurrent_new_runs_lose_no_entry() {
    let dir = copy_book(&workspace_root().join("book-example"));
    let book = dir.path().display().to_string();
    let titles: Vec<String> = (0..8).map(|n| format!("Grace tries thing {n}")).collect();
    let children: Vec<std::process::Child> = titles
        .iter()
        .map(|title| {
            Command::new(suite_bin("mdbook-vision"))
                .args(["new", "status-quo", title, "--character", "Grace", "--book", &book])
                .env_remove("GITHUB_ACTIONS")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let summary = fs::read_to_string(dir.path().join("src/SUMMARY.md")).unwrap();
    for title in &titles {
        assert_eq!(summary.matches(&format!("[{title}]")).count(), 1, "{title} in SUMMARY.md:\n{summary}");
        let stem = title.to_lowercase().replace(' ', "_");
        assert!(dir.path().join(format!("src/vision/status_quo/{stem}.md")).exists(), "{stem}");
    }
    let left: Vec<String> = fs::read_dir(dir.path().join("src"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "no temporary file is left: {left:?}");
}
