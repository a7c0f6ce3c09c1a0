# Aurora web UI, Finnish. Keep the message ids identical in fi, sv and en.

site-name = Aurora
site-tagline = Julkiset palvelut yhdestä paikasta
skip-to-content = Siirry sisältöön
nav-me = Omat tietoni
language-nav = Kielivalinta
footer-about = Aurora on avoimen lähdekoodin toteutus AuroraAI-palveluverkostosta.
footer-source = Palvelutiedot: Suomi.fi-palvelutietovaranto (PTV).
api-link = Rajapinta (JSON)

services-title = Palvelut
services-heading = Palvelut
services-intro = Selaa julkisia palveluita ja rajaa niitä kunnan mukaan. Valtakunnalliset palvelut näytetään aina.
filter-heading = Rajaa palveluita
filter-municipality = Kunta
filter-all-municipalities = Kaikki kunnat
filter-submit = Näytä palvelut
results-heading = Hakutulokset
results-count = { $count ->
    [0] Ei palveluita
    [one] 1 palvelu
   *[other] { $count } palvelua
}
results-range = Näytetään { $from }–{ $to } / { $total }
no-results = Valinnoillasi ei löytynyt palveluita.
responsible-organization = Vastuuorganisaatio
national-service = Valtakunnallinen palvelu
paging-nav = Sivut
paging-previous = Edellinen sivu
paging-next = Seuraava sivu
paging-page = Sivu { $page } / { $pages }

search-heading = Haku
search-label = Hae palveluita
search-hint = Esimerkiksi: asumistuki, päivähoito Tampereella
search-submit = Hae
search-matched = Osumat
search-results-count = { $count ->
    [0] Palveluita ei löytynyt
    [one] 1 palvelu löytyi
   *[other] { $count } palvelua löytyi
}
search-too-long = Hakuteksti on liian pitkä: enintään { $max } merkkiä.

service-back = Takaisin palveluihin
service-description = Kuvaus
service-instructions = Näin asioit
service-requirements = Edellytykset
service-charge = Maksullisuus
service-deadline = Määräaika
service-processing-time = Käsittelyaika
service-organizations = Palvelusta vastaa
channels-heading = Asiointikanavat
no-channels = Palvelulla ei ole julkaistuja asiointikanavia.
channel-kind-EChannel = Verkkoasiointi
channel-kind-WebPage = Verkkosivu
channel-kind-Phone = Puhelinasiointi
channel-kind-ServiceLocation = Palvelupiste
channel-kind-PrintableForm = Tulostettava lomake
channel-phones = Puhelin
channel-emails = Sähköposti
channel-web-pages = Verkkosivut
channel-addresses = Osoite
channel-hours = Aukioloajat
channel-closed = Suljettu
channel-requires-authentication = Vaatii vahvan tunnistautumisen
charge-FreeOfCharge = Maksuton
charge-Chargeable = Maksullinen
charge-Other = Muu hinnoittelu
day-monday = maanantai
day-tuesday = tiistai
day-wednesday = keskiviikko
day-thursday = torstai
day-friday = perjantai
day-saturday = lauantai
day-sunday = sunnuntai

error-not-found-title = Sivua ei löytynyt
error-not-found-text = Hakemaasi sivua tai palvelua ei löytynyt. Se on ehkä poistettu käytöstä.
error-invalid-municipality = Tuntematon kunta. Valitse kunta luettelosta.
error-unavailable-title = Palvelu ei ole juuri nyt käytettävissä
error-unavailable-text = Yritä hetken kuluttua uudelleen.
error-internal-title = Tapahtui virhe
error-internal-text = Sivua ei voitu näyttää. Virhe on kirjattu.
error-forbidden-title = Ei pääsyä
error-forbidden-text = Sinulla ei ole oikeutta tähän toimintoon, tai istuntosi on päättynyt. Kirjaudu sisään ja yritä uudelleen.
error-too-many-title = Liian monta yritystä
error-too-many-text = Odota hetki ja yritä sitten uudelleen.

# Rajapintadokumentaatio (/{lang}/api)
apidocs-title = Rajapintadokumentaatio
apidocs-intro = Auroran HTTP-rajapinta: palvelutietovaranto, haku, tekstin tulkinta, palveluohjaus ja AuroraAI-yhteensopiva palvelusuosittelija. Tämä sivu on tuotettu OpenAPI-kuvauksesta.
apidocs-download = OpenAPI 3.1 -kuvaus (JSON)
apidocs-version = versio
apidocs-english-note = Rajapinnan kuvaukset ovat englanniksi.
apidocs-contents = Sisältö
apidocs-overview = Yleiskuvaus
apidocs-schemas = Skeemat
apidocs-parameters = Parametrit
apidocs-name = Parametri
apidocs-field = Kenttä
apidocs-fields = Kentät
apidocs-request-body = Pyynnön sisältö
apidocs-required = pakollinen
apidocs-optional = valinnainen
apidocs-responses = Vastaukset
apidocs-status = Tila
apidocs-headers = Otsakkeet
apidocs-media-type = Mediatyyppi
apidocs-schema = skeema
apidocs-type = Tyyppi
apidocs-description = Kuvaus
apidocs-auth-basic = Vaatii HTTP Basic -tunnistautumisen asiakastunnuksella ja asiakassalaisuudella.
apidocs-variants = Arvo on jokin seuraavista muodoista.
apidocs-variant = Muoto
apidocs-array-of = lista:
apidocs-or = tai
apidocs-one-of = jokin arvoista
apidocs-length = pituus
apidocs-items = alkioita
apidocs-field-count = kenttiä
apidocs-default = oletus
apidocs-example = Esimerkki
apidocs-closed = Muut kentät hylätään.
apidocs-extends = Kaikki kentät skeemasta
apidocs-in-query = kysely
apidocs-in-path = polku
apidocs-in-header = otsake
apidocs-tag-services = Palvelut
apidocs-tag-search = Haku
apidocs-tag-channels = Asiointikanavat
apidocs-tag-organizations = Organisaatiot
apidocs-tag-codes = Koodistot
apidocs-tag-understanding = Tekstin tulkinta
apidocs-tag-guidance = Palveluohjaus
apidocs-tag-recommender = AuroraAI-palvelusuosittelija
apidocs-tag-account = Käyttäjätili
apidocs-tag-me = Omat tiedot ja istunto
apidocs-tag-twin = Digitaalinen kaksonen
apidocs-tag-handover = Tietojen luovutus palvelulle
apidocs-tag-oauth = Valtuutus (OAuth 2.1 / OpenID Connect)
apidocs-tag-operations = Ylläpito
apidocs-tag-documentation = Dokumentaatio
apidocs-shared-responses = Yhteiset vastaukset
apidocs-shared-response = Yhteinen vastaus, esimerkit kohdassa
apidocs-auth-optional = HTTP Basic -tunnistautuminen asiakastunnuksella ja asiakassalaisuudella on valinnainen.
