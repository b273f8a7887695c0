//! Words in the markets' languages: how spreadsheets and people write true/false, and what
//! they call the id, specialty, country, region and practice-setting columns. The user's list
//! of both is docs/input.md; keep the two in step.
//!
//! Words are compared case-insensitively (Unicode lower case) and without accents
//! ([`folded`]): `WAHR`, `Wahr` and `wahr` are one word, as are `Spécialité` and `specialite`,
//! or `não` and `nao`.

/// Booleans per language: Excel's TRUE/FALSE in that language first, then yes/no words.
/// No word is true in one language and false in another.
pub const BOOLEANS: [(&str, &[&str], &[&str]); 12] = [
    ("English", &["true", "yes", "y", "1"], &["false", "no", "n", "0"]),
    ("German", &["wahr", "ja"], &["falsch", "nein"]),
    ("French", &["vrai", "oui"], &["faux", "non"]),
    ("Spanish", &["verdadero", "sí"], &["falso", "no"]),
    ("Italian", &["vero", "sì"], &["falso", "no"]),
    ("Dutch", &["waar", "ja"], &["onwaar", "nee"]),
    ("Portuguese", &["verdadeiro", "sim"], &["falso", "não"]),
    ("Danish", &["sand", "ja"], &["falsk", "nej"]),
    ("Swedish", &["sant", "ja"], &["falskt", "nej"]),
    ("Norwegian", &["sann", "ja"], &["usann", "nei"]),
    ("Polish", &["prawda", "tak"], &["fałsz", "nie"]),
    ("Finnish", &["tosi", "kyllä"], &["epätosi", "ei"]),
];

/// A boolean word in any of [`BOOLEANS`]' languages, any case, with or without accents.
pub fn boolean(word: &str) -> Option<bool> {
    BOOLEANS.iter().find_map(|(_, yes, no)| {
        if yes.iter().any(|w| same_word(w, word)) {
            Some(true)
        } else if no.iter().any(|w| same_word(w, word)) {
            Some(false)
        } else {
            None
        }
    })
}

/// The columns known by other names, with the canonical name the rest of the engine uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synonym {
    /// `hcp_id`, `specialty`, `country`, `region` or `practice_setting`.
    pub canonical: &'static str,
    pub language: &'static str,
    /// The word as the language writes it (for messages and the docs).
    pub word: &'static str,
}

/// Header synonyms: (canonical name, language, words). A header matches after
/// `roles::normalise` (so spaces, hyphens and underscores are one `_`) and [`folded`].
/// Not a bare `id`: too many files carry a row number or a foreign key under that name.
pub const HEADER_SYNONYMS: [(&str, &str, &[&str]); 34] = [
    ("hcp_id", "English", &["hcpid", "hcp identifier", "hcp code", "hcp key", "physician id", "doctor id", "customer id"]),
    ("hcp_id", "German", &["arzt id", "arzt nr", "arztnummer", "kunden id", "kunden nr", "kundennummer", "hcp nummer"]),
    ("hcp_id", "French", &["id médecin", "identifiant médecin", "code médecin", "id client", "identifiant client", "code client"]),
    ("hcp_id", "Spanish", &["id médico", "código médico", "id cliente", "código cliente"]),
    ("hcp_id", "Italian", &["id medico", "codice medico", "codice cliente"]),
    ("hcp_id", "Dutch", &["arts id", "artsnummer", "klant id", "klantnummer"]),
    ("hcp_id", "Portuguese", &["id médico", "código médico", "id cliente", "código cliente"]),
    ("hcp_id", "Polish", &["id lekarza", "kod lekarza", "identyfikator lekarza", "id klienta"]),
    ("specialty", "English", &["speciality", "medical specialty", "medical speciality", "specialization", "specialisation"]),
    ("specialty", "German", &["fachrichtung", "fachgebiet", "facharztrichtung", "fachbereich", "spezialisierung"]),
    ("specialty", "French", &["spécialité", "spécialité médicale"]),
    ("specialty", "Spanish", &["especialidad", "especialidad médica"]),
    ("specialty", "Italian", &["specializzazione", "specialità"]),
    ("specialty", "Dutch", &["specialisme", "specialisatie", "vakgebied"]),
    ("specialty", "Portuguese", &["especialidade", "especialidade médica"]),
    ("specialty", "Polish", &["specjalizacja", "specjalność"]),
    ("country", "English", &["country code", "nation"]),
    ("country", "German", &["land", "länderkennzeichen", "ländercode"]),
    ("country", "French", &["pays", "code pays"]),
    ("country", "Spanish", &["país", "código país"]),
    ("country", "Italian", &["paese", "nazione"]),
    ("country", "Portuguese", &["país", "código país"]),
    ("country", "Dutch", &["land"]),
    ("country", "Polish", &["kraj"]),
    ("region", "German", &["bundesland", "gebiet"]),
    ("region", "French", &["région", "département"]),
    ("region", "Spanish", &["región", "provincia", "comunidad autónoma"]),
    ("region", "Italian", &["regione", "provincia"]),
    ("region", "Dutch", &["regio", "provincie"]),
    ("region", "Polish", &["województwo"]),
    ("practice_setting", "English", &["setting", "care setting", "practice type"]),
    ("practice_setting", "German", &["praxisform", "praxisart", "versorgungsbereich", "einrichtungsart"]),
    ("practice_setting", "French", &["mode d'exercice", "type d'exercice", "lieu d'exercice"]),
    ("practice_setting", "Spanish", &["ámbito asistencial", "tipo de centro"]),
];

