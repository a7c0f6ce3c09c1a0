//! Synthetic PTV-shaped catalogues for scale work.
//!
//! `aurora bench-data --services 100000` needs a national-size catalogue; the real samples are a
//! few hundred services. This module generates **PTV REST API v11 JSON** (the same shape as
//! `data/ptv/services/*.json`, `channels/*.json`, `organizations/*.json`) so that the real
//! importer is what gets benchmarked.
//!
//! Honesty: every record says it is synthetic, three ways —
//! * `"auroraSynthetic": true` on every service, channel and organisation;
//! * `sourceId` `aurora-synthetic-<n>` for services (`n` = 0-based service number),
//!   `aurora-synthetic-channel-<n>` and `aurora-synthetic-organization-<n>`;
//! * every name ends with " (synteettinen)" in Finnish, " (syntetisk)" in Swedish and
//!   " (synthetic)" in English; web addresses and e-mails are under `aurora-synthetic.invalid`.
//!
//! Shape of the catalogue: one organisation per municipality (309) plus one national agency per
//! main service class (28); ~1.5 channel links per service, channels shared within an
//! organisation (about half the links reuse an existing channel of the same kind). The
//! distributions are in the `*_WEIGHTS` tables below, computed by hand from the real data; texts
//! are composed from class labels and descriptions of the built-in code lists ([`CodeLists`]) and
//! from sentences and terms taken from the real service texts.
//!
//! Deterministic: the same [`SyntheticOptions::seed`] gives byte-identical output (`StdRng`
//! seeded with `seed_from_u64`; ids are UUID v4 syntax drawn from that generator).
//!
//! Entry points: [`write_catalog`] (files), [`generate`] (`serde_json::Value`s) and
//! [`generate_text`] (compact JSON text, the fast in-memory path). Records are written as text
//! from pre-serialised code-list fragments rather than built as `Value` trees. Measured on the
//! shared 2-core development machine under load (release build): 100,000 services (+≈75,000
//! channels, 337 organisations, ≈890 MB in 201 files) written in ≈2.5 s; `generate_text` ≈2 s;
//! `generate` ≈7 s (parsing into `Value`s dominates).

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use aurora_model::{AreaKind, CodeLists, Concept, ServiceClass};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::{ImportError, Result};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticOptions {
    /// Number of services.
    pub services: usize,
    /// Random seed; the same seed gives the same catalogue.
    pub seed: u64,
    /// Services per `services-NNNNN.json` file (default 1000; 0 means the default).
    pub services_per_file: usize,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        SyntheticOptions {
            services: 1000,
            seed: 0,
            services_per_file: 1000,
        }
    }
}

/// What [`write_catalog`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyntheticSummary {
    /// Services.
    pub services: usize,
    /// Channels.
    pub channels: usize,
    /// Organisations.
    pub organizations: usize,
    /// Files written.
    pub files: usize,
}

/// The kind of a generated record, read from its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A PTV v11 `Service` (has `serviceNames`).
    Service,
    /// A PTV v11 `ServiceChannel` (has `serviceChannelType`).
    Channel,
    /// A PTV v11 `Organization` (has `organizationNames`).
    Organization,
}

