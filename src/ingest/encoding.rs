//! A file's bytes → text: which encoding, and the decoding itself.
//!
//! Rules (the `encoding` option forces one instead):
//! - a byte-order mark decides: `EF BB BF` UTF-8, `FF FE` UTF-16LE, `FE FF` UTF-16BE;
//! - no BOM, valid UTF-8: UTF-8;
//! - anything else: Windows-1252, what Excel's plain "CSV" writes on Western-European Windows.
//!   This is a guess, so the read says so in a warning with the way to force another encoding.
//!
//! The text keeps the BOM as its first character (U+FEFF): the CSV reader strips it and reports
//! it (`dialect.hadBom`). UTF-8 and UTF-16 are decoded strictly: a malformed sequence is a
//! `CSV_SYNTAX` error at its line and byte, never a silent U+FFFD.
//!
//! Hand-written rather than `encoding_rs`: the segmentation module's first download is the
//! budget (docs/package.md), and three decoders are a 32-entry table and `char::decode_utf16`.
//! `encoding_rs` stays as the tests' oracle (WHATWG's definitions of these encodings).

use crate::error::{echo, Result, SegError};

/// The encodings the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// The `encoding` option's values, for messages.
pub const ENCODING_CHOICES: &str = "\"utf-8\", \"utf-16le\", \"utf-16be\" or \"windows-1252\" (also \"latin1\", \"iso-8859-1\", \"cp1252\")";

impl Encoding {
    /// The label reported in `dialect.encoding` (WHATWG names).
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// The `encoding` option → an encoding. Labels as WHATWG's Encoding Standard maps them
    /// (case-insensitive): `latin1` and `iso-8859-1` are windows-1252 there, as in browsers.
    pub fn from_option(value: &str) -> Result<Encoding> {
        // One string, not a `match` or a table of strings: the segmentation module's size is
        // the budget. Groups in the order of `ENCODINGS`, labels as WHATWG names them.
        const LABELS: &str = "utf-8 utf8|utf-16le utf-16|utf-16be|windows-1252 cp1252 latin1 iso-8859-1";
        const ENCODINGS: [Encoding; 4] = [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Windows1252];
        let label = value.trim();
        LABELS
            .split('|')
            .position(|group| group.split(' ').any(|name| name.eq_ignore_ascii_case(label)))
            .and_then(|i| ENCODINGS.get(i).copied())
            .ok_or_else(|| SegError::option("encoding", format!("`{}` is not supported; use {ENCODING_CHOICES}", echo(value))))
    }
}

/// Text decoded from a file's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, with the BOM (if any) as its first character.
    pub text: String,
    pub encoding: Encoding,
    /// A sentence for `report.warnings` when the encoding was guessed (no BOM, not UTF-8): what
    /// was read and how to force another. None when a BOM, valid UTF-8 or the option said.
    pub warning: Option<String>,
}

/// Decode a file's bytes (`forced`: the `encoding` option).
pub fn decode(bytes: Vec<u8>, forced: Option<&str>) -> Result<Decoded> {
    let known = |text, encoding| Ok(Decoded { text, encoding, warning: None });
    if let Some(label) = forced {
        let encoding = Encoding::from_option(label)?;
        return known(decode_as(bytes, encoding)?, encoding);
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return known(utf8(bytes)?, Encoding::Utf8);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return known(utf16(&bytes, Encoding::Utf16Le)?, Encoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return known(utf16(&bytes, Encoding::Utf16Be)?, Encoding::Utf16Be);
    }
    match String::from_utf8(bytes) {
        Ok(text) => known(text, Encoding::Utf8),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, _) = line_and_byte(&bytes, at);
            let warning = format!(
                "the file is not UTF-8 (from line {line}): read as Windows-1252, as Excel's \"CSV\" is written on Western-European Windows; if letters look wrong, pass the `encoding` option ({ENCODING_CHOICES}) or save as \"CSV UTF-8\""
            );
            Ok(Decoded { text: windows_1252(&bytes), encoding: Encoding::Windows1252, warning: Some(warning) })
        }
    }
}

/// Bytes in one given encoding (strict for UTF-8 and UTF-16).
pub fn decode_as(bytes: Vec<u8>, encoding: Encoding) -> Result<String> {
    match encoding {
        Encoding::Utf8 => utf8(bytes),
        Encoding::Utf16Le | Encoding::Utf16Be => utf16(&bytes, encoding),
        Encoding::Windows1252 => Ok(windows_1252(&bytes)),
    }
}

