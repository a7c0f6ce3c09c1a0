//! A small catalogue: real PTV services (ids, names and summaries from the Finnish Service
//! Catalogue files in `shared/data/ptv`, trimmed) plus records marked `Origin::Synthetic`
//! where a case needs data PTV lacks (a Helsinki and an Espoo service, a name with markup,
//! an archived channel). Channel contact details (address, phone, hours, URLs) are
//! illustrative test values, not copied from PTV.
//!
//! | service | area | class | target | funding | status |
//! |---|---|---|---|---|---|
//! | UIMAHALLI | Vaasa 905 | P27.1 | KR1 | public | published, 2 published + 1 archived channel |
//! | HISSIAVUSTUS (fi, sv only) | Vaasa 905 | P1.4 | KR1 | public | published |
//! | PERUSOPETUS | Vaasa 905 | P6.2 | KR1.2, KE3 | public | published |
//! | VALTUUDET (fi only) | Nationwide | P9.4 | KR1 | public | published |
//! | VAESTOTIEDOT | NationwideExceptAlandIslands | P1.5 | KR1 | public | published |
//! | LUMENVASTAANOTTO | Vaasa 905 | P2 | KR1 | public | **archived** |
//! | KUNTOSALI (synthetic, `<script>` in name) | Espoo 049 | P27.1 | KR1 | **market** | published |
//! | NEUVONTA (synthetic) | Helsinki 091 | P9.6 | KR1 | public | published, collection |

use aurora_model::{
    Address, AddressKind, Area, AreaKindPtv, AreaType, Channel, ChannelKind, ChargeType, CodeRef,
    FundingType, Lang, LangValue, Localized, OpeningHour, Organization, OrganizationRole, Origin,
    Phone, PhoneKind, PublishingStatus, Service, ServiceChannelLink, ServiceHourKind, ServiceHours,
    ServiceKind, ServiceOrganization, WebPage,
};
use aurora_store::ImportBatch;

pub const UIMAHALLI: &str = "6ccb671f-05cd-46cf-a0a4-4f98d43dfd37";
pub const HISSIAVUSTUS: &str = "83e5fa7f-a22c-43b7-aa27-06474d21ec59";
pub const PERUSOPETUS: &str = "17c633dd-5408-495a-86c1-d8f57598e899";
pub const VALTUUDET: &str = "0a94d54d-febd-4149-bceb-f3cc0fd648e6";
pub const VAESTOTIEDOT: &str = "7be2de65-f022-4985-84ef-cabf9df574ab";
pub const LUMENVASTAANOTTO: &str = "1ba9c665-d20d-4ea0-8282-81e35c701fe7";
pub const KUNTOSALI: &str = "00000000-0000-4000-8000-000000000007";
pub const NEUVONTA: &str = "00000000-0000-4000-8000-000000000008";

pub const CH_UIMAHALLI_LOCATION: &str = "3b85838e-7ee7-4123-ba50-3c901e0d1597";
pub const CH_UIMAHALLI_WEB: &str = "403097f7-f397-4eed-aac6-98442faa33b6";
pub const CH_ARCHIVED: &str = "00000000-0000-4000-8000-0000000000c9";

pub const ORG_VAASA: &str = "7fdd7f84-e52a-4c17-a59a-d7c2a3095ed5";
pub const ORG_VRK: &str = "b458d033-042d-4cbe-b030-34e81da28821";
pub const ORG_HELSINKI: &str = "00000000-0000-4000-8000-0000000000a1";

/// Published services in the fixture.
pub const PUBLISHED_SERVICES: u64 = 7;

fn l(fi: &str, sv: &str, en: &str) -> Localized {
    Localized::new(fi, sv, en)
}

fn codes(list: &[&str]) -> Vec<CodeRef> {
    list.iter()
        .map(|c| CodeRef {
            code: c.to_string(),
            uri: None,
        })
        .collect()
}

fn municipality_area(code: &str) -> Vec<Area> {
    vec![Area {
        kind: AreaKindPtv::Municipality,
        code: Some(code.to_string()),
        name: Localized::default(),
        municipalities: vec![code.to_string()],
    }]
}

