//! Whole-process benchmark: each binary of the suite against a floor.
//!
//! For each size of a generated vision book (300 and 3000 status quo stories, see
//! [`mdbook_vision_tests::generator`]), the mdBook 0.5.4 request is written to a file, and
//! every binary runs over it as mdBook runs a preprocessor: a fresh process, the request on
//! stdin, the book on stdout (here, a sink). `vision-floor` does only what any preprocessor
//! must (parse the JSON, parse each chapter's markdown once, write the book back), so the
//! report says what each binary costs beyond that. Runs are interleaved: each round runs the
//! floor and every binary once, in an order rotated from round to round, so that a slow
//! moment of the machine is shared out instead of landing on one binary.
//!
//! Each run is timed and its peak resident memory read by a measuring process (this same
//! executable, re-run with [`MEASURE`]), which spawns the binary, waits for it, and reads
//! `getrusage(RUSAGE_CHILDREN)`: having no other child, what it reads is that run's peak, and
//! the CPU time (user and system) of all its threads. Wall time is what a build waits for; CPU
//! time is the work done, which the suite's binaries share out over the cores while the floor
//! runs on one, and which moves less than wall time on a machine shared with others.
//!
//! Settings, from the environment:
//! - `VISION_BIN_DIR`: where the binaries are (default `$CARGO_TARGET_DIR/release`, else
//!   `<workspace>/target/release`); build them with
//!   `cargo build --release --workspace --bins --locked`, or run `tests/bench`;
//! - `VISION_BENCH_SIZES`: the sizes, comma-separated (default `300,3000`);
//! - `VISION_BENCH_ROUNDS`: rounds at every size (default 101 up to 1000 stories, 21 above:
//!   a run at 300 stories takes about 10 ms, so that its median moves little with a slow
//!   moment of the machine);
//! - `VISION_BENCH_QUICK=1`: a smoke test, 30 stories and 2 rounds.
//!
//! Run by `cargo test --benches` (without `--bench`), it only says how to run it.

#![allow(clippy::print_stdout, reason = "a benchmark prints its report on stdout")]

use std::env;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context as _, Result, bail, ensure};
use mdbook_vision_tests::generator::{BENCHMARK_SIZES, vision_book};
use mdbook_vision_tests::request::{chapter_contents, request};
use mdbook_vision_tests::workspace_root;
use nix::sys::resource::{UsageWho, getrusage};
use serde_json::{Value, json};

/// The first argument that makes this executable a measuring process: `MEASURE PROGRAM INPUT`.
const MEASURE: &str = "__vision_bench_measure";

/// The floor, then the suite's binaries.
const PROGRAMS: [&str; 7] = [
    "vision-floor",
    "mdbook-vision-stories",
    "mdbook-vision-faq",
    "mdbook-vision-characters",
    "mdbook-vision-roadmap",
    "mdbook-vision-metanarrative",
    "mdbook-vision",
];

