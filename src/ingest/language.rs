//! Words in the markets' languages: how spreadsheets and people write true/false, and what
//! they call the id, specialty, country and region columns. The user's list
//! of both is docs/input.md; keep the two in step.
//!
//! Words are compared case-insensitively (Unicode lower case): `WAHR`, `Wahr` and `wahr` are
//! one word. Headers are compared without accents too ([`fold`]): `Spécialité` is
//! `specialite`.

/// Booleans per language: Excel's TRUE/FALSE in that language first, then yes/no words, each
/// list one string with `|` between the words (a table of strings costs the first download
/// more). Compared in lower case; the words without their accents are listed too.
/// No word is true in one language and false in another.
pub const BOOLEANS: [(&str, &str, &str); 12] = [
    ("English", "true|yes|y|1", "false|no|n|0"),
    ("German", "wahr|ja", "falsch|nein"),
    ("French", "vrai|oui", "faux|non"),
    ("Spanish", "verdadero|sí|si", "falso|no"),
    ("Italian", "vero|sì|si", "falso|no"),
    ("Dutch", "waar|ja", "onwaar|nee"),
    ("Portuguese", "verdadeiro|sim", "falso|não|nao"),
    ("Danish", "sand|ja", "falsk|nej"),
    ("Swedish", "sant|ja", "falskt|nej"),
    ("Norwegian", "sann|ja", "usann|nei"),
    ("Polish", "prawda|tak", "fałsz|falsz|nie"),
    ("Finnish", "tosi|kyllä|kylla", "epätosi|epatosi|ei"),
];

/// A boolean word in any of [`BOOLEANS`]' languages, any case.
pub fn boolean(word: &str) -> Option<bool> {
    let lower = word.to_lowercase();
    let has = |words: &str| words.split('|').any(|w| w == lower);
    BOOLEANS.iter().find_map(|(_, yes, no)| {
        if has(yes) {
            Some(true)
        } else if has(no) {
            Some(false)
        } else {
            None
        }
    })
}

/// The columns known by other names, with the canonical name the rest of the engine uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synonym {
    /// `hcp_id`, `specialty`, `country` or `region`.
    pub canonical: &'static str,
    pub language: &'static str,
    /// The word as the language writes it (for messages and the docs).
    pub word: &'static str,
}

/// Header synonyms: (canonical name, language, words with `|` between them). A header matches
/// after `roles::normalise` (so spaces, hyphens and underscores are one `_`) and [`fold`].
/// Not a bare `id`: too many files carry a row number or a foreign key under that name.
pub const HEADER_SYNONYMS: [(&str, &str, &str); 30] = [
    ("hcp_id", "English", "hcpid|hcp identifier|hcp code|hcp key|physician id|doctor id|customer id"),
    ("hcp_id", "German", "arzt id|arzt nr|arztnummer|kunden id|kunden nr|kundennummer|hcp nummer"),
    ("hcp_id", "French", "id médecin|identifiant médecin|code médecin|id client|identifiant client|code client"),
    ("hcp_id", "Spanish", "id médico|código médico|id cliente|código cliente"),
    ("hcp_id", "Italian", "id medico|codice medico|codice cliente"),
    ("hcp_id", "Dutch", "arts id|artsnummer|klant id|klantnummer"),
    ("hcp_id", "Portuguese", "id médico|código médico|id cliente|código cliente"),
    ("hcp_id", "Polish", "id lekarza|kod lekarza|identyfikator lekarza|id klienta"),
    ("specialty", "English", "speciality|medical specialty|medical speciality|specialization|specialisation"),
    ("specialty", "German", "fachrichtung|fachgebiet|facharztrichtung|fachbereich|spezialisierung"),
    ("specialty", "French", "spécialité|spécialité médicale"),
    ("specialty", "Spanish", "especialidad|especialidad médica"),
    ("specialty", "Italian", "specializzazione|specialità"),
    ("specialty", "Dutch", "specialisme|specialisatie|vakgebied"),
    ("specialty", "Portuguese", "especialidade|especialidade médica"),
    ("specialty", "Polish", "specjalizacja|specjalność"),
    ("country", "English", "country code"),
    ("country", "German", "land|länderkennzeichen|ländercode"),
    ("country", "French", "pays|code pays"),
    ("country", "Spanish", "país|código país"),
    ("country", "Italian", "paese|nazione"),
    ("country", "Portuguese", "país|código país"),
    ("country", "Dutch", "land"),
    ("country", "Polish", "kraj"),
    ("region", "German", "bundesland"),
    ("region", "French", "région|département"),
    ("region", "Spanish", "región|provincia|comunidad autónoma"),
    ("region", "Italian", "regione|provincia"),
    ("region", "Dutch", "regio|provincie"),
    ("region", "Polish", "województwo"),
];