fn org_link(id: &str, name: &str) -> Vec<ServiceOrganization> {
    vec![ServiceOrganization {
        organization_id: id.to_string(),
        name: Some(name.to_string()),
        role: OrganizationRole::Responsible,
        provision_type: Some("SelfProducedServices".into()),
    }]
}

/// A published public service with the given basics; callers adjust the rest.
pub fn service(
    id: &str,
    name: Localized,
    summary: Localized,
    area_type: AreaType,
    areas: Vec<Area>,
) -> Service {
    Service {
        id: id.to_string(),
        source_id: None,
        general_description_id: None,
        kind: ServiceKind::Service,
        funding_type: Some(FundingType::PubliclyFunded),
        name,
        alternative_name: Localized::default(),
        summary,
        description: Localized::default(),
        user_instruction: Localized::default(),
        charge_info: Localized::default(),
        deadline: Localized::default(),
        processing_time: Localized::default(),
        validity_time: Localized::default(),
        charge_type: None,
        area_type,
        areas,
        languages: vec!["fi".into(), "sv".into()],
        service_classes: Vec::new(),
        ontology_terms: Vec::new(),
        target_groups: codes(&["KR1"]),
        life_events: Vec::new(),
        industrial_classes: Vec::new(),
        keywords: Vec::new(),
        requirements: Localized::default(),
        legislation: Vec::new(),
        channels: Vec::new(),
        organizations: Vec::new(),
        collections: Vec::new(),
        vouchers_in_use: false,
        publishing_status: PublishingStatus::Published,
        modified: Some("2024-05-02T08:12:00".into()),
        origin: Origin::PtvV11,
        labels_3x10d: None,
    }
}

fn channel(id: &str, kind: ChannelKind, name: Localized) -> Channel {
    Channel {
        id: id.to_string(),
        source_id: None,
        kind,
        organization_id: Some(ORG_VAASA.into()),
        name,
        summary: Localized::default(),
        description: Localized::default(),
        area_type: None,
        areas: Vec::new(),
        languages: vec!["fi".into(), "sv".into()],
        phones: Vec::new(),
        emails: Vec::new(),
        web_pages: Vec::new(),
        addresses: Vec::new(),
        service_hours: Vec::new(),
        attachments: Vec::new(),
        requires_authentication: None,
        requires_signature: None,
        form_identifier: None,
        accessibility_level: None,
        publishing_status: PublishingStatus::Published,
        modified: None,
        origin: Origin::PtvV11,
    }
}

fn organization(id: &str, name: Localized, kind: &str, municipality: Option<&str>) -> Organization {
    Organization {
        id: id.to_string(),
        source_id: None,
        oid: None,
        name,
        business_code: None,
        business_name: None,
        organization_type: Some(kind.into()),
        municipality: municipality.map(str::to_string),
        parent_id: None,
        description: Localized::default(),
        summary: Localized::default(),
        area_type: None,
        areas: Vec::new(),
        emails: Vec::new(),
        phones: Vec::new(),
        web_pages: Vec::new(),
        addresses: Vec::new(),
        publishing_status: PublishingStatus::Published,
        modified: None,
        origin: Origin::PtvV11,
    }
}