/// One part of a file read in parts ([`super::parts`]): strict UTF-8 only. Guessing per part
/// could read the parts of one file in different encodings; whatever is not plain UTF-8 fails
/// here (a UTF-16 BOM is not valid UTF-8 either), and the whole file is read in one piece,
/// where [`decode`] decides.
pub fn part_text(bytes: Vec<u8>, forced: Option<&str>) -> Result<String> {
    // The message is never shown: the whole file's read gives the error, if any.
    let in_one_piece = || Err(SegError::option("encoding", "read in one piece"));
    if let Some(label) = forced {
        if Encoding::from_option(label)? != Encoding::Utf8 {
            return in_one_piece();
        }
    }
    utf8(bytes)
}

/// 1-based line and 1-based byte within it of byte offset `at`.
fn line_and_byte(bytes: &[u8], at: usize) -> (u32, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), at - line_start + 1)
}

/// Strict UTF-8; the error names the line and the byte within it.
pub fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, byte) = line_and_byte(bytes, at);
        SegError::CsvSyntax {
            line,
            message: format!(
                "the bytes are not valid UTF-8 (byte 0x{:02X}, at byte {byte} of the line); save the file as UTF-8 (Excel: \"CSV UTF-8\"), or pass the `encoding` option ({ENCODING_CHOICES})",
                bytes.get(at).copied().unwrap_or(0)
            ),
        }
    })
}

/// Strict UTF-16 (a BOM, if any, stays as U+FEFF); the error names the line and the byte.
fn utf16(bytes: &[u8], encoding: Encoding) -> Result<String> {
    let unit = |pair: &[u8]| match (encoding, pair) {
        (Encoding::Utf16Be, [hi, lo]) => u16::from_be_bytes([*hi, *lo]),
        (_, [lo, hi]) => u16::from_le_bytes([*lo, *hi]),
        _ => 0,
    };
    let units = bytes.chunks_exact(2).map(unit);
    let mut text = String::with_capacity(bytes.len());
    let (mut line, mut line_start, mut at) = (1u32, 0usize, 0usize);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                if c == '\n' {
                    line = line.saturating_add(1);
                    line_start = at + 2;
                }
                at += 2 * c.len_utf16();
                text.push(c);
            }
            Err(_) => {
                return Err(utf16_error(line, at - line_start + 1, "half of a surrogate pair", encoding));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(utf16_error(line, at - line_start + 1, "an odd number of bytes (the last character is cut)", encoding));
    }
    Ok(text)
}

fn utf16_error(line: u32, byte: usize, what: &str, encoding: Encoding) -> SegError {
    SegError::CsvSyntax {
        line,
        message: format!(
            "the bytes are not valid {} ({what}, at byte {byte} of the line); save the file again, or pass the `encoding` option ({ENCODING_CHOICES})",
            encoding.label()
        ),
    }
}

