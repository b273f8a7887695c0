//! The sample universe, checked from the outside: the CSV is read back with the `csv` crate
//! (an independent reader), never through the generator's internals.

use std::collections::{BTreeMap, HashSet};

use hcp_segments::sample::{
    generate, generate_csv, personas, SAMPLE_CHANNELS, SAMPLE_FORMATS, SAMPLE_HEADER,
};

const HEADER: &str = "hcp_id,specialty,country,region,practice_setting,access_level,funnel_stage,rx_decile,ch_linkedin,ch_x,ch_youtube,ch_doximity,ch_sermo,ch_doctorsnetuk,ch_esanum,ch_univadis_medscape,ch_mirrors_cme,ch_email,ch_rep,fmt_cme_module,fmt_procedural_tutorial,fmt_moa_video,fmt_webinar,fmt_case_study,fmt_case_quiz,fmt_news,fmt_congress,days_since_last,active_weeks,consent_email,consent_tracking";

/// One parsed data row.
struct Rec {
    id: String,
    country: String,
    funnel: String,
    rx: String,
    ch: Vec<u64>,
    fmt: Vec<u64>,
    days: u64,
    weeks: u64,
    consent_email: String,
    consent_tracking: String,
    all: Vec<String>,
}

fn parse(csv_text: &str) -> (Vec<String>, Vec<Rec>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let ch_cols: Vec<usize> = SAMPLE_CHANNELS
        .iter()
        .map(|c| col(&format!("ch_{c}")))
        .collect();
    let fmt_cols: Vec<usize> = SAMPLE_FORMATS
        .iter()
        .map(|f| col(&format!("fmt_{f}")))
        .collect();
    let int = |s: &str| -> u64 {
        s.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a non-negative integer: {s:?}"))
    };
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), headers.len());
        let get = |i: usize| rec.get(i).unwrap().to_string();
        rows.push(Rec {
            id: get(col("hcp_id")),
            country: get(col("country")),
            funnel: get(col("funnel_stage")),
            rx: get(col("rx_decile")),
            ch: ch_cols.iter().map(|&i| int(&get(i))).collect(),
            fmt: fmt_cols.iter().map(|&i| int(&get(i))).collect(),
            days: int(&get(col("days_since_last"))),
            weeks: int(&get(col("active_weeks"))),
            consent_email: get(col("consent_email")),
            consent_tracking: get(col("consent_tracking")),
            all: rec.iter().map(String::from).collect(),
        });
    }
    (headers, rows)
}

fn ch_index(name: &str) -> usize {
    SAMPLE_CHANNELS.iter().position(|c| *c == name).unwrap()
}

fn fmt_index(name: &str) -> usize {
    SAMPLE_FORMATS.iter().position(|c| *c == name).unwrap()
}

#[test]
fn header_is_exactly_the_documented_one() {
    assert_eq!(SAMPLE_HEADER, HEADER);
    let text = generate_csv(3, 1);
    assert_eq!(text.lines().next().unwrap(), HEADER);
    let (headers, _) = parse(&text);
    assert_eq!(headers.len(), 31);
}

#[test]
fn same_seed_same_csv_different_seed_different_csv() {
    assert_eq!(generate(500, 7), generate(500, 7));
    assert_eq!(generate_csv(500, 7), generate(500, 7).csv);
    assert_ne!(generate_csv(500, 7), generate_csv(500, 8));
    assert_ne!(generate_csv(500, 0), generate_csv(500, u32::MAX));
    // Different seeds also give different ids.
    let (_, a) = parse(&generate_csv(50, 1));
    let (_, b) = parse(&generate_csv(50, 2));
    assert_ne!(a[0].id, b[0].id);
}

/// FNV-1a over the CSV bytes: a fingerprint that must not change across platforms or refactors.
/// If the generator is changed on purpose, update the constants (and say so in the commit):
/// the demo's default universe and every stored expectation change with it.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The same fingerprints were obtained from the crate compiled to wasm32-unknown-unknown (debug
/// and release) and run under Node, so native and wasm produce byte-identical CSV.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn output_is_pinned() {
    for &(n, seed, want) in PINNED {
        let text = generate_csv(n, seed);
        assert_eq!(
            fnv1a(text.as_bytes()),
            want,
            "sample CSV for (n={n}, seed={seed}) changed"
        );
    }
}
const PINNED: &[(u32, u32, u64)] = &[
    (1, 0, 1224748471483491296),
    (300, 42, 3271156469556007357),
    (1000, 2024, 12786534658532253676),
    (5000, 7, 8244664562841420835),
    (20000, u32::MAX, 5834073775739174054),
];

