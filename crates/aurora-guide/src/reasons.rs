//! The reason texts in Finnish, Swedish and English.
//!
//! Labels are quoted the way each language quotes (”…” in Finnish and Swedish, “…” in
//! English) and read with the model's fallback (requested language, then fi, sv, en).
//! Confidences are whole percentages.

use aurora_model::{AreaType, Lang, Localized};

use crate::Family;

fn quoted(lang: Lang, label: &Localized) -> String {
    let text = label.get(lang).unwrap_or("?");
    match lang {
        Lang::Fi | Lang::Sv => format!("”{text}”"),
        Lang::En => format!("“{text}”"),
    }
}

fn percent(lang: Lang, confidence: f32) -> String {
    let p = (confidence.clamp(0.0, 1.0) * 100.0).round() as u32;
    match lang {
        Lang::Fi => format!("varmuus {p} %"),
        Lang::Sv => format!("säkerhet {p} %"),
        Lang::En => format!("confidence {p}%"),
    }
}

/// A matched class or life event. `child` is the recognised sub-label a parent-only match
/// stands for (`None` for an exact match).
pub(crate) fn matched(
    family: Family,
    lang: Lang,
    label: &Localized,
    child: Option<&Localized>,
    confidence: f32,
) -> String {
    let l = quoted(lang, label);
    let p = percent(lang, confidence);
    match (family, child.map(|c| quoted(lang, c)), lang) {
        (Family::ServiceClass, None, Lang::Fi) => format!("Tunnistettu palveluluokka {l} ({p})"),
        (Family::ServiceClass, None, Lang::Sv) => format!("Igenkänd serviceklass {l} ({p})"),
        (Family::ServiceClass, None, Lang::En) => format!("Recognised service class {l} ({p})"),
        (Family::ServiceClass, Some(c), Lang::Fi) => {
            format!("Samassa pääluokassa {l} kuin tunnistettu palveluluokka {c} ({p})")
        }
        (Family::ServiceClass, Some(c), Lang::Sv) => {
            format!("I samma huvudklass {l} som den igenkända serviceklassen {c} ({p})")
        }
        (Family::ServiceClass, Some(c), Lang::En) => {
            format!("In the same main class, {l}, as the recognised service class {c} ({p})")
        }
        (Family::LifeEvent, None, Lang::Fi) => format!("Tunnistettu elämäntapahtuma {l} ({p})"),
        (Family::LifeEvent, None, Lang::Sv) => format!("Igenkänd livshändelse {l} ({p})"),
        (Family::LifeEvent, None, Lang::En) => format!("Recognised life event {l} ({p})"),
        (Family::LifeEvent, Some(c), Lang::Fi) => {
            format!("Samaa elämäntapahtumaa {l} kuin tunnistettu {c} ({p})")
        }
        (Family::LifeEvent, Some(c), Lang::Sv) => {
            format!("Samma livshändelse {l} som den igenkända {c} ({p})")
        }
        (Family::LifeEvent, Some(c), Lang::En) => {
            format!("Part of the same life event, {l}, as the recognised {c} ({p})")
        }
    }
}

/// A matched target group, recognised in the text or derived from the age.
pub(crate) fn target_group(
    lang: Lang,
    label: &Localized,
    confidence: f32,
    age: Option<u8>,
) -> String {
    let l = quoted(lang, label);
    match (age, lang) {
        (None, Lang::Fi) => format!("Kohderyhmä {l} ({})", percent(lang, confidence)),
        (None, Lang::Sv) => format!("Målgrupp {l} ({})", percent(lang, confidence)),
        (None, Lang::En) => format!("Target group {l} ({})", percent(lang, confidence)),
        (Some(a), Lang::Fi) => format!("Kohderyhmä {l} ikäsi ({a} v) perusteella"),
        (Some(a), Lang::Sv) => format!("Målgrupp {l} utifrån din ålder ({a} år)"),
        (Some(a), Lang::En) => format!("Target group {l} from your age ({a})"),
    }
}

/// A national service.
pub(crate) fn nationwide(lang: Lang, area: AreaType) -> String {
    let except_aland = area == AreaType::NationwideExceptAlandIslands;
    match (lang, except_aland) {
        (Lang::Fi, false) => "Saatavilla koko Suomessa".into(),
        (Lang::Fi, true) => "Saatavilla koko Suomessa Ahvenanmaata lukuun ottamatta".into(),
        (Lang::Sv, false) => "Tillgänglig i hela Finland".into(),
        (Lang::Sv, true) => "Tillgänglig i hela Finland utom på Åland".into(),
        (Lang::En, false) => "Available nationwide".into(),
        (Lang::En, true) => "Available nationwide except in the Åland Islands".into(),
    }
}

/// A local service of the person's municipality.
pub(crate) fn available_in(lang: Lang, municipality: &str) -> String {
    match lang {
        Lang::Fi => format!("Saatavilla kunnassa {municipality}"),
        Lang::Sv => format!("Tillgänglig i {municipality}"),
        Lang::En => format!("Available in {municipality}"),
    }
}

