//! The six planted personas of the sample universe.
//!
//! Each persona is a recipe: who they are (specialties, countries, settings), where they engage
//! (a channel mix), what they consume (a format mix), and how much (median total engagements in
//! the window, activity). Mixes name channels and formats without their `ch_` / `fmt_` prefix,
//! as in [`super::SAMPLE_CHANNELS`] / [`super::SAMPLE_FORMATS`].
//!
//! Regional walled gardens (esanum, Doximity, Doctors.net.uk) may appear in any mix; the
//! generator zeroes them where the HCP's country has no access, so a GB oncologist never shows
//! Doximity engagement even though the oncologists' mix mentions it.

/// One planted persona.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Persona {
    /// Stable machine key, e.g. `"onc_congress_x"`.
    pub key: &'static str,
    /// Human persona name as a marketer would call it.
    pub name: &'static str,
    /// Share of the universe in per mille; the six add up to 1000.
    pub share_permille: u32,
    /// The channel that carries most of this persona's engagement (no `ch_` prefix).
    pub dominant_channel: &'static str,
    /// The format this persona consumes most (no `fmt_` prefix).
    pub dominant_format: &'static str,
    /// Expected channel shares (before per-HCP jitter and background noise); sum to 1.
    pub channel_mix: &'static [(&'static str, f64)],
    /// Expected format shares; sum to 1.
    pub format_mix: &'static [(&'static str, f64)],
    /// Median total engagements in the window (per-HCP intensity is log-normal around it).
    pub median_total: f64,
    /// Spread of the per-HCP log-intensity (σ of the log-normal).
    pub intensity_spread: f64,
    /// Probability of being active in a given week (of 12), at median intensity.
    pub weekly_activity: f64,
    /// Typical prescribing decile (1-10).
    pub rx_center: u32,
    /// Integer weights.
    pub specialties: &'static [(&'static str, u32)],
    pub countries: &'static [(&'static str, u32)],
    pub practice_settings: &'static [(&'static str, u32)],
    /// open / restricted / no_see (rep access); no_see HCPs get no rep engagement.
    pub access_levels: &'static [(&'static str, u32)],
}

const EU_US: &[(&str, u32)] = &[
    ("US", 34),
    ("GB", 10),
    ("DE", 10),
    ("FR", 10),
    ("IT", 9),
    ("ES", 9),
    ("NL", 7),
    ("CH", 4),
    ("AT", 3),
    ("BE", 4),
];

const GLOBAL: &[(&str, u32)] = &[
    ("US", 30),
    ("GB", 10),
    ("DE", 8),
    ("FR", 8),
    ("IT", 7),
    ("ES", 7),
    ("NL", 4),
    ("AT", 2),
    ("CH", 2),
    ("BE", 3),
    ("SE", 3),
    ("CA", 8),
    ("AU", 6),
    ("JP", 2),
];

const MIXED_SPECIALTIES: &[(&str, u32)] = &[
    ("primary_care", 30),
    ("cardiology", 16),
    ("oncology", 10),
    ("neurology", 10),
    ("endocrinology", 12),
    ("pulmonology", 8),
    ("rheumatology", 7),
    ("dermatology", 7),
];