#[test]
fn row_count_and_truth_length() {
    for &n in &[0u32, 1, 2, 5, 6, 7, 99, 1000] {
        let u = generate(n, 3);
        assert_eq!(u.truth.len(), n as usize);
        let (_, rows) = parse(&u.csv);
        assert_eq!(rows.len(), n as usize);
        assert!(u.truth.iter().all(|&t| (t as usize) < personas().len()));
        assert!(u.csv.ends_with('\n'));
    }
    assert_eq!(generate_csv(0, 9), format!("{HEADER}\n"));
}

#[test]
fn ids_are_unique_opaque_tokens() {
    for &seed in &[0u32, 1, 42, u32::MAX] {
        let (_, rows) = parse(&generate_csv(20_000, seed));
        let ids: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "duplicate ids for seed {seed}");
        for r in &rows {
            assert_eq!(r.id.len(), 9);
            assert!(r.id.starts_with('H'));
            assert!(r.id[1..].chars().all(|c| c.is_ascii_hexdigit()), "{}", r.id);
        }
    }
}

#[test]
fn regional_channels_only_where_available() {
    let (_, rows) = parse(&generate_csv(5000, 11));
    let (esanum, doximity, dnuk) = (
        ch_index("esanum"),
        ch_index("doximity"),
        ch_index("doctorsnetuk"),
    );
    let mut seen = [0u64; 3];
    for r in &rows {
        let c = r.country.as_str();
        if !matches!(c, "DE" | "AT" | "CH") {
            assert_eq!(r.ch[esanum], 0, "esanum outside DACH: {}", r.id);
        }
        if c != "US" {
            assert_eq!(r.ch[doximity], 0, "Doximity outside US: {}", r.id);
        }
        if c != "GB" {
            assert_eq!(r.ch[dnuk], 0, "Doctors.net.uk outside GB: {}", r.id);
        }
        seen[0] += r.ch[esanum];
        seen[1] += r.ch[doximity];
        seen[2] += r.ch[dnuk];
    }
    assert!(
        seen.iter().all(|&s| s > 0),
        "each regional channel is used where available: {seen:?}"
    );
}

#[test]
fn persona_shares_match_the_plan() {
    let n = 5000u32;
    let u = generate(n, 5);
    let total: u32 = personas().iter().map(|p| p.share_permille).sum();
    assert_eq!(total, 1000);
    for (i, p) in personas().iter().enumerate() {
        let got = u.truth.iter().filter(|&&t| t as usize == i).count() as f64 / n as f64;
        let want = p.share_permille as f64 / 1000.0;
        assert!(
            (got - want).abs() < 0.005,
            "{}: share {got} vs {want}",
            p.key
        );
    }
    // Not all equal.
    let shares: HashSet<u32> = personas().iter().map(|p| p.share_permille).collect();
    assert!(shares.len() > 2);
    // Small n still adds up.
    for n in 1..40u32 {
        assert_eq!(generate(n, 1).truth.len(), n as usize);
    }
}