pub fn batch() -> ImportBatch {
    let mut uimahalli = service(
        UIMAHALLI,
        l("Uimahalli", "Simhallen", "Swimming Centre"),
        l(
            "Vaasan Uimahallissa voi kuntouinnin lisäksi harrastaa vesijuoksua sekä osallistua ohjattuihin vesijumppiin.",
            "I Vasa simhall kan man förutom motionssimning träna vattenlöpning samt delta i ledd vattengymnastik.",
            "The Vaasa Swimming Centre offers diverse facilities for water sports.",
        ),
        AreaType::LimitedType,
        municipality_area("905"),
    );
    uimahalli.description = l(
        "Hyppytorni ja ponnahduslaudat ovat myös asiakkaiden käytettävissä erillisten aikataulujen mukaisesti.\n\nAllastilojen lisäksi uimahallissa on monipuolinen kuntosali.",
        "Hopptornet och trampolinerna står också till kundernas förfogande enligt separata tidtabeller.\n\nUtöver bassängutrymmen finns ett mångsidigt gym i simhallen.",
        "In addition to the pools, the swimming centre has a diverse gym.",
    );
    uimahalli.charge_type = Some(ChargeType::Chargeable);
    uimahalli.service_classes = codes(&["P27.1"]);
    // As in PTV: the city is both responsible for and the producer of the service.
    uimahalli.organizations = org_link(ORG_VAASA, "Vaasan kaupunki");
    uimahalli.organizations.push(ServiceOrganization {
        organization_id: ORG_VAASA.into(),
        name: Some("Vaasan kaupunki".into()),
        role: OrganizationRole::Producer,
        provision_type: Some("SelfProducedServices".into()),
    });
    uimahalli.channels = [CH_UIMAHALLI_LOCATION, CH_ARCHIVED, CH_UIMAHALLI_WEB]
        .iter()
        .map(|id| ServiceChannelLink {
            channel_id: id.to_string(),
            name: None,
        })
        .collect();
    uimahalli.keywords = vec![
        LangValue {
            lang: Lang::Fi,
            value: "uinti".into(),
        },
        LangValue {
            lang: Lang::Sv,
            value: "simning".into(),
        },
    ];

    let mut hissi = service(
        HISSIAVUSTUS,
        Localized {
            fi: Some("Hissiavustus".into()),
            sv: Some("Hissunderstöd".into()),
            en: None,
        },
        Localized {
            fi: Some(
                "Valtio ja Vaasan kaupunki avustavat jälkiasennushissien rakentamisessa.".into(),
            ),
            sv: Some("Staten och Vasa stad understödjer för efterinstallation av hiss.".into()),
            en: None,
        },
        AreaType::LimitedType,
        municipality_area("905"),
    );
    hissi.service_classes = codes(&["P1.4"]);
    hissi.organizations = org_link(ORG_VAASA, "Vaasan kaupunki");

    let mut perusopetus = service(
        PERUSOPETUS,
        l("Perusopetus", "Grundläggande utbildning", "Basic education"),
        l(
            "Vaasassa perusopetusta annetaan pääosin kaupungin ylläpitämissä peruskouluissa.",
            "I Vasa ges grundläggande utbildning främst i grundskolor som staden är huvudman för.",
            "In Vaasa, basic education is mostly given in basic schools maintained by the city.",
        ),
        AreaType::LimitedType,
        municipality_area("905"),
    );
    perusopetus.service_classes = codes(&["P6.2"]);
    perusopetus.target_groups = codes(&["KR1.2"]);
    perusopetus.life_events = codes(&["KE3"]);
    perusopetus.organizations = org_link(ORG_VAASA, "Vaasan kaupunki");

    let mut valtuudet = service(
        VALTUUDET,
        Localized::one(Lang::Fi, "Suomi.fi-valtuudet henkilön puolesta asiointiin"),
        Localized::one(
            Lang::Fi,
            "Suomi.fi-valtuudet tarkistaa oikeuden asioida henkilön puolesta.",
        ),
        AreaType::Nationwide,
        Vec::new(),
    );
    valtuudet.service_classes = codes(&["P9.4"]);
    valtuudet.organizations = org_link(ORG_VRK, "Väestörekisterikeskus");

    let mut vaestotiedot = service(
        VAESTOTIEDOT,
        l(
            "Omien väestötietojen tarkastaminen",
            "Granskning av egna befolkningsuppgifter",
            "Checking your own population data",
        ),
        Localized::one(
            Lang::Fi,
            "Sinulla on oikeus tarkastaa tietoja, joita sinusta on tallennettu väestötietojärjestelmään.",
        ),
        AreaType::NationwideExceptAlandIslands,
        Vec::new(),
    );
    vaestotiedot.service_classes = codes(&["P1.5"]);
    vaestotiedot.organizations = org_link(ORG_VRK, "Väestörekisterikeskus");

    let mut lumi = service(
        LUMENVASTAANOTTO,
        l("Lumenvastaanotto", "Snömottagning", "Snow reception"),
        Localized::one(
            Lang::Fi,
            "Vaasan kaupungin lumenvastaanottopaikka sijaitsee Myrgrundissa.",
        ),
        AreaType::LimitedType,
        municipality_area("905"),
    );
    lumi.service_classes = codes(&["P2"]);
    lumi.publishing_status = PublishingStatus::Archived;

    let mut kuntosali = service(
        KUNTOSALI,
        l(
            "Kuntosali <script>alert(\"xss\")</script>",
            "Gym <script>alert(\"xss\")</script>",
            "Gym <script>alert(\"xss\")</script>",
        ),
        Localized::one(
            Lang::Fi,
            "Synteettinen testipalvelu: markkinaehtoinen kuntosali Espoossa.",
        ),
        AreaType::LimitedType,
        municipality_area("049"),
    );
    kuntosali.funding_type = Some(FundingType::MarketFunded);
    kuntosali.service_classes = codes(&["P27.1"]);
    kuntosali.organizations = vec![ServiceOrganization {
        organization_id: "00000000-0000-4000-8000-0000000000b2".into(),
        name: Some("Esimerkkiliikunta Oy".into()),
        role: OrganizationRole::Producer,
        provision_type: None,
    }];
    kuntosali.origin = Origin::Synthetic;

    let mut neuvonta = service(
        NEUVONTA,
        l(
            "Helsingin asukasneuvonta",
            "Helsingfors invånarrådgivning",
            "Helsinki resident advice",
        ),
        l(
            "Synteettinen testipalvelu: neuvontaa kaupungin palveluista.",
            "Syntetisk testtjänst: rådgivning om stadens tjänster.",
            "Synthetic test service: advice on city services.",
        ),
        AreaType::LimitedType,
        municipality_area("091"),
    );
    neuvonta.service_classes = codes(&["P9.6"]);
    neuvonta.collections = vec!["helsinki-neuvonta".into()];
    neuvonta.organizations = org_link(ORG_HELSINKI, "Helsingin kaupunki");
    neuvonta.origin = Origin::Synthetic;

    let mut location = channel(
        CH_UIMAHALLI_LOCATION,
        ChannelKind::ServiceLocation,
        l("Vaasan uimahalli", "Vasa simhall", "Vaasa Swimming Centre"),
    );
    location.addresses = vec![Address {
        kind: Some(AddressKind::Location),
        street: l("Uimahallinkatu", "Simhallsgatan", ""),
        street_number: Some("1".into()),
        postal_code: Some("65100".into()),
        post_office: l("VAASA", "VASA", ""),
        municipality: Some("905".into()),
        ..Address::default()
    }];
    location.phones = vec![
        Phone {
            lang: Lang::Fi,
            kind: PhoneKind::Phone,
            prefix: Some("+358".into()),
            number: "6 325 3600".into(),
            additional_info: Some("Uimahallin kassa".into()),
            charge_type: Some(ChargeType::Chargeable),
            charge_description: None,
            is_finnish_service_number: false,
        },
        Phone {
            lang: Lang::Sv,
            kind: PhoneKind::Phone,
            prefix: Some("+358".into()),
            number: "6 325 3600".into(),
            additional_info: Some("Simhallens kassa".into()),
            charge_type: Some(ChargeType::Chargeable),
            charge_description: None,
            is_finnish_service_number: false,
        },
    ];
    location.emails = vec![LangValue {
        lang: Lang::Fi,
        value: "uimahalli@vaasa.fi".into(),
    }];
    location.service_hours = vec![ServiceHours {
        kind: ServiceHourKind::DaysOfTheWeek,
        valid_from: None,
        valid_to: None,
        is_closed: false,
        valid_for_now: true,
        additional_info: Localized::one(
            Lang::Fi,
            "Sisäänpääsy päättyy 45 minuuttia ennen sulkemista",
        ),
        opening_hours: vec![
            OpeningHour {
                day_from: "Monday".into(),
                day_to: Some("Friday".into()),
                from: "06:30:00".into(),
                to: "21:00:00".into(),
            },
            OpeningHour {
                day_from: "Saturday".into(),
                day_to: Some("Sunday".into()),
                from: "10:00:00".into(),
                to: "18:00:00".into(),
            },
        ],
    }];

    let mut web = channel(
        CH_UIMAHALLI_WEB,
        ChannelKind::WebPage,
        l(
            "Uimahallin verkkosivut",
            "Simhallens webbsidor",
            "Swimming Centre website",
        ),
    );
    web.web_pages = vec![
        WebPage {
            lang: Lang::Fi,
            url: "https://www.vaasa.fi/uimahalli".into(),
            name: Some("Uimahalli".into()),
        },
        WebPage {
            lang: Lang::Sv,
            url: "https://www.vaasa.fi/sv/simhallen".into(),
            name: Some("Simhallen".into()),
        },
        WebPage {
            lang: Lang::En,
            url: "javascript:alert(1)".into(),
            name: Some("Swimming Centre".into()),
        },
    ];

    let mut archived = channel(
        CH_ARCHIVED,
        ChannelKind::Phone,
        l(
            "Vanha palvelunumero",
            "Gammalt servicenummer",
            "Old service number",
        ),
    );
    archived.publishing_status = PublishingStatus::Archived;
    archived.origin = Origin::Synthetic;

    let mut helsinki = organization(
        ORG_HELSINKI,
        l("Helsingin kaupunki", "Helsingfors stad", "City of Helsinki"),
        "Municipality",
        Some("091"),
    );
    helsinki.origin = Origin::Synthetic;

    ImportBatch {
        services: vec![
            uimahalli,
            hissi,
            perusopetus,
            valtuudet,
            vaestotiedot,
            lumi,
            kuntosali,
            neuvonta,
        ],
        channels: vec![location, web, archived],
        organizations: vec![
            organization(
                ORG_VAASA,
                l("Vaasan kaupunki", "Vasa stad", "City of Vaasa"),
                "Municipality",
                Some("905"),
            ),
            organization(
                ORG_VRK,
                l(
                    "Väestörekisterikeskus",
                    "Befolkningsregistercentralen",
                    "Population Register Centre",
                ),
                "State",
                None,
            ),
            helsinki,
        ],
    }
}

