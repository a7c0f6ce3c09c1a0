# Aurora web UI, Swedish. Keep the message ids identical in fi, sv and en.

site-name = Aurora
site-tagline = Offentliga tjänster på ett ställe
skip-to-content = Hoppa till innehållet
nav-me = Mina uppgifter
language-nav = Språkval
footer-about = Aurora är en implementering med öppen källkod av servicenätverket AuroraAI.
footer-source = Tjänsteuppgifter: Suomi.fi-servicedatalagret (PTV).
api-link = Gränssnitt (JSON)

services-title = Tjänster
services-heading = Tjänster
services-intro = Bläddra bland offentliga tjänster och avgränsa dem enligt kommun. Riksomfattande tjänster visas alltid.
filter-heading = Avgränsa tjänster
filter-municipality = Kommun
filter-all-municipalities = Alla kommuner
filter-submit = Visa tjänster
results-heading = Sökresultat
results-count = { $count ->
    [0] Inga tjänster
    [one] 1 tjänst
   *[other] { $count } tjänster
}
results-range = Visar { $from }–{ $to } av { $total }
no-results = Inga tjänster motsvarar dina val.
responsible-organization = Ansvarig organisation
national-service = Riksomfattande tjänst
paging-nav = Sidor
paging-previous = Föregående sida
paging-next = Nästa sida
paging-page = Sida { $page } av { $pages }

search-heading = Sök
search-label = Sök tjänster
search-hint = Till exempel: bostadsbidrag, dagvård i Tammerfors
search-submit = Sök
search-matched = Träffar
search-results-count = { $count ->
    [0] Inga tjänster hittades
    [one] 1 tjänst hittades
   *[other] { $count } tjänster hittades
}
search-too-long = Söktexten är för lång: högst { $max } tecken.

service-back = Tillbaka till tjänsterna
service-description = Beskrivning
service-instructions = Så här använder du tjänsten
service-requirements = Villkor
service-charge = Avgifter
service-deadline = Tidsfrist
service-processing-time = Handläggningstid
service-organizations = Ansvarig för tjänsten
channels-heading = Servicekanaler
no-channels = Tjänsten har inga publicerade servicekanaler.
channel-kind-EChannel = E-tjänst
channel-kind-WebPage = Webbsida
channel-kind-Phone = Telefontjänst
channel-kind-ServiceLocation = Serviceställe
channel-kind-PrintableForm = Blankett att skriva ut
channel-phones = Telefon
channel-emails = E-post
channel-web-pages = Webbsidor
channel-addresses = Adress
channel-hours = Öppettider
channel-closed = Stängt
channel-requires-authentication = Kräver stark autentisering
charge-FreeOfCharge = Avgiftsfri
charge-Chargeable = Avgiftsbelagd
charge-Other = Annan prissättning
day-monday = måndag
day-tuesday = tisdag
day-wednesday = onsdag
day-thursday = torsdag
day-friday = fredag
day-saturday = lördag
day-sunday = söndag

error-not-found-title = Sidan hittades inte
error-not-found-text = Sidan eller tjänsten du sökte finns inte. Den kan ha tagits ur bruk.
error-invalid-municipality = Okänd kommun. Välj en kommun i listan.
error-unavailable-title = Tjänsten är inte tillgänglig just nu
error-unavailable-text = Försök igen om en stund.
error-internal-title = Ett fel inträffade
error-internal-text = Sidan kunde inte visas. Felet har loggats.
error-forbidden-title = Ingen åtkomst
error-forbidden-text = Du har inte rätt till den här åtgärden, eller så har din session upphört. Logga in och försök igen.
error-too-many-title = För många försök
error-too-many-text = Vänta en stund och försök sedan igen.

# API-dokumentation (/{lang}/api)
apidocs-title = API-dokumentation
apidocs-intro = Auroras HTTP-gränssnitt: servicedatalagret, sökning, tolkning av text, vägledning och den AuroraAI-kompatibla servicerekommendationen. Sidan är genererad från OpenAPI-beskrivningen.
apidocs-download = OpenAPI 3.1-beskrivningen (JSON)
apidocs-version = version
apidocs-english-note = Beskrivningarna av gränssnittet är på engelska.
apidocs-contents = Innehåll
apidocs-overview = Översikt
apidocs-schemas = Scheman
apidocs-parameters = Parametrar
apidocs-name = Parameter
apidocs-field = Fält
apidocs-fields = Fält
apidocs-request-body = Innehåll i begäran
apidocs-required = obligatorisk
apidocs-optional = valfri
apidocs-responses = Svar
apidocs-status = Status
apidocs-headers = Rubriker
apidocs-media-type = Medietyp
apidocs-schema = schema
apidocs-type = Typ
apidocs-description = Beskrivning
apidocs-auth-basic = Kräver HTTP Basic-autentisering med klient-id och klienthemlighet.
apidocs-variants = Värdet har en av följande former.
apidocs-variant = Form
apidocs-array-of = lista med
apidocs-or = eller
apidocs-one-of = ett av
apidocs-length = längd
apidocs-items = element
apidocs-field-count = fält
apidocs-default = standard
apidocs-example = Exempel
apidocs-closed = Andra fält avvisas.
apidocs-extends = Alla fält i
apidocs-in-query = frågesträng
apidocs-in-path = sökväg
apidocs-in-header = rubrik
apidocs-tag-services = Tjänster
apidocs-tag-search = Sökning
apidocs-tag-channels = Servicekanaler
apidocs-tag-organizations = Organisationer
apidocs-tag-codes = Kodlistor
apidocs-tag-understanding = Tolkning av text
apidocs-tag-guidance = Vägledning
apidocs-tag-recommender = AuroraAI-servicerekommendation
apidocs-tag-account = Användarkonto
apidocs-tag-me = Egna uppgifter och session
apidocs-tag-twin = Digital tvilling
apidocs-tag-handover = Överlämning till en tjänst
apidocs-tag-oauth = Auktorisering (OAuth 2.1 / OpenID Connect)
apidocs-tag-operations = Drift
apidocs-tag-documentation = Dokumentation
apidocs-shared-responses = Gemensamma svar
apidocs-shared-response = Gemensamt svar, med exempel under
apidocs-auth-optional = HTTP Basic-autentisering med klient-id och klienthemlighet är valfri.
