//! The bundled PTV catalogue (31 PTV v11 services and 165 pilot services), imported with
//! aurora-catalog: real texts, real class codes, real ontology terms.

use aurora_model::Lang;
use aurora_search::Query;

use crate::common::{real, real_id};

#[track_caller]
fn top(q: &str, lang: Option<Lang>, n: usize) -> Vec<String> {
    let mut query = Query::new(q).limit(n);
    query.lang = lang;
    real()
        .index
        .search(&query)
        .hits
        .into_iter()
        .map(|h| h.service_id)
        .collect()
}

/// `Tilapäinen päivähoito` (4b9f3ded…, Mikkeli) is a real Finnish-only service: its class
/// P3.4 (Day care / Småbarnspedagogik) and its YSO term (child day care / barndagvård) are
/// what English and Swedish queries can match.
#[test]
fn swedish_and_english_queries_find_a_finnish_only_service() {
    let id = "4b9f3ded-173b-4018-b43b-d3bbd1ef0ba8";
    let s = real()
        .services
        .iter()
        .find(|s| s.id == id)
        .expect("bundled");
    assert_eq!(s.name.langs(), [Lang::Fi]);
    for (lang, q) in [
        (Lang::En, "day care"),
        (Lang::En, "child day care"),
        (Lang::Sv, "dagvård"),
        (Lang::Sv, "barndagvård"),
    ] {
        let hits = top(q, Some(lang), 5);
        assert!(hits.iter().any(|h| h == id), "{lang} {q}: {hits:?}");
        assert!(top(q, None, 5).iter().any(|h| h == id), "auto {q}");
    }
}

#[test]
fn where_lexical_cross_language_search_stops_on_real_data() {
    // `daghem` (day-care centre) shares no term with the service: only vectors can help.
    let id = "4b9f3ded-173b-4018-b43b-d3bbd1ef0ba8";
    assert!(!top("daghem", Some(Lang::Sv), 20).iter().any(|h| h == id));
}

#[test]
fn real_queries_in_three_languages() {
    let rows = [
        (Lang::Fi, "Vaasan uimahalli", "Uimahalli"),
        (Lang::Sv, "simhall i Vasa", "Uimahalli"),
        (Lang::En, "swimming pool", "Uimahalli"),
        (Lang::Fi, "hissiavustusta taloyhtiölle", "Hissiavustus"),
        (Lang::Sv, "hissbidrag", "Hissiavustus"),
        (Lang::En, "lift subsidies", "Hissiavustus"),
        (Lang::Fi, "nettilukio", "Nettilukio aikuisille"),
        (Lang::Fi, "lumen vastaanotto", "Lumenvastaanotto"),
    ];
    for (lang, q, name) in rows {
        let hits = top(q, Some(lang), 3);
        assert_eq!(hits.first(), Some(&real_id(name)), "{lang} {q}: {hits:?}");
    }
}