impl RecordKind {
    /// The kind of a PTV v11 object, from its distinguishing field.
    pub fn of(record: &Value) -> Option<RecordKind> {
        if record.get("serviceChannelType").is_some() {
            Some(RecordKind::Channel)
        } else if record.get("organizationNames").is_some() {
            Some(RecordKind::Organization)
        } else if record.get("serviceNames").is_some() {
            Some(RecordKind::Service)
        } else {
            None
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Distribution tables.
//
// Derived by hand (python3 over the JSON) from the 31 PTV v11 services in `data/ptv/services`
// and the 165 pilot services in `data/ptv-pilot/services.json` (pilot labels mapped to codes by
// their Finnish label, as `pilot.rs` does). Counts are kept as weights so the derivation stays
// visible. Shares marked "not observed" are small additions so that every importer code path is
// exercised; they are noted where they occur. The pilot is business-heavy (131 of 165 services
// target companies), so the class mix leans to P11 like the data does; the real national
// catalogue is more municipal — adjust the tables, not the code, to change that.
// ------------------------------------------------------------------------------------------------

/// Service-class codes and how often they occur (295 class references in the 196 services).
#[rustfmt::skip]
const CLASS_WEIGHTS: &[(&str, u32)] = &[
    ("P11.6", 40), ("P11.7", 30), ("P11.4", 22), ("P15.8", 17), ("P11.5", 17), ("P7.12", 12),
    ("P11.3", 9), ("P7.9", 7), ("P6.2", 7), ("P9.3", 5), ("P26", 5), ("P2.3", 4), ("P6.10", 4),
    ("P3", 4), ("P8.3", 4), ("P21.1", 4), ("P11.8", 4), ("P11.1", 4), ("P12.2", 4), ("P6.11", 4),
    ("P1", 3), ("P6.8", 3), ("P1.5", 3), ("P6.1", 3), ("P23.2", 3), ("P15.3", 3), ("P4.13", 2),
    ("P23", 2), ("P3.4", 2), ("P10.7", 2), ("P10.1", 2), ("P10.4", 2), ("P2.2", 2), ("P4.9", 2),
    ("P6.4", 2), ("P2.4", 2), ("P2.1", 2), ("P12.1", 2), ("P24.5", 2), ("P11", 2), ("P24.1", 2),
    ("P24.3", 2), ("P14.4", 2), ("P10.5", 2), ("P21", 2), ("P7", 1), ("P7.11", 1), ("P16", 1),
    ("P6.13", 1), ("P6", 1), ("P10.6", 1), ("P10.2", 1), ("P27.1", 1), ("P9", 1), ("P9.2", 1),
    ("P5.7", 1), ("P6.9", 1), ("P22.5", 1), ("P22.6", 1), ("P22.7", 1), ("P22.9", 1),
    ("P14.1", 1), ("P14.5", 1), ("P19.4", 1), ("P5.13", 1), ("P5.6", 1), ("P23.6", 1),
    ("P1.2", 1), ("P14.3", 1), ("P25.3", 1), ("P25.7", 1), ("P25.4", 1), ("P1.3", 1),
    ("P6.6", 1), ("P1.1", 1), ("P10", 1), ("P11.2", 1),
];

/// Share (percent) of class picks drawn uniformly from all 228 classes instead of the table, so
/// that every class occurs in a large catalogue (the 196 real services use only 77).
const CLASS_UNIFORM_PERCENT: u32 = 15;

/// Classes per service: v11 1→20, 2→6, 3→3, 4→1, 6→1; pilot 1→57, 2→62, 3→30, 4→4, 5→1, 6→1
/// (the 10 pilot services without a class are left out: PTV requires one).
const CLASS_COUNT_WEIGHTS: &[(usize, u32)] = &[(1, 77), (2, 68), (3, 33), (4, 5), (5, 1), (6, 2)];

/// Area types: v11 Nationwide 11, LimitedType 20; pilot nationwide 139, regional 25.
/// NationwideExceptAlandIslands is not observed (3 added).
const AREA_WEIGHTS: &[(AreaTypeSyn, u32)] = &[
    (AreaTypeSyn::Nationwide, 150),
    (AreaTypeSyn::Limited, 45),
    (AreaTypeSyn::NationwideExceptAland, 3),
];

/// Municipalities per LimitedType service: v11 1→19, 10→1; pilot 1→20, 2→1, 4→1, 5→3.
const MUNICIPALITY_COUNT_WEIGHTS: &[(usize, u32)] = &[(1, 39), (2, 1), (4, 1), (5, 3), (10, 1)];

/// Target-group codes: KR2 140 (pilot "Yritykset"), KR1 67, KR1.2 18, KR3 15, KR1.3 1.
const TARGET_GROUP_WEIGHTS: &[(&str, u32)] = &[
    ("KR2", 140),
    ("KR1", 67),
    ("KR1.2", 18),
    ("KR3", 15),
    ("KR1.3", 1),
];
/// Share (percent) of target-group picks drawn uniformly from all 17 groups (not observed).
const TARGET_GROUP_UNIFORM_PERCENT: u32 = 10;
/// Target groups per service (pilot: 1→138, 2→25, 3→2).
const TARGET_GROUP_COUNT_WEIGHTS: &[(usize, u32)] = &[(1, 138), (2, 25), (3, 2)];

/// Percent of services with one life event (v11 3/31, pilot 50/165 → 27%).
const LIFE_EVENT_PERCENT: u32 = 27;

/// Languages the texts are written in (v11 service names: fi 21, fi+sv 6, fi+sv+en 4; the pilot
/// carries Finnish text only and is left out here).
const TEXT_LANG_WEIGHTS: &[(&[usize], u32)] = &[(&[FI], 21), (&[FI, SV], 6), (&[FI, SV, EN], 4)];

/// The `languages` field (languages the service is offered in): v11+pilot fi+sv+en 127, fi 40,
/// fi+sv 25, fi+en 3. Always widened to include the text languages.
const OFFERED_LANG_WEIGHTS: &[(&[usize], u32)] = &[
    (&[FI, SV, EN], 127),
    (&[FI], 40),
    (&[FI, SV], 25),
    (&[FI, EN], 3),
];

/// Finnish text lengths in characters, as quartiles (min, q25, median, q75, max) of v11+pilot.
/// A length is drawn uniformly within a uniformly chosen quartile. Summaries are capped at 150
/// characters as in PTV.
const SUMMARY_LEN: [usize; 5] = [30, 95, 125, 149, 150];
/// Description length quartiles (v11 median 706, pilot 467/790/1176; max 2615).
const DESCRIPTION_LEN: [usize; 5] = [160, 470, 760, 1180, 2600];
/// User-instruction length quartiles (pilot 116/249/506).
const INSTRUCTION_LEN: [usize; 5] = [45, 116, 249, 506, 2200];
/// Percent of services with a user instruction (v11 26/31, pilot 154/165 → 92%).
const INSTRUCTION_PERCENT: u32 = 92;

/// Keywords per service (v11: 0→17, 1→9, 2→3, 3→1, 6→1).
const KEYWORD_COUNT_WEIGHTS: &[(usize, u32)] = &[(0, 17), (1, 9), (2, 3), (3, 1), (6, 1)];

/// Charge type (v11: none 15, FreeOfCharge 10, Chargeable 6).
const CHARGE_WEIGHTS: &[(Option<&str>, u32)] = &[
    (None, 15),
    (Some("FreeOfCharge"), 10),
    (Some("Chargeable"), 6),
];

/// Funding type: all 31 v11 services are PubliclyFunded; MarketFunded (not observed) 5%.
const FUNDING_WEIGHTS: &[(&str, u32)] = &[("PubliclyFunded", 95), ("MarketFunded", 5)];

/// Channel links per service. The brief asks for ~1.5 on average; the shape (many services with
/// none or one, a tail) follows the data (v11 mean 2.2, pilot mean 1.8 with 117 of 165 at zero),
/// the tail cut at 4. Mean 0·25+1·30+2·25+3·12+4·8 = 1.48.
const CHANNEL_COUNT_WEIGHTS: &[(usize, u32)] = &[(0, 25), (1, 30), (2, 25), (3, 12), (4, 8)];

/// Channel kinds of the links: v11 EChannel 24, Phone 14, ServiceLocation 11, WebPage 10,
/// PrintableForm 3; pilot office 116, e-transaction 53, e-information 52, form 39, phone 36.
const CHANNEL_KIND_WEIGHTS: &[(ChannelKindSyn, u32)] = &[
    (ChannelKindSyn::ServiceLocation, 127),
    (ChannelKindSyn::EChannel, 77),
    (ChannelKindSyn::WebPage, 62),
    (ChannelKindSyn::Phone, 50),
    (ChannelKindSyn::PrintableForm, 42),
];

/// Percent of channel links that reuse an existing channel of the same kind of the organisation.
const CHANNEL_REUSE_PERCENT: u32 = 50;

/// Percent of nationwide services published by a national agency (the rest by a municipality).
const NATIONWIDE_BY_AGENCY_PERCENT: u32 = 70;

const FI: usize = 0;
const SV: usize = 1;
const EN: usize = 2;
const LANGS: [&str; 3] = ["fi", "sv", "en"];
const SUFFIX: [&str; 3] = [" (synteettinen)", " (syntetisk)", " (synthetic)"];
const DOMAIN: &str = "aurora-synthetic.invalid";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AreaTypeSyn {
    Nationwide,
    NationwideExceptAland,
    Limited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChannelKindSyn {
    EChannel,
    WebPage,
    Phone,
    ServiceLocation,
    PrintableForm,
}

impl ChannelKindSyn {
    fn index(self) -> usize {
        self as usize
    }
    fn ptv(self) -> &'static str {
        match self {
            ChannelKindSyn::EChannel => "EChannel",
            ChannelKindSyn::WebPage => "WebPage",
            ChannelKindSyn::Phone => "Phone",
            ChannelKindSyn::ServiceLocation => "ServiceLocation",
            ChannelKindSyn::PrintableForm => "PrintableForm",
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Vocabulary. Sentences are paraphrases of recurring sentences in the real service texts
// (pilot and v11), in fi/sv/en; terms are real ontology-term triples of the v11 services.
// ------------------------------------------------------------------------------------------------

/// Name endings appended to a class label: "Vuokra-asuminen: neuvonta".
const NAME_NOUNS: &[[&str; 3]] = &[
    ["neuvonta", "rådgivning", "advice"],
    ["hakemus", "ansökan", "application"],
    ["ilmoitus", "anmälan", "notification"],
    ["tuki", "stöd", "support"],
    ["lupa", "tillstånd", "permit"],
    ["palvelut", "tjänster", "services"],
    ["ohjaus", "handledning", "guidance"],
    ["tietopalvelu", "informationstjänst", "information service"],
    ["ajanvaraus", "tidsbokning", "appointment booking"],
    ["rekisteröinti", "registrering", "registration"],
    ["avustus", "bidrag", "grant"],
    ["koulutus", "utbildning", "training"],
];

/// Summary sentences, written to follow "<class label>: ".
const SUMMARY_SENTENCES: &[[&str; 3]] = &[
    [
        "neuvontaa ja ohjausta asukkaille.",
        "rådgivning och handledning för invånarna.",
        "advice and guidance for residents.",
    ],
    [
        "palvelu yrityksille ja yhteisöille.",
        "en tjänst för företag och samfund.",
        "a service for businesses and organisations.",
    ],
    [
        "hae tukea sähköisesti tai lomakkeella.",
        "ansök om stöd elektroniskt eller med blankett.",
        "apply for support online or with a form.",
    ],
    [
        "tietoa oikeuksista, velvollisuuksista ja hakemisesta.",
        "information om rättigheter, skyldigheter och hur man ansöker.",
        "information on rights, obligations and how to apply.",
    ],
    [
        "ilmoita muutoksista viranomaiselle ajoissa.",
        "meddela myndigheten om ändringar i tid.",
        "notify the authority of changes in good time.",
    ],
    [
        "palvelu on tarkoitettu kaikille kunnan asukkaille.",
        "tjänsten är avsedd för alla invånare i kommunen.",
        "the service is intended for all residents of the municipality.",
    ],
    [
        "asiantuntija-apua suunnitteluun ja päätöksentekoon.",
        "expertstöd för planering och beslutsfattande.",
        "expert support for planning and decision-making.",
    ],
    [
        "maksutonta neuvontaa arkisin virka-aikana.",
        "avgiftsfri rådgivning vardagar under tjänstetid.",
        "free advice on weekdays during office hours.",
    ],
];

/// Description sentences.
const DESCRIPTION_SENTENCES: &[[&str; 3]] = &[
    [
        "Palvelu on tarkoitettu kaikille kunnan asukkaille.",
        "Tjänsten är avsedd för alla invånare i kommunen.",
        "The service is intended for all residents of the municipality.",
    ],
    [
        "Voit hakea palvelua sähköisesti tai paperilomakkeella.",
        "Du kan ansöka om tjänsten elektroniskt eller med en pappersblankett.",
        "You can apply for the service online or with a paper form.",
    ],
    [
        "Hakemus käsitellään yleensä kahden viikon kuluessa.",
        "Ansökan behandlas vanligtvis inom två veckor.",
        "Applications are usually processed within two weeks.",
    ],
    [
        "Palvelusta peritään maksu voimassa olevan hinnaston mukaisesti.",
        "För tjänsten tas en avgift ut enligt den gällande prislistan.",
        "A fee is charged for the service according to the current price list.",
    ],
    [
        "Lisätietoja saat palveluneuvonnasta.",
        "Mer information får du från servicerådgivningen.",
        "You can get more information from the service advice.",
    ],
    [
        "Ota yhteyttä ennen asiointia ja varaa aika.",
        "Kontakta oss före besöket och boka en tid.",
        "Contact us before your visit and book an appointment.",
    ],
    [
        "Palvelu on asiakkaalle maksuton.",
        "Tjänsten är avgiftsfri för kunden.",
        "The service is free of charge for the client.",
    ],
    [
        "Sähköiseen asiointiin tarvitset verkkopankkitunnukset tai mobiilivarmenteen.",
        "För e-tjänsten behöver du nätbankskoder eller mobilcertifikat.",
        "For the e-service you need online banking codes or a mobile certificate.",
    ],
    [
        "Päätökseen voi hakea muutosta valittamalla.",
        "Man kan söka ändring i beslutet genom besvär.",
        "You can appeal the decision.",
    ],
    [
        "Neuvonta on luottamuksellista.",
        "Rådgivningen är konfidentiell.",
        "The guidance is confidential.",
    ],
    [
        "Liitä hakemukseen tarvittavat selvitykset ja todistukset.",
        "Bifoga de nödvändiga utredningarna och intygen till ansökan.",
        "Attach the necessary reports and certificates to the application.",
    ],
    [
        "Asiakkaan tilanne arvioidaan yhdessä asiakkaan kanssa.",
        "Kundens situation bedöms tillsammans med kunden.",
        "The client's situation is assessed together with the client.",
    ],
    [
        "Palvelun järjestämisestä vastaa kunta.",
        "Kommunen ansvarar för att ordna tjänsten.",
        "The municipality is responsible for organising the service.",
    ],
    [
        "Tuen myöntäminen on harkinnanvaraista.",
        "Beviljandet av stöd är prövningsbaserat.",
        "Granting the support is discretionary.",
    ],
    [
        "Palvelua voi käyttää myös toisen henkilön puolesta valtakirjalla.",
        "Tjänsten kan också användas för en annan persons räkning med fullmakt.",
        "The service can also be used on behalf of another person with a power of attorney.",
    ],
    [
        "Yrityksen tulee olla merkitty kaupparekisteriin.",
        "Företaget ska vara antecknat i handelsregistret.",
        "The company must be entered in the Trade Register.",
    ],
    [
        "Ilmoitus on tehtävä viimeistään viikon kuluttua muutoksesta.",
        "Anmälan ska göras senast en vecka efter ändringen.",
        "The notification must be made no later than one week after the change.",
    ],
    [
        "Palvelussa voit tarkastella omia tietojasi ja tehdä muutoksia.",
        "I tjänsten kan du granska dina egna uppgifter och göra ändringar.",
        "In the service you can view your own data and make changes.",
    ],
    [
        "Asiantuntijamme auttavat suunnittelussa ja rahoituksen hakemisessa.",
        "Våra experter hjälper till med planering och ansökan om finansiering.",
        "Our experts help with planning and applying for funding.",
    ],
    [
        "Tiedot tallennetaan rekisteriin, jota ylläpitää viranomainen.",
        "Uppgifterna sparas i ett register som förs av myndigheten.",
        "The data is stored in a register maintained by the authority.",
    ],
    [
        "Palvelua tarjotaan suomeksi ja ruotsiksi.",
        "Tjänsten erbjuds på finska och svenska.",
        "The service is offered in Finnish and Swedish.",
    ],
    [
        "Kiireellisissä tapauksissa ota yhteyttä päivystykseen.",
        "I brådskande fall ska du kontakta jouren.",
        "In urgent cases, contact the emergency service.",
    ],
    [
        "Päätös lähetetään hakijalle postitse tai sähköisesti.",
        "Beslutet skickas till sökanden per post eller elektroniskt.",
        "The decision is sent to the applicant by post or electronically.",
    ],
    [
        "Palvelu perustuu lakiin, ja sen sisältö on sama koko maassa.",
        "Tjänsten grundar sig på lag och innehållet är detsamma i hela landet.",
        "The service is based on law and its content is the same throughout the country.",
    ],
];

/// User-instruction sentences.
const INSTRUCTION_SENTENCES: &[[&str; 3]] = &[
    ["Täytä hakemus verkkopalvelussa ja liitä tarvittavat liitteet.", "Fyll i ansökan i webbtjänsten och bifoga de bilagor som behövs.", "Fill in the application in the online service and attach the required documents."],
    ["Kirjaudu palveluun verkkopankkitunnuksilla, mobiilivarmenteella tai henkilökortilla.", "Logga in i tjänsten med nätbankskoder, mobilcertifikat eller identitetskort.", "Log in to the service with online banking codes, a mobile certificate or an identity card."],
    ["Voit myös tulostaa lomakkeen ja palauttaa sen postitse.", "Du kan också skriva ut blanketten och returnera den per post.", "You can also print the form and return it by post."],
    ["Varaa aika puhelimitse tai sähköisen ajanvarauksen kautta.", "Boka tid per telefon eller via den elektroniska tidsbokningen.", "Book an appointment by phone or through the online booking."],
    ["Ota mukaan henkilöllisyystodistus.", "Ta med ett identitetsbevis.", "Bring proof of identity."],
    ["Jos tarvitset apua lomakkeen täyttämisessä, ota yhteyttä neuvontaan.", "Om du behöver hjälp med att fylla i blanketten, kontakta rådgivningen.", "If you need help filling in the form, contact the advice service."],
    ["Hakemus on jätettävä ennen toiminnan aloittamista.", "Ansökan ska lämnas in innan verksamheten inleds.", "The application must be submitted before the activity begins."],
    ["Säilytä päätös ja siihen liittyvät asiakirjat.", "Spara beslutet och tillhörande handlingar.", "Keep the decision and the related documents."],
];

/// Real ontology terms of the v11 services (fi, sv, en), used as keywords.
const TERMS: &[[&str; 3]] = &[
    ["rajankäynti", "rågång", "demarcation"],
    ["peruskoulu", "grundskolan", "comprehensive school"],
    ["oppivelvollisuus", "läroplikt", "compulsory education"],
    ["perusopetus", "grundläggande utbildning", "basic education"],
    ["kadut", "gator", "streets"],
    ["liikenne", "trafik", "traffic"],
    [
        "etsivä nuorisotyö",
        "uppsökande ungdomsverksamhet",
        "outreach youth work",
    ],
    ["itseopiskelu", "självstudier", "independent study"],
    [
        "oppimisympäristö",
        "inlärningsmiljö",
        "learning environment",
    ],
    ["verkkokurssit", "nätkurser", "online courses"],
    [
        "aikuislukiot",
        "vuxengymnasier",
        "general upper secondary schools for adults",
    ],
    ["verkko-opiskelu", "nätstudier", "online study"],
    [
        "lukiokoulutus",
        "gymnasieutbildning",
        "general upper secondary education",
    ],
    ["etäopiskelu", "distansstudier", "distance studies"],
    ["väestötiedot", "befolkningsdata", "population data"],
    ["lasten päivähoito", "barndagvård", "child day care"],
    ["uimahallit", "simhallar", "indoor swimming pools"],
    ["uinti", "simning", "swimming"],
    ["tontit", "tomter", "plots of land"],
    ["sijaintikatselmukset", "lägessyn", "location inspections"],
    ["hissiavustukset", "hissbidrag", "lift subsidies"],
    ["tutkimus", "forskning", "research"],
    ["kesätyöpaikat", "sommararbetsplatser", "summer jobs"],
    ["oppilashuolto", "elevvård", "pupil welfare"],
    ["esiopetus", "förskoleundervisning", "preschool education"],
    [
        "opinto-ohjaus",
        "studievägledning",
        "educational counselling",
    ],
    ["rekisterit", "register", "registers"],
    ["musiikkiluokat", "musikklasser", "music-oriented classes"],
    [
        "vammaisten avustajat",
        "personliga assistenter",
        "assistants for disabled people",
    ],
    ["erityispäivähoito", "specialdagvård", "special day care"],
    ["kasvatus", "fostran", "upbringing"],
    [
        "varhaiskasvatus",
        "småbarnsfostran",
        "early childhood education and care",
    ],
    ["kuolema", "döden", "death"],
    ["psyykkinen trauma", "psykiskt trauma", "psychic trauma"],
];

/// Channel name endings by kind ("<class label>: sähköinen asiointi").
const CHANNEL_NAME: [[&str; 3]; 5] = [
    ["sähköinen asiointi", "e-tjänst", "e-service"],
    ["verkkosivut", "webbplats", "website"],
    ["puhelinneuvonta", "telefonrådgivning", "telephone advice"],
    ["palvelupiste", "serviceställe", "service point"],
    ["hakemuslomake", "ansökningsblankett", "application form"],
];

/// Street names for service-location addresses.
const STREETS: &[&str] = &[
    "Kirkkokatu",
    "Koulutie",
    "Asemakatu",
    "Rantatie",
    "Puistokatu",
    "Kauppakatu",
    "Teollisuustie",
    "Torikatu",
    "Sairaalantie",
    "Kirjastotie",
    "Urheilutie",
    "Virastotie",
];

const DAYS: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

// ------------------------------------------------------------------------------------------------
// Public API.
// ------------------------------------------------------------------------------------------------

/// Writes PTV v11 JSON array files (services-00000.json, channels-00000.json, organizations.json) into `out_dir`.
///
/// `services-NNNNN.json` holds up to [`SyntheticOptions::services_per_file`] services and
/// `channels-NNNNN.json` the channels first used by those services (always written, possibly
/// `[]`); `organizations.json` all organisations. One record per line. The directory is created
/// if needed; files of these name patterns left from an earlier run are removed first, so a
/// smaller catalogue never mixes with a larger old one. Other files are left alone.
pub fn write_catalog(out_dir: &Path, opts: &SyntheticOptions) -> Result<SyntheticSummary> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    for entry in std::fs::read_dir(out_dir).map_err(io(out_dir))? {
        let entry = entry.map_err(io(out_dir))?;
        let name = entry.file_name();
        if is_generated_file_name(&name.to_string_lossy()) {
            std::fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
        }
    }
    let per_file = per_file(opts);
    let mut summary = SyntheticSummary::default();
    let mut generator = Generator::new(opts);
    let mut organizations = ArrayFile::create(&out_dir.join("organizations.json"))?;
    let mut chunk: Option<(ArrayFile, ArrayFile)> = None;
    let mut in_chunk = 0usize;
    while let Some((kind, text)) = generator.next_text() {
        match kind {
            RecordKind::Organization => {
                organizations.push(&text)?;
                summary.organizations += 1;
            }
            RecordKind::Channel | RecordKind::Service => {
                if chunk.is_none() {
                    let n = summary.files / 2;
                    chunk = Some((
                        ArrayFile::create(&out_dir.join(format!("services-{n:05}.json")))?,
                        ArrayFile::create(&out_dir.join(format!("channels-{n:05}.json")))?,
                    ));
                    summary.files += 2;
                }
                let (services, channels) = chunk.as_mut().expect("open chunk");
                if kind == RecordKind::Channel {
                    channels.push(&text)?;
                    summary.channels += 1;
                } else {
                    services.push(&text)?;
                    summary.services += 1;
                    in_chunk += 1;
                    if in_chunk == per_file {
                        let (s, c) = chunk.take().expect("open chunk");
                        s.finish()?;
                        c.finish()?;
                        in_chunk = 0;
                    }
                }
            }
        }
    }
    if let Some((s, c)) = chunk.take() {
        s.finish()?;
        c.finish()?;
    }
    organizations.finish()?;
    summary.files += 1;
    tracing::info!(
        dir = %out_dir.display(),
        services = summary.services,
        channels = summary.channels,
        organizations = summary.organizations,
        files = summary.files,
        "wrote synthetic PTV v11 catalogue"
    );
    Ok(summary)
}

/// The same records in memory, in chunks, for benchmarks that skip the files.
///
/// Order: first every organisation; then, for each service in turn, the channels that service
/// is the first to use, followed by the service itself — so every id a record refers to has
/// already been yielded. Tell the kinds apart with [`RecordKind::of`]. The records are exactly
/// the ones [`write_catalog`] writes, in the same order.
pub fn generate(opts: &SyntheticOptions) -> impl Iterator<Item = serde_json::Value> {
    generate_text(opts)
        .map(|(_, text)| serde_json::from_str(&text).expect("the generator writes valid JSON"))
}

/// The same records as compact JSON text with their kind, in the order of [`generate`]: the
/// fast path for benchmarks that feed the importer bytes (building `serde_json::Value`s costs
/// more than generating the text).
pub fn generate_text(opts: &SyntheticOptions) -> impl Iterator<Item = (RecordKind, String)> {
    let mut generator = Generator::new(opts);
    std::iter::from_fn(move || generator.next_text())
}

fn per_file(opts: &SyntheticOptions) -> usize {
    if opts.services_per_file == 0 {
        SyntheticOptions::default().services_per_file
    } else {
        opts.services_per_file
    }
}

fn is_generated_file_name(name: &str) -> bool {
    if name == "organizations.json" {
        return true;
    }
    ["services-", "channels-"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".json"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A JSON array written one record per line.
struct ArrayFile {
    path: std::path::PathBuf,
    w: BufWriter<File>,
    empty: bool,
}

impl ArrayFile {
    fn err(&self, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn create(path: &Path) -> Result<Self> {
        let file = File::create(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut f = ArrayFile {
            path: path.to_path_buf(),
            w: BufWriter::with_capacity(1 << 20, file),
            empty: true,
        };
        f.w.write_all(b"[").map_err(|e| f.err(e))?;
        Ok(f)
    }

    fn push(&mut self, record: &str) -> Result<()> {
        let sep: &[u8] = if self.empty { b"\n" } else { b",\n" };
        self.empty = false;
        self.w.write_all(sep).map_err(|e| self.err(e))?;
        self.w.write_all(record.as_bytes()).map_err(|e| self.err(e))
    }

    fn finish(mut self) -> Result<()> {
        self.w.write_all(b"\n]\n").map_err(|e| self.err(e))?;
        self.w.flush().map_err(|e| self.err(e))
    }
}

// ------------------------------------------------------------------------------------------------
// A small JSON text writer: the records are built as text from pre-serialised fragments, which is
// an order of magnitude faster than building `serde_json::Value` trees.
// ------------------------------------------------------------------------------------------------

/// Appends `s` as a JSON string literal.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Builds one JSON object (or nested objects and arrays) as text. Every value is followed by a
/// comma, which closing a container replaces.
struct Json(String);

impl Json {
    fn new() -> Self {
        let mut s = String::with_capacity(16 * 1024);
        s.push('{');
        Json(s)
    }
    fn key(&mut self, k: &str) {
        self.0.push('"');
        self.0.push_str(k);
        self.0.push_str("\":");
    }
    /// `"k": "v"`.
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        push_json_str(&mut self.0, v);
        self.0.push(',');
    }
    /// `"k": "v"` or `"k": null`.
    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        match v {
            Some(v) => self.str(k, v),
            None => self.raw(k, "null"),
        }
    }
    /// `"k": <json text>`.
    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.0.push_str(v);
        self.0.push(',');
    }
    /// A bare JSON text as an array item.
    fn item_raw(&mut self, v: &str) {
        self.0.push_str(v);
        self.0.push(',');
    }
    fn begin_array(&mut self, k: &str) {
        self.key(k);
        self.0.push('[');
    }
    fn begin_object(&mut self, k: Option<&str>) {
        if let Some(k) = k {
            self.key(k);
        }
        self.0.push('{');
    }
    fn end(&mut self, close: char) {
        if self.0.ends_with(',') {
            self.0.pop();
        }
        self.0.push(close);
        self.0.push(',');
    }
    fn end_array(&mut self) {
        self.end(']');
    }
    fn end_object(&mut self) {
        self.end('}');
    }
    /// `{"language": l, "value": v, "type": t}` items for the given languages.
    fn typed_texts(&mut self, texts: &[String; 3], langs: &[usize], kind: &str) {
        for &l in langs {
            self.0.push_str("{\"language\":\"");
            self.0.push_str(LANGS[l]);
            self.0.push_str("\",\"value\":");
            push_json_str(&mut self.0, &texts[l]);
            self.0.push_str(",\"type\":\"");
            self.0.push_str(kind);
            self.0.push_str("\"},");
        }
    }
    fn finish(mut self) -> String {
        if self.0.ends_with(',') {
            self.0.pop();
        }
        self.0.push('}');
        self.0
    }
}

/// `[{"value": .., "language": ..}, …]` for the languages a localized text has.
fn localized_json(l: &aurora_model::Localized) -> String {
    let mut s = String::from("[");
    for i in [FI, SV, EN] {
        if let Some(v) = l.exact(lang_of(i)) {
            s.push_str("{\"value\":");
            push_json_str(&mut s, v);
            s.push_str(",\"language\":\"");
            s.push_str(LANGS[i]);
            s.push_str("\"},");
        }
    }
    if s.ends_with(',') {
        s.pop();
    }
    s.push(']');
    s
}

// ------------------------------------------------------------------------------------------------
// The generator.
// ------------------------------------------------------------------------------------------------

struct Org {
    id: String,
    /// Names without the synthetic suffix.
    names: [String; 3],
    /// Home municipality index (municipal organisations).
    municipality: Option<usize>,
    /// `{"id": .., "name": ..}` as a service refers to it.
    reference: String,
    /// Channels of the organisation by kind: `{"id": .., "name": ..}`.
    channels: [Vec<String>; 5],
}

/// Pre-serialised pieces of the code lists.
struct Fragments {
    /// Per service class (index into `CodeLists::service_classes()`): a `serviceClasses` item.
    classes: Vec<String>,
    /// Per target group: a `targetGroups` item.
    target_groups: Vec<String>,
    /// Per life event: a `lifeEvents` item.
    life_events: Vec<String>,
    /// Per municipality: `{"code", "name"}`.
    municipality: Vec<String>,
    /// Per municipality: a `Municipality` area with that one municipality.
    area: Vec<String>,
    /// Per municipality: indices of the municipalities of its region.
    region_members: Vec<Vec<usize>>,
}

impl Fragments {
    fn build(lists: &'static CodeLists) -> Self {
        let class_index: HashMap<&str, usize> = lists
            .service_classes()
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), i))
            .collect();
        let classes = lists
            .service_classes()
            .iter()
            .map(|c| {
                let parent_uri = c
                    .parent
                    .as_deref()
                    .and_then(|p| class_index.get(p))
                    .map(|&i| lists.service_classes()[i].uri.as_str());
                let mut j = Json::new();
                j.raw("name", &localized_json(&c.label));
                j.raw("description", &localized_json(&c.description));
                j.str("code", &c.code);
                j.str("ontologyType", "ptvserclass2");
                j.str("uri", &c.uri);
                j.raw("parentId", "null");
                j.opt_str("parentUri", parent_uri);
                j.str("newUri", &c.uri);
                j.opt_str("newParentUri", parent_uri);
                j.finish()
            })
            .collect();
        let concepts = |all: &'static [Concept], ontology_type: &str| -> Vec<String> {
            all.iter()
                .map(|c| {
                    let parent_uri = c
                        .parent
                        .as_deref()
                        .and_then(|p| all.iter().find(|x| x.code == p))
                        .map(|p| p.uri.as_str());
                    let mut j = Json::new();
                    j.raw("name", &localized_json(&c.label));
                    j.str("code", &c.code);
                    j.str("ontologyType", ontology_type);
                    j.str("uri", &c.uri);
                    j.raw("parentId", "null");
                    j.opt_str("parentUri", parent_uri);
                    j.str("newUri", &c.uri);
                    j.opt_str("newParentUri", parent_uri);
                    j.finish()
                })
                .collect()
        };
        let municipalities = lists.municipalities();
        let municipality: Vec<String> = municipalities
            .iter()
            .map(|m| {
                let mut j = Json::new();
                j.str("code", &m.code);
                j.raw("name", &localized_json(&m.name));
                j.finish()
            })
            .collect();
        let area = municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut j = Json::new();
                j.str("type", "Municipality");
                j.str("code", &m.code);
                j.raw("name", &localized_json(&m.name));
                j.raw("municipalities", &format!("[{}]", municipality[i]));
                j.finish()
            })
            .collect();
        let region_members = municipalities
            .iter()
            .map(|m| {
                municipalities
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.area_code(AreaKind::Region) == m.area_code(AreaKind::Region))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Fragments {
            classes,
            target_groups: concepts(lists.target_groups(), "ptvkohderyhmat"),
            life_events: concepts(lists.life_events(), "ptvelti"),
            municipality,
            area,
            region_members,
        }
    }
}

struct Generator {
    rng: StdRng,
    lists: &'static CodeLists,
    fragments: Fragments,
    services_total: usize,
    services_done: usize,
    channels_done: usize,
    orgs: Vec<Org>,
    /// Index of the first national agency in `orgs` (they follow the municipal ones).
    first_agency: usize,
    /// Main class code → agency index.
    agency_of_main_class: HashMap<String, usize>,
    orgs_emitted: usize,
    pending: VecDeque<(RecordKind, String)>,
    /// Weighted class indices (into `CodeLists::service_classes()`).
    classes: Vec<(usize, u32)>,
    /// Weighted target-group indices (into `CodeLists::target_groups()`).
    target_groups: Vec<(usize, u32)>,
}

fn uuid4(rng: &mut StdRng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

pub(crate) fn format_uuid(b: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[(byte >> 4) as usize] as char);
        s.push(HEX[(byte & 0xf) as usize] as char);
    }
    s
}