#[test]
fn each_persona_is_dominated_by_its_planted_channel_and_format() {
    let u = generate(5000, 21);
    let (_, rows) = parse(&u.csv);
    for (pi, p) in personas().iter().enumerate() {
        let members: Vec<&Rec> = rows
            .iter()
            .zip(&u.truth)
            .filter(|(_, &t)| t as usize == pi)
            .map(|(r, _)| r)
            .collect();
        let mut ch_sum = vec![0u64; SAMPLE_CHANNELS.len()];
        let mut fmt_sum = vec![0u64; SAMPLE_FORMATS.len()];
        let (mut ch_share, mut fmt_share) = (0.0, 0.0);
        for r in &members {
            for (s, c) in ch_sum.iter_mut().zip(&r.ch) {
                *s += c;
            }
            for (s, c) in fmt_sum.iter_mut().zip(&r.fmt) {
                *s += c;
            }
            let ct: u64 = r.ch.iter().sum();
            let ft: u64 = r.fmt.iter().sum();
            assert!(ct > 0 && ft > 0, "no all-zero rows");
            ch_share += r.ch[ch_index(p.dominant_channel)] as f64 / ct as f64;
            fmt_share += r.fmt[fmt_index(p.dominant_format)] as f64 / ft as f64;
        }
        let argmax = |v: &[u64]| v.iter().enumerate().max_by_key(|(_, &x)| x).unwrap().0;
        assert_eq!(
            SAMPLE_CHANNELS[argmax(&ch_sum)],
            p.dominant_channel,
            "{}",
            p.key
        );
        assert_eq!(
            SAMPLE_FORMATS[argmax(&fmt_sum)],
            p.dominant_format,
            "{}",
            p.key
        );
        let m = members.len() as f64;
        let (ch_share, fmt_share) = (ch_share / m, fmt_share / m);
        eprintln!(
            "{:18} mean dominant channel share {ch_share:.3}, format share {fmt_share:.3}",
            p.key
        );
        assert!(ch_share >= 0.5, "{}: channel share {ch_share}", p.key);
        assert!(fmt_share >= 0.4, "{}: format share {fmt_share}", p.key);
    }
    // Dominant channels are all different.
    let dom: HashSet<&str> = personas().iter().map(|p| p.dominant_channel).collect();
    assert_eq!(dom.len(), personas().len());
}

#[test]
fn intensity_differs_and_email_persona_is_low_and_stale() {
    let u = generate(5000, 8);
    let (_, rows) = parse(&u.csv);
    let mut totals: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut days: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (r, &t) in rows.iter().zip(&u.truth) {
        let key = personas()[t as usize].key;
        totals.entry(key).or_default().push(r.ch.iter().sum());
        days.entry(key).or_default().push(r.days);
    }
    let median = |v: &mut Vec<u64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let email_total = median(totals.get_mut("email_low").unwrap());
    let email_days = median(days.get_mut("email_low").unwrap());
    for p in personas().iter().filter(|p| p.key != "email_low") {
        assert!(
            median(totals.get_mut(p.key).unwrap()) > 4 * email_total,
            "{}",
            p.key
        );
        assert!(
            median(days.get_mut(p.key).unwrap()) < email_days,
            "{}",
            p.key
        );
    }
    // Email-only low engagers: email only, many zeros.
    let email = ch_index("email");
    let pi = personas()
        .iter()
        .position(|p| p.key == "email_low")
        .unwrap() as u32;
    let members: Vec<&Rec> = rows
        .iter()
        .zip(&u.truth)
        .filter(|(_, &t)| t == pi)
        .map(|(r, _)| r)
        .collect();
    let email_only = members
        .iter()
        .filter(|r| r.ch.iter().enumerate().all(|(i, &c)| i == email || c == 0))
        .count();
    assert!(
        email_only as f64 > 0.7 * members.len() as f64,
        "{email_only} of {}",
        members.len()
    );
}

#[test]
fn profile_columns_are_well_formed() {
    let (_, rows) = parse(&generate_csv(5000, 13));
    let mut rx_empty = 0;
    let mut consent_false = 0;
    let mut stages: BTreeMap<String, u32> = BTreeMap::new();
    let mut zeros = 0u64;
    for r in &rows {
        assert!(r.days <= 365);
        assert!(r.weeks <= 12);
        // Recency and frequency agree: active in the last 12 weeks ⇔ last engagement < 84 days ago.
        assert_eq!(
            r.weeks > 0,
            r.days < 84,
            "{}: weeks {} days {}",
            r.id,
            r.weeks,
            r.days
        );
        if r.rx.is_empty() {
            rx_empty += 1;
        } else {
            let d: u32 = r.rx.parse().unwrap();
            assert!((1..=10).contains(&d));
        }
        for c in [&r.consent_email, &r.consent_tracking] {
            assert!(c == "true" || c == "false");
            if c == "false" {
                consent_false += 1;
            }
        }
        assert!(["attention", "activation", "retention", "referral"].contains(&r.funnel.as_str()));
        *stages.entry(r.funnel.clone()).or_default() += 1;
        zeros += r.ch.iter().chain(&r.fmt).filter(|&&c| c == 0).count() as u64;
        // Categorical cells never need quoting and no cell is a name.
        for cell in &r.all {
            assert!(!cell.contains(',') && !cell.contains('"'));
        }
    }
    let n = rows.len() as f64;
    let rx_rate = rx_empty as f64 / n;
    assert!((0.06..0.10).contains(&rx_rate), "rx opt-out rate {rx_rate}");
    assert!(consent_false > 0 && (consent_false as f64) < 0.3 * 2.0 * n);
    assert_eq!(stages.len(), 4, "{stages:?}");
    assert!(zeros as f64 > 0.3 * n * 19.0, "zeros are normal");
}

