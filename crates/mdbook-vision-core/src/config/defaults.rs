//! The defaults of the settings: the conventions of the Async vision doc.

/// The kinds of page and their default path globs, in the order they are tried.
pub const DEFAULT_KINDS: &[(&str, &[&str])] = &[
    ("status-quo", &["**/status_quo/**"]),
    ("shiny-future", &["**/shiny_future/**"]),
    ("character", &["**/characters/**", "**/characters.md"]),
    ("design-doc", &["**/design_docs/**"]),
    ("roadmap", &["**/roadmap.md", "**/roadmap/**"]),
];

/// Pages that are never stories, whatever their kind: templates. (Index pages, that is
/// `README.md`, `index.md` and chapters with sub-chapters, are never stories either.)
pub const DEFAULT_NOT_STORIES: &[&str] = &["**/template.md", "**/templates/**"];

/// Where the cast is discovered when it is not configured.
pub const DEFAULT_CAST_PAGES: &[&str] = &["**/characters/**", "**/characters.md"];

/// The file name of the default how-to page.
pub const DEFAULT_HOW_TO_FILE: &str = "how_to_vision.md";

/// A required question's wording and its aliases.
pub type DefaultQuestion = (&'static str, &'static [&'static str]);

/// The questions the seed's "How to vision doc" template asks of each kind: suggestions for
/// a book that has no template of its own and configures none.
pub const DEFAULT_REQUIRED_QUESTIONS: &[(&str, &[DefaultQuestion])] = &[
    (
        "status-quo",
        &[
            ("What are the morals of the story?", &[]),
            ("Are you just making this stuff up?", &["What are the sources for this story?"]),
        ],
    ),
    (
        "shiny-future",
        &[
            ("What is NAME most excited about and why?", &[]),
            ("What is NAME most disappointed with?", &[]),
            ("What key things did the Rust org do to make this happen?", &[]),
            ("What things did the other groups do to make this happen?", &[]),
        ],
    ),
    (
        "character",
        &[("Which of the async tenets would NAME put first and which would they put last? Why?", &[])],
    ),
    (
        "design-doc",
        &[
            ("What assumptions are you using as the basis for this design?", &[]),
            ("Why not do ALTERNATIVE-X?", &[]),
            ("What design decisions cannot easily be reversed?", &[]),
        ],
    ),
];

/// The default roadmap legend, from the Async vision doc: (key, emoji, label, meaning).
pub const DEFAULT_LEGEND: &[(&str, &str, &str, &str)] = &[
    ("healthy", "🥬", "Healthy", "on track with the plan as described in the doc"),
    ("planning", "✏️", "Planning", "still figuring out the plan"),
    ("worried", "🤒", "Worried", "things are looking tricky; the plan isn't working out"),
    ("vacation", "🏖️", "On vacation", "taking a break right now"),
    ("abandoned", "⚰️", "Abandoned", "we gave up on this idea"),
];

/// The default headers of roadmap status columns.
pub const DEFAULT_STATUS_COLUMNS: &[&str] = &["Status", "State"];

/// The default headers of roadmap date columns.
pub const DEFAULT_DATE_COLUMNS: &[&str] = &["Last updated"];

/// The default headers of roadmap progress columns.
pub const DEFAULT_PROGRESS_COLUMNS: &[&str] = &["Progress"];

/// The file stem of a kind's template page, in the kind's folder.
pub const TEMPLATE_STEM: &str = "template";