/// The synonym a normalised header (`roles::normalise`) is, if any (the first language that
/// has the word: [`synonym_languages`] names them all).
pub fn header_synonym(normalised: &str) -> Option<Synonym> {
    let given = fold(normalised);
    HEADER_SYNONYMS.iter().find_map(|&(canonical, language, words)| {
        let word = words.split('|').find(|w| fold(w).replace(' ', "_") == given)?;
        Some(Synonym { canonical, language, word })
    })
}

/// Every language whose list has `word` for `canonical` (`país` is Spanish and Portuguese).
pub fn synonym_languages(canonical: &str, word: &str) -> Vec<&'static str> {
    HEADER_SYNONYMS
        .iter()
        .filter(|(c, _, words)| *c == canonical && words.split('|').any(|w| w == word))
        .map(|&(_, language, _)| language)
        .collect()
}

/// Lower-case text without accents: `spécialité` → `specialite`, `straße` → `strasse`,
/// `fałsz` → `falsz`. Latin letters with diacritics become their base letter (what Unicode's
/// canonical decomposition gives, plus `ł`, `ø`, `đ`, which do not decompose), and combining
/// accents (text in decomposed form, as macOS writes names) are dropped. Headers are lower
/// case already (`roles::normalise`), and so are the lists.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{300}'..='\u{36F}' => {}
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(base_letter(c)),
        }
    }
    out
}

