//! The seeded sample universe: realistic HCP engagement profiles with six planted personas.
//!
//! It is the embedded default data set of the demo and the ground truth of the tests: every row
//! comes with the index of the persona it was drawn from ([`SampleUniverse::truth`]).
//!
//! Determinism: the output depends only on `(n, seed)` and is byte-identical natively and on
//! `wasm32`. The generator is `Xoshiro256PlusPlus::seed_from_u64(seed as u64)`, all draws use
//! integer arithmetic and exactly-rounded float operations (see `draw`), and every number in the
//! CSV is an integer.
//!
//! What is planted (see [`personas`]):
//! - each persona has its own channel mix and format mix (dominant channel ≈ 0.6 of the row's
//!   channel engagements, dominant format ≈ 0.5 of its format engagements) and its own intensity;
//! - per-HCP jitter of the mix, log-normal intensity, Poisson counts and a little background
//!   noise on a couple of random channels and formats, so rows are not copies of their recipe;
//! - regional walled gardens: esanum only in DE/AT/CH, Doximity only in the US, Doctors.net.uk
//!   only in GB; zero everywhere else;
//! - profile columns: specialty, country, region, practice setting, access level, prescribing
//!   decile (empty for ~8 %: AMA PDRP opt-out), funnel stage, recency and frequency consistent
//!   with intensity, and consent flags (mostly true).

mod draw;
mod personas;

use std::fmt::Write as _;

use rand::SeedableRng;

use draw::{below, chance, exp_det, fmix32, normal, pick_weighted, poisson, unit, Rng};
pub use personas::{channel_available, personas, Persona};

/// The sample universe's channels, without the `ch_` prefix, in column order.
pub const SAMPLE_CHANNELS: &[&str] = &[
    "linkedin",
    "x",
    "youtube",
    "doximity",
    "sermo",
    "doctorsnetuk",
    "esanum",
    "univadis_medscape",
    "mirrors_cme",
    "email",
    "rep",
];

/// The sample universe's content formats, without the `fmt_` prefix, in column order.
pub const SAMPLE_FORMATS: &[&str] = &[
    "cme_module",
    "procedural_tutorial",
    "moa_video",
    "webinar",
    "case_study",
    "case_quiz",
    "news",
    "congress",
];

/// The CSV header line (without the trailing newline).
pub const SAMPLE_HEADER: &str = "hcp_id,specialty,country,region,practice_setting,access_level,\
funnel_stage,rx_decile,ch_linkedin,ch_x,ch_youtube,ch_doximity,ch_sermo,ch_doctorsnetuk,\
ch_esanum,ch_univadis_medscape,ch_mirrors_cme,ch_email,ch_rep,fmt_cme_module,\
fmt_procedural_tutorial,fmt_moa_video,fmt_webinar,fmt_case_study,fmt_case_quiz,fmt_news,\
fmt_congress,days_since_last,active_weeks,consent_email,consent_tracking";

/// Largest universe [`generate`] produces (about 150 MB of CSV); larger `n` is clamped to it so
/// a caller-supplied `n` can never overflow an allocation size, on wasm32 either.
pub const MAX_ROWS: u32 = 1_000_000;

/// Share of rows whose prescribing decile is empty (opt-out).
const RX_OPT_OUT: f64 = 0.08;
/// Weight of each background-noise channel / format relative to a row's mix (which sums to 1).
const NOISE_WEIGHT: f64 = 0.03;
/// Background-noise channels and formats per row.
const NOISE_SLOTS: u32 = 2;

const N_CH: usize = 11;
const N_FMT: usize = 8;

/// A generated universe: the CSV text and, per data row in the same order, the index into
/// [`personas()`] of the persona the row was drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleUniverse {
    pub csv: String,
    pub truth: Vec<u32>,
}