/// A local service when the person's municipality is not known: where it is available.
pub(crate) fn only_in(lang: Lang, municipalities: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut list = municipalities
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = municipalities.len().saturating_sub(SHOWN);
    if more > 0 {
        list.push_str(&match lang {
            Lang::Fi => format!(" ja {more} muuta"),
            Lang::Sv => format!(" och {more} till"),
            Lang::En => format!(" and {more} more"),
        });
    }
    match (lang, municipalities.is_empty()) {
        (Lang::Fi, false) => format!("Saatavilla vain kunnissa: {list}"),
        (Lang::Sv, false) => format!("Tillgänglig endast i: {list}"),
        (Lang::En, false) => format!("Available only in: {list}"),
        (Lang::Fi, true) => "Saatavilla vain tietyillä alueilla".into(),
        (Lang::Sv, true) => "Tillgänglig endast i vissa områden".into(),
        (Lang::En, true) => "Available only in some areas".into(),
    }
}

/// Query words that matched the service.
pub(crate) fn words(lang: Lang, words: &[String]) -> String {
    let list = words.join(", ");
    match lang {
        Lang::Fi => format!("Vastaa sanojasi: {list}"),
        Lang::Sv => format!("Motsvarar dina ord: {list}"),
        Lang::En => format!("Matches your words: {list}"),
    }
}

/// A match by meaning only (no shared words).
pub(crate) fn meaning(lang: Lang, cosine: f32) -> String {
    let c = format!("{cosine:.2}");
    match lang {
        Lang::Fi => format!("Merkitykseltään lähellä kirjoittamaasi (samankaltaisuus {c})"),
        Lang::Sv => format!("Liknar det du skrev till betydelsen (likhet {c})"),
        Lang::En => format!("Close in meaning to what you wrote (similarity {c})"),
    }
}

/// A 3X10D need the service helps with, and the person's own rating.
pub(crate) fn need(lang: Lang, dimension: &Localized, rating: f32) -> String {
    let d = quoted(lang, dimension);
    let r = if rating.fract() == 0.0 {
        format!("{rating:.0}")
    } else {
        format!("{rating:.1}")
    };
    match lang {
        Lang::Fi => format!("Auttaa osa-alueella {d}, jonka arvioit {r}/10"),
        Lang::Sv => format!("Hjälper med {d}, som du gav {r}/10"),
        Lang::En => format!("Helps with {d}, which you rated {r}/10"),
    }
}

/// What outcome learning did.
pub(crate) fn learned(lang: Lang, factor: f32) -> String {
    match (lang, factor >= 1.0) {
        (Lang::Fi, true) => {
            "Samankaltaisessa tilanteessa olleet ovat kokeneet tämän hyödylliseksi".into()
        }
        (Lang::Fi, false) => {
            "Samankaltaisessa tilanteessa olleet ovat kokeneet tämän vähemmän hyödylliseksi".into()
        }
        (Lang::Sv, true) => "Personer i en liknande situation har haft nytta av detta".into(),
        (Lang::Sv, false) => {
            "Personer i en liknande situation har haft mindre nytta av detta".into()
        }
        (Lang::En, true) => "People in a similar situation found this useful".into(),
        (Lang::En, false) => "People in a similar situation found this less useful".into(),
    }
}

/// An explored result.
pub(crate) fn explored(lang: Lang) -> String {
    match lang {
        Lang::Fi => "Näytetään kokeeksi, jotta suosituksia voidaan parantaa".into(),
        Lang::Sv => "Visas på prov för att förbättra rekommendationerna".into(),
        Lang::En => "Shown on trial to improve recommendations".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_in_each_language() {
        let label = Localized::new("Asuminen", "Boende", "Housing");
        let child = Localized::new("Asumisen tuet", "Stöd för boende", "Housing benefits");
        assert_eq!(
            matched(Family::ServiceClass, Lang::Fi, &child, None, 0.704),
            "Tunnistettu palveluluokka ”Asumisen tuet” (varmuus 70 %)"
        );
        assert_eq!(
            matched(Family::ServiceClass, Lang::Sv, &label, Some(&child), 0.5),
            "I samma huvudklass ”Boende” som den igenkända serviceklassen ”Stöd för boende” (säkerhet 50 %)"
        );
        assert_eq!(
            matched(Family::LifeEvent, Lang::En, &label, None, 0.97),
            "Recognised life event “Housing” (confidence 97%)"
        );
        // Fallback: a Finnish-only label in an English reason.
        let fi_only = Localized::one(Lang::Fi, "Nuoret");
        assert_eq!(
            target_group(Lang::En, &fi_only, 0.8, Some(19)),
            "Target group “Nuoret” from your age (19)"
        );
        assert_eq!(
            only_in(
                Lang::Fi,
                &["Naantali".into(), "Vaasa".into(), "A".into(), "B".into()]
            ),
            "Saatavilla vain kunnissa: Naantali, Vaasa, A ja 1 muuta"
        );
        assert_eq!(
            nationwide(Lang::Sv, AreaType::NationwideExceptAlandIslands),
            "Tillgänglig i hela Finland utom på Åland"
        );
    }
}