#[test]
fn funnel_stage_follows_intensity() {
    let (_, rows) = parse(&generate_csv(5000, 17));
    let mean_total = |stage: &str| {
        let v: Vec<u64> = rows
            .iter()
            .filter(|r| r.funnel == stage)
            .map(|r| r.ch.iter().sum())
            .collect();
        v.iter().sum::<u64>() as f64 / v.len() as f64
    };
    let (a, b, c, d) = (
        mean_total("attention"),
        mean_total("activation"),
        mean_total("retention"),
        mean_total("referral"),
    );
    assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
}

// ---------------------------------------------------------------------------------------------
// Separability check: a tiny Lloyd k-means on per-row channel shares + format shares.

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// k-means++ seeding, then Lloyd until assignments stop changing. Returns (labels, inertia).
fn lloyd(x: &[Vec<f64>], k: usize, rng: &mut Lcg) -> (Vec<usize>, f64) {
    let n = x.len();
    let mut centers: Vec<Vec<f64>> = vec![x[(rng.next() * n as f64) as usize].clone()];
    while centers.len() < k {
        let d: Vec<f64> = x
            .iter()
            .map(|p| centers.iter().map(|c| dist2(p, c)).fold(f64::MAX, f64::min))
            .collect();
        let total: f64 = d.iter().sum();
        let mut r = rng.next() * total;
        let mut pick = n - 1;
        for (i, di) in d.iter().enumerate() {
            if r < *di {
                pick = i;
                break;
            }
            r -= di;
        }
        centers.push(x[pick].clone());
    }
    let mut labels = vec![usize::MAX; n];
    for _ in 0..100 {
        let mut changed = false;
        for (i, p) in x.iter().enumerate() {
            let best = (0..k)
                .min_by(|&a, &b| dist2(p, &centers[a]).total_cmp(&dist2(p, &centers[b])))
                .unwrap();
            if labels[i] != best {
                labels[i] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let dim = x[0].len();
        let mut sums = vec![vec![0.0; dim]; k];
        let mut counts = vec![0usize; k];
        for (p, &l) in x.iter().zip(&labels) {
            counts[l] += 1;
            for (s, v) in sums[l].iter_mut().zip(p) {
                *s += v;
            }
        }
        for c in 0..k {
            if counts[c] > 0 {
                centers[c] = sums[c].iter().map(|s| s / counts[c] as f64).collect();
            }
        }
    }
    let inertia = x
        .iter()
        .zip(&labels)
        .map(|(p, &l)| dist2(p, &centers[l]))
        .sum();
    (labels, inertia)
}

fn choose2(n: u64) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index (Hubert & Arabie): (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E),
/// with E = Σ C(a_i,2) · Σ C(b_j,2) / C(n,2).
fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let mut table: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut rows: BTreeMap<usize, u64> = BTreeMap::new();
    let mut cols: BTreeMap<usize, u64> = BTreeMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let index: f64 = table.values().map(|&v| choose2(v)).sum();
    let sum_a: f64 = rows.values().map(|&v| choose2(v)).sum();
    let sum_b: f64 = cols.values().map(|&v| choose2(v)).sum();
    let expected = sum_a * sum_b / choose2(a.len() as u64);
    let max = 0.5 * (sum_a + sum_b);
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[test]
fn ari_formula_sanity() {
    assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
    // Known value: sklearn adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714...
    assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]) - 4.0 / 7.0).abs() < 1e-12);
}

