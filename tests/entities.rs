//! Entities: who `Mr Alimov` is, what `RUSI` stands for, where `ALMATY` is,
//! and the rules that keep names consistent.

use std::path::PathBuf;

use bulletin_core::analysis::{analyze, check_files, FileAnalysis, SourceFile};
use bulletin_core::config::Config;
use bulletin_core::entities::{resolve, Mention, Source, Target};
use bulletin_core::rules::Rule;

fn mention_at<'a>(analysis: &'a FileAnalysis, text: &str, needle: &str, nth: usize) -> &'a Mention {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .map(|(at, _)| at)
        .unwrap_or_else(|| panic!("no {needle}"));
    analysis
        .entities
        .iter()
        .find_map(|article| article.mention_at(offset))
        .unwrap_or_else(|| panic!("no mention at {needle:?}"))
}

fn canonical(config: &Config, mention: &Mention) -> String {
    resolve(&mention.target, &config.gazetteer)
        .map(|resolved| resolved.canonical)
        .unwrap_or_default()
}

const TWO_LIS: &str = "Chinese leaders court Central Asia

BEIJING, MAY 10 2019 (The Conway Bulletin) — Chinese PM Li Keqiang and Vice-President Li Yuanchao met Kazakh officials. Mr Li said trade would grow.

(News report from Issue No. 413, published on May 10 2019)

Beijing’s envoy tours the region

ASTANA, MAY 3 2019 (The Conway Bulletin) — Vice-President Li Yuanchao arrived in Astana. Mr Li praised the Eurasian Economic Union (EAEU) and the EAEU’s customs rules. The CSTO was not discussed.

(News report from Issue No. 412, published on May 3 2019)
";

#[test]
fn a_surname_that_could_mean_two_people_is_ambiguous_and_one_introduction_resolves_it() {
    let config = Config::default();
    let (_, analysis) = analyze(TWO_LIS, &config);
    let first = mention_at(&analysis, TWO_LIS, "Mr Li", 0);
    match &first.target {
        Target::Ambiguous {
            surname,
            candidates,
        } => {
            assert_eq!(surname, "Li");
            assert_eq!(
                candidates,
                &["Li Keqiang".to_string(), "Li Yuanchao".to_string()]
            );
        }
        other => panic!("expected an ambiguous Li, got {other:?}"),
    }
    let second = mention_at(&analysis, TWO_LIS, "Mr Li", 1);
    assert_eq!(
        canonical(&config, second),
        "Li Yuanchao",
        "the article's own introduction wins over the gazetteer"
    );
}

#[test]
fn an_acronym_used_before_its_definition_or_never_defined_is_hinted_once() {
    let config = Config::default();
    let text = "Gas talks in Ashgabat

ASHGABAT, MAY 3 2019 (The Conway Bulletin) — The CPC said exports rose. The Caspian Pipeline Consortium (CPC) ships Kazakh oil. The CPC and NATO were not involved, nor was the EAEU.

(News report from Issue No. 412, published on May 3 2019)
";
    let (_, analysis) = analyze(text, &config);
    let hints: Vec<(&str, &str)> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::AcronymUndefined)
        .map(|d| (d.range.slice(text), d.message.as_ref()))
        .collect();
    assert_eq!(hints.len(), 2, "{hints:?}");
    assert_eq!(hints[0].0, "CPC");
    assert!(
        hints[0].1.contains("before this article defines it"),
        "{}",
        hints[0].1
    );
    assert_eq!(hints[1].0, "EAEU");
    assert!(
        hints[1].1.contains("Eurasian Economic Union (EAEU)"),
        "{}",
        hints[1].1
    );
    // Defined in the text and not in the gazetteer: the expansion comes from the article.
    let later = mention_at(&analysis, text, "CPC", 2);
    assert_eq!(canonical(&config, later), "Caspian Pipeline Consortium");
}

#[test]
fn honorifics_with_no_introduction_are_hinted() {
    let config = Config::default();
    let text = "Bread prices rise

TASHKENT, MAY 3 2019 (The Conway Bulletin) — Uzbekistan raised bread prices. Mr Tursunov said the rise was needed, and Mr Karimov’s old policies were blamed.

(News report from Issue No. 412, published on May 3 2019)
";
    let (_, analysis) = analyze(text, &config);
    let hinted: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::HonorificUnresolved)
        .map(|d| d.range.slice(text))
        .collect();
    // Karimov is in the gazetteer (Islam Karimov); Tursunov is nobody yet.
    assert_eq!(hinted, ["Mr Tursunov"]);
}

#[test]
fn word_boundaries_keep_short_names_inside_longer_words_apart() {
    let config = Config::default();
    let text = "Trade news

ALMATY, MAY 3 2019 (The Conway Bulletin) — Libya and the EU traded; prices in EUR rose, and Osh beat Oshkosh. The UNDP met the UN.

(News report from Issue No. 412, published on May 3 2019)
";
    let (_, analysis) = analyze(text, &config);
    let written: Vec<&str> = analysis.entities[0]
        .mentions
        .iter()
        .map(|mention| mention.range.slice(text))
        .filter(|written| {
            ["Li", "EU", "Osh", "UN", "EUR", "UNDP"]
                .iter()
                .any(|w| written.starts_with(w))
        })
        .collect();
    assert_eq!(written, ["EU", "EUR", "Osh", "UNDP", "UN"]);
    let eur = mention_at(&analysis, text, "EUR", 0);
    assert_eq!(eur.target, Target::Unresolved, "EUR is not the EU");
}