/// Windows-1252 bytes 0x80-0x9F (WHATWG's index: the five bytes the code page leaves undefined
/// map to the C1 controls of the same value); every other byte is its Latin-1 code point.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Windows-1252 (every byte is a character).
pub fn windows_1252(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    for &b in bytes {
        text.push(match b {
            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// encoding_rs (WHATWG's definitions) as the oracle: None where it finds the bytes malformed.
    fn oracle(bytes: &[u8], encoding: Encoding) -> Option<String> {
        let e = match encoding {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        };
        e.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned())
    }

    #[test]
    fn every_windows_1252_byte_decodes_as_whatwg_says() {
        for b in 0..=255u8 {
            assert_eq!(Some(windows_1252(&[b])), oracle(&[b], Encoding::Windows1252), "byte 0x{b:02X}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(Some(windows_1252(&all)), oracle(&all, Encoding::Windows1252));
    }

    #[test]
    fn random_bytes_decode_as_the_oracle_decodes_them() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for round in 0..3000 {
            let len = rng.gen_range(0..64);
            // Half the rounds from a small alphabet (ASCII, NUL, surrogate and lead bytes), so
            // that valid UTF-8 and UTF-16 sequences and their near misses both come up.
            let alphabet = [0x00, 0x0A, b'a', b';', 0xC3, 0xA4, 0xD8, 0xDC, 0xE2, 0x82, 0xAC, 0xFF, 0xFE, 0x80, 0xBF];
            let bytes: Vec<u8> = (0..len)
                .map(|_| if round % 2 == 0 { rng.gen() } else { alphabet[rng.gen_range(0..alphabet.len())] })
                .collect();
            for encoding in [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Windows1252] {
                let ours = decode_as(bytes.clone(), encoding).ok();
                assert_eq!(ours, oracle(&bytes, encoding), "{encoding:?} {bytes:02X?}");
            }
        }
    }

    #[test]
    fn text_in_every_encoding_reads_back() {
        let text = "hcp_id;Fachrichtung;Außendienst\nA1;Hämatologie;WAHR\nB2;Œuvre € — “x”;FALSCH\n";
        for (encoding, oracle) in [
            (Encoding::Utf16Le, encoding_rs::UTF_16LE),
            (Encoding::Utf16Be, encoding_rs::UTF_16BE),
            (Encoding::Windows1252, encoding_rs::WINDOWS_1252),
        ] {
            // encoding_rs encodes UTF-16 only as UTF-8 (WHATWG has no UTF-16 encoder): by hand.
            let bytes: Vec<u8> = match encoding {
                Encoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
                Encoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
                _ => oracle.encode(text).0.into_owned(),
            };
            assert_eq!(decode_as(bytes, encoding).unwrap(), text, "{encoding:?}");
        }
    }

    #[test]
    fn a_bom_decides() {
        let utf8 = decode(b"\xEF\xBB\xBFa;\xC3\xA4".to_vec(), None).unwrap();
        assert_eq!((utf8.text.as_str(), utf8.encoding, utf8.warning), ("\u{feff}a;ä", Encoding::Utf8, None));
        let le = decode(vec![0xFF, 0xFE, b'a', 0, 0xE4, 0], None).unwrap();
        assert_eq!((le.text.as_str(), le.encoding, le.warning), ("\u{feff}aä", Encoding::Utf16Le, None));
        let be = decode(vec![0xFE, 0xFF, 0, b'a', 0, 0xE4], None).unwrap();
        assert_eq!((be.text.as_str(), be.encoding, be.warning), ("\u{feff}aä", Encoding::Utf16Be, None));
        // A UTF-8 BOM on bytes that are not UTF-8: the BOM said UTF-8, so it is an error.
        let e = decode(b"\xEF\xBB\xBFa\n\xFC".to_vec(), None).unwrap_err();
        assert_eq!((e.code(), e.line()), ("CSV_SYNTAX", Some(2)));
    }

    #[test]
    fn without_a_bom_utf8_else_windows_1252_with_a_warning() {
        let d = decode("a;ä\n".as_bytes().to_vec(), None).unwrap();
        assert_eq!((d.encoding, d.warning), (Encoding::Utf8, None));
        // "Müller" in Windows-1252 on line 2, 0xFC the 3rd byte of the line.
        let d = decode(b"id\nM\xFCller\n".to_vec(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("id\nMüller\n", Encoding::Windows1252));
        let w = d.warning.unwrap();
        for part in ["not UTF-8", "line 2", "Windows-1252", "`encoding`", "\"utf-16le\"", "CSV UTF-8"] {
            assert!(w.contains(part), "{part}: {w}");
        }
    }

    #[test]
    fn the_option_forces_an_encoding() {
        let bytes = b"a;\xC3\xA4".to_vec();
        let d = decode(bytes.clone(), Some("Windows-1252")).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.warning), ("a;Ã¤", Encoding::Windows1252, None));
        for label in ["latin1", "ISO-8859-1", "cp1252"] {
            assert_eq!(Encoding::from_option(label).unwrap(), Encoding::Windows1252, "{label}");
        }
        assert_eq!(Encoding::from_option(" UTF-16LE ").unwrap(), Encoding::Utf16Le);
        assert_eq!(Encoding::from_option("utf-16be").unwrap(), Encoding::Utf16Be);
        let e = decode(bytes, Some("ebcdic")).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("\"utf-8\", \"utf-16le\", \"utf-16be\" or \"windows-1252\""), "{e}");
        // Forced UTF-8 on Windows-1252 bytes: the strict error at line and byte.
        let e = decode(b"id\nM\xFCller".to_vec(), Some("utf-8")).unwrap_err();
        assert_eq!((e.code(), e.line()), ("CSV_SYNTAX", Some(2)));
        assert!(e.to_string().contains("0xFC, at byte 2 of the line"), "{e}");
    }

    #[test]
    fn malformed_utf16_is_an_error_at_its_line() {
        // Line 2 starts with a lone low surrogate DC00.
        let mut bytes: Vec<u8> = "a\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.extend([0x00, 0xDC, b'b', 0]);
        let e = decode_as(bytes, Encoding::Utf16Le).unwrap_err();
        assert_eq!((e.code(), e.line()), ("CSV_SYNTAX", Some(2)));
        assert!(e.to_string().contains("half of a surrogate pair, at byte 1 of the line"), "{e}");
        let e = decode_as(vec![0xFF, 0xFE, b'a', 0, b'b'], Encoding::Utf16Le).unwrap_err();
        assert!(e.to_string().contains("odd number of bytes"), "{e}");
    }

    #[test]
    fn parts_are_strictly_utf8() {
        assert_eq!(part_text("a;ä".as_bytes().to_vec(), None).unwrap(), "a;ä");
        assert_eq!(part_text("a".as_bytes().to_vec(), Some("utf-8")).unwrap(), "a");
        assert!(part_text(b"M\xFCller".to_vec(), None).is_err());
        assert!(part_text(vec![0xFF, 0xFE, b'a', 0], None).is_err());
        assert!(part_text(b"plain".to_vec(), Some("windows-1252")).is_err());
    }
}
