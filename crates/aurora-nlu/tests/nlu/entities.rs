//! Ages, dates and durations, one table per entity type, rows in fi/sv/en.

use aurora_nlu::{DateValue, Season, TimeUnit};

use crate::common::understand;

#[test]
fn ages() {
    let table: [(&str, &[u8]); 20] = [
        ("olen 19-vuotias", &[19]),
        ("19 vuotias opiskelija", &[19]),
        ("olen 19 ja etsin kämppää", &[19]),
        ("oon 17", &[17]),
        ("18v poika", &[18]),
        ("15-vuotiaalle pojalle", &[15]),
        ("äitini on 67 ja isä 70-vuotias", &[67, 70]),
        ("jag är 19 år", &[19]),
        ("jag är 19 år gammal", &[19]),
        ("dagvård för 1-åring", &[1]),
        ("hon fyller 65 i maj", &[65]),
        ("I'm 19", &[19]),
        ("I am 42 and unemployed", &[42]),
        ("she is 19 years old", &[19]),
        ("my 5-year-old son", &[5]),
        ("moving out at 18", &[18]),
        ("aged 70", &[70]),
        // Not ages: durations, times, counts.
        ("asunut Suomessa 6 vuotta", &[]),
        ("bott här i 6 år", &[]),
        ("meeting at 18:00", &[]),
    ];
    for (text, want) in table {
        let out = understand(text);
        let got: Vec<u8> = out.entities.ages.iter().map(|a| a.value).collect();
        assert_eq!(got, want, "{text}");
        for a in &out.entities.ages {
            assert_eq!(&text[a.span.0..a.span.1], a.text, "{text}");
        }
    }
}

#[test]
fn dates() {
    use DateValue::{Calendar, Relative};
    use TimeUnit::{Day, Month, Week};
    let autumn = DateValue::Season {
        season: Season::Autumn,
    };
    let month = |m: u8| DateValue::Month { month: m };
    let table: [(&str, DateValue, &str); 22] = [
        (
            "muutan ensi kuussa",
            Relative {
                amount: 1,
                unit: Month,
            },
            "ensi kuussa",
        ),
        (
            "huomenna on haastattelu",
            Relative {
                amount: 1,
                unit: Day,
            },
            "huomenna",
        ),
        (
            "irtisanottiin eilen",
            Relative {
                amount: -1,
                unit: Day,
            },
            "eilen",
        ),
        (
            "viime viikolla",
            Relative {
                amount: -1,
                unit: Week,
            },
            "viime viikolla",
        ),
        (
            "kahden viikon päästä",
            Relative {
                amount: 2,
                unit: Week,
            },
            "kahden viikon päästä",
        ),
        (
            "3 kuukauden kuluttua",
            Relative {
                amount: 3,
                unit: Month,
            },
            "3 kuukauden kuluttua",
        ),
        ("laskettu aika on maaliskuussa", month(3), "maaliskuussa"),
        ("aloitan syksyllä", autumn, "syksyllä"),
        (
            "muutto 1.9.2025",
            Calendar {
                day: 1,
                month: 9,
                year: Some(2025),
            },
            "1.9.2025",
        ),
        (
            "alkaa 15.8.",
            Calendar {
                day: 15,
                month: 8,
                year: None,
            },
            "15.8",
        ),
        (
            "vi flyttar nästa månad",
            Relative {
                amount: 1,
                unit: Month,
            },
            "nästa månad",
        ),
        (
            "i morgon har jag tid",
            Relative {
                amount: 1,
                unit: Day,
            },
            "i morgon",
        ),
        (
            "förra veckan",
            Relative {
                amount: -1,
                unit: Week,
            },
            "förra veckan",
        ),
        (
            "om två veckor",
            Relative {
                amount: 2,
                unit: Week,
            },
            "om två veckor",
        ),
        ("barnet föds i mars", month(3), "i mars"),
        ("jag börjar i höst", autumn, "i höst"),
        (
            "we move next month",
            Relative {
                amount: 1,
                unit: Month,
            },
            "next month",
        ),
        (
            "in two weeks",
            Relative {
                amount: 2,
                unit: Week,
            },
            "in two weeks",
        ),
        (
            "laid off yesterday",
            Relative {
                amount: -1,
                unit: Day,
            },
            "yesterday",
        ),
        ("due in October", month(10), "in October"),
        ("starting in the autumn", autumn, "in the autumn"),
        (
            "on 2025-09-01",
            Calendar {
                day: 1,
                month: 9,
                year: Some(2025),
            },
            "2025-09-01",
        ),
    ];
    for (text, value, surface) in table {
        let out = understand(text);
        let d = out
            .entities
            .dates
            .first()
            .unwrap_or_else(|| panic!("{text}: no date"));
        assert_eq!((d.value, d.text.as_str()), (value, surface), "{text}");
    }
    // Not dates: "may" the verb, a decimal number.
    for text in ["may I apply?", "arvosana 8.5"] {
        assert!(understand(text).entities.dates.is_empty(), "{text}");
    }
}

#[test]
fn durations() {
    use TimeUnit::*;
    let table: [(&str, f32, TimeUnit, &str); 14] = [
        ("lomautus kestää 3 kuukautta", 3.0, Month, "3 kuukautta"),
        ("työttömänä puoli vuotta", 0.5, Year, "puoli vuotta"),
        ("lähden vuodeksi", 1.0, Year, "vuodeksi"),
        ("asunut täällä 6 vuotta", 6.0, Year, "6 vuotta"),
        ("kaksi viikkoa sairauslomaa", 2.0, Week, "kaksi viikkoa"),
        ("2 vuoden ajan", 2.0, Year, "2 vuoden ajan"),
        ("varar tre månader", 3.0, Month, "tre månader"),
        ("arbetslös ett halvår", 0.5, Year, "ett halvår"),
        ("bott här i 6 år", 6.0, Year, "i 6 år"),
        ("i två veckor", 2.0, Week, "i två veckor"),
        ("lasts 3 months", 3.0, Month, "3 months"),
        ("for two weeks", 2.0, Week, "for two weeks"),
        ("unemployed for half a year", 0.5, Year, "half a year"),
        ("lived here for 6 years", 6.0, Year, "for 6 years"),
    ];
    for (text, amount, unit, surface) in table {
        let out = understand(text);
        let d = out
            .entities
            .durations
            .first()
            .unwrap_or_else(|| panic!("{text}: no duration"));
        assert_eq!(
            (d.amount, d.unit, d.text.as_str()),
            (amount, unit, surface),
            "{text}"
        );
    }
    // Dates and ages are not durations.
    for text in [
        "in two weeks",
        "kahden viikon päästä",
        "19 years old",
        "om två veckor",
    ] {
        assert!(understand(text).entities.durations.is_empty(), "{text}");
    }
}
