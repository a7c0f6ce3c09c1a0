//! Prints the analysis of each argument as JSON: `cargo run --example understand -- "Muutan Tampereelle"`.
//!
//! With `--report [tune|holdout|fresh|all]`, prints the evaluation table. With
//! `--tune-errors`, prints the tune-split examples whose life event or classes were missed (the
//! loop used to tune the lexicon; the holdout split is not shown). `--fresh-errors` does the
//! same for the fresh split, for reporting what fails: never tune on it.

use aurora_nlu::{load_dev_set, Split, UnderstandOptions, Understander};

fn main() {
    let u = Understander::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--report") {
        let set = load_dev_set();
        for (name, split) in [
            ("tune", Some(Split::Tune)),
            ("holdout", Some(Split::Holdout)),
            ("fresh", Some(Split::Fresh)),
            ("all", None),
        ] {
            if args.get(1).is_some_and(|a| a != name) {
                continue;
            }
            let part: Vec<_> = set
                .iter()
                .filter(|e| split.is_none_or(|s| e.split == s))
                .cloned()
                .collect();
            println!("{name}:\n{}", aurora_nlu::evaluate(&u, &part));
        }
        return;
    }
    let errors_of = args.first().and_then(|a| match a.as_str() {
        "--tune-errors" => Some(Split::Tune),
        "--fresh-errors" => Some(Split::Fresh),
        _ => None,
    });
    if let Some(which) = errors_of {
        let opts = UnderstandOptions {
            min_confidence: 0.0,
            ..UnderstandOptions::default()
        };
        for ex in load_dev_set().iter().filter(|e| e.split == which) {
            let Ok(out) = u.understand(&ex.text, &opts) else {
                continue;
            };
            let le: Vec<&str> = out.life_events.iter().map(|l| l.code.as_str()).collect();
            let cls: Vec<&str> = out
                .service_classes
                .iter()
                .filter(|l| l.implied_by.is_none())
                .map(|l| l.code.as_str())
                .collect();
            let le_ok = ex.life_events.is_empty()
                || le
                    .first()
                    .is_some_and(|c| ex.life_events.iter().any(|g| g == c));
            let cls_ok = cls
                .iter()
                .take(3)
                .any(|c| ex.service_classes.iter().any(|g| g == c));
            let lang_ok = out.language.code == ex.lang;
            if !le_ok || !cls_ok || !lang_ok {
                println!(
                    "{} {:?} lang={}{} le={:?} want {:?} | cls={:?} want {:?}",
                    ex.id,
                    ex.text,
                    out.language.code,
                    if lang_ok { "" } else { "(!)" },
                    le,
                    ex.life_events,
                    cls,
                    ex.service_classes
                );
            }
        }
        return;
    }
    for text in args {
        match u.understand(&text, &UnderstandOptions::default()) {
            Ok(out) => println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default()),
            Err(e) => eprintln!("error: {e}"),
        }
    }
}
