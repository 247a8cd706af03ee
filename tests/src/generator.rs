//! A large vision book, made up deterministically, for whole-process benchmarks.
//!
//! [`vision_book`] writes `N` status quo stories, `N / 3` shiny future stories, a cast of 20
//! with a page each, a roadmap and a metanarrative, every page as its kind's template asks
//! (a story block, prose that mentions the cast, the required FAQ questions answered), so that
//! every preprocessor of the suite accepts it with nothing to report. The only randomness is a
//! fixed-seed SplitMix64, so the same `N` always gives the same book, byte for byte.

use std::fmt::Write as _;

use crate::request::Item;

/// The sizes (numbers of status quo stories) the whole-process benchmark runs at.
pub const BENCHMARK_SIZES: [usize; 2] = [300, 3000];

/// The cast: each character's name and the description its page's heading gives.
pub const CAST: [(&str, &str); 20] = [
    ("Alan", "the experienced garbage-collected language developer, new to Rust"),
    ("Grace", "the systems programming expert, new to Rust"),
    ("Niklaus", "the new programmer from an unconventional background"),
    ("Barbara", "the experienced Rust developer"),
    ("Ada", "the embedded engineer who counts every byte"),
    ("Bjarne", "the C++ veteran who wants zero-cost abstractions"),
    ("Carla", "the data engineer moving pipelines off the JVM"),
    ("Dmitri", "the game developer chasing frame times"),
    ("Esteban", "the compiler contributor who reads every error message"),
    ("Fatima", "the site reliability engineer on call this week"),
    ("Gustavo", "the web developer coming from Python"),
    ("Hiro", "the library maintainer supporting every runtime"),
    ("Ingrid", "the student writing her first network service"),
    ("Jamal", "the security researcher auditing dependencies"),
    ("Keiko", "the database developer tuning tail latency"),
    ("Lars", "the teacher preparing a course on concurrency"),
    ("Mei", "the mobile developer sharing code across platforms"),
    ("Nadia", "the startup founder who needs to ship on Friday"),
    ("Omar", "the scientist running simulations on a cluster"),
    ("Priya", "the technical writer documenting the ecosystem"),
];

/// The topics stories are grouped by.
pub const TOPICS: [&str; 8] = [
    "choosing-a-runtime",
    "learning",
    "debugging",
    "performance",
    "traits",
    "cancellation",
    "streams",
    "embedded",
];

/// Who may be assigned to a story (none of them is a cast member).
const PEOPLE: [&str; 8] =
    ["nikomatsakis", "tmandry", "estebank", "Shane", "carllerche", "pnkfelix", "rylev", "yoshuawuyts"];

/// Words that contain a cast member's name without being it.
const NAME_WORDS: [&str; 8] =
    ["Alanna", "McAlan", "Gracefield", "Adalyn", "Larsson", "Priyanka", "Nadiana", "Omarova"];

const CODE: [&str; 8] = [
    "`tokio::spawn`",
    "`async fn`",
    "`Pin<Box<dyn Future>>`",
    "`.await`",
    "`select!`",
    "`Send`",
    "`block_on`",
    "`Stream::next`",
];

const EMPHASIS: [&str; 6] = ["*really*", "**never**", "_exactly_", "*all at once*", "**twice**", "*much*"];

const PROJECTS: [&str; 8] = [
    "a web server",
    "an embedded sensor",
    "a database driver",
    "a chat service",
    "a command-line tool",
    "a game server",
    "a message queue",
    "a caching proxy",
];

const STATUS_QUO_PLOTS: [&str; 6] = [
    "has trouble getting started with",
    "fights the borrow checker while writing",
    "debugs a hang in",
    "tries async for",
    "wonders why nothing runs concurrently in",
    "loses a week to cancellation in",
];

const SHINY_FUTURE_PLOTS: [&str; 5] = [
    "has a blast building",
    "profiles and speeds up",
    "finds the bug in minutes in",
    "teaches a colleague to write",
    "moves runtimes without a rewrite of",
];

