//! Event times: ISO-8601 dates and date-times or unix seconds to seconds since 1970 (UTC), the
//! civil calendar arithmetic behind them, and the week an event falls in.

/// Seconds in a day.
pub(super) const DAY: i64 = 86_400;

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse a timestamp to unix seconds (fractions of a second dropped); see the module notes.
pub fn parse_timestamp(raw: &str) -> Option<i64> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // Unix seconds (or milliseconds from 10^11 on).
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.bytes().all(|b| b.is_ascii_digit() || b == b'.') && body.matches('.').count() <= 1 && body.bytes().any(|b| b.is_ascii_digit()) {
        let v: f64 = s.parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        let secs = if v.abs() >= 1e11 { v / 1000.0 } else { v };
        return (secs.abs() < 1e13).then(|| secs.floor() as i64);
    }
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (digits(&s[0..4])?, digits(&s[5..7])?, digits(&s[8..10])?);
    let month_days = [31, if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] {
        return None;
    }
    let mut t = days_from_civil(y, mo, d) * DAY;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(t);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    if rest.len() < 5 || rest.as_bytes()[2] != b':' {
        return None;
    }
    let (h, mi) = (digits(&rest[0..2])?, digits(&rest[3..5])?);
    let mut rest = &rest[5..];
    let mut sec = 0;
    if let Some(r) = rest.strip_prefix(':') {
        sec = digits(r.get(0..2)?)?;
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix(['.', ',']) {
            let n = r.bytes().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &r[n..];
        }
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    t += h * 3600 + mi * 60 + sec.min(59);
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = &rest[1..];
            let (oh, om) = match o.len() {
                2 => (digits(o)?, 0),
                4 => (digits(&o[0..2])?, digits(&o[2..4])?),
                5 if o.as_bytes()[2] == b':' => (digits(&o[0..2])?, digits(&o[3..5])?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(t - offset)
}

/// Monday-based week number since the epoch (1970-01-01 was a Thursday): one per ISO week.
pub fn week_of(t: i64) -> i64 {
    (t.div_euclid(DAY) + 3).div_euclid(7)
}
