//! Services and channels in the reference's output shape (`ptv._format_service_outputs`),
//! with web pages rewritten to tracking links.
//!
//! Differences from the reference, all additive or corrective:
//! * texts come in the requested language with the fi → sv → en fallback of
//!   [`aurora_model::Localized`] (the reference: Finnish only, `""` when missing);
//! * web pages and e-mails are those of the requested language, else the Finnish ones, else
//!   all (the reference: Finnish only, so sv/en-only links were lost); `link_id` is the page's
//!   position among *all* the channel's pages, so `/redirect` resolves it without knowing the
//!   language;
//! * tracking links percent-encode their parameters (the reference pasted `session_id` in raw);
//! * each service also carries `relevance_source` and `explanation` when it was ranked by the
//!   3X10D engine.

use std::collections::{HashMap, HashSet};

use aurora_model::{
    AddressKind, Area, Channel, ChannelKind, CodeLists, Lang, Localized, OrganizationRole,
    PhoneKind, Service, ServiceHourKind, WebPage,
};
use serde_json::{json, Map, Value};

use super::PREFIX;

/// What tracking links need.
pub(crate) struct Links<'a> {
    /// Absolute base of this node (`https://host`), or `""` for links relative to it.
    pub(crate) base: &'a str,
    pub(crate) recommendation_id: i64,
    /// Appended to links of e-service channels (the reference's `session_id`).
    pub(crate) session_id: Option<&'a str>,
}

/// The tracking link of page `link_id` of a channel.
pub(crate) fn redirect_link(
    base: &str,
    recommendation_id: i64,
    service_id: &str,
    channel_id: &str,
    link_id: usize,
    extra: &[(&str, &str)],
) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("service_id", service_id)
        .append_pair("service_channel_id", channel_id)
        .append_pair("link_id", &link_id.to_string())
        .append_pair("recommendation_id", &recommendation_id.to_string());
    for (k, v) in extra {
        q.append_pair(k, v);
    }
    format!("{base}{PREFIX}/redirect?{}", q.finish())
}

fn text(loc: &Localized, lang: Lang) -> String {
    loc.get(lang).unwrap_or("").to_string()
}

fn names(loc: &Localized) -> Value {
    Value::Array(
        loc.iter()
            .map(|(l, t)| json!({"value": t, "language": l.code()}))
            .collect(),
    )
}

/// A PTV-shaped area (`{type, code, name, municipalities: [{code, name}]}`).
fn area(a: &Area) -> Value {
    let codes = CodeLists::get();
    let municipalities: Vec<Value> = a
        .municipalities
        .iter()
        .map(|m| {
            let name = codes
                .municipality(m)
                .map(|x| names(&x.name))
                .unwrap_or_else(|| json!([]));
            json!({"code": m, "name": name})
        })
        .collect();
    json!({
        "type": a.kind,
        "code": a.code,
        "name": names(&a.name),
        "municipalities": municipalities,
    })
}

/// The pages to show in `lang`, with their position among all the channel's pages.
pub(crate) fn shown<T>(items: &[T], lang_of: impl Fn(&T) -> Lang, lang: Lang) -> Vec<(usize, &T)> {
    for want in [Some(lang), Some(Lang::Fi), None] {
        let list: Vec<(usize, &T)> = items
            .iter()
            .enumerate()
            .filter(|(_, x)| want.is_none_or(|l| lang_of(x) == l))
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    Vec::new()
}

/// The page a session-transfer link opens: the first shown in Finnish (the reference's
/// `web_pages[0]`), with its position.
pub(crate) fn first_page(channel: &Channel) -> Option<(usize, &WebPage)> {
    shown(&channel.web_pages, |p| p.lang, Lang::Fi)
        .into_iter()
        .find(|(_, p)| !p.url.trim().is_empty())
}

fn always_open(h: &aurora_model::ServiceHours) -> bool {
    h.opening_hours.len() == 1
        && h.opening_hours.iter().all(|o| {
            o.day_from == "Monday"
                && o.day_to.as_deref() == Some("Sunday")
                && o.from == "00:00:00"
                && o.to == "24:00:00"
        })
}

fn always_open_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "Aina avoinna",
        Lang::Sv => "Alltid öppet",
        Lang::En => "Always open",
    }
}