const SENTENCES: [&str; 16] = [
    "{hero} starts the morning by reading the code {other} wrote last month, which leans on {code} in places nobody documented.",
    "The plan looks simple on the whiteboard, but {hero} soon finds that {code} behaves {emph} differently from what the tutorial promised.",
    "{other} suggests pairing on it after lunch, and {hero}'s notes from that session end up in the team wiki.",
    "A colleague named {word} points out that the same problem came up in [another story]({link}), where it took days to untangle.",
    "By the afternoon {hero} has three browser tabs about {topic} open and still no clear answer about which crate to trust.",
    "{third} reviews the change and asks why the error message mentions {code} when the code never calls it directly.",
    "The tests pass on {hero}'s laptop, yet in staging the service stalls {emph} whenever two requests arrive together.",
    "{hero} remembers that {other} once gave a talk on {topic}, and rewatches it at double speed looking for the one slide that matters.",
    "It turns out the runtime was never started on that thread, so every call to {code} waited on nothing at all.",
    "{other} and {third} disagree about whether to box the future or restructure the loop, and {hero} has to pick one before the release.",
    "The compiler's suggestion is correct but unhelpful: it tells {hero} what is wrong with {code}, not what to write instead.",
    "Looking back, {hero} thinks the hardest part was not {topic} itself but knowing where to look first.",
    "The documentation for {code} is thorough, yet it assumes the reader already knows how wakers and executors fit together.",
    "{word} from the platform team has seen this before and sends {hero} a two-line fix with a long explanation attached.",
    "When the fix lands, {other} writes a short post about it, and {hero} links it from [the story that started it all]({link}).",
    "Nobody on the team would call it a disaster, but everyone agrees it took {emph} longer than a task like this should.",
];

const MORALS: [&str; 6] = [
    "Choosing a runtime is the first decision a newcomer must make, and the one they are least equipped to make.",
    "The learning material for {topic} is spread over several places and starts with internals.",
    "Futures are lazy, so people coming from other languages lose concurrency without noticing.",
    "Libraries tied to different runtimes do not mix, and the failure only shows up at run time.",
    "Error messages about {code} are correct but rarely say what to do next.",
    "Debugging tools cannot see what a task is waiting for, so {topic} problems take days to find.",
];

/// A SplitMix64 generator, always seeded alike, so the book is the same every time.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// What a story page is made from, before it is written out.
#[derive(Debug, Clone)]
struct Story {
    id: String,
    title: String,
    /// `status_quo` or `shiny_future`.
    folder: &'static str,
    /// An index into [`CAST`].
    character: usize,
    /// Indexes (into the plan) of the paired stories.
    pairs: Vec<usize>,
    /// Whether this story's block names its pairs (always on a status quo story).
    declares_pairs: bool,
    assigned_to: Vec<&'static str>,
    topics: Vec<&'static str>,
}

impl Story {
    fn path(&self) -> String {
        format!("vision/{}/{}.md", self.folder, self.id)
    }

    fn is_status_quo(&self) -> bool {
        self.folder == "status_quo"
    }
}