/// The mdBook version whose request the binaries are given.
const MDBOOK: &str = "0.5.4";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.as_slice() {
        [flag, program, input] if flag == MEASURE => measure_and_print(Path::new(program), Path::new(input)),
        // `cargo bench` passes `--bench`; `cargo test --benches` does not, and gets no benchmark.
        args if args.iter().any(|arg| arg == "--bench") => bench(),
        _ => {
            println!("binaries: a benchmark of release binaries; run it with `cargo bench` or tests/bench");
            Ok(())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// One run of one binary.
#[derive(Debug, Clone, Copy)]
struct Sample {
    millis: f64,
    cpu_millis: f64,
    peak_mib: f64,
}

/// What the benchmark runs: where, at which sizes, how many rounds.
#[derive(Debug)]
struct Settings {
    bin_dir: PathBuf,
    sizes: Vec<usize>,
    rounds: Option<usize>,
}

impl Settings {
    fn from_env() -> Result<Self> {
        let quick = env::var("VISION_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        let sizes = match env::var("VISION_BENCH_SIZES") {
            Ok(sizes) => sizes
                .split(',')
                .map(|s| s.trim().parse().with_context(|| format!("VISION_BENCH_SIZES: `{s}` is no size")))
                .collect::<Result<_>>()?,
            Err(_) if quick => vec![30],
            Err(_) => BENCHMARK_SIZES.to_vec(),
        };
        let rounds = match env::var("VISION_BENCH_ROUNDS") {
            Ok(rounds) => Some(rounds.trim().parse().context("VISION_BENCH_ROUNDS is no number")?),
            Err(_) if quick => Some(2),
            Err(_) => None,
        };
        Ok(Settings { bin_dir: bin_dir(), sizes, rounds })
    }

    fn rounds(&self, size: usize) -> usize {
        self.rounds.unwrap_or(if size <= 1000 { 101 } else { 21 }).max(1)
    }
}

/// `VISION_BIN_DIR`, else the release folder of the target directory cargo uses.
fn bin_dir() -> PathBuf {
    if let Some(dir) = env::var_os("VISION_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let target =
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from);
    workspace_root().join(target).join("release")
}

fn bench() -> Result<()> {
    let settings = Settings::from_env()?;
    let programs = programs(&settings.bin_dir)?;
    println!("# Whole-process benchmark: the suite's binaries against `vision-floor`\n");
    println!("Binaries from `{}`; mdBook {MDBOOK} requests.\n", settings.bin_dir.display());
    let mut results = Vec::new();
    for &size in &settings.sizes {
        let medians = bench_size(size, settings.rounds(size), &programs)?;
        results.push((size, medians));
    }
    if let (Some(small), Some(large)) = (results.first(), results.last())
        && results.len() > 1
    {
        println!("{}", scaling_table(small, large));
    }
    Ok(())
}

/// The path of every program, or a clear error naming those that are missing.
fn programs(bin_dir: &Path) -> Result<Vec<PathBuf>> {
    let paths: Vec<PathBuf> = PROGRAMS.iter().map(|name| bin_dir.join(name)).collect();
    let missing: Vec<&str> =
        PROGRAMS.iter().zip(&paths).filter(|(_, path)| !path.is_file()).map(|(name, _)| *name).collect();
    ensure!(
        missing.is_empty(),
        "missing in {}: {}.\nBuild them first with `cargo build --release --workspace --bins --locked` \
         (or run tests/bench), or point VISION_BIN_DIR at the folder that holds them.",
        bin_dir.display(),
        missing.join(", ")
    );
    Ok(paths)
}

/// Runs every program over the book of `size` stories; prints and returns the median samples.
fn bench_size(size: usize, rounds: usize, programs: &[PathBuf]) -> Result<Vec<Sample>> {
    let request = request(MDBOOK, &vision_book(size), json!({})).to_string();
    let mut input = tempfile::NamedTempFile::new().context("creating the request file")?;
    input.write_all(request.as_bytes()).and_then(|()| input.flush()).context("writing the request")?;
    let chapters = chapter_contents(&request_book(&request)?).len();
    println!(
        "## {size} status quo stories\n\n{chapters} chapters, a request of {:.1} MB; {rounds} round(s).\n",
        request.len() as f64 / 1e6
    );
    for program in programs {
        check_accepts(program, input.path(), chapters)?;
    }
    let mut samples = vec![Vec::with_capacity(rounds); programs.len()];
    for round in 0..rounds {
        for p in (0..programs.len()).map(|i| (i + round) % programs.len()) {
            samples[p].push(measure(&programs[p], input.path())?);
        }
    }
    let medians: Vec<Sample> = samples.iter().map(|s| median(s)).collect();
    println!("{}", size_table(&medians));
    Ok(medians)
}

fn request_book(request: &str) -> Result<Value> {
    let mut request: Value = serde_json::from_str(request)?;
    Ok(request.get_mut(1).map(Value::take).unwrap_or_default())
}

/// Runs `program` once (also a warm-up): it must exit 0 with no error and give the whole book.
fn check_accepts(program: &Path, input: &Path, chapters: usize) -> Result<()> {
    let name = file_name(program);
    let output = Command::new(program)
        .stdin(File::open(input)?)
        .output()
        .with_context(|| format!("running {}", program.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success() && !stderr.contains("error["),
        "{name} rejected the generated book ({}):\n{stderr}",
        output.status
    );
    let book: Value = serde_json::from_slice(&output.stdout).with_context(|| format!("{name}'s output"))?;
    let returned = chapter_contents(&book).len();
    ensure!(returned == chapters, "{name} returned {returned} chapters of {chapters}");
    if !stderr.trim().is_empty() {
        let findings = stderr.lines().filter(|l| l.starts_with("warning[") || l.starts_with("note[")).count();
        println!("- {name} reported {findings} finding(s); the first lines:\n");
        println!("```text\n{}\n```\n", stderr.lines().take(12).collect::<Vec<_>>().join("\n"));
    }
    Ok(())
}

/// Runs `program` over `input` in a fresh measuring process (see [`measure_and_print`]).
fn measure(program: &Path, input: &Path) -> Result<Sample> {
    let output = Command::new(env::current_exe()?)
        .arg(MEASURE)
        .arg(program)
        .arg(input)
        .stderr(Stdio::inherit())
        .output()
        .context("running the measuring process")?;
    ensure!(output.status.success(), "measuring {} failed ({})", file_name(program), output.status);
    let sample: Value = serde_json::from_slice(&output.stdout).context("the measuring process's answer")?;
    let field = |key: &str| sample.get(key).and_then(Value::as_f64).context("a field of the measurement");
    Ok(Sample { millis: field("millis")?, cpu_millis: field("cpu_millis")?, peak_mib: field("peak_mib")? })
}

/// The measuring process: runs `program` once with `input` on stdin and its stdout in a sink,
/// and prints its wall time, CPU time and peak resident memory as JSON.
fn measure_and_print(program: &Path, input: &Path) -> Result<()> {
    let stdin = File::open(input).with_context(|| format!("opening {}", input.display()))?;
    let start = Instant::now();
    let output = Command::new(program).stdin(stdin).stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
    let millis = start.elapsed().as_secs_f64() * 1e3;
    if !output.status.success() {
        bail!(
            "{} failed ({}):\n{}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    let cpu = usage.user_time() + usage.system_time();
    let cpu_millis = cpu.tv_sec() as f64 * 1e3 + cpu.tv_usec() as f64 / 1e3;
    // On Linux, `ru_maxrss` is in KiB.
    let peak_mib = usage.max_rss() as f64 / 1024.0;
    println!("{}", json!({ "millis": millis, "cpu_millis": cpu_millis, "peak_mib": peak_mib }));
    Ok(())
}

/// The median of each measure on its own.
fn median(samples: &[Sample]) -> Sample {
    let middle = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
    };
    Sample {
        millis: middle(samples.iter().map(|s| s.millis).collect()),
        cpu_millis: middle(samples.iter().map(|s| s.cpu_millis).collect()),
        peak_mib: middle(samples.iter().map(|s| s.peak_mib).collect()),
    }
}

/// binary | median ms | time vs floor | CPU ms | CPU vs floor | peak MiB | memory vs floor
fn size_table(medians: &[Sample]) -> String {
    let floor = medians[0];
    let mut table = String::from(
        "| binary | median ms | time vs floor | CPU ms | CPU vs floor | peak MiB | memory vs floor |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (name, sample) in PROGRAMS.iter().zip(medians) {
        let _ = writeln!(
            table,
            "| {name} | {:.1} | {:.2}x | {:.1} | {:.2}x | {:.1} | {:.2}x |",
            sample.millis,
            sample.millis / floor.millis,
            sample.cpu_millis,
            sample.cpu_millis / floor.cpu_millis,
            sample.peak_mib,
            sample.peak_mib / floor.peak_mib
        );
    }
    table
}

/// For each binary, how its time grows from the smallest size to the largest, next to the
/// floor's growth.
fn scaling_table(small: &(usize, Vec<Sample>), large: &(usize, Vec<Sample>)) -> String {
    let book = large.0 as f64 / small.0 as f64;
    let growth = |p: usize| large.1[p].millis / small.1[p].millis;
    let mut table = format!(
        "## Scaling from {} to {} stories ({book:.0}x the book)\n\n\
         | binary | ms at {} | ms at {} | {book:.0}x the book → | vs floor's growth |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
        small.0, large.0, small.0, large.0
    );
    for (p, name) in PROGRAMS.iter().enumerate() {
        let _ = writeln!(
            table,
            "| {name} | {:.1} | {:.1} | {:.1}x the time | {:.2}x |",
            small.1[p].millis,
            large.1[p].millis,
            growth(p),
            growth(p) / growth(0)
        );
    }
    table
}

fn file_name(program: &Path) -> String {
    program.file_name().map_or_else(|| program.display().to_string(), |n| n.to_string_lossy().into_owned())
}
