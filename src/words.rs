//! Words the outputs share: plurals and durations for people. Below every
//! report, diff, history and export, so that none of them needs another to
//! say "3 stages" or "3m 12s". Imports nothing of the crate.

/// `s` after a count that is not one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A duration for people: `450ms`, `34s`, `3m 12s`, `1h 02m`, `2d 3h`.
pub fn human_duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let s = ms / 1000;
    let text = if ms == 0 {
        "0s".to_owned()
    } else if ms < 1000 {
        format!("{ms}ms")
    } else if s < 60 {
        let tenths = (ms % 1000) / 100;
        if tenths == 0 || s >= 10 {
            format!("{s}s")
        } else {
            format!("{s}.{tenths}s")
        }
    } else if s < 3600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_like_a_person_wrote_them() {
        assert_eq!(human_duration(450), "450ms");
        assert_eq!(human_duration(1500), "1.5s");
        assert_eq!(human_duration(34_000), "34s");
        assert_eq!(human_duration(192_000), "3m 12s");
        assert_eq!(human_duration(3_720_000), "1h 02m");
        assert_eq!(human_duration(183_600_000), "2d 3h");
        assert_eq!(human_duration(-2000), "-2s");
    }
}