/// The book, as SUMMARY.md would list it, with `status_quo` status quo stories and a third as
/// many shiny future stories (at least one).
pub fn vision_book(status_quo: usize) -> Vec<Item> {
    let mut rng = Rng(0x5EED_0000_B00C_0001);
    let plan = plan(status_quo, &mut rng);
    let (status_quo_stories, shiny_futures) = plan.split_at(status_quo);
    let characters = CAST.iter().enumerate().map(|(c, _)| character_page(c, &plan, &mut rng)).collect();
    let stories = |stories: &[Story], rng: &mut Rng| -> Vec<Item> {
        stories.iter().map(|s| page(&s.title, &s.path(), story_text(s, &plan, rng), Vec::new())).collect()
    };
    let vision = vec![
        page("🙋 Cast of characters", "vision/characters.md", index_text("Cast of characters"), characters),
        page(
            "😱 Status quo stories",
            "vision/status_quo.md",
            index_text("Status quo stories"),
            stories(status_quo_stories, &mut rng),
        ),
        page(
            "✨ Shiny future stories",
            "vision/shiny_future.md",
            index_text("Shiny future stories"),
            stories(shiny_futures, &mut rng),
        ),
        page("🧵 Metanarrative", "vision/metanarrative.md", metanarrative_text(&plan, &mut rng), Vec::new()),
        page("📅 Roadmap", "vision/roadmap.md", roadmap_text(status_quo, &mut rng), Vec::new()),
    ];
    let mut items = vec![
        page("👋 Welcome", "README.md", index_text("Welcome"), Vec::new()),
        page("🔮 The vision", "vision.md", index_text("The vision"), vision),
        page("❓ How to vision doc", "how_to_vision.md", index_text("How to vision doc"), Vec::new()),
    ];
    number_chapters(&mut items[1..], &[]);
    items
}

/// A chapter named `name` (its SUMMARY.md title), numbered later by [`number_chapters`].
fn page(name: &str, path: &str, content: String, sub_items: Vec<Item>) -> Item {
    Item::Chapter { name: name.to_owned(), path: Some(path.to_owned()), content, number: None, sub_items }
}

/// Gives numbered chapters their section numbers (`1.2.3`), as SUMMARY.md's nesting does.
fn number_chapters(items: &mut [Item], parent: &[u32]) {
    let mut next = 1;
    for item in items {
        if let Item::Chapter { number, sub_items, .. } = item {
            let mut own = parent.to_vec();
            own.push(next);
            next += 1;
            number_chapters(sub_items, &own);
            *number = Some(own);
        }
    }
}

/// The stories: status quo first, then shiny futures, with their pairs and metadata.
fn plan(status_quo: usize, rng: &mut Rng) -> Vec<Story> {
    let shiny_future = (status_quo / 3).max(1);
    let mut plan: Vec<Story> =
        (0..status_quo).map(|i| status_quo_story(i, status_quo, shiny_future, rng)).collect();
    plan.extend((0..shiny_future).map(|j| shiny_future_story(j, rng)));
    for i in 0..status_quo {
        if let Some(&sf) = plan[i].pairs.first() {
            plan[sf].pairs.push(i);
        }
    }
    plan
}

/// Status quo story `i`: every other one is paired with a shiny future (plan index
/// `status_quo + j` for shiny future `j`).
fn status_quo_story(i: usize, status_quo: usize, shiny_future: usize, rng: &mut Rng) -> Story {
    let character = i % CAST.len();
    let title = format!("{} {} {}", CAST[character].0, rng.pick(&STATUS_QUO_PLOTS), rng.pick(&PROJECTS));
    Story {
        id: format!("{}_{i:04}", slug(&title)),
        title,
        folder: "status_quo",
        character,
        pairs: if i.is_multiple_of(2) { vec![status_quo + (i / 2) % shiny_future] } else { Vec::new() },
        declares_pairs: true,
        assigned_to: assignees(rng),
        topics: topics(rng),
    }
}

/// Shiny future story `j`: every other one declares its pairs back (all of them).
fn shiny_future_story(j: usize, rng: &mut Rng) -> Story {
    let character = (j * 3) % CAST.len();
    let title = format!("{} {} {}", CAST[character].0, rng.pick(&SHINY_FUTURE_PLOTS), rng.pick(&PROJECTS));
    Story {
        id: format!("{}_sf{j:04}", slug(&title)),
        title,
        folder: "shiny_future",
        character,
        pairs: Vec::new(),
        declares_pairs: j % 2 == 1,
        assigned_to: assignees(rng),
        topics: topics(rng),
    }
}

