//! UI strings of the web pages, from Fluent files compiled into the binary.
//!
//! `locales/{fi,sv,en}/main.ftl`, `guide.ftl` (the guidance page) and the twin pages' files
//! (`account`, `twin`, `consent`, `oauth`, `me`) are embedded with
//! `include_str!`, concatenated and parsed once. Every message exists in all three languages
//! (a unit test checks this and that every message a template uses exists). Unicode isolation
//! marks are off: all three languages are left-to-right and the marks would end up inside
//! HTML attributes.

use std::sync::OnceLock;

use aurora_model::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

// Each language's files are concatenated into one resource (`guide.ftl`: the guidance page).
const FI: &str = concat!(
    include_str!("../locales/fi/main.ftl"),
    "\n",
    include_str!("../locales/fi/guide.ftl"),
    "\n",
    include_str!("../locales/fi/account.ftl"),
    "\n",
    include_str!("../locales/fi/twin.ftl"),
    "\n",
    include_str!("../locales/fi/consent.ftl"),
    "\n",
    include_str!("../locales/fi/oauth.ftl"),
    "\n",
    include_str!("../locales/fi/me.ftl")
);
const SV: &str = concat!(
    include_str!("../locales/sv/main.ftl"),
    "\n",
    include_str!("../locales/sv/guide.ftl"),
    "\n",
    include_str!("../locales/sv/account.ftl"),
    "\n",
    include_str!("../locales/sv/twin.ftl"),
    "\n",
    include_str!("../locales/sv/consent.ftl"),
    "\n",
    include_str!("../locales/sv/oauth.ftl"),
    "\n",
    include_str!("../locales/sv/me.ftl")
);
const EN: &str = concat!(
    include_str!("../locales/en/main.ftl"),
    "\n",
    include_str!("../locales/en/guide.ftl"),
    "\n",
    include_str!("../locales/en/account.ftl"),
    "\n",
    include_str!("../locales/en/twin.ftl"),
    "\n",
    include_str!("../locales/en/consent.ftl"),
    "\n",
    include_str!("../locales/en/oauth.ftl"),
    "\n",
    include_str!("../locales/en/me.ftl")
);

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 3] {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        [
            bundle(Lang::Fi, FI),
            bundle(Lang::Sv, SV),
            bundle(Lang::En, EN),
        ]
    })
}

fn bundle(lang: Lang, source: &str) -> Bundle {
    let id: LanguageIdentifier = lang
        .code()
        .parse()
        .expect("fi, sv and en are valid language ids");
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("locales/{lang}/*.ftl does not parse: {errors:?}"));
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("locales/{lang}/*.ftl has duplicate messages: {errors:?}"));
    bundle
}

/// The UI strings of one language; templates call [`Tr::t`] and [`Tr::t1`].
#[derive(Clone, Copy)]
pub(crate) struct Tr {
    lang: Lang,
    bundle: &'static Bundle,
}

impl Tr {
    /// The strings of `lang`.
    pub(crate) fn new(lang: Lang) -> Self {
        let index = match lang {
            Lang::Fi => 0,
            Lang::Sv => 1,
            Lang::En => 2,
        };
        Tr {
            lang,
            bundle: &bundles()[index],
        }
    }

    /// Message `id`; a missing message shows its id (and is logged) rather than failing a page.
    pub(crate) fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// Message `id` with one numeric argument.
    pub(crate) fn t1(&self, id: &str, name: &str, value: u64) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value));
        self.format(id, Some(&args))
    }

    /// Message `id` with arguments.
    pub(crate) fn t_args(&self, id: &str, args: &[(&str, u64)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(lang = %self.lang, id, "missing UI message");
            return id.to_string();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(lang = %self.lang, id, ?errors, "UI message formatting errors");
        }
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_language_has_the_same_messages() {
        let fi = ids(FI);
        assert!(fi.len() > 20);
        for (lang, source) in [("sv", SV), ("en", EN)] {
            let other = ids(source);
            for id in &fi {
                assert!(other.contains(id), "{lang} lacks {id}");
            }
            for id in &other {
                assert!(fi.contains(id), "fi lacks {id} (present in {lang})");
            }
        }
    }

    #[test]
    fn every_message_used_by_a_template_or_the_code_exists() {
        let sources = [
            include_str!("../templates/base.html"),
            include_str!("../templates/index.html"),
            include_str!("../templates/service.html"),
            include_str!("../templates/error.html"),
            include_str!("web.rs"),
            include_str!("../templates/guide.html"),
            include_str!("web_guide.rs"),
        ];
        let fi = ids(FI);
        for source in sources {
            for call in [".t(\"", ".t1(\"", ".t_args(\""] {
                for (pos, _) in source.match_indices(call) {
                    let rest = &source[pos + call.len()..];
                    let id = &rest[..rest.find('"').unwrap()];
                    if id.ends_with('-') {
                        continue; // a prefix completed at run time (`day-`, `channel-kind-`)
                    }
                    assert!(fi.contains(&id.to_string()), "message {id} is not defined");
                }
            }
        }
    }

    #[test]
    fn plurals_follow_the_language() {
        assert_eq!(
            Tr::new(Lang::Fi).t1("results-count", "count", 1),
            "1 palvelu"
        );
        assert_eq!(
            Tr::new(Lang::Sv).t1("results-count", "count", 3),
            "3 tjänster"
        );
        assert_eq!(
            Tr::new(Lang::En).t1("results-count", "count", 0),
            "No services"
        );
    }
}