#[test]
fn tiny_kmeans_recovers_the_personas() {
    for &seed in &[42u32, 7] {
        let u = generate(3000, seed);
        let (_, rows) = parse(&u.csv);
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                let ct: u64 = r.ch.iter().sum();
                let ft: u64 = r.fmt.iter().sum();
                r.ch.iter()
                    .map(|&c| c as f64 / ct.max(1) as f64)
                    .chain(r.fmt.iter().map(|&c| c as f64 / ft.max(1) as f64))
                    .collect()
            })
            .collect();
        let mut rng = Lcg(seed as u64 + 1);
        let ari = ari_of_best_of_8(&x, &u.truth, &mut rng);
        eprintln!("seed {seed}: ARI of tiny k-means on channel+format shares = {ari:.4}");
        assert!(ari >= 0.9, "seed {seed}: ARI {ari}");
    }
}

/// Closer to the project's pipeline: channel and format shares of the row total (of raw or of
/// log1p counts),
/// intensity log1p(total), recency and frequency, every feature z-scored. Optionally each block
/// (channel mix, format mix, intensity/recency/frequency) gets total weight 1 (features ÷ √dim).
fn pipeline_like(rows: &[Rec], block_weights: bool, log_shares: bool) -> Vec<Vec<f64>> {
    let nch = SAMPLE_CHANNELS.len();
    let nfmt = SAMPLE_FORMATS.len();
    let mut x: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            let tr = |c: u64| {
                if log_shares {
                    (c as f64).ln_1p()
                } else {
                    c as f64
                }
            };
            let lc: Vec<f64> = r.ch.iter().map(|&c| tr(c)).collect();
            let lf: Vec<f64> = r.fmt.iter().map(|&c| tr(c)).collect();
            let sc: f64 = lc.iter().sum::<f64>().max(1e-12);
            let sf: f64 = lf.iter().sum::<f64>().max(1e-12);
            let total: u64 = r.ch.iter().sum();
            lc.iter()
                .map(|v| v / sc)
                .chain(lf.iter().map(|v| v / sf))
                .chain([(total as f64).ln_1p(), r.days as f64, r.weeks as f64])
                .collect()
        })
        .collect();
    let dim = x[0].len();
    for j in 0..dim {
        let n = x.len() as f64;
        let mean = x.iter().map(|r| r[j]).sum::<f64>() / n;
        let sd = (x.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n).sqrt();
        let w = if !block_weights {
            1.0
        } else if j < nch {
            1.0 / (nch as f64).sqrt()
        } else if j < nch + nfmt {
            1.0 / (nfmt as f64).sqrt()
        } else {
            1.0 / 3f64.sqrt()
        };
        for r in x.iter_mut() {
            r[j] = if sd > 0.0 {
                (r[j] - mean) / sd * w
            } else {
                0.0
            };
        }
    }
    x
}

#[test]
fn tiny_kmeans_on_pipeline_like_features_recovers_the_personas() {
    for &(seed, block_weights, log_shares) in &[
        (42u32, false, false),
        (42, true, true),
        (7, false, true),
        (7, true, false),
    ] {
        let u = generate(3000, seed);
        let (_, rows) = parse(&u.csv);
        let x = pipeline_like(&rows, block_weights, log_shares);
        let mut rng = Lcg(seed as u64 + 11);
        let ari = ari_of_best_of_8(&x, &u.truth, &mut rng);
        eprintln!("seed {seed}, block weights {block_weights}, shares of log1p {log_shares}: ARI on z-scored pipeline-like features = {ari:.4}");
        assert!(ari >= 0.9, "seed {seed}: ARI {ari}");
    }
}

/// ARI against the planted personas of the best (lowest-inertia) of 8 tiny k-means runs, k = 6.
fn ari_of_best_of_8(x: &[Vec<f64>], truth: &[u32], rng: &mut Lcg) -> f64 {
    let mut best: Option<(Vec<usize>, f64)> = None;
    for _ in 0..8 {
        let (labels, inertia) = lloyd(x, 6, rng);
        if best.as_ref().is_none_or(|b| inertia < b.1) {
            best = Some((labels, inertia));
        }
    }
    let (labels, _) = best.unwrap();
    let truth: Vec<usize> = truth.iter().map(|&t| t as usize).collect();
    adjusted_rand_index(&labels, &truth)
}
