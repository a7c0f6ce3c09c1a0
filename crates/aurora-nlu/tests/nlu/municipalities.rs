//! Municipality mentions.
//!
//! The generated test inflects every one of the 309 names of the code list with a generator
//! written independently of the recogniser: the recogniser *analyses* (strips endings, maps
//! stems it derived by rule), while this file *generates* forwards, from a hand-written table
//! of the inessive/adessive and illative/allative forms of every name whose stem changes
//! (gradation, e-stems, -nen, -s, ...), checked against Finnish usage, and plain
//! concatenation for the rest. A form the generator gets wrong would make the test fail, not
//! pass, so the two cannot hide each other's mistakes.

use aurora_model::{CodeLists, Lang};
use aurora_nlu::MunicipalityRole;

use crate::common::understand;

/// (name, locative, directional): the form for "in X" and "to X" that Finns use.
const IRREGULAR: &[(&str, &str, &str)] = &[
    ("Alajärvi", "Alajärvellä", "Alajärvelle"),
    ("Alavus", "Alavudella", "Alavudelle"),
    ("Enonkoski", "Enonkoskella", "Enonkoskelle"),
    ("Eurajoki", "Eurajoella", "Eurajoelle"),
    ("Evijärvi", "Evijärvellä", "Evijärvelle"),
    ("Haapajärvi", "Haapajärvellä", "Haapajärvelle"),
    ("Haapavesi", "Haapavedellä", "Haapavedelle"),
    ("Hailuoto", "Hailuodossa", "Hailuotoon"),
    ("Hankasalmi", "Hankasalmella", "Hankasalmelle"),
    ("Hanko", "Hangossa", "Hankoon"),
    ("Harjavalta", "Harjavallassa", "Harjavaltaan"),
    ("Hausjärvi", "Hausjärvellä", "Hausjärvelle"),
    ("Heinävesi", "Heinävedellä", "Heinävedelle"),
    ("Helsinki", "Helsingissä", "Helsinkiin"),
    ("Hirvensalmi", "Hirvensalmella", "Hirvensalmelle"),
    ("Huittinen", "Huittisissa", "Huittisiin"),
    ("Hyrynsalmi", "Hyrynsalmella", "Hyrynsalmelle"),
    ("Ii", "Iissä", "Iihin"),
    ("Iisalmi", "Iisalmessa", "Iisalmeen"),
    ("Iitti", "Iitissä", "Iittiin"),
    ("Ikaalinen", "Ikaalisissa", "Ikaalisiin"),
    ("Ilmajoki", "Ilmajoella", "Ilmajoelle"),
    ("Isojoki", "Isojoella", "Isojoelle"),
    ("Isokyrö", "Isossakyrössä", "Isoonkyröön"),
    ("Jokioinen", "Jokioisissa", "Jokioisiin"),
    ("Joroinen", "Joroisissa", "Joroisiin"),
    ("Juuka", "Juuassa", "Juukaan"),
    ("Juupajoki", "Juupajoella", "Juupajoelle"),
    ("Jämijärvi", "Jämijärvellä", "Jämijärvelle"),
    ("Kalajoki", "Kalajoella", "Kalajoelle"),
    ("Kangasniemi", "Kangasniemellä", "Kangasniemelle"),
    ("Kannonkoski", "Kannonkoskella", "Kannonkoskelle"),
    ("Kannus", "Kannuksessa", "Kannukseen"),
    ("Karijoki", "Karijoella", "Karijoelle"),
    ("Kaskinen", "Kaskisissa", "Kaskisiin"),
    ("Kauhajoki", "Kauhajoella", "Kauhajoelle"),
    ("Kauniainen", "Kauniaisissa", "Kauniaisiin"),
    ("Kaustinen", "Kaustisella", "Kaustiselle"),
    ("Keitele", "Keiteleellä", "Keiteleelle"),
    ("Kempele", "Kempeleessä", "Kempeleeseen"),
    ("Kirkkonummi", "Kirkkonummella", "Kirkkonummelle"),
    ("Kitee", "Kiteellä", "Kiteelle"),
    ("Kiuruvesi", "Kiuruvedellä", "Kiuruvedelle"),
    ("Kivijärvi", "Kivijärvellä", "Kivijärvelle"),
    ("Kokemäki", "Kokemäellä", "Kokemäelle"),
    ("Konnevesi", "Konnevedellä", "Konnevedelle"),
    ("Kontiolahti", "Kontiolahdella", "Kontiolahdelle"),
    ("Koski Tl", "Koskella", "Koskelle"),
    (
        "Kristiinankaupunki",
        "Kristiinankaupungissa",
        "Kristiinankaupunkiin",
    ),
    ("Kuhmoinen", "Kuhmoisissa", "Kuhmoisiin"),
    ("Kuortane", "Kuortaneella", "Kuortaneelle"),
    ("Kurikka", "Kurikassa", "Kurikkaan"),
    ("Kyyjärvi", "Kyyjärvellä", "Kyyjärvelle"),
    ("Kärsämäki", "Kärsämäellä", "Kärsämäelle"),
    ("Kemijärvi", "Kemijärvellä", "Kemijärvelle"),
    ("Kemiönsaari", "Kemiönsaarella", "Kemiönsaarelle"),
    ("Lahti", "Lahdessa", "Lahteen"),
    ("Lapinlahti", "Lapinlahdella", "Lapinlahdelle"),
    ("Lappajärvi", "Lappajärvellä", "Lappajärvelle"),
    ("Lappeenranta", "Lappeenrannassa", "Lappeenrantaan"),
    ("Lapinjärvi", "Lapinjärvellä", "Lapinjärvelle"),
    ("Leppävirta", "Leppävirralla", "Leppävirralle"),
    ("Lestijärvi", "Lestijärvellä", "Lestijärvelle"),
    ("Lieto", "Liedossa", "Lietoon"),
    ("Liminka", "Limingassa", "Liminkaan"),
    ("Loppi", "Lopella", "Lopelle"),
    ("Luhanka", "Luhangassa", "Luhankaan"),
    ("Lumijoki", "Lumijoella", "Lumijoelle"),
    ("Luoto", "Luodossa", "Luotoon"),
    ("Luumäki", "Luumäellä", "Luumäelle"),
    ("Maalahti", "Maalahdessa", "Maalahteen"),
    ("Merijärvi", "Merijärvellä", "Merijärvelle"),
    ("Muhos", "Muhoksella", "Muhokselle"),
    ("Mustasaari", "Mustasaaressa", "Mustasaareen"),
    ("Muurame", "Muuramessa", "Muurameen"),
    ("Mynämäki", "Mynämäellä", "Mynämäelle"),
    ("Nousiainen", "Nousiaisissa", "Nousiaisiin"),
    ("Nurmes", "Nurmeksessa", "Nurmekseen"),
    ("Nurmijärvi", "Nurmijärvellä", "Nurmijärvelle"),
    ("Orivesi", "Orivedellä", "Orivedelle"),
    ("Oulainen", "Oulaisissa", "Oulaisiin"),
    ("Outokumpu", "Outokummussa", "Outokumpuun"),
    ("Padasjoki", "Padasjoella", "Padasjoelle"),
    ("Parainen", "Paraisilla", "Paraisille"),
    ("Pedersören kunta", "Pedersöressä", "Pedersöreen"),
    ("Pelkosenniemi", "Pelkosenniemellä", "Pelkosenniemelle"),
    ("Petäjävesi", "Petäjävedellä", "Petäjävedelle"),
    ("Pieksämäki", "Pieksämäellä", "Pieksämäelle"),
    ("Pielavesi", "Pielavedellä", "Pielavedelle"),
    ("Pietarsaari", "Pietarsaaressa", "Pietarsaareen"),
    ("Pihtipudas", "Pihtiputaalla", "Pihtiputaalle"),
    ("Polvijärvi", "Polvijärvellä", "Polvijärvelle"),
    ("Pomarkku", "Pomarkussa", "Pomarkkuun"),
    ("Pornainen", "Pornaisissa", "Pornaisiin"),
    ("Pudasjärvi", "Pudasjärvellä", "Pudasjärvelle"),
    ("Punkalaidun", "Punkalaitumella", "Punkalaitumelle"),
    ("Puolanka", "Puolangalla", "Puolangalle"),
    ("Pyhäjoki", "Pyhäjoella", "Pyhäjoelle"),
    ("Pyhäjärvi", "Pyhäjärvellä", "Pyhäjärvelle"),
    ("Pyhäntä", "Pyhännällä", "Pyhännälle"),
    ("Pyhäranta", "Pyhärannassa", "Pyhärantaan"),
    ("Pälkäne", "Pälkäneellä", "Pälkäneelle"),
    ("Raahe", "Raahessa", "Raaheen"),
    ("Rantasalmi", "Rantasalmella", "Rantasalmelle"),
    ("Rautalampi", "Rautalammella", "Rautalammelle"),
    ("Rautjärvi", "Rautjärvellä", "Rautjärvelle"),
    ("Reisjärvi", "Reisjärvellä", "Reisjärvelle"),
    ("Riihimäki", "Riihimäellä", "Riihimäelle"),
    ("Ristijärvi", "Ristijärvellä", "Ristijärvelle"),
    ("Rovaniemi", "Rovaniemellä", "Rovaniemelle"),
    ("Ruokolahti", "Ruokolahdella", "Ruokolahdelle"),
    ("Ruovesi", "Ruovedellä", "Ruovedelle"),
    ("Saarijärvi", "Saarijärvellä", "Saarijärvelle"),
    ("Savitaipale", "Savitaipaleella", "Savitaipaleelle"),
    ("Savukoski", "Savukoskella", "Savukoskelle"),
    ("Seinäjoki", "Seinäjoella", "Seinäjoelle"),
    ("Siikainen", "Siikaisissa", "Siikaisiin"),
    ("Siikajoki", "Siikajoella", "Siikajoelle"),
    ("Siilinjärvi", "Siilinjärvellä", "Siilinjärvelle"),
    ("Sonkajärvi", "Sonkajärvellä", "Sonkajärvelle"),
    ("Suomussalmi", "Suomussalmella", "Suomussalmelle"),
    ("Suonenjoki", "Suonenjoella", "Suonenjoelle"),
    ("Taipalsaari", "Taipalsaarella", "Taipalsaarelle"),
    ("Taivalkoski", "Taivalkoskella", "Taivalkoskelle"),
    ("Tampere", "Tampereella", "Tampereelle"),
    ("Tohmajärvi", "Tohmajärvellä", "Tohmajärvelle"),
    ("Toholampi", "Toholammella", "Toholammelle"),
    ("Toivakka", "Toivakassa", "Toivakkaan"),
    ("Turku", "Turussa", "Turkuun"),
    ("Tuusniemi", "Tuusniemellä", "Tuusniemelle"),
    ("Utajärvi", "Utajärvellä", "Utajärvelle"),
    ("Utsjoki", "Utsjoella", "Utsjoelle"),
    ("Uurainen", "Uuraisissa", "Uuraisiin"),
    ("Uusikaarlepyy", "Uudessakaarlepyyssä", "Uuteenkaarlepyyhyn"),
    ("Uusikaupunki", "Uudessakaupungissa", "Uuteenkaupunkiin"),
    ("Valkeakoski", "Valkeakoskella", "Valkeakoskelle"),
    ("Varkaus", "Varkaudessa", "Varkauteen"),
    ("Vesanto", "Vesannolla", "Vesannolle"),
    ("Vesilahti", "Vesilahdella", "Vesilahdelle"),
    ("Vihti", "Vihdissä", "Vihtiin"),
    ("Viitasaari", "Viitasaarella", "Viitasaarelle"),
    ("Virolahti", "Virolahdella", "Virolahdelle"),
    ("Virrat", "Virroilla", "Virroille"),
    ("Ylöjärvi", "Ylöjärvellä", "Ylöjärvelle"),
    ("Äänekoski", "Äänekoskella", "Äänekoskelle"),
];