/// The synonym a normalised header (`roles::normalise`) is, if any (the first language that
/// has the word: [`synonym_languages`] names them all).
pub fn header_synonym(normalised: &str) -> Option<Synonym> {
    HEADER_SYNONYMS.iter().find_map(|&(canonical, language, words)| {
        let word = words.iter().find(|w| same_header(w, normalised))?;
        Some(Synonym { canonical, language, word })
    })
}

/// `listed` (a word of these tables) and `given` are the same word: case and accents aside.
fn same_word(listed: &str, given: &str) -> bool {
    folded(listed).eq(folded(given))
}

/// `listed` (spaces between words) and a normalised header (`_` between words) are the same.
fn same_header(listed: &str, normalised: &str) -> bool {
    folded(listed).map(|c| if c == ' ' { '_' } else { c }).eq(folded(normalised))
}

/// Every language whose list has `word` for `canonical` (`país` is Spanish and Portuguese).
pub fn synonym_languages(canonical: &str, word: &str) -> Vec<&'static str> {
    HEADER_SYNONYMS
        .iter()
        .filter(|(c, _, words)| *c == canonical && words.contains(&word))
        .map(|&(_, language, _)| language)
        .collect()
}

/// Lower case without accents, as characters: `Spécialité` → `specialite`, `Straße` →
/// `strasse`, `Fałsz` → `falsz`. Latin letters with diacritics become their base letter (what
/// Unicode's canonical decomposition gives, plus `ł`, `ø`, `đ`, which do not decompose), and
/// combining accents (text in decomposed form) are dropped.
pub fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    let combining = |c: &char| ('\u{300}'..='\u{36F}').contains(c);
    s.chars().flat_map(char::to_lowercase).filter(move |c| !combining(c)).flat_map(|c| {
        let (first, second) = match c {
            'ß' => ('s', Some('s')),
            'æ' => ('a', Some('e')),
            'œ' => ('o', Some('e')),
            c => (base_letter(c), None),
        };
        std::iter::once(first).chain(second)
    })
}

/// The base letter of a lower-case Latin letter with a diacritic (Latin-1 and Latin
/// Extended-A); any other character as it is.
fn base_letter(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        c => c,
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
                for w in yes.iter() {
                    assert!(!no.iter().any(|n| same_word(n, w)), "{w}");
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
            assert_eq!(folded(&c.to_string()).collect::<String>(), want, "{c} U+{:04X}", c as u32);
        }
        // The ones that do not decompose, and the ligatures.
        assert_eq!(folded("ŁøĐßÆŒ").collect::<String>(), "lodssaeoe");
        // Text in decomposed form (as macOS writes names): the combining marks are dropped.
        assert_eq!(folded("Spe\u{301}cialite\u{301}").collect::<String>(), "specialite");
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
        assert_eq!(found("Mode d'exercice"), Some(("practice_setting", "French")));
        for not in ["id", "ID", "name", "Landkreis", "specialty_group", "pays_de_loire"] {
            assert_eq!(found(not), None, "{not}");
        }
        assert_eq!(synonym_languages("country", "país"), vec!["Spanish", "Portuguese"]);
        assert_eq!(synonym_languages("country", "land"), vec!["German", "Dutch"]);
    }
}