/// None (volunteer wanted) one time in four, else one or two people.
fn assignees(rng: &mut Rng) -> Vec<&'static str> {
    match rng.below(4) {
        0 => Vec::new(),
        1 => vec![rng.pick(&PEOPLE), rng.pick(&PEOPLE)],
        _ => vec![rng.pick(&PEOPLE)],
    }
}

/// One to three distinct topics.
fn topics(rng: &mut Rng) -> Vec<&'static str> {
    let count = 1 + rng.below(3);
    let mut topics = Vec::new();
    while topics.len() < count {
        let topic = rng.pick(&TOPICS);
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    topics
}

/// `Alan debugs a hang` → `alan_debugs_a_hang`.
fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("_")
}

/// A TOML array of strings.
fn toml_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn story_block(story: &Story, plan: &[Story]) -> String {
    let mut block = format!("```story\ncharacter = \"{}\"\n", CAST[story.character].0);
    if story.declares_pairs && !story.pairs.is_empty() {
        let ids: Vec<&str> = story.pairs.iter().map(|&p| plan[p].id.as_str()).collect();
        if story.is_status_quo() {
            let _ = writeln!(block, "shiny-future = \"{}\"", ids.join("\", \""));
        } else {
            let _ = writeln!(block, "status-quo = {}", toml_list(&ids));
        }
    }
    let _ = writeln!(block, "assigned-to = {}", toml_list(&story.assigned_to));
    let _ = writeln!(block, "topics = {}", toml_list(&story.topics));
    block.push_str("```\n");
    block
}

fn story_text(story: &Story, plan: &[Story], rng: &mut Rng) -> String {
    let mut text = format!("# {}\n\n{}\n## The story\n\n", story.title, story_block(story, plan));
    let prose = Prose { hero: story.character, topics: &story.topics, folder: story.folder, plan };
    for _ in 0..3 {
        text.push_str(&prose.paragraph(rng));
    }
    text.push_str("## 🤔 Frequently Asked Questions\n\n");
    if story.is_status_quo() {
        text.push_str(&status_quo_faq(story, rng));
    } else {
        text.push_str(&shiny_future_faq(story, rng));
    }
    text
}

/// What the prose of a page is about, and where the page is.
struct Prose<'a> {
    /// An index into [`CAST`].
    hero: usize,
    topics: &'a [&'a str],
    /// The page's folder under `vision/`, for relative links to stories.
    folder: &'a str,
    plan: &'a [Story],
}

impl Prose<'_> {
    /// Five sentences about the hero, mentioning other cast members and linking stories.
    fn paragraph(&self, rng: &mut Rng) -> String {
        let sentences: Vec<String> = (0..5).map(|_| self.sentence(rng.pick(&SENTENCES), rng)).collect();
        format!("{}\n\n", sentences.join(" "))
    }

    fn sentence(&self, template: &str, rng: &mut Rng) -> String {
        let other = another(rng, &[self.hero]);
        let third = another(rng, &[self.hero, other]);
        template
            .replace("{hero}", CAST[self.hero].0)
            .replace("{other}", CAST[other].0)
            .replace("{third}", CAST[third].0)
            .replace("{code}", rng.pick(&CODE))
            .replace("{emph}", rng.pick(&EMPHASIS))
            .replace("{word}", rng.pick(&NAME_WORDS))
            .replace("{topic}", rng.pick(self.topics))
            .replace("{link}", &self.link(rng))
    }

    /// A relative link to a story picked at random.
    fn link(&self, rng: &mut Rng) -> String {
        let linked = &self.plan[rng.below(self.plan.len())];
        if linked.folder == self.folder {
            format!("{}.md", linked.id)
        } else {
            format!("../{}/{}.md", linked.folder, linked.id)
        }
    }
}

/// A cast member other than those in `not`.
fn another(rng: &mut Rng, not: &[usize]) -> usize {
    loop {
        let c = rng.below(CAST.len());
        if !not.contains(&c) {
            return c;
        }
    }
}

