//! Target groups: citizens by default, businesses and authorities by their words, sub-groups
//! from words and ages.

use crate::common::understand;

#[test]
fn main_group_and_sub_group() {
    let table: [(&str, &str, Option<&str>); 12] = [
        ("Tarvitsen asumistukea", "KR1", None),
        ("Jag behöver bostadsbidrag", "KR1", None),
        ("I need housing allowance", "KR1", None),
        (
            "Yrityksemme haluaa viedä tuotteita Ruotsiin",
            "KR2",
            Some("KR2.1"),
        ),
        (
            "Vårt företag vill exportera till Sverige",
            "KR2",
            Some("KR2.1"),
        ),
        (
            "Our company wants to export to Sweden",
            "KR2",
            Some("KR2.1"),
        ),
        ("olen 17 ja etsin kesätöitä", "KR1", Some("KR1.3")),
        ("jag är 17 och söker sommarjobb", "KR1", Some("KR1.3")),
        ("I'm 17 and looking for a summer job", "KR1", Some("KR1.3")),
        (
            "Isäni on 82-vuotias ja tarvitsee kotihoitoa",
            "KR1",
            Some("KR1.1"),
        ),
        (
            "Min pappa är 82 år och behöver hemvård",
            "KR1",
            Some("KR1.1"),
        ),
        ("My father is 82 and needs home care", "KR1", Some("KR1.1")),
    ];
    for (text, main, sub) in table {
        let out = understand(text);
        let codes: Vec<&str> = out.target_groups.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes.first(), Some(&main), "{text}: {codes:?}");
        if let Some(sub) = sub {
            assert!(codes.contains(&sub), "{text}: {codes:?} lacks {sub}");
        }
        for l in &out.target_groups {
            assert!((0.0..=1.0).contains(&l.confidence));
        }
    }
}