static PERSONAS: [Persona; 6] = [
    Persona {
        key: "onc_congress_x",
        name: "Congress-following oncologists on X",
        share_permille: 220,
        dominant_channel: "x",
        dominant_format: "congress",
        channel_mix: &[
            ("x", 0.64),
            ("linkedin", 0.14),
            ("univadis_medscape", 0.07),
            ("sermo", 0.04),
            ("doximity", 0.05),
            ("youtube", 0.03),
            ("email", 0.03),
        ],
        format_mix: &[
            ("congress", 0.52),
            ("news", 0.28),
            ("webinar", 0.08),
            ("moa_video", 0.07),
            ("case_study", 0.05),
        ],
        median_total: 55.0,
        intensity_spread: 0.45,
        weekly_activity: 0.75,
        rx_center: 8,
        specialties: &[("oncology", 80), ("hematology", 20)],
        countries: EU_US,
        practice_settings: &[("academic", 45), ("hospital", 40), ("private_practice", 15)],
        access_levels: &[("open", 45), ("restricted", 40), ("no_see", 15)],
    },
    Persona {
        key: "dach_cme_gp",
        name: "CME-driven DACH GPs on esanum",
        share_permille: 180,
        dominant_channel: "esanum",
        dominant_format: "cme_module",
        channel_mix: &[
            ("esanum", 0.58),
            ("mirrors_cme", 0.24),
            ("email", 0.07),
            ("univadis_medscape", 0.06),
            ("rep", 0.03),
            ("linkedin", 0.02),
        ],
        format_mix: &[
            ("cme_module", 0.52),
            ("case_study", 0.28),
            ("case_quiz", 0.08),
            ("webinar", 0.08),
            ("news", 0.04),
        ],
        median_total: 28.0,
        intensity_spread: 0.4,
        weekly_activity: 0.55,
        rx_center: 5,
        specialties: &[("primary_care", 88), ("internal_medicine", 12)],
        countries: &[("DE", 70), ("AT", 15), ("CH", 15)],
        practice_settings: &[
            ("private_practice", 70),
            ("group_practice", 25),
            ("hospital", 5),
        ],
        access_levels: &[("open", 55), ("restricted", 35), ("no_see", 10)],
    },
    Persona {
        key: "us_doximity_news",
        name: "US Doximity news readers",
        share_permille: 170,
        dominant_channel: "doximity",
        dominant_format: "news",
        channel_mix: &[
            ("doximity", 0.66),
            ("email", 0.12),
            ("univadis_medscape", 0.09),
            ("linkedin", 0.08),
            ("x", 0.03),
            ("rep", 0.02),
        ],
        format_mix: &[
            ("news", 0.60),
            ("case_study", 0.10),
            ("cme_module", 0.10),
            ("webinar", 0.10),
            ("moa_video", 0.10),
        ],
        median_total: 24.0,
        intensity_spread: 0.45,
        weekly_activity: 0.6,
        rx_center: 6,
        specialties: MIXED_SPECIALTIES,
        countries: &[("US", 1)],
        practice_settings: &[
            ("private_practice", 35),
            ("group_practice", 30),
            ("hospital", 25),
            ("academic", 10),
        ],
        access_levels: &[("open", 40), ("restricted", 40), ("no_see", 20)],
    },
    Persona {
        key: "sermo_debaters",
        name: "Anonymous Sermo debaters",
        share_permille: 150,
        dominant_channel: "sermo",
        dominant_format: "case_study",
        channel_mix: &[
            ("sermo", 0.63),
            ("univadis_medscape", 0.12),
            ("linkedin", 0.07),
            ("x", 0.06),
            ("youtube", 0.05),
            ("email", 0.05),
            ("doctorsnetuk", 0.02),
        ],
        format_mix: &[
            ("case_study", 0.46),
            ("case_quiz", 0.34),
            ("news", 0.10),
            ("webinar", 0.10),
        ],
        median_total: 35.0,
        intensity_spread: 0.5,
        weekly_activity: 0.65,
        rx_center: 6,
        specialties: MIXED_SPECIALTIES,
        countries: GLOBAL,
        practice_settings: &[
            ("hospital", 40),
            ("private_practice", 30),
            ("group_practice", 20),
            ("academic", 10),
        ],
        access_levels: &[("open", 35), ("restricted", 40), ("no_see", 25)],
    },
    Persona {
        key: "surgeons_youtube",
        name: "Surgeons learning from YouTube tutorials",
        share_permille: 140,
        dominant_channel: "youtube",
        dominant_format: "procedural_tutorial",
        channel_mix: &[
            ("youtube", 0.65),
            ("rep", 0.10),
            ("linkedin", 0.09),
            ("x", 0.05),
            ("univadis_medscape", 0.04),
            ("email", 0.04),
            ("doctorsnetuk", 0.03),
        ],
        format_mix: &[
            ("procedural_tutorial", 0.56),
            ("moa_video", 0.24),
            ("webinar", 0.10),
            ("congress", 0.10),
        ],
        median_total: 32.0,
        intensity_spread: 0.45,
        weekly_activity: 0.6,
        rx_center: 4,
        specialties: &[("surgery", 55), ("orthopedics", 45)],
        countries: GLOBAL,
        practice_settings: &[("hospital", 60), ("academic", 25), ("private_practice", 15)],
        access_levels: &[("open", 60), ("restricted", 30), ("no_see", 10)],
    },
    Persona {
        key: "email_low",
        name: "Email-only low engagers",
        share_permille: 140,
        dominant_channel: "email",
        dominant_format: "webinar",
        channel_mix: &[("email", 0.94), ("rep", 0.06)],
        format_mix: &[("webinar", 0.50), ("news", 0.28), ("cme_module", 0.22)],
        median_total: 3.0,
        intensity_spread: 0.5,
        weekly_activity: 0.08,
        rx_center: 4,
        specialties: MIXED_SPECIALTIES,
        countries: GLOBAL,
        practice_settings: &[
            ("private_practice", 40),
            ("group_practice", 25),
            ("hospital", 30),
            ("academic", 5),
        ],
        access_levels: &[("open", 25), ("restricted", 35), ("no_see", 40)],
    },
];

/// The planted personas, in truth-index order.
pub fn personas() -> &'static [Persona] {
    &PERSONAS
}

/// Coarse regions per country; countries not listed get an empty (optional) region.
pub(crate) fn regions(country: &str) -> &'static [&'static str] {
    match country {
        "US" => &["Northeast", "Midwest", "South", "West"],
        "GB" => &[
            "London",
            "England other",
            "Scotland",
            "Wales",
            "Northern Ireland",
        ],
        "DE" => &["North", "East", "South", "West"],
        "AT" => &["East", "West", "South"],
        "CH" => &["German-speaking", "French-speaking", "Italian-speaking"],
        "FR" => &["Ile-de-France", "North", "South"],
        "IT" => &["North", "Centre", "South"],
        "ES" => &["Madrid", "Catalonia", "Other"],
        "NL" => &["Randstad", "Other"],
        "CA" => &["East", "Central", "West"],
        _ => &[],
    }
}

/// Whether a channel (no prefix) is available to HCPs in a country.
pub fn channel_available(channel: &str, country: &str) -> bool {
    match channel {
        "esanum" => matches!(country, "DE" | "AT" | "CH"),
        "doximity" => country == "US",
        "doctorsnetuk" => country == "GB",
        _ => true,
    }
}