fn front(word: &str) -> bool {
    // Vowel harmony by the last harmonic vowel; e and i alone count as front.
    word.chars()
        .rev()
        .find(|c| "aouäöyAOUÄÖY".contains(*c))
        .is_none_or(|c| "äöyÄÖY".contains(c))
}

/// Concatenative forms for a name whose stem does not change: inessive, elative, adessive,
/// allative and illative.
fn regular_forms(name: &str) -> Vec<String> {
    let (a,) = (if front(name) { "ä" } else { "a" },);
    let last = name.chars().last().unwrap_or('a');
    let vowel = "aeiouyäö".contains(last);
    let stem = if vowel {
        name.to_string()
    } else {
        format!("{name}i")
    };
    let mut forms = vec![
        format!("{stem}ss{a}"),
        format!("{stem}st{a}"),
        format!("{stem}ll{a}"),
        format!("{stem}lle"),
    ];
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    let long_end = n >= 2 && chars[n - 1] == chars[n - 2] && "aeiouyäö".contains(chars[n - 1]);
    let one_syllable_end = ["maa", "pää", "suu", "pyy"]
        .iter()
        .any(|s| stem.ends_with(s));
    let illative = if long_end && one_syllable_end {
        format!("{stem}h{}n", chars[n - 1])
    } else if long_end {
        format!("{stem}seen")
    } else {
        format!("{stem}{}n", chars[n - 1])
    };
    forms.push(illative);
    forms
}

