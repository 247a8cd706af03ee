//! Progress cells: `3/6` or `50%`, drawn as a bar of `▰` and `▱`.
//!
//! A cell may hold a value, a bar, or a bar followed by a value (what non-HTML renderers get);
//! when it holds a value, the value decides and the bar is drawn from it.

/// A done step of a bar.
pub const DONE: char = '▰';
/// A step still to do.
pub const TO_DO: char = '▱';

/// The steps of a bar drawn for a percentage, or for a fraction of more than
/// [`MAX_FRACTION_STEPS`] steps.
const SCALED_STEPS: u32 = 10;
/// The largest fraction drawn with one step per unit (`3/12`).
const MAX_FRACTION_STEPS: u32 = 12;

/// How a progress value is written.
pub const HELP: &str = "write `3/6` (3 steps of 6 done) or `50%`, or draw a bar such as ▰▰▰▱▱▱";

/// How far a plan has come.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// `done` steps of `total`.
    Fraction {
        /// Steps done.
        done: u32,
        /// All steps, at least 1.
        total: u32,
    },
    /// A percentage, from 0 to 100.
    Percent(f64),
}

/// What a progress cell holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressCell {
    /// The progress it shows.
    pub progress: Progress,
    /// Whether it holds a value (`3/6`, `50%`) rather than only a bar.
    pub has_value: bool,
}

/// The progress in `text`, `None` when it is empty, or what is wrong with it.
pub fn parse(text: &str) -> Result<Option<ProgressCell>, String> {
    let value = text.trim_start_matches(|c: char| c == DONE || c == TO_DO || c.is_whitespace());
    let bar = &text[..text.len() - value.len()];
    let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if !value.is_empty() {
        return parse_value(&value).map(|progress| Some(ProgressCell { progress, has_value: true }));
    }
    let done = bar.chars().filter(|&c| c == DONE).count();
    let total = bar.chars().filter(|&c| c == DONE || c == TO_DO).count();
    let (Ok(done), Ok(total)) = (u32::try_from(done), u32::try_from(total)) else {
        return Err(format!("the bar `{}` is too long", text.trim()));
    };
    Ok((total > 0).then_some(ProgressCell { progress: Progress::Fraction { done, total }, has_value: false }))
}

/// `3/6` or `50%`, without spaces.
fn parse_value(value: &str) -> Result<Progress, String> {
    let not_a_value = || format!("`{value}` is not a progress value");
    if let Some(percent) = value.strip_suffix('%') {
        let percent: f64 = percent.parse().map_err(|_| not_a_value())?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(format!("`{value}` is not between 0% and 100%"));
        }
        return Ok(Progress::Percent(percent));
    }
    let (done, total) = value.split_once('/').ok_or_else(not_a_value)?;
    let (Ok(done), Ok(total)) = (done.parse::<u32>(), total.parse::<u32>()) else {
        return Err(not_a_value());
    };
    if total == 0 || done > total {
        return Err(format!("`{value}` is not a number of steps done out of a total"));
    }
    Ok(Progress::Fraction { done, total })
}

impl Progress {
    /// The exact value: `3/6` or `50%`.
    pub fn value(&self) -> String {
        match self {
            Progress::Fraction { done, total } => format!("{done}/{total}"),
            Progress::Percent(percent) => format!("{percent}%"),
        }
    }

    /// The bar: `▰▰▰▱▱▱` for `3/6`.
    pub fn bar(&self) -> String {
        let (done, steps) = self.steps();
        let done = done.min(steps) as usize;
        let steps = steps as usize;
        format!("{}{}", DONE.to_string().repeat(done), TO_DO.to_string().repeat(steps - done))
    }

    /// The steps done and the steps of the bar.
    fn steps(&self) -> (u32, u32) {
        match *self {
            Progress::Fraction { done, total } if total <= MAX_FRACTION_STEPS => (done, total),
            Progress::Fraction { done, total } => (scaled(f64::from(done) / f64::from(total)), SCALED_STEPS),
            Progress::Percent(percent) => (scaled(percent / 100.0), SCALED_STEPS),
        }
    }
}

/// The done steps of a scaled bar: rounded, but only full when all is done and only empty
/// when nothing is.
fn scaled(ratio: f64) -> u32 {
    if ratio <= 0.0 {
        return 0;
    }
    if ratio >= 1.0 {
        return SCALED_STEPS;
    }
    let steps = (ratio * f64::from(SCALED_STEPS)).round().clamp(1.0, f64::from(SCALED_STEPS - 1));
    // In 1..=9 after the clamp: the conversion is exact.
    steps as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(text: &str) -> String {
        parse(text).ok().flatten().map(|cell| cell.progress.bar()).unwrap_or_default()
    }

    #[test]
    fn fractions_draw_one_step_per_unit_up_to_twelve() {
        assert_eq!(bar("3/6"), "▰▰▰▱▱▱");
        assert_eq!(bar(" 0 / 3 "), "▱▱▱");
        assert_eq!(bar("12/12"), "▰▰▰▰▰▰▰▰▰▰▰▰");
        assert_eq!(bar("1/20"), "▰▱▱▱▱▱▱▱▱▱");
        assert_eq!(bar("19/20"), "▰▰▰▰▰▰▰▰▰▱");
    }

    #[test]
    fn percentages_draw_ten_steps() {
        assert_eq!(bar("50%"), "▰▰▰▰▰▱▱▱▱▱");
        assert_eq!(bar("12.5 %"), "▰▱▱▱▱▱▱▱▱▱");
        assert_eq!(bar("100%"), "▰▰▰▰▰▰▰▰▰▰");
        assert_eq!(bar("0%"), "▱▱▱▱▱▱▱▱▱▱");
    }

    #[test]
    fn a_value_after_a_bar_decides() {
        let cell = parse("▰▱▱ 2/3").ok().flatten();
        assert_eq!(
            cell,
            Some(ProgressCell { progress: Progress::Fraction { done: 2, total: 3 }, has_value: true })
        );
        let cell = parse("▰▰▱▱▱▱").ok().flatten();
        assert_eq!(cell.map(|c| (c.progress.value(), c.has_value)), Some(("2/6".to_owned(), false)));
        assert_eq!(parse("  "), Ok(None));
    }

    #[test]
    fn bad_values_say_why() {
        assert_eq!(parse("lots"), Err("`lots` is not a progress value".to_owned()));
        assert_eq!(parse("7/6"), Err("`7/6` is not a number of steps done out of a total".to_owned()));
        assert_eq!(parse("0/0"), Err("`0/0` is not a number of steps done out of a total".to_owned()));
        assert_eq!(parse("120%"), Err("`120%` is not between 0% and 100%".to_owned()));
        assert_eq!(parse("-5%"), Err("`-5%` is not between 0% and 100%".to_owned()));
        assert_eq!(parse("NaN%"), Err("`NaN%` is not between 0% and 100%".to_owned()));
    }
}