fn status_quo_faq(story: &Story, rng: &mut Rng) -> String {
    let mut faq = String::from("### What are the morals of the story?\n\n");
    for _ in 0..3 {
        let moral =
            rng.pick(&MORALS).replace("{topic}", rng.pick(&story.topics)).replace("{code}", rng.pick(&CODE));
        let _ = writeln!(faq, "- {moral}");
    }
    let _ = write!(
        faq,
        "\n### Are you just making this stuff up?\n\nNo. {} is an amalgam of people we interviewed; \
         the details come from forum posts, chat logs and the issue tracker, and {} checked them \
         against a real project that uses {}.\n",
        CAST[story.character].0,
        CAST[(story.character + 5) % CAST.len()].0,
        rng.pick(&CODE),
    );
    faq
}

fn shiny_future_faq(story: &Story, rng: &mut Rng) -> String {
    let name = CAST[story.character].0;
    let topic = rng.pick(&story.topics);
    format!(
        "### What is {name} most excited about and why?\n\n{name} is most excited that {topic} \
         finally works the way the documentation says it does, without reading the runtime's \
         source first.\n\n\
         ### What is {name} most disappointed with?\n\n{name} still has to choose between two \
         crates for {code}, and the choice still leaks into public APIs.\n\n\
         ### What key things did the Rust org do to make this happen?\n\nThe language gained \
         async functions in traits, the standard library gained common interfaces for I/O and \
         timers, and the async book was rewritten around tasks instead of internals.\n\n\
         ### What things did the other groups do to make this happen?\n\nRuntime authors \
         implemented the common interfaces, and library authors such as {other} dropped their \
         runtime-specific feature flags.\n",
        code = rng.pick(&CODE),
        other = CAST[(story.character + 7) % CAST.len()].0,
    )
}

fn character_page(c: usize, plan: &[Story], rng: &mut Rng) -> Item {
    let (name, description) = CAST[c];
    let mut text = format!("# {name}: {description}\n\n");
    if c.is_multiple_of(2) {
        let _ = write!(
            text,
            "```story\nkind = \"character\"\nstatus = \"draft\"\nowner = \"{}\"\n```\n\n",
            PEOPLE[c % PEOPLE.len()]
        );
    }
    text.push_str("## Biography\n\n");
    let prose = Prose { hero: c, topics: &TOPICS, folder: "characters", plan };
    for _ in 0..2 {
        text.push_str(&prose.paragraph(rng));
    }
    if plan.iter().any(|s| s.character == c) {
        let _ = write!(text, "## Stories\n\n{{{{#stories character={name}}}}}\n\n");
    }
    let _ = write!(
        text,
        "## 🤔 Frequently Asked Questions\n\n\
         ### Which of the async tenets would {name} put first and which would they put last? Why?\n\n\
         {name} would put **accessible** first and **efficient** last: the service is fast enough \
         once it works, and readable code matters more to the team than a few microseconds.\n"
    );
    page(name, &format!("vision/characters/{}.md", name.to_ascii_lowercase()), text, Vec::new())
}

fn index_text(title: &str) -> String {
    format!(
        "# {title}\n\nThis part of the book is made up for benchmarks. Its pages follow the \
         templates of the *How to vision doc*, and every story has its metadata block and its \
         required questions answered.\n"
    )
}

/// `{{#story ID}}` links in prose, a `{{#stories}}` list per topic and per character, and the
/// roadmap legend.
fn metanarrative_text(plan: &[Story], rng: &mut Rng) -> String {
    let mut text = String::from(
        "# 🧵 Metanarrative\n\nRead one after another, the stories repeat themselves. This page \
         names the themes and lists the stories that show each of them.\n\n",
    );
    for topic in TOPICS.iter().filter(|t| plan.iter().any(|s| s.topics.contains(t))) {
        let _ = write!(text, "## Theme: {topic}\n\n");
        let links: Vec<String> = (0..(plan.len() / 40).max(1))
            .map(|_| format!("{{{{#story {}}}}}", plan[rng.below(plan.len())].id))
            .collect();
        let _ = write!(
            text,
            "The theme shows in many stories, for instance {}.\n\n{{{{#stories topic={topic}}}}}\n\n",
            links.join(", ")
        );
    }
    text.push_str("## By character\n\n");
    for (c, (name, _)) in CAST.iter().enumerate() {
        if plan.iter().any(|s| s.character == c) {
            let _ = write!(text, "### {name}\n\n{{{{#stories character={name}}}}}\n\n");
        }
    }
    text.push_str("## Roadmap key\n\n{{#roadmap-legend}}\n");
    text
}