#[test]
fn all_309_municipalities_in_finnish_forms_and_swedish_names() {
    let lists = CodeLists::get();
    assert_eq!(lists.municipalities().len(), 309);
    let mut failures = Vec::new();
    let mut checked = 0;
    for m in lists.municipalities() {
        let fi = m.name.exact(Lang::Fi).unwrap();
        // "Maarianhamina - Mariehamn": Finns inflect the Finnish half.
        let fi = fi.split(" - ").next().unwrap();
        let forms: Vec<String> = match IRREGULAR.iter().find(|(n, ..)| *n == fi) {
            Some((_, loc, dir)) => vec![loc.to_string(), dir.to_string()],
            None => regular_forms(fi),
        };
        let mut texts: Vec<(String, Option<MunicipalityRole>)> = forms
            .into_iter()
            .map(|f| (format!("Palveluita {f} kiitos"), None))
            .collect();
        if let Some(sv) = m.name.exact(Lang::Sv) {
            texts.push((
                format!("Jag bor i {sv} nu"),
                Some(MunicipalityRole::Location),
            ));
            texts.push((
                format!("Vi flyttar till {sv}"),
                Some(MunicipalityRole::Destination),
            ));
        }
        if let Some(en) = m.name.exact(Lang::En) {
            texts.push((format!("We come from {en}"), Some(MunicipalityRole::Origin)));
        }
        for (text, role) in texts {
            checked += 1;
            let out = understand(&text);
            match out
                .entities
                .municipalities
                .iter()
                .find(|x| x.code == m.code)
            {
                Some(found) => {
                    if let Some(role) = role {
                        if found.role != role {
                            failures
                                .push(format!("{text:?}: role {:?}, want {role:?}", found.role));
                        }
                    }
                }
                None => failures.push(format!(
                    "{text:?}: want {} {fi}, found {:?}",
                    m.code,
                    out.entities
                        .municipalities
                        .iter()
                        .map(|x| (&x.code, &x.text))
                        .collect::<Vec<_>>()
                )),
            }
        }
    }
    assert!(checked > 309 * 4, "{checked}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn forms_people_write() {
    let table: [(&str, &str, &str, MunicipalityRole); 22] = [
        (
            "Muutan Tampereelle",
            "837",
            "Tampereelle",
            MunicipalityRole::Destination,
        ),
        ("Asun Turussa", "853", "Turussa", MunicipalityRole::Location),
        (
            "töissä Helsingissä",
            "091",
            "Helsingissä",
            MunicipalityRole::Location,
        ),
        (
            "muutto Lahteen",
            "398",
            "Lahteen",
            MunicipalityRole::Destination,
        ),
        ("Lahdessa on", "398", "Lahdessa", MunicipalityRole::Location),
        (
            "kotoisin Kuopiosta",
            "297",
            "Kuopiosta",
            MunicipalityRole::Origin,
        ),
        (
            "muutan Poriin",
            "609",
            "Poriin",
            MunicipalityRole::Destination,
        ),
        (
            "Joensuuhun",
            "167",
            "Joensuuhun",
            MunicipalityRole::Destination,
        ),
        (
            "Espooseen muutto",
            "049",
            "Espooseen",
            MunicipalityRole::Destination,
        ),
        (
            "asun vantaalla",
            "092",
            "vantaalla",
            MunicipalityRole::Location,
        ),
        (
            "muutan Vantaalle",
            "092",
            "Vantaalle",
            MunicipalityRole::Destination,
        ),
        ("i Åbo", "853", "Åbo", MunicipalityRole::Location),
        (
            "till Helsingfors",
            "091",
            "Helsingfors",
            MunicipalityRole::Destination,
        ),
        ("from Oulu", "564", "Oulu", MunicipalityRole::Origin),
        (
            "Tampereellakin",
            "837",
            "Tampereellakin",
            MunicipalityRole::Location,
        ),
        (
            "Helsingin yliopisto",
            "091",
            "Helsingin",
            MunicipalityRole::Other,
        ),
        (
            "Mänttä-Vilppulassa",
            "508",
            "Mänttä-Vilppulassa",
            MunicipalityRole::Location,
        ),
        (
            "i S:t Karins",
            "202",
            "S:t Karins",
            MunicipalityRole::Location,
        ),
        (
            "Maarianhaminassa",
            "478",
            "Maarianhaminassa",
            MunicipalityRole::Location,
        ),
        (
            "Pedersören kunnassa",
            "599",
            "Pedersören kunnassa",
            MunicipalityRole::Location,
        ),
        ("stadissa", "091", "stadissa", MunicipalityRole::Location),
        ("Åbos bibliotek", "853", "Åbos", MunicipalityRole::Other),
    ];
    for (text, code, surface, role) in table {
        let out = understand(text);
        let m = out
            .entities
            .municipalities
            .first()
            .unwrap_or_else(|| panic!("{text}: no municipality"));
        assert_eq!(
            (m.code.as_str(), m.text.as_str(), m.role),
            (code, surface, role),
            "{text}"
        );
        assert_eq!(&text[m.span.0..m.span.1], surface, "{text}");
    }
}

#[test]
fn everyday_words_are_not_municipalities() {
    // Lowercase common words that are also names stay words; capitalised they are places.
    for text in [
        "kävin koskella kalassa",
        "auto joutui kolariin",
        "salon valot",
        "varkaudesta tehtiin rikosilmoitus",
        "är det sund mat",
        "pellossa kasvaa ohraa",
    ] {
        let out = understand(text);
        assert!(
            out.entities.municipalities.is_empty(),
            "{text}: {:?}",
            out.entities.municipalities
        );
    }
    let out = understand("Muutan Saloon");
    assert_eq!(out.entities.municipalities[0].code, "734");
}