/// `n` synthetic nationwide services, for paging.
pub fn many_national(n: usize) -> ImportBatch {
    ImportBatch {
        services: (0..n)
            .map(|i| {
                let mut s = service(
                    &format!("00000000-0000-4000-9000-{i:012}"),
                    l(
                        &format!("Testipalvelu {i:02}"),
                        &format!("Testtjänst {i:02}"),
                        &format!("Test service {i:02}"),
                    ),
                    Localized::default(),
                    AreaType::Nationwide,
                    Vec::new(),
                );
                s.origin = Origin::Synthetic;
                s
            })
            .collect(),
        ..ImportBatch::default()
    }
}

pub const ASUMISTUKI_TAMPERE: &str = "00000000-0000-4000-8000-000000000101";
pub const ASUMISTUKI_HELSINKI: &str = "00000000-0000-4000-8000-000000000102";
pub const ASUMISTUKI_ARCHIVED: &str = "00000000-0000-4000-8000-000000000103";

/// Synthetic services for the search tests (add to [`batch`]): three Finnish-only housing
/// allowance services in class P1.4 (Asumisen tuet / Stöd för boende / Housing benefits),
/// in Tampere (837), in Helsinki (091), and an archived one in Tampere.
pub fn search_batch() -> ImportBatch {
    let asumistuki = |id: &str, name: &str, summary: &str, municipality: &str| {
        let mut s = service(
            id,
            Localized::one(Lang::Fi, name),
            Localized::one(Lang::Fi, summary),
            AreaType::LimitedType,
            municipality_area(municipality),
        );
        s.service_classes = codes(&["P1.4"]);
        s.languages = vec!["fi".into()];
        s.origin = Origin::Synthetic;
        s
    };
    let tampere = asumistuki(
        ASUMISTUKI_TAMPERE,
        "Asumistuki",
        "Tukea asumisen kuluihin pienituloisille tamperelaisille.",
        "837",
    );
    let helsinki = asumistuki(
        ASUMISTUKI_HELSINKI,
        "Kaupungin asumistuki",
        "Helsingin kaupungin harkinnanvarainen asumistuki.",
        "091",
    );
    let mut archived = asumistuki(
        ASUMISTUKI_ARCHIVED,
        "Asumistuki (vanha)",
        "Lakkautettu asumistuki.",
        "837",
    );
    archived.publishing_status = PublishingStatus::Archived;
    ImportBatch {
        services: vec![tampere, helsinki, archived],
        ..ImportBatch::default()
    }
}