/// One channel, `web_pages` as tracking links.
fn channel(
    c: &Channel,
    service_id: &str,
    lang: Lang,
    links: &Links<'_>,
    receivers: &HashSet<String>,
) -> Value {
    let extra: Vec<(&str, &str)> = match (links.session_id, c.kind) {
        (Some(s), ChannelKind::EChannel) if !s.is_empty() => vec![("session_id", s)],
        _ => Vec::new(),
    };
    let web_pages: Vec<String> = shown(&c.web_pages, |p| p.lang, lang)
        .into_iter()
        .filter(|(_, p)| !p.url.trim().is_empty())
        .map(|(i, _)| {
            redirect_link(
                links.base,
                links.recommendation_id,
                service_id,
                &c.id,
                i,
                &extra,
            )
        })
        .collect();
    let emails: Vec<&str> = shown(&c.emails, |e| e.lang, lang)
        .into_iter()
        .map(|(_, e)| e.value.as_str())
        .collect();
    let phones: Vec<String> = c
        .phones
        .iter()
        .filter(|p| p.kind == PhoneKind::Phone)
        .map(|p| {
            format!(
                "{} {} {}",
                p.additional_info.as_deref().unwrap_or(""),
                p.prefix.as_deref().unwrap_or(""),
                p.number
            )
            .trim()
            .to_string()
        })
        .collect();
    let location = c
        .addresses
        .iter()
        .find(|a| a.kind == Some(AddressKind::Location));
    let (address, coordinates) = match location {
        Some(a) => {
            let municipality = a
                .municipality
                .as_deref()
                .and_then(|m| CodeLists::get().municipality(m))
                .and_then(|m| m.name.get(lang).map(str::to_string))
                .unwrap_or_else(|| text(&a.post_office, lang));
            (
                Value::String(format!(
                    "{} {}, {}, {}",
                    text(&a.street, lang),
                    a.street_number.as_deref().unwrap_or(""),
                    a.postal_code.as_deref().unwrap_or(""),
                    municipality
                )),
                json!({
                    "latitude": a.latitude.as_deref().unwrap_or(""),
                    "longitude": a.longitude.as_deref().unwrap_or(""),
                }),
            )
        }
        None => (Value::String(String::new()), Value::String(String::new())),
    };
    let hours: Vec<String> = c
        .service_hours
        .iter()
        .filter(|h| h.kind == ServiceHourKind::DaysOfTheWeek)
        .map(|h| {
            if always_open(h) {
                return always_open_text(lang).to_string();
            }
            h.opening_hours
                .iter()
                .map(|o| {
                    let from = format!("{} {}", o.day_from, o.from);
                    let to = format!("{} {}", o.day_to.as_deref().unwrap_or(""), o.to);
                    format!("{} - {}", from.trim(), to.trim())
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let mut m = Map::new();
    m.insert("service_channel_id".into(), json!(c.id));
    m.insert("service_channel_name".into(), json!(text(&c.name, lang)));
    m.insert("service_channel_type".into(), json!(c.kind.as_str()));
    m.insert(
        "service_channel_description_summary".into(),
        json!(text(&c.summary, lang)),
    );
    m.insert(
        "service_channel_description".into(),
        json!(text(&c.description, lang)),
    );
    m.insert("phone_numbers".into(), json!(phones));
    m.insert("web_pages".into(), json!(web_pages));
    m.insert("emails".into(), json!(emails));
    m.insert("address".into(), address);
    m.insert("location".into(), coordinates);
    m.insert("service_hours".into(), json!(hours));
    m.insert(
        "session_transfer".into(),
        json!(c.kind == ChannelKind::EChannel && receivers.contains(&c.id)),
    );
    Value::Object(m)
}

/// One service: the reference's fields, then `similarity_score`, `rank` and what else the
/// caller adds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn service(
    s: &Service,
    channels: &HashMap<&str, &Channel>,
    receivers: &HashSet<String>,
    lang: Lang,
    links: &Links<'_>,
    score: f64,
    rank: usize,
    extra: Vec<(&'static str, Value)>,
) -> Value {
    let codes = CodeLists::get();
    // Archived and unknown channels are not in `channels`; the model has only the five
    // channel types the reference keeps.
    let channel_values: Vec<Value> = s
        .channels
        .iter()
        .filter_map(|l| channels.get(l.channel_id.as_str()))
        .map(|c| channel(c, &s.id, lang, links, receivers))
        .collect();
    let responsible = s
        .organizations
        .iter()
        .find(|o| o.role == OrganizationRole::Responsible)
        .map(|o| json!({"id": o.organization_id, "name": o.name.as_deref().unwrap_or("")}))
        .unwrap_or(Value::Null);
    let class_uris: Vec<String> = s
        .service_classes
        .iter()
        .filter_map(|c| {
            codes
                .service_class(c.code.trim())
                .map(|k| k.uri.clone())
                .or_else(|| c.uri.clone())
        })
        .collect();
    let requirements: Vec<&str> = s.requirements.get(lang).into_iter().collect();
    let mut m = Map::new();
    m.insert("service_id".into(), json!(s.id));
    m.insert("service_name".into(), json!(text(&s.name, lang)));
    m.insert(
        "service_description".into(),
        json!(text(&s.description, lang)),
    );
    m.insert(
        "service_description_summary".into(),
        json!(text(&s.summary, lang)),
    );
    m.insert(
        "funding_type".into(),
        json!(s.funding_type.map(|f| f.as_str())),
    );
    m.insert(
        "user_instruction".into(),
        json!(text(&s.user_instruction, lang)),
    );
    m.insert("service_channels".into(), Value::Array(channel_values));
    m.insert("area_type".into(), json!(s.area_type.as_str()));
    m.insert(
        "areas".into(),
        Value::Array(s.areas.iter().map(area).collect()),
    );
    m.insert("responsible_organization".into(), responsible);
    m.insert(
        "target_groups".into(),
        json!(s
            .target_groups
            .iter()
            .map(|t| t.code.as_str())
            .collect::<Vec<_>>()),
    );
    m.insert("service_collections".into(), json!(s.collections));
    m.insert("service_class_uris".into(), json!(class_uris));
    m.insert("requirements".into(), json!(requirements));
    m.insert(
        "charge_type".into(),
        json!(s.charge_type.map_or("", |c| c.as_str())),
    );
    m.insert(
        "charge_additional_info".into(),
        json!(text(&s.charge_info, lang)),
    );
    m.insert("similarity_score".into(), json!(score));
    m.insert("rank".into(), json!(rank));
    for (k, v) in extra {
        m.insert(k.into(), v);
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_links_encode_their_parameters() {
        assert_eq!(
            redirect_link("https://h", 7, "s", "c", 2, &[("session_id", "a b&c")]),
            "https://h/service-recommender/v1/redirect?service_id=s&service_channel_id=c\
             &link_id=2&recommendation_id=7&session_id=a+b%26c"
        );
    }

    #[test]
    fn pages_of_the_language_else_finnish_else_all() {
        let page = |lang: Lang, url: &str| WebPage {
            lang,
            url: url.into(),
            name: None,
        };
        let pages = vec![
            page(Lang::Fi, "fi1"),
            page(Lang::Sv, "sv"),
            page(Lang::Fi, "fi2"),
        ];
        let urls = |lang| -> Vec<(usize, String)> {
            shown(&pages, |p| p.lang, lang)
                .into_iter()
                .map(|(i, p)| (i, p.url.clone()))
                .collect()
        };
        assert_eq!(urls(Lang::Sv), [(1, "sv".to_string())]);
        assert_eq!(
            urls(Lang::En),
            [(0, "fi1".to_string()), (2, "fi2".to_string())]
        );
        let en_only = vec![page(Lang::En, "en")];
        assert_eq!(shown(&en_only, |p| p.lang, Lang::Fi).len(), 1);
    }
}