const STATUSES: [&str; 14] = [
    "healthy",
    ":planning:",
    "worried",
    "On vacation",
    "abandoned",
    "Healthy",
    "🥬",
    "✏️",
    "✏",
    "🤒",
    "🏖️",
    "🏖",
    "⚰️",
    " 🥬 ",
];

/// A table per topic, `status_quo / 5` rows in all, with status, date and progress columns.
fn roadmap_text(status_quo: usize, rng: &mut Rng) -> String {
    let mut text = String::from(
        "# 📅 Roadmap\n\nThe work planned to bring the shiny future closer. Each item's owner \
         updates its status once a month.\n\n## Key\n\n{{#roadmap-legend}}\n\n",
    );
    let rows = (status_quo / 5 / TOPICS.len()).max(1);
    for topic in TOPICS {
        let _ = write!(
            text,
            "## {topic}\n\n| Plan | Owner | Status | Last updated | Progress |\n| --- | --- | --- | --- | --- |\n"
        );
        for row in 0..rows {
            let _ = writeln!(
                text,
                "| Milestone {row} of `{topic}` | {} | {} | {} | {} |",
                rng.pick(&PEOPLE),
                rng.pick(&STATUSES),
                date(rng),
                progress(rng)
            );
        }
        text.push('\n');
    }
    text
}

/// A date between 2020-01-01 and 2021-05-28.
fn date(rng: &mut Rng) -> String {
    let month = rng.below(17);
    let (year, month) = if month < 12 { (2020, month + 1) } else { (2021, month - 11) };
    format!("{year}-{month:02}-{:02}", 1 + rng.below(28))
}

/// `3/6` or `50%`.
fn progress(rng: &mut Rng) -> String {
    if rng.below(2) == 0 {
        let all = 1 + rng.below(12);
        format!("{}/{all}", rng.below(all + 1))
    } else {
        format!("{}%", 5 * rng.below(21))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::request::{chapter_contents, request};
    use serde_json::json;

    #[test]
    fn the_same_size_gives_the_same_book() {
        let first = request("0.5.4", &vision_book(30), json!({}));
        let second = request("0.5.4", &vision_book(30), json!({}));
        assert_eq!(first, second);
    }

    #[test]
    fn the_book_has_every_kind_of_page() {
        let book = request("0.5.4", &vision_book(30), json!({}));
        let chapters = chapter_contents(&book[1]);
        let count = |folder: &str| chapters.iter().filter(|(p, _)| p.starts_with(folder)).count();
        assert_eq!(count("vision/status_quo/"), 30);
        assert_eq!(count("vision/shiny_future/"), 10);
        assert_eq!(count("vision/characters/"), CAST.len());
        let roadmap = &chapters.iter().find(|(p, _)| p == "vision/roadmap.md").unwrap().1;
        assert!(roadmap.contains("| Status |") && roadmap.contains("| Last updated |"));
    }

    #[test]
    fn a_story_is_about_three_kilobytes() {
        let book = request("0.5.4", &vision_book(30), json!({}));
        let chapters = chapter_contents(&book[1]);
        let stories: Vec<usize> =
            chapters.iter().filter(|(p, _)| p.contains("status_quo/")).map(|(_, c)| c.len()).collect();
        let mean = stories.iter().sum::<usize>() / stories.len();
        assert!((2_400..3_800).contains(&mean), "mean story size {mean}");
    }
}