/// The base letter of a Latin letter with a diacritic (Latin-1 and Latin Extended-A, by
/// canonical decomposition, plus `ł`, `đ`, `ø`); any other character as it is. Tables, not a
/// `match`: the segmentation module's size is the budget. `.` = no base letter.
fn base_letter(c: char) -> char {
    const LATIN_1_FROM_E0: &[u8; 32] = b"aaaaaa.ceeeeiiii.nooooo.ouuuuy.y";
    const LATIN_EXTENDED_A: &[u8; 128] =
        b"aaaaaaccccccccddddeeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll..llnnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz.";
    let cp = c as u32;
    let base = match cp {
        0xE0..=0xFF => LATIN_1_FROM_E0.get((cp - 0xE0) as usize),
        0x100..=0x17F => LATIN_EXTENDED_A.get((cp - 0x100) as usize),
        _ => None,
    };
    match base {
        Some(&b) if b != b'.' => char::from(b),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};

    #[test]
    fn every_language_writes_true_and_false_its_way() {
        // Excel's TRUE/FALSE as each language's Excel writes them, then everyday words.
        let cases: [(&str, &[&str], &[&str]); 12] = [
            ("en", &["TRUE", "True", "yes", "Y", "1"], &["FALSE", "false", "No", "n", "0"]),
            ("de", &["WAHR", "Wahr", "ja", "JA"], &["FALSCH", "falsch", "nein", "Nein"]),
            ("fr", &["VRAI", "oui", "Oui"], &["FAUX", "non"]),
            ("es", &["VERDADERO", "sí", "SÍ", "si"], &["FALSO", "no"]),
            ("it", &["VERO", "sì", "Si"], &["FALSO", "No"]),
            ("nl", &["WAAR", "ja"], &["ONWAAR", "nee"]),
            ("pt", &["VERDADEIRO", "sim"], &["FALSO", "não", "NÃO", "nao"]),
            ("da", &["SAND", "ja"], &["FALSK", "nej"]),
            ("sv", &["SANT", "Ja"], &["FALSKT", "Nej"]),
            ("nb", &["SANN", "ja"], &["USANN", "nei"]),
            ("pl", &["PRAWDA", "tak"], &["FAŁSZ", "fałsz", "falsz", "nie"]),
            ("fi", &["TOSI", "kyllä", "KYLLÄ"], &["EPÄTOSI", "epätosi", "ei"]),
        ];
        for (lang, yes, no) in cases {
            for w in yes {
                assert_eq!(boolean(w), Some(true), "{lang}: {w}");
            }
            for w in no {
                assert_eq!(boolean(w), Some(false), "{lang}: {w}");
            }
        }
        for w in ["maybe", "", "wahrr", "tru", "2", "oui non", "jein"] {
            assert_eq!(boolean(w), None, "{w}");
        }
    }

    #[test]
    fn no_word_is_both_true_and_false() {
        for (_, yes, _) in BOOLEANS {
            for (_, _, no) in BOOLEANS {
                for w in yes.split('|') {
                    assert!(!no.split('|').any(|n| n == w), "{w}");
                }
            }
        }
    }

    #[test]
    fn folding_drops_accents_as_canonical_decomposition_does() {
        // Latin-1 Supplement and Latin Extended-A letters: the base letter NFD gives (lower
        // case), for every letter that decomposes to a letter plus combining marks.
        for c in ('\u{C0}'..='\u{17F}').filter(|c| c.is_alphabetic()) {
            let mut parts = Vec::new();
            decompose_canonical(c, |d| parts.push(d));
            if parts.len() < 2 || !parts[1..].iter().all(|&m| is_combining_mark(m)) {
                continue;
            }
            let want: String = parts[0].to_lowercase().collect();
            assert_eq!(fold(&c.to_lowercase().to_string()), want, "{c} U+{:04X}", c as u32);
        }
        // The ones that do not decompose, and the ligatures.
        assert_eq!(fold("łøđßæœ"), "lodssaeoe");
        // Text in decomposed form (as macOS writes names): the combining marks are dropped.
        assert_eq!(fold("spe\u{301}cialite\u{301}"), "specialite");
    }

    #[test]
    fn headers_in_the_markets_languages() {
        let found = |h: &str| header_synonym(&crate::ingest::roles::normalise(h)).map(|s| (s.canonical, s.language));
        assert_eq!(found("Fachrichtung"), Some(("specialty", "German")));
        assert_eq!(found("Fachgebiet"), Some(("specialty", "German")));
        assert_eq!(found("Spécialité"), Some(("specialty", "French")));
        assert_eq!(found("SPECIALITE"), Some(("specialty", "French")));
        assert_eq!(found("Especialidad médica"), Some(("specialty", "Spanish")));
        assert_eq!(found("specializzazione"), Some(("specialty", "Italian")));
        assert_eq!(found("Specialisme"), Some(("specialty", "Dutch")));
        assert_eq!(found("Especialidade"), Some(("specialty", "Portuguese")));
        assert_eq!(found("Specjalizacja"), Some(("specialty", "Polish")));
        assert_eq!(found("Land"), Some(("country", "German")));
        assert_eq!(found("Pays"), Some(("country", "French")));
        assert_eq!(found("País"), Some(("country", "Spanish")));
        assert_eq!(found("Paese"), Some(("country", "Italian")));
        assert_eq!(found("Kraj"), Some(("country", "Polish")));
        assert_eq!(found("Kunden-Nr."), None);
        assert_eq!(found("Kunden-Nr"), Some(("hcp_id", "German")));
        assert_eq!(found("Région"), Some(("region", "French")));
        for not in ["id", "ID", "name", "Landkreis", "specialty_group", "pays_de_loire"] {
            assert_eq!(found(not), None, "{not}");
        }
        assert_eq!(synonym_languages("country", "país"), vec!["Spanish", "Portuguese"]);
        assert_eq!(synonym_languages("country", "land"), vec!["German", "Dutch"]);
    }

    #[test]
    fn the_user_doc_lists_every_word() {
        let doc = include_str!("../../docs/input.md");
        let listed = |w: &str| doc.contains(&format!("`{w}`"));
        for (lang, yes, no) in BOOLEANS {
            assert!(doc.contains(&format!("| {lang} |")), "{lang}");
            for w in yes.split('|').chain(no.split('|')) {
                assert!(listed(w), "docs/input.md lacks the boolean `{w}`");
            }
        }
        for (_, _, words) in HEADER_SYNONYMS {
            for w in words.split('|') {
                assert!(listed(w), "docs/input.md lacks the header `{w}`");
            }
        }
    }
}
