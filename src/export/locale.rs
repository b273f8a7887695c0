//! Which separator and decimal mark Excel expects for a locale.
//!
//! Excel opens a `.csv` with the separator of Windows' regional "list separator" and reads
//! numbers with its "decimal symbol". Where the decimal symbol is `,`, the list separator is `;`
//! (a `,` could not separate numbers that contain one). The Swiss locales write `.` decimals but
//! keep `;` as the list separator.
//!
//! The decimal marks are those of the locales' `LC_NUMERIC` in the GNU C library's locale data
//! (`/usr/share/i18n/locales`), which a unit test checks them against where that data is
//! installed. Keyed by the BCP 47 language (`de`), with region overrides (`de-CH`); a language
//! not listed writes `,` and `.`.

use crate::error::{echo, Result, SegError};

/// Languages whose default region writes a decimal comma.
pub const DECIMAL_COMMA_LANGUAGES: &[&str] = &[
    "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fo", "fr", "fy", "gl", "hr", "hu", "id", "is", "it", "kk",
    "kl", "lb", "lt", "lv", "mk", "nb", "nds", "nl", "nn", "no", "pl", "pt", "ro", "ru", "se", "sk", "sl", "sq", "sr", "sv", "tr",
    "uk", "vi",
];

/// Regions whose decimal mark differs from their language's: (language, region, decimal comma).
pub const REGION_OVERRIDES: &[(&str, &str, bool)] = &[
    ("de", "CH", false),
    ("de", "LI", false),
    ("fr", "CH", false),
    ("it", "CH", false),
    ("wae", "CH", false),
    ("es", "DO", false),
    ("es", "GT", false),
    ("es", "HN", false),
    ("es", "MX", false),
    ("es", "NI", false),
    ("es", "PA", false),
    ("es", "PR", false),
    ("es", "SV", false),
    ("es", "US", false),
    ("en", "DK", true),
];

/// Excel's separator and decimal mark for one locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExcelMarks {
    pub delimiter: u8,
    pub decimal_comma: bool,
}

/// The language (lower case) and region (upper case, if any) of a BCP 47 tag (`de-DE`,
/// `sr-Latn-RS`, `es-419`; `_` is accepted for `-`).
pub fn parse_locale(tag: &str) -> Result<(String, Option<String>)> {
    let mut parts = tag.trim().split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(SegError::option("locale", format!("`{}` is not a BCP 47 language tag; use e.g. \"de-DE\", \"fr\" or \"en-US\"", echo(tag))));
    }
    let region = parts
        .take(2) // a script subtag (4 letters) may come first
        .find(|p| (p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic())) || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())))
        .map(|p| p.to_ascii_uppercase());
    Ok((language.to_ascii_lowercase(), region))
}

/// Does `locale` write a decimal comma?
pub fn decimal_comma(locale: &str) -> Result<bool> {
    let (language, region) = parse_locale(locale)?;
    let by_region = region.as_deref().and_then(|r| REGION_OVERRIDES.iter().find(|(l, rr, _)| *l == language && *rr == r));
    Ok(match by_region {
        Some(&(_, _, comma)) => comma,
        None => DECIMAL_COMMA_LANGUAGES.contains(&language.as_str()),
    })
}

/// Excel's separator and decimal mark for `locale` (see the module notes).
pub fn excel_marks(locale: &str) -> Result<ExcelMarks> {
    let comma = decimal_comma(locale)?;
    let swiss = parse_locale(locale)?.1.as_deref() == Some("CH");
    Ok(ExcelMarks { delimiter: if comma || swiss { b';' } else { b',' }, decimal_comma: comma })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(parse_locale("de-DE").unwrap(), ("de".into(), Some("DE".into())));
        assert_eq!(parse_locale("sr-Latn-RS").unwrap(), ("sr".into(), Some("RS".into())));
        assert_eq!(parse_locale("es-419").unwrap(), ("es".into(), Some("419".into())));
        assert_eq!(parse_locale("FR").unwrap(), ("fr".into(), None));
        assert_eq!(parse_locale("pt_BR").unwrap(), ("pt".into(), Some("BR".into())));
        for bad in ["", "d", "deutsch", "1a-DE", "-DE"] {
            assert_eq!(parse_locale(bad).unwrap_err().code(), "INVALID_OPTION", "{bad}");
        }
    }

    #[test]
    fn marks() {
        let m = |l| excel_marks(l).unwrap();
        assert_eq!(m("de-DE"), ExcelMarks { delimiter: b';', decimal_comma: true });
        assert_eq!(m("de-AT"), ExcelMarks { delimiter: b';', decimal_comma: true });
        assert_eq!(m("de-CH"), ExcelMarks { delimiter: b';', decimal_comma: false });
        assert_eq!(m("fr"), ExcelMarks { delimiter: b';', decimal_comma: true });
        assert_eq!(m("en-US"), ExcelMarks { delimiter: b',', decimal_comma: false });
        assert_eq!(m("en-GB"), ExcelMarks { delimiter: b',', decimal_comma: false });
        assert_eq!(m("es-MX"), ExcelMarks { delimiter: b',', decimal_comma: false });
        assert_eq!(m("ja-JP"), ExcelMarks { delimiter: b',', decimal_comma: false });
    }

    /// The decimal mark of a glibc locale file, following `copy` directives.
    fn glibc_decimal_point(dir: &std::path::Path, name: &str) -> Option<String> {
        let mut name = name.to_string();
        for _ in 0..6 {
            let text = std::fs::read_to_string(dir.join(&name)).ok()?;
            let numeric = text.split("\nLC_NUMERIC").nth(1)?.split("\nEND LC_NUMERIC").next()?;
            let line = numeric.lines().map(str::trim).find(|l| l.starts_with("decimal_point") || l.starts_with("copy"))?;
            let quoted = line.split('"').nth(1)?.to_string();
            if line.starts_with("copy") {
                name = quoted;
            } else {
                return Some(quoted);
            }
        }
        None
    }

    /// Independent oracle: every `ll_RR` glibc locale of the languages listed here (comma
    /// languages and a set of point languages) has the decimal mark this table gives `ll-RR`.
    #[test]
    fn decimal_marks_match_glibc_locale_data() {
        let dir = std::path::Path::new("/usr/share/i18n/locales");
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("no glibc locale data here: skipped");
            return;
        };
        let point_languages = ["en", "ja", "zh", "ko", "he", "ar", "th", "hi", "ms", "ga", "mt", "cy", "af"];
        let mut checked = 0;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let Some((lang, region)) = name.split_once('_') else { continue };
            if region.contains('@') || !(DECIMAL_COMMA_LANGUAGES.contains(&lang) || point_languages.contains(&lang)) {
                continue;
            }
            let Some(mark) = glibc_decimal_point(dir, &name) else { continue };
            let ours = decimal_comma(&format!("{lang}-{region}")).unwrap();
            assert_eq!(ours, mark == ",", "{name}: glibc writes {mark:?}");
            checked += 1;
        }
        assert!(checked > 100, "only {checked} locales checked");
    }
}