#[test]
fn a_workspace_gazetteer_overrides_the_built_in_one_and_reports_bad_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bulletin.toml"), "cadence-days = 7\n").unwrap();
    std::fs::write(
        dir.path().join("entities.toml"),
        "[[entity]]\nname = \"Almaty\"\nkind = \"place\"\naliases = [\"ALMATY\"]\ndescription = \"Southern capital of the archive's own style guide\"\n\n[[entity]]\nname = \"Steppe Gas\"\nkind = \"company\"\n",
    )
    .unwrap();
    let config = Config::load_for(dir.path()).unwrap();
    assert_eq!(config.entity_problems.len(), 1);
    assert!(config.entity_problems[0].1.message.contains("company"));
    let text = "Markets\n\nALMATY, MAY 3 2019 (The Conway Bulletin) — Shares rose.\n\n(News report from Issue No. 412, published on May 3 2019)\n";
    let (_, analysis) = analyze(text, &config);
    let almaty = mention_at(&analysis, text, "ALMATY", 0);
    let resolved = resolve(&almaty.target, &config.gazetteer).unwrap();
    assert_eq!(
        resolved.description.as_deref(),
        Some("Southern capital of the archive's own style guide")
    );
    assert!(matches!(
        resolved.source,
        Source::Gazetteer(bulletin_core::entities::Origin::File { .. })
    ));
}

#[test]
fn one_acronym_expanded_two_ways_across_files_is_flagged_with_a_fix() {
    let config = Config::default();
    let a = "Summit\n\nBISHKEK, MAY 3 2019 (The Conway Bulletin) — The Shanghai Cooperation Organisation (SCO) met.\n\n(News report from Issue No. 412, published on May 3 2019)\n";
    let b = "Summit ends\n\nBISHKEK, MAY 4 2019 (The Conway Bulletin) — The Shanghai Cooperation Organization (SCO) ended its meeting.\n\n(News report from Issue No. 412, published on May 3 2019)\n";
    let c = "Summit note\n\nBISHKEK, MAY 2 2019 (The Conway Bulletin) — The Shanghai Cooperation Organisation (SCO) gathered.\n\n(News report from Issue No. 412, published on May 3 2019)\n";
    let files: Vec<SourceFile<'_>> = [("a", a), ("b", b), ("c", c)]
        .into_iter()
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            path: None,
            text,
            config: &config,
        })
        .collect();
    let checked = check_files(&files);
    assert!(checked[0].diagnostics.is_empty());
    assert!(checked[2].diagnostics.is_empty());
    let spelling: Vec<_> = checked[1]
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::EntitySpelling)
        .collect();
    assert_eq!(spelling.len(), 1);
    assert_eq!(
        spelling[0].range.slice(b),
        "Shanghai Cooperation Organization"
    );
    let (fixed, _) = bulletin_core::fix::apply_fixes(b, &checked[1].diagnostics, false);
    assert!(fixed.contains("The Shanghai Cooperation Organisation (SCO) ended"));
}

#[test]
fn on_the_real_page_hover_facts_name_the_right_entities() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sco-tag-archive.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} is not here; nothing to check", path.display());
        return;
    };
    let config = Config::default();
    let (_, analysis) = analyze(&text, &config);
    assert_eq!(
        canonical(&config, mention_at(&analysis, &text, "Mr Alimov", 0)),
        "Rashid Alimov"
    );
    assert_eq!(
        canonical(&config, mention_at(&analysis, &text, "Mr Li", 0)),
        "Li Keqiang"
    );
    assert_eq!(
        canonical(&config, mention_at(&analysis, &text, "RUSI", 0)),
        "Royal United Service Institute"
    );
    let sco = resolve(
        &mention_at(&analysis, &text, "SCO", 5).target,
        &config.gazetteer,
    )
    .unwrap();
    assert_eq!(sco.canonical, "Shanghai Cooperation Organisation");
    assert!(sco
        .aliases
        .contains(&"Shanghai Cooperation Organization".to_string()));
    let almaty = resolve(
        &mention_at(&analysis, &text, "ALMATY", 0).target,
        &config.gazetteer,
    )
    .unwrap();
    assert_eq!(
        (almaty.canonical.as_str(), almaty.country.as_deref()),
        ("Almaty", Some("Kazakhstan"))
    );
    // Every mention of the SCO under any of its names.
    let sco_mentions = analysis
        .entities
        .iter()
        .flat_map(|article| &article.mentions)
        .filter(|mention| canonical(&config, mention) == "Shanghai Cooperation Organisation")
        .count();
    // The archive header (`Tag Archives: …`) belongs to no article.
    let body = &text[text.find('\n').unwrap()..];
    let written = body.matches("SCO").count() + body.matches("Shanghai Cooperation Organi").count();
    assert_eq!(sco_mentions, written);
    let files = [SourceFile {
        name: "page".to_string(),
        path: None,
        text: &text,
        config: &config,
    }];
    let spelling: Vec<_> = check_files(&files)[0]
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::EntitySpelling)
        .map(|d| d.range.slice(&text).to_string())
        .collect();
    assert_eq!(spelling, ["Shanghai Cooperation Organization"]);
}