/// Generate `n` HCP rows from `seed`. `n = 0` gives the header line only; `n` above
/// [`MAX_ROWS`] is clamped to it.
///
/// Persona sizes follow [`Persona::share_permille`] exactly (largest-remainder rounding), rows
/// are in shuffled order. Memory is linear in `n` (about 150 bytes of CSV per row).
pub fn generate(n: u32, seed: u32) -> SampleUniverse {
    let n = n.min(MAX_ROWS);
    let mut rng = Rng::seed_from_u64(seed as u64);
    let truth = shuffled_labels(&mut rng, n);
    let ids = IdMaker::new(seed);

    let mut csv = String::with_capacity(SAMPLE_HEADER.len() + 1 + 160 * n.min(100_000) as usize);
    csv.push_str(SAMPLE_HEADER);
    csv.push('\n');
    let all = personas();
    for (i, &p) in truth.iter().enumerate() {
        let persona = &all[p as usize];
        let row = draw_row(&mut rng, persona);
        write_row(&mut csv, &ids.id(i as u32), &row);
    }
    SampleUniverse { csv, truth }
}

/// `generate(n, seed).csv`.
pub fn generate_csv(n: u32, seed: u32) -> String {
    generate(n, seed).csv
}

/// Exact persona quotas for `n` rows (largest remainder), in persona order.
pub fn persona_counts(n: u32) -> Vec<u32> {
    let all = personas();
    let total: u64 = all.iter().map(|p| p.share_permille as u64).sum();
    if total == 0 {
        return vec![0; all.len()];
    }
    let mut counts: Vec<u32> = Vec::with_capacity(all.len());
    let mut rems: Vec<(u64, usize)> = Vec::with_capacity(all.len());
    for (i, p) in all.iter().enumerate() {
        let exact = n as u64 * p.share_permille as u64;
        counts.push((exact / total) as u32);
        rems.push((exact % total, i));
    }
    let assigned: u32 = counts.iter().sum();
    // Largest remainder first; ties go to the earlier persona.
    crate::sort::sort_by(&mut rems, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(n.saturating_sub(assigned) as usize) {
        counts[i] += 1;
    }
    counts
}

fn shuffled_labels(rng: &mut Rng, n: u32) -> Vec<u32> {
    let mut labels: Vec<u32> = Vec::with_capacity(n as usize);
    for (p, &c) in persona_counts(n).iter().enumerate() {
        labels.extend(std::iter::repeat_n(p as u32, c as usize));
    }
    // Fisher-Yates with u32 draws (identical on 32- and 64-bit targets).
    let len = labels.len() as u32;
    for i in (1..len).rev() {
        let j = below(rng, i + 1);
        labels.swap(i as usize, j as usize);
    }
    labels
}

/// Pseudonymous ids: `H` + 8 hex digits of a seed-keyed bijection of the row index, so ids are
/// unique within a universe, differ between seeds and carry no information about the HCP.
struct IdMaker {
    k0: u32,
    k1: u32,
}

impl IdMaker {
    fn new(seed: u32) -> Self {
        IdMaker {
            k0: fmix32(seed ^ 0x9e37_79b9),
            k1: fmix32(seed.wrapping_mul(0x85eb_ca6b) ^ 0x5bd1_e995),
        }
    }
    fn id(&self, index: u32) -> String {
        let v = fmix32(fmix32(index.wrapping_add(self.k0)) ^ self.k1);
        format!("H{v:08x}")
    }
}

struct Row {
    specialty: &'static str,
    country: &'static str,
    region: &'static str,
    practice_setting: &'static str,
    access_level: &'static str,
    funnel_stage: &'static str,
    rx_decile: Option<u32>,
    channels: [u32; N_CH],
    formats: [u32; N_FMT],
    days_since_last: u32,
    active_weeks: u32,
    consent_email: bool,
    consent_tracking: bool,
}

fn pick(rng: &mut Rng, options: &[(&'static str, u32)]) -> &'static str {
    let weights: Vec<u32> = options.iter().map(|o| o.1).collect();
    options
        .get(pick_weighted(rng, &weights))
        .map(|o| o.0)
        .unwrap_or("")
}

fn draw_row(rng: &mut Rng, p: &Persona) -> Row {
    let specialty = pick(rng, p.specialties);
    let country = pick(rng, p.countries);
    let regions = personas::regions(country);
    let region = if regions.is_empty() {
        ""
    } else {
        regions[below(rng, regions.len() as u32) as usize]
    };
    let practice_setting = pick(rng, p.practice_settings);
    let access_level = pick(rng, p.access_levels);

    // Intensity: log-normal around the persona's median.
    let mult = exp_det(p.intensity_spread * normal(rng));
    let channel_total = p.median_total * mult;
    // Format-tagged engagements roughly track the channel engagements.
    let format_total = channel_total * (0.8 + 0.4 * unit(rng));

    let mut ch_w = [0.0f64; N_CH];
    for (i, name) in SAMPLE_CHANNELS.iter().enumerate() {
        ch_w[i] = mix_weight(p.channel_mix, name);
    }
    let available = |i: usize| {
        channel_available(SAMPLE_CHANNELS[i], country)
            && !(SAMPLE_CHANNELS[i] == "rep" && access_level == "no_see")
    };
    let channels = draw_counts(
        rng,
        &mut ch_w,
        channel_total,
        available,
        p.dominant_channel,
        SAMPLE_CHANNELS,
    );

    let mut fmt_w = [0.0f64; N_FMT];
    for (i, name) in SAMPLE_FORMATS.iter().enumerate() {
        fmt_w[i] = mix_weight(p.format_mix, name);
    }
    let formats = draw_counts(
        rng,
        &mut fmt_w,
        format_total,
        |_| true,
        p.dominant_format,
        SAMPLE_FORMATS,
    );

    // Frequency: active weeks out of 12, more for more intense HCPs; never more active weeks
    // than engagements.
    let week_p = (p.weekly_activity * mult.sqrt()).clamp(0.01, 0.98);
    let mut active_weeks = 0u32;
    for _ in 0..12 {
        if chance(rng, week_p) {
            active_weeks += 1;
        }
    }
    let engagements: u32 = channels.iter().sum();
    active_weeks = active_weeks.min(engagements);
    // Recency consistent with frequency: active in the last 12 weeks ⇔ last engagement < 84 days.
    let days_since_last = if active_weeks > 0 {
        below(rng, 7 * (13 - active_weeks)).min(83)
    } else {
        84 + below(rng, 282)
    };

    // Funnel stage follows frequency, with some slack.
    let score = (active_weeks as f64 + 3.0 * unit(rng) - 1.5) / 12.0;
    let funnel_stage = if score < 0.25 {
        "attention"
    } else if score < 0.5 {
        "activation"
    } else if score < 0.8 {
        "retention"
    } else {
        "referral"
    };

    let rx_decile = if chance(rng, RX_OPT_OUT) {
        None
    } else {
        let d = p.rx_center as i64 + below(rng, 5) as i64 - 2 + below(rng, 3) as i64 - 1;
        Some(d.clamp(1, 10) as u32)
    };

    // Email engagers have email consent by construction; others mostly do.
    let consent_email = p.dominant_channel == "email" || chance(rng, 0.88);
    let consent_tracking = chance(rng, 0.85);

    Row {
        specialty,
        country,
        region,
        practice_setting,
        access_level,
        funnel_stage,
        rx_decile,
        channels,
        formats,
        days_since_last,
        active_weeks,
        consent_email,
        consent_tracking,
    }
}

fn mix_weight(mix: &[(&str, f64)], name: &str) -> f64 {
    mix.iter().find(|m| m.0 == name).map(|m| m.1).unwrap_or(0.0)
}

/// Jitter the persona mix per HCP, add background noise on a few random columns, drop what is
/// unavailable, and draw Poisson counts for `total` expected engagements. At least one
/// engagement lands on the dominant column so no row is all zeros.
fn draw_counts<const K: usize>(
    rng: &mut Rng,
    weights: &mut [f64; K],
    total: f64,
    available: impl Fn(usize) -> bool,
    dominant: &str,
    names: &[&str],
) -> [u32; K] {
    for w in weights.iter_mut() {
        *w *= 0.7 + 0.6 * unit(rng);
    }
    for _ in 0..NOISE_SLOTS {
        let j = below(rng, K as u32) as usize;
        weights[j] += NOISE_WEIGHT;
    }
    for (i, w) in weights.iter_mut().enumerate() {
        if !available(i) {
            *w = 0.0;
        }
    }
    let sum: f64 = weights.iter().sum();
    let mut counts = [0u32; K];
    if sum > 0.0 {
        for i in 0..K {
            counts[i] = poisson(rng, total * weights[i] / sum);
        }
    }
    if counts.iter().all(|&c| c == 0) {
        if let Some(d) = names.iter().position(|n| *n == dominant) {
            if d < K {
                counts[d] = 1;
            }
        }
    }
    counts
}

fn write_row(out: &mut String, id: &str, r: &Row) {
    // Writing to a String cannot fail; the results are ignored rather than unwrapped.
    let _ = write!(
        out,
        "{id},{},{},{},{},{},{},",
        r.specialty, r.country, r.region, r.practice_setting, r.access_level, r.funnel_stage
    );
    if let Some(d) = r.rx_decile {
        let _ = write!(out, "{d}");
    }
    for c in r.channels.iter().chain(r.formats.iter()) {
        let _ = write!(out, ",{c}");
    }
    let _ = writeln!(
        out,
        ",{},{},{},{}",
        r.days_since_last, r.active_weeks, r.consent_email, r.consent_tracking
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persona_counts_add_up_for_any_n() {
        for n in (0..200u32).chain([4999, 5000, 5001, MAX_ROWS, u32::MAX]) {
            let c = persona_counts(n);
            assert_eq!(c.iter().map(|&x| x as u64).sum::<u64>(), n as u64, "n={n}");
            for (ci, p) in c.iter().zip(personas()) {
                let exact = n as f64 * p.share_permille as f64 / 1000.0;
                assert!((*ci as f64 - exact).abs() < 1.0, "n={n} {}", p.key);
            }
        }
    }

    #[test]
    fn persona_recipes_are_coherent() {
        let header: Vec<&str> = SAMPLE_HEADER.split(',').collect();
        assert_eq!(
            header.len(),
            8 + SAMPLE_CHANNELS.len() + SAMPLE_FORMATS.len() + 4
        );
        for (i, c) in SAMPLE_CHANNELS.iter().enumerate() {
            assert_eq!(header[8 + i], format!("ch_{c}"));
        }
        for (i, f) in SAMPLE_FORMATS.iter().enumerate() {
            assert_eq!(header[8 + SAMPLE_CHANNELS.len() + i], format!("fmt_{f}"));
        }
        for p in personas() {
            for (mix, names, dominant) in [
                (p.channel_mix, SAMPLE_CHANNELS, p.dominant_channel),
                (p.format_mix, SAMPLE_FORMATS, p.dominant_format),
            ] {
                let sum: f64 = mix.iter().map(|m| m.1).sum();
                assert!((sum - 1.0).abs() < 1e-9, "{} mix sums to {sum}", p.key);
                assert!(
                    mix.iter().all(|m| names.contains(&m.0)),
                    "{}: unknown name",
                    p.key
                );
                let top = mix
                    .iter()
                    .fold(mix[0], |a, &b| if b.1 > a.1 { b } else { a });
                assert_eq!(top.0, dominant, "{}", p.key);
            }
            // The dominant channel is available in every country the persona lives in.
            for (country, _) in p.countries {
                assert!(
                    channel_available(p.dominant_channel, country),
                    "{} in {country}",
                    p.key
                );
            }
        }
    }

    #[test]
    fn ids_are_unique_and_seed_dependent() {
        let a = IdMaker::new(1);
        let b = IdMaker::new(2);
        let mut ids: Vec<String> = (0..50_000).map(|i| a.id(i)).collect();
        assert_ne!(a.id(0), b.id(0));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 50_000);
    }
}