fn pick<'a, T>(rng: &mut StdRng, table: &'a [(T, u32)]) -> &'a T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in table {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &table[table.len() - 1].0
}

fn percent(rng: &mut StdRng, p: u32) -> bool {
    rng.random_range(0..100) < p
}

/// A length drawn uniformly within a uniformly chosen quartile.
fn quartile_len(rng: &mut StdRng, q: &[usize; 5]) -> usize {
    let i = rng.random_range(0..4);
    rng.random_range(q[i]..=q[i + 1])
}

fn lang_of(i: usize) -> aurora_model::Lang {
    aurora_model::Lang::ALL[i]
}

/// The text of a localized value in one language, falling back to Finnish.
fn text_in(l: &aurora_model::Localized, i: usize) -> &str {
    l.get(lang_of(i)).unwrap_or_default()
}

/// Appends sentences (the same choice in every language) until the Finnish text reaches
/// `target` characters; `lead` texts come first. Sentences are dealt from a shuffled deck, so a
/// sentence repeats only after the whole pool has been used.
fn compose(
    rng: &mut StdRng,
    target: usize,
    lead: Option<[String; 3]>,
    pool: &[[&str; 3]],
) -> [String; 3] {
    let mut out: [String; 3] = lead.unwrap_or_default();
    for text in out.iter_mut() {
        text.reserve(target + target / 2 + 64);
    }
    let mut fi_chars = out[FI].chars().count();
    let mut deck: Vec<usize> = (0..pool.len()).collect();
    let mut next = deck.len();
    while fi_chars < target {
        if next == deck.len() {
            deck.shuffle(rng);
            next = 0;
        }
        let i = deck[next];
        next += 1;
        for (l, text) in out.iter_mut().enumerate() {
            if !text.is_empty() {
                text.push(' ');
                if l == FI {
                    fi_chars += 1;
                }
            }
            text.push_str(pool[i][l]);
        }
        fi_chars += pool[i][FI].chars().count();
    }
    out
}

