//! Dates of a "Last updated" column: `YYYY-MM` (the first of the month) or `YYYY-MM-DD`, as days
//! since the Unix epoch, in the proleptic Gregorian calendar.

/// Seconds in a day.
const SECONDS_PER_DAY: u64 = 86_400;

/// A date written in a roadmap, as days since 1970-01-01.
pub type Day = i64;

/// How a date must be written.
const FORMAT: &str = "write `YYYY-MM` or `YYYY-MM-DD`";

/// The day of `text` (`2021-04` or `2021-04-30`), or why it is not a date.
pub fn parse(text: &str) -> Result<Day, &'static str> {
    let (year, month, day) = fields(text.trim()).ok_or(FORMAT)?;
    if !(1..=12).contains(&month) {
        return Err("there is no such month");
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return Err("there is no such day in that month");
    }
    Ok(days_from_civil(year, month, day))
}

/// The year, month and day of `YYYY-MM` (day 1) or `YYYY-MM-DD`.
fn fields(text: &str) -> Option<(i64, i64, i64)> {
    let mut parts = text.split('-');
    let year = number(parts.next()?, 4)?;
    let month = number(parts.next()?, 2)?;
    let day = parts.next().map_or(Some(1), |day| number(day, 2))?;
    parts.next().is_none().then_some((year, month, day))
}

/// The number written with exactly `width` ASCII digits.
fn number(digits: &str, width: usize) -> Option<i64> {
    if digits.len() != width || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The day of a time in seconds since the Unix epoch.
pub fn day_of(seconds: u64) -> Day {
    Day::try_from(seconds / SECONDS_PER_DAY).unwrap_or(Day::MAX)
}

/// `day` written `YYYY-MM-DD`.
pub fn format(day: Day) -> String {
    let (year, month, day) = civil_from_days(day);
    format!("{year:04}-{month:02}-{day:02}")
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> Day {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a number of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: Day) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(parse("1970-01-01"), Ok(0));
        assert_eq!(parse("2021-06"), Ok(18_779));
        assert_eq!(day_of(1_622_505_600), 18_779);
        assert_eq!(parse("2024-02-29"), Ok(19_782));
        assert_eq!(parse("1969-12-31"), Ok(-1));
    }

    #[test]
    fn days_format_back_to_dates() {
        for day in [-1, 0, 18_779, 19_782, 30_000] {
            assert_eq!(parse(&format(day)), Ok(day));
        }
        assert_eq!(format(18_779), "2021-06-01");
    }

    #[test]
    fn bad_dates_say_why() {
        assert_eq!(parse("2021-13"), Err("there is no such month"));
        assert_eq!(parse("2021-02-29"), Err("there is no such day in that month"));
        for bad in ["April 2021", "2021", "2021-4", "21-04", "2021-04-01-02", "2021-+4", ""] {
            assert_eq!(parse(bad), Err("write `YYYY-MM` or `YYYY-MM-DD`"), "{bad}");
        }
    }
}