/// Cuts a text to at most `max` characters at a sentence end (else a word end, adding "…").
fn cap_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    if let Some(end) = cut.rfind(". ") {
        return cut[..=end].to_string();
    }
    let word_end = cut.rfind(' ').unwrap_or(cut.len());
    let mut s = cut[..word_end]
        .trim_end_matches([',', ':', ';'])
        .to_string();
    // Keep within max including the ellipsis.
    while s.chars().count() + 1 > max {
        s.pop();
    }
    s.push('…');
    s
}

fn with_suffix(names: &[String; 3]) -> [String; 3] {
    [0, 1, 2].map(|l| format!("{}{}", names[l], SUFFIX[l]))
}

fn modified(rng: &mut StdRng) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}",
        rng.random_range(2019..=2024),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(7..=17),
        rng.random_range(0..60),
        rng.random_range(0..60)
    )
}

/// `"languages": [..]` text.
fn lang_list(langs: &[usize]) -> String {
    let items: Vec<String> = langs.iter().map(|&l| format!("\"{}\"", LANGS[l])).collect();
    format!("[{}]", items.join(","))
}

impl Generator {
    fn new(opts: &SyntheticOptions) -> Self {
        let lists = CodeLists::get();
        let fragments = Fragments::build(lists);
        let mut rng = StdRng::seed_from_u64(opts.seed);
        let class_at: HashMap<&str, usize> = lists
            .service_classes()
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), i))
            .collect();
        let classes = CLASS_WEIGHTS
            .iter()
            .filter_map(|(code, w)| class_at.get(code).map(|&i| (i, *w)))
            .collect();
        let target_groups = TARGET_GROUP_WEIGHTS
            .iter()
            .filter_map(|(code, w)| {
                lists
                    .target_groups()
                    .iter()
                    .position(|g| g.code == *code)
                    .map(|i| (i, *w))
            })
            .collect();
        let mut orgs = Vec::new();
        let new_org = |rng: &mut StdRng, names: [String; 3], municipality: Option<usize>| {
            let id = uuid4(rng);
            let mut r = Json::new();
            r.str("id", &id);
            r.str("name", &with_suffix(&names)[FI]);
            Org {
                id,
                reference: r.finish(),
                names,
                municipality,
                channels: Default::default(),
            }
        };
        for (i, m) in lists.municipalities().iter().enumerate() {
            let names = [
                format!("Kunta: {}", text_in(&m.name, FI)),
                format!("Kommun: {}", text_in(&m.name, SV)),
                format!("Municipality of {}", text_in(&m.name, EN)),
            ];
            orgs.push(new_org(&mut rng, names, Some(i)));
        }
        let first_agency = orgs.len();
        let mut agency_of_main_class = HashMap::new();
        for c in lists
            .service_classes()
            .iter()
            .filter(|c| c.parent.is_none())
        {
            agency_of_main_class.insert(c.code.clone(), orgs.len());
            let names = [
                format!("Valtakunnallinen palvelukeskus: {}", text_in(&c.label, FI)),
                format!("Riksomfattande servicecenter: {}", text_in(&c.label, SV)),
                format!("National service centre: {}", text_in(&c.label, EN)),
            ];
            orgs.push(new_org(&mut rng, names, None));
        }
        Generator {
            rng,
            lists,
            fragments,
            services_total: opts.services,
            services_done: 0,
            channels_done: 0,
            orgs,
            first_agency,
            agency_of_main_class,
            orgs_emitted: 0,
            pending: VecDeque::new(),
            classes,
            target_groups,
        }
    }

    /// The next record as compact JSON text.
    fn next_text(&mut self) -> Option<(RecordKind, String)> {
        if self.orgs_emitted < self.orgs.len() {
            let i = self.orgs_emitted;
            self.orgs_emitted += 1;
            return Some((RecordKind::Organization, self.organization(i)));
        }
        if let Some(r) = self.pending.pop_front() {
            return Some(r);
        }
        if self.services_done >= self.services_total {
            return None;
        }
        let service = self.service();
        self.pending.push_back((RecordKind::Service, service));
        self.pending.pop_front()
    }

    fn organization(&mut self, i: usize) -> String {
        let modified = modified(&mut self.rng);
        let org = &self.orgs[i];
        let names = with_suffix(&org.names);
        let all = [FI, SV, EN];
        let description = match org.municipality {
            Some(_) => [
                format!("{} on synteettinen organisaatio, jonka Aurora on tuottanut suorituskykytestejä varten.", org.names[FI]),
                format!("{} är en syntetisk organisation som Aurora har skapat för prestandatester.", org.names[SV]),
                format!("{} is a synthetic organisation generated by Aurora for performance tests.", org.names[EN]),
            ],
            None => [
                "Synteettinen valtakunnallinen virasto, jonka Aurora on tuottanut suorituskykytestejä varten.".to_string(),
                "Syntetisk riksomfattande myndighet som Aurora har skapat för prestandatester.".to_string(),
                "Synthetic national agency generated by Aurora for performance tests.".to_string(),
            ],
        };
        let mut j = Json::new();
        j.str("id", &org.id);
        j.str("sourceId", &format!("aurora-synthetic-organization-{i}"));
        j.raw("oid", "null");
        j.raw("parentOrganizationId", "null");
        j.str("organizationRootId", &org.id);
        match org.municipality {
            Some(m) => j.raw("municipality", &self.fragments.municipality[m]),
            None => j.raw("municipality", "null"),
        }
        j.str(
            "organizationType",
            if org.municipality.is_some() {
                "Municipality"
            } else {
                "State"
            },
        );
        j.raw("businessCode", "null");
        j.raw("businessName", "null");
        j.begin_array("organizationNames");
        j.typed_texts(&names, &all, "Name");
        j.end_array();
        j.raw(
            "displayNameType",
            r#"[{"type":"Name","language":"fi"},{"type":"Name","language":"sv"},{"type":"Name","language":"en"}]"#,
        );
        match org.municipality {
            Some(m) => {
                j.str("areaType", "LimitedType");
                j.raw("areas", &format!("[{}]", self.fragments.area[m]));
            }
            None => {
                j.str("areaType", "Nationwide");
                j.raw("areas", "[]");
            }
        }
        j.begin_array("organizationDescriptions");
        j.typed_texts(&description, &all, "Description");
        j.end_array();
        j.begin_array("emails");
        j.begin_object(None);
        j.str("value", &format!("kirjaamo-{i}@{DOMAIN}"));
        j.str("language", "fi");
        j.end_object();
        j.end_array();
        j.raw("phoneNumbers", "[]");
        j.begin_array("webPages");
        j.begin_object(None);
        j.str("url", &format!("https://{DOMAIN}/organisaatio/{i}"));
        j.str("value", &names[FI]);
        j.str("language", "fi");
        j.end_object();
        j.end_array();
        j.raw("addresses", "[]");
        j.raw("electronicInvoicings", "[]");
        j.raw("services", "[]");
        j.str("publishingStatus", "Published");
        j.str("modified", &modified);
        j.raw("auroraSynthetic", "true");
        j.finish()
    }

    fn pick_class(&mut self) -> usize {
        if percent(&mut self.rng, CLASS_UNIFORM_PERCENT) || self.classes.is_empty() {
            self.rng.random_range(0..self.lists.service_classes().len())
        } else {
            *pick(&mut self.rng, &self.classes)
        }
    }

    fn pick_target_group(&mut self) -> usize {
        if percent(&mut self.rng, TARGET_GROUP_UNIFORM_PERCENT) || self.target_groups.is_empty() {
            self.rng.random_range(0..self.lists.target_groups().len())
        } else {
            *pick(&mut self.rng, &self.target_groups)
        }
    }

    /// A link to a channel of `kind` of organisation `org`: an existing one or a new one (which
    /// is queued for output before the service). Returns `{"id": .., "name": ..}`.
    fn channel_link(
        &mut self,
        org: usize,
        kind: ChannelKindSyn,
        topic: &ServiceClass,
        text_langs: &[usize],
    ) -> String {
        let k = kind.index();
        let reuse =
            !self.orgs[org].channels[k].is_empty() && percent(&mut self.rng, CHANNEL_REUSE_PERCENT);
        if reuse {
            let pool = &self.orgs[org].channels[k];
            return pool[self.rng.random_range(0..pool.len())].clone();
        }
        let n = self.channels_done;
        self.channels_done += 1;
        let id = uuid4(&mut self.rng);
        let street = STREETS[self.rng.random_range(0..STREETS.len())];
        let street_no = self.rng.random_range(1..=60);
        let base: [String; 3] = match kind {
            ChannelKindSyn::ServiceLocation => [0, 1, 2].map(|l| {
                format!(
                    "{}, {} {street} {street_no}",
                    self.orgs[org].names[l], CHANNEL_NAME[k][l]
                )
            }),
            _ => [0, 1, 2].map(|l| format!("{}: {}", text_in(&topic.label, l), CHANNEL_NAME[k][l])),
        };
        let names = with_suffix(&base);
        let summary =
            compose(&mut self.rng, 60, None, DESCRIPTION_SENTENCES).map(|s| cap_chars(&s, 150));
        let description = compose(&mut self.rng, 200, None, DESCRIPTION_SENTENCES);
        let municipality = self.orgs[org].municipality;
        let url = format!("https://{DOMAIN}/kanava/{n}");
        let email = format!("[{{\"value\":\"kanava-{n}@{DOMAIN}\",\"language\":\"fi\"}}]");
        let phone = format!(
            "[{{\"type\":\"Phone\",\"additionalInformation\":null,\"serviceChargeType\":\"Chargeable\",\"chargeDescription\":null,\"prefixNumber\":\"+358\",\"isFinnishServiceNumber\":false,\"number\":\"0{:08}\",\"language\":\"fi\"}}]",
            n % 100_000_000
        );
        let hours = {
            let days: Vec<String> = DAYS
                .iter()
                .map(|d| format!("{{\"dayFrom\":\"{d}\",\"dayTo\":\"\",\"from\":\"08:00:00\",\"to\":\"16:00:00\"}}"))
                .collect();
            format!(
                "[{{\"serviceHourType\":\"DaysOfTheWeek\",\"validFrom\":null,\"validTo\":null,\"isClosed\":false,\"validForNow\":true,\"isAlwaysOpen\":false,\"isReservation\":false,\"additionalInformation\":[],\"openingHour\":[{}]}}]",
                days.join(",")
            )
        };
        let mut j = Json::new();
        j.str("id", &id);
        j.str("sourceId", &format!("aurora-synthetic-channel-{n}"));
        j.str("serviceChannelType", kind.ptv());
        j.str("organizationId", &self.orgs[org].id);
        j.begin_array("serviceChannelNames");
        j.typed_texts(&names, text_langs, "Name");
        j.end_array();
        j.begin_array("serviceChannelDescriptions");
        j.typed_texts(&summary, text_langs, "Summary");
        j.typed_texts(&description, text_langs, "Description");
        j.end_array();
        match municipality {
            Some(m) => {
                j.str("areaType", "LimitedType");
                j.raw("areas", &format!("[{}]", self.fragments.area[m]));
            }
            None => {
                j.str("areaType", "Nationwide");
                j.raw("areas", "[]");
            }
        }
        j.raw("languages", &lang_list(text_langs));
        let web_page = |name: Option<&str>| {
            let mut w = Json::new();
            w.str("url", &url);
            w.opt_str("value", name);
            w.str("language", "fi");
            format!("[{}]", w.finish())
        };
        match kind {
            ChannelKindSyn::EChannel => {
                j.raw("signatureQuantity", "0");
                j.raw("requiresSignature", "false");
                let auth = self.rng.random_bool(0.6);
                j.raw(
                    "requiresAuthentication",
                    if auth { "true" } else { "false" },
                );
                j.raw("attachments", "[]");
                j.raw("supportPhones", "[]");
                j.raw("supportEmails", &email);
                j.raw("webPages", &web_page(None));
                j.raw("serviceHours", "[]");
            }
            ChannelKindSyn::WebPage => {
                j.raw("supportPhones", "[]");
                j.raw("supportEmails", "[]");
                j.raw("webPages", &web_page(Some(&names[FI])));
                j.raw("serviceHours", "[]");
            }
            ChannelKindSyn::Phone => {
                j.raw("phoneNumbers", &phone);
                j.raw("supportEmails", "[]");
                j.raw("webPages", "[]");
                j.raw("serviceHours", &hours);
            }
            ChannelKindSyn::ServiceLocation => {
                let post_office = municipality
                    .map(|m| text_in(&self.lists.municipalities()[m].name, FI).to_uppercase())
                    .unwrap_or_else(|| "HELSINKI".into());
                j.raw("phoneNumbers", &phone);
                j.raw("emails", &email);
                j.raw("webPages", &web_page(Some(&names[FI])));
                j.begin_array("addresses");
                j.begin_object(None);
                j.str("type", "Location");
                j.str("subType", "Single");
                j.raw("postOfficeBoxAddress", "null");
                j.begin_object(Some("streetAddress"));
                j.raw(
                    "street",
                    &format!("[{{\"value\":\"{street}\",\"language\":\"fi\"}}]"),
                );
                j.str("streetNumber", &street_no.to_string());
                j.str(
                    "postalCode",
                    &format!("{:05}", self.rng.random_range(100..99_999)),
                );
                j.begin_array("postOffice");
                j.begin_object(None);
                j.str("value", &post_office);
                j.str("language", "fi");
                j.end_object();
                j.end_array();
                match municipality {
                    Some(m) => j.raw("municipality", &self.fragments.municipality[m]),
                    None => j.raw("municipality", "null"),
                }
                j.raw("additionalInformation", "[]");
                j.str(
                    "latitude",
                    &self.rng.random_range(6_650_000..7_750_000).to_string(),
                );
                j.str(
                    "longitude",
                    &self.rng.random_range(200_000..700_000).to_string(),
                );
                j.str("coordinateState", "Ok");
                j.end_object();
                j.raw("otherAddress", "null");
                j.raw("locationAbroad", "null");
                j.raw("entrances", "[]");
                j.str("country", "FI");
                j.end_object();
                j.end_array();
                j.raw("serviceHours", &hours);
            }
            ChannelKindSyn::PrintableForm => {
                j.raw(
                    "formIdentifier",
                    &format!("[{{\"value\":\"SYN-{n}\",\"language\":\"fi\"}}]"),
                );
                j.raw("deliveryAddresses", "[]");
                j.raw(
                    "channelUrls",
                    &format!(
                        "[{{\"language\":\"fi\",\"value\":\"{url}/lomake.pdf\",\"type\":\"PDF\"}}]"
                    ),
                );
                j.raw("attachments", "[]");
                j.raw("supportPhones", "[]");
                j.raw("supportEmails", &email);
                j.raw("webPages", "[]");
                j.raw("serviceHours", "[]");
            }
        }
        j.str("publishingStatus", "Published");
        j.str("modified", &modified(&mut self.rng));
        j.raw("auroraSynthetic", "true");
        self.pending.push_back((RecordKind::Channel, j.finish()));
        let mut r = Json::new();
        r.str("id", &id);
        r.str("name", &names[FI]);
        let reference = r.finish();
        self.orgs[org].channels[k].push(reference.clone());
        reference
    }

    fn service(&mut self) -> String {
        let n = self.services_done;
        self.services_done += 1;
        let id = uuid4(&mut self.rng);
        let lists = self.lists;
        let all_classes = lists.service_classes();

        // Classes: distinct codes; the first is the topic.
        let class_count = *pick(&mut self.rng, CLASS_COUNT_WEIGHTS);
        let mut classes: Vec<usize> = Vec::with_capacity(class_count);
        for _ in 0..class_count * 3 {
            if classes.len() == class_count {
                break;
            }
            let c = self.pick_class();
            if !classes.contains(&c) {
                classes.push(c);
            }
        }
        let topic = &all_classes[classes[0]];
        let main_code = topic.parent.as_deref().unwrap_or(&topic.code);

        // Area and organisation.
        let area = *pick(&mut self.rng, AREA_WEIGHTS);
        let mut municipalities: Vec<usize> = Vec::new();
        let org = match area {
            AreaTypeSyn::Limited => {
                let home = self.rng.random_range(0..lists.municipalities().len());
                municipalities.push(home);
                let wanted = *pick(&mut self.rng, MUNICIPALITY_COUNT_WEIGHTS);
                let neighbours = &self.fragments.region_members[home];
                let mut tries = 0;
                while municipalities.len() < wanted && tries < wanted * 4 {
                    tries += 1;
                    let m = neighbours[self.rng.random_range(0..neighbours.len())];
                    if !municipalities.contains(&m) {
                        municipalities.push(m);
                    }
                }
                home
            }
            _ => {
                if percent(&mut self.rng, NATIONWIDE_BY_AGENCY_PERCENT) {
                    self.agency_of_main_class
                        .get(main_code)
                        .copied()
                        .unwrap_or(self.first_agency)
                } else {
                    self.rng.random_range(0..self.first_agency)
                }
            }
        };

        // Languages.
        let text_langs = *pick(&mut self.rng, TEXT_LANG_WEIGHTS);
        let offered = *pick(&mut self.rng, OFFERED_LANG_WEIGHTS);
        let languages: Vec<usize> = [FI, SV, EN]
            .into_iter()
            .filter(|l| text_langs.contains(l) || offered.contains(l))
            .collect();

        // Texts.
        let noun = NAME_NOUNS[self.rng.random_range(0..NAME_NOUNS.len())];
        let place = municipalities
            .first()
            .map(|&m| &lists.municipalities()[m].name);
        let base_name = [0, 1, 2].map(|l| match place {
            Some(p) => format!(
                "{}: {}, {}",
                text_in(p, l),
                text_in(&topic.label, l),
                noun[l]
            ),
            None => format!("{}: {}", text_in(&topic.label, l), noun[l]),
        });
        let names = with_suffix(&base_name);
        let summary_target = quartile_len(&mut self.rng, &SUMMARY_LEN);
        // "<Class label>: <summary phrase>", then whole sentences up to the drawn length.
        let phrase = SUMMARY_SENTENCES[self.rng.random_range(0..SUMMARY_SENTENCES.len())];
        let lead = [0, 1, 2].map(|l| format!("{}: {}", text_in(&topic.label, l), phrase[l]));
        let summary = compose(
            &mut self.rng,
            summary_target,
            Some(lead),
            DESCRIPTION_SENTENCES,
        )
        .map(|s| cap_chars(&s, 150));
        let description_target = quartile_len(&mut self.rng, &DESCRIPTION_LEN);
        let class_description = [0, 1, 2].map(|l| text_in(&topic.description, l).to_string());
        let description = compose(
            &mut self.rng,
            description_target,
            Some(class_description),
            DESCRIPTION_SENTENCES,
        );
        let instruction = percent(&mut self.rng, INSTRUCTION_PERCENT).then(|| {
            let target = quartile_len(&mut self.rng, &INSTRUCTION_LEN);
            compose(&mut self.rng, target, None, INSTRUCTION_SENTENCES)
        });
        let charge = *pick(&mut self.rng, CHARGE_WEIGHTS);

        // Target groups (a sub-group brings its parent, as in the v11 sample).
        let groups_all = lists.target_groups();
        let tg_count = *pick(&mut self.rng, TARGET_GROUP_COUNT_WEIGHTS);
        let mut groups: Vec<usize> = Vec::new();
        for _ in 0..tg_count * 3 {
            if groups.len() >= tg_count {
                break;
            }
            let g = self.pick_target_group();
            let parent = groups_all[g]
                .parent
                .as_deref()
                .and_then(|p| groups_all.iter().position(|x| x.code == p));
            for c in [parent, Some(g)].into_iter().flatten() {
                if !groups.contains(&c) {
                    groups.push(c);
                }
            }
        }
        let life_event = percent(&mut self.rng, LIFE_EVENT_PERCENT)
            .then(|| self.rng.random_range(0..lists.life_events().len()));

        // Keywords.
        let kw_count = *pick(&mut self.rng, KEYWORD_COUNT_WEIGHTS);
        let keywords: Vec<&[&str; 3]> =
            rand::seq::index::sample(&mut self.rng, TERMS.len(), kw_count.min(TERMS.len()))
                .into_iter()
                .map(|i| &TERMS[i])
                .collect();

        // Channels.
        let channel_count = *pick(&mut self.rng, CHANNEL_COUNT_WEIGHTS);
        let mut channels: Vec<String> = Vec::with_capacity(channel_count);
        for _ in 0..channel_count {
            let kind = *pick(&mut self.rng, CHANNEL_KIND_WEIGHTS);
            let link = self.channel_link(org, kind, topic, text_langs);
            if !channels.contains(&link) {
                channels.push(link);
            }
        }
        let funding = *pick(&mut self.rng, FUNDING_WEIGHTS);
        let modified = modified(&mut self.rng);

        let f = &self.fragments;
        let mut j = Json::new();
        j.str("id", &id);
        j.str("sourceId", &format!("aurora-synthetic-{n}"));
        j.raw("generalDescriptionId", "null");
        j.raw("subType", "null");
        j.str("type", "Service");
        j.str("fundingType", funding);
        j.begin_array("serviceNames");
        j.typed_texts(&names, text_langs, "Name");
        j.end_array();
        j.opt_str("serviceChargeType", charge);
        j.str(
            "areaType",
            match area {
                AreaTypeSyn::Nationwide => "Nationwide",
                AreaTypeSyn::NationwideExceptAland => "NationwideExceptAlandIslands",
                AreaTypeSyn::Limited => "LimitedType",
            },
        );
        j.begin_array("areas");
        for &m in &municipalities {
            j.item_raw(&f.area[m]);
        }
        j.end_array();
        j.begin_array("serviceDescriptions");
        j.typed_texts(&summary, text_langs, "Summary");
        j.typed_texts(&description, text_langs, "Description");
        if let Some(ui) = &instruction {
            j.typed_texts(ui, text_langs, "UserInstruction");
        }
        if charge == Some("Chargeable") {
            let info = [0, 1, 2].map(|l| DESCRIPTION_SENTENCES[3][l].to_string());
            j.typed_texts(&info, text_langs, "ChargeTypeAdditionalInfo");
        }
        j.end_array();
        j.raw("languages", &lang_list(&languages));
        j.begin_array("serviceClasses");
        for &c in &classes {
            j.item_raw(&f.classes[c]);
        }
        j.end_array();
        j.raw("ontologyTerms", "[]");
        j.begin_array("targetGroups");
        for &g in &groups {
            j.item_raw(&f.target_groups[g]);
        }
        j.end_array();
        j.begin_array("lifeEvents");
        if let Some(e) = life_event {
            j.item_raw(&f.life_events[e]);
        }
        j.end_array();
        j.raw("industrialClasses", "[]");
        j.raw("legislation", "[]");
        j.begin_array("keywords");
        for t in &keywords {
            for &l in text_langs {
                j.begin_object(None);
                j.str("value", t[l]);
                j.str("language", LANGS[l]);
                j.end_object();
            }
        }
        j.end_array();
        j.raw("requirements", "[]");
        j.begin_array("serviceChannels");
        for link in &channels {
            j.begin_object(None);
            j.raw("serviceChannel", link);
            j.raw("serviceChargeType", "null");
            j.raw("description", "[]");
            j.raw("extraTypes", "[]");
            j.raw("serviceHours", "[]");
            j.raw("contactDetails", "null");
            j.raw("digitalAuthorizations", "[]");
            j.end_object();
        }
        j.end_array();
        j.begin_array("organizations");
        let reference = &self.orgs[org].reference;
        for (role, provision) in [
            ("Responsible", None),
            ("Producer", Some("SelfProducedServices")),
        ] {
            j.begin_object(None);
            j.raw("organization", reference);
            j.str("roleType", role);
            j.opt_str("provisionType", provision);
            j.raw("additionalInformation", "[]");
            j.end_object();
        }
        j.end_array();
        j.raw("serviceVouchersInUse", "false");
        j.raw("serviceVouchers", "[]");
        j.raw("serviceCollections", "[]");
        j.str("publishingStatus", "Published");
        j.str("modified", &modified);
        j.raw("responsibleSoteOrganization", "null");
        j.raw("auroraSynthetic", "true");
        j.finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use serde_json::json;

    use super::*;

    fn opts(services: usize, seed: u64) -> SyntheticOptions {
        SyntheticOptions {
            services,
            seed,
            services_per_file: 100,
        }
    }

    fn names_of(record: &Value, field: &str) -> Vec<(String, String)> {
        record[field]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n.get("type").is_none_or(|t| t == "Name"))
            .map(|n| {
                (
                    n["language"].as_str().unwrap().to_string(),
                    n["value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn tables_use_valid_codes() {
        let lists = CodeLists::get();
        for (code, _) in CLASS_WEIGHTS {
            assert!(lists.service_class(code).is_some(), "{code}");
        }
        for (code, _) in TARGET_GROUP_WEIGHTS {
            assert!(lists.target_group(code).is_some(), "{code}");
        }
        for q in [SUMMARY_LEN, DESCRIPTION_LEN, INSTRUCTION_LEN] {
            assert!(q.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a: Vec<Value> = generate(&opts(50, 7)).collect();
        let b: Vec<Value> = generate(&opts(50, 7)).collect();
        let c: Vec<Value> = generate(&opts(50, 8)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_record_is_marked_and_references_resolve_in_order() {
        let lists = CodeLists::get();
        let mut seen: HashSet<String> = HashSet::new();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for r in generate(&opts(300, 1)) {
            assert_eq!(r["auroraSynthetic"], json!(true));
            let id = r["id"].as_str().unwrap().to_string();
            assert!(crate::labels::is_uuid(&id), "{id}");
            assert_eq!(&id[14..15], "4", "UUID v4 syntax: {id}");
            assert!(r["sourceId"]
                .as_str()
                .unwrap()
                .starts_with("aurora-synthetic-"));
            let field = match RecordKind::of(&r).unwrap() {
                RecordKind::Organization => {
                    *counts.entry("org").or_default() += 1;
                    "organizationNames"
                }
                RecordKind::Channel => {
                    *counts.entry("channel").or_default() += 1;
                    assert!(seen.contains(r["organizationId"].as_str().unwrap()));
                    "serviceChannelNames"
                }
                RecordKind::Service => {
                    *counts.entry("service").or_default() += 1;
                    for c in r["serviceChannels"].as_array().unwrap() {
                        assert!(seen.contains(c["serviceChannel"]["id"].as_str().unwrap()));
                    }
                    for o in r["organizations"].as_array().unwrap() {
                        assert!(seen.contains(o["organization"]["id"].as_str().unwrap()));
                    }
                    for c in r["serviceClasses"].as_array().unwrap() {
                        assert!(lists.service_class(c["code"].as_str().unwrap()).is_some());
                        assert!(lists
                            .service_class_by_uri(c["uri"].as_str().unwrap())
                            .is_some());
                    }
                    for g in r["targetGroups"].as_array().unwrap() {
                        assert!(lists.target_group(g["code"].as_str().unwrap()).is_some());
                    }
                    for a in r["areas"].as_array().unwrap() {
                        assert!(lists.municipality(a["code"].as_str().unwrap()).is_some());
                    }
                    for d in r["serviceDescriptions"].as_array().unwrap() {
                        if d["type"] == "Summary" {
                            assert!(d["value"].as_str().unwrap().chars().count() <= 150);
                        }
                    }
                    let langs: Vec<&str> = r["languages"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| l.as_str().unwrap())
                        .collect();
                    for (lang, _) in names_of(&r, "serviceNames") {
                        assert!(langs.contains(&lang.as_str()));
                    }
                    "serviceNames"
                }
            };
            let names = names_of(&r, field);
            assert!(!names.is_empty());
            for (lang, name) in names {
                let suffix = match lang.as_str() {
                    "fi" => " (synteettinen)",
                    "sv" => " (syntetisk)",
                    _ => " (synthetic)",
                };
                assert!(name.ends_with(suffix), "{name}");
            }
            assert!(seen.insert(id), "duplicate id");
        }
        assert_eq!(counts["service"], 300);
        assert_eq!(counts["org"], 309 + 28);
        assert!(
            counts["channel"] > 50 && counts["channel"] < 450,
            "{counts:?}"
        );
    }

    #[test]
    fn distributions_roughly_follow_the_tables() {
        let n = 3000;
        let mut nationwide = 0usize;
        let mut links = 0usize;
        let mut main_classes: HashMap<String, usize> = HashMap::new();
        let mut fi_only = 0usize;
        let mut description_lengths = Vec::new();
        for r in generate(&opts(n, 42)) {
            if RecordKind::of(&r) != Some(RecordKind::Service) {
                continue;
            }
            if r["areaType"].as_str().unwrap().starts_with("Nationwide") {
                nationwide += 1;
            }
            links += r["serviceChannels"].as_array().unwrap().len();
            let first = r["serviceClasses"][0]["code"].as_str().unwrap();
            let main = first.split('.').next().unwrap().to_string();
            *main_classes.entry(main).or_default() += 1;
            if r["serviceNames"].as_array().unwrap().len() == 1 {
                fi_only += 1;
            }
            for d in r["serviceDescriptions"].as_array().unwrap() {
                if d["type"] == "Description" && d["language"] == "fi" {
                    description_lengths.push(d["value"].as_str().unwrap().chars().count());
                }
            }
        }
        let share = |x: usize| x as f64 / n as f64;
        // Table: 153/198 = 0.77 nationwide.
        assert!(
            (share(nationwide) - 0.77).abs() < 0.05,
            "{}",
            share(nationwide)
        );
        // ~1.48 links per service (a few reuse the same channel twice and are dropped).
        assert!((share(links) - 1.45).abs() < 0.15, "{}", share(links));
        // P11 is 129/295 of the table's class references; the topic is the first class, drawn
        // 85% from the table.
        let p11 = share(main_classes.get("P11").copied().unwrap_or(0));
        assert!((0.30..0.48).contains(&p11), "{p11}");
        assert!(main_classes.len() >= 20, "{main_classes:?}");
        // Text languages: fi only 21/31.
        assert!((share(fi_only) - 0.68).abs() < 0.06, "{}", share(fi_only));
        description_lengths.sort_unstable();
        let median = description_lengths[description_lengths.len() / 2];
        assert!((600..1000).contains(&median), "{median}");
    }

    #[test]
    fn writes_files_that_parse() {
        let dir = tempfile::tempdir().unwrap();
        // A stale file from a "previous run" must disappear; unrelated files stay.
        std::fs::write(dir.path().join("services-00099.json"), "[]").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep").unwrap();
        let summary = write_catalog(dir.path(), &opts(250, 3)).unwrap();
        assert_eq!(summary.services, 250);
        assert_eq!(summary.organizations, 337);
        assert_eq!(summary.files, 3 * 2 + 1);
        assert!(!dir.path().join("services-00099.json").exists());
        assert!(dir.path().join("notes.txt").exists());
        let mut services = 0;
        let mut channels = 0;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            for r in v.as_array().unwrap() {
                assert_eq!(r["auroraSynthetic"], json!(true));
                match RecordKind::of(r).unwrap() {
                    RecordKind::Service => services += 1,
                    RecordKind::Channel => channels += 1,
                    RecordKind::Organization => {}
                }
            }
        }
        assert_eq!(services, 250);
        assert_eq!(channels, summary.channels);
        // The files hold exactly what `generate` yields.
        let in_memory = generate(&opts(250, 3)).count();
        assert_eq!(in_memory, 250 + summary.channels + 337);
    }

    /// Speed check: `cargo test --release -p aurora-catalog --lib -- --ignored synthetic_speed --nocapture`.
    #[test]
    #[ignore = "timing, run by hand in release mode"]
    fn synthetic_speed() {
        let dir = tempfile::tempdir().unwrap();
        let t = std::time::Instant::now();
        let summary = write_catalog(
            dir.path(),
            &SyntheticOptions {
                services: 100_000,
                seed: 1,
                services_per_file: 1000,
            },
        )
        .unwrap();
        let written = t.elapsed();
        let bytes: u64 = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        let t = std::time::Instant::now();
        let texts = generate_text(&opts(100_000, 1)).count();
        let text_time = t.elapsed();
        let t = std::time::Instant::now();
        let values = generate(&opts(10_000, 1)).count();
        let value_time = t.elapsed();
        println!("write_catalog: {summary:?} in {written:?}, {bytes} bytes; generate_text: {texts} records in {text_time:?}; generate (10k services): {values} values in {value_time:?}");
    }

    #[test]
    fn cap_chars_cuts_at_sentence_or_word() {
        assert_eq!(cap_chars("Abc def. Ghi jkl.", 12), "Abc def.");
        assert_eq!(cap_chars("Abcdef ghijkl mnopq", 10), "Abcdef…");
        assert_eq!(cap_chars("short", 10), "short");
    }
}
