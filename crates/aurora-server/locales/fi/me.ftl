## Area: the person's own web pages (my twin, consents, access log, export, erase)

me-nav-label = Omat sivut
me-nav-twin = Omat tiedot
me-nav-consents = Suostumukset
me-nav-access-log = Käyttöloki
me-nav-export = Lataa tietoni
me-nav-delete = Poista tili
me-sign-out = Kirjaudu ulos
me-back = Takaisin
me-back-twin = Takaisin omiin tietoihin
me-back-consents = Takaisin suostumuksiin
me-errors-heading = Korjaa seuraavat kohdat
me-csrf-title = Lomaketta ei voitu hyväksyä
me-csrf-text = Lomake oli vanhentunut tai ei tullut tästä palvelusta. Mitään ei muutettu. Avaa sivu uudelleen ja yritä vielä kerran.
me-yes = Kyllä
me-no = Ei
me-choose = Valitse…
me-sensitive = Arkaluonteinen

## My twin
me-twin-title = Omat tiedot
me-twin-intro = Tämä on digitaalinen kaksosesi: tiedot, jotka olet tallentanut itsestäsi. Vain sinä näet ja muutat niitä. Palvelut saavat niitä vain suostumuksellasi, ja jokainen luku kirjataan käyttölokiisi.
me-data-heading = Tietoni
me-no-value = Ei tallennettua arvoa.
me-updated = Muutettu viimeksi:
me-edit = Muuta
me-add = Lisää
me-save = Tallenna
me-saved = Tallennettu.
me-deleted = Arvo poistettu.
me-delete-value = Poista arvo
me-cleared = { $n ->
    [one] Yksi arvo poistettiin.
   *[other] { $n } arvoa poistettiin.
}
me-delete-all-heading = Poista kaikki tietoni
me-delete-all-text = Tämä poistaa kaikki yllä olevat arvot. Tilisi, suostumuksesi ja käyttölokisi säilyvät.
me-delete-all-confirm = Ymmärrän, että kaikki arvot poistetaan
me-delete-all-submit = Poista kaikki arvot
me-value-years = { $n } vuotta
me-value-meter = { $n } / 10
me-value-no-events = Ei tapahtumia.
me-household-adults = Aikuiset
me-household-children = Lapset
me-household-children-born = { $n ->
    [one] 1 lapsi, syntynyt
   *[other] { $n } lasta, syntyneet
}
me-household-children-years = Lasten syntymävuodet
me-hint-children = Erota vuodet pilkuilla, esimerkiksi 2015, 2019. Jätä tyhjäksi, jos lapsia ei ole.
me-hint-meters = Arvioi kukin osa-alue asteikolla 0 (erittäin huono) – 10 (erinomainen). Jätä osa-alue tyhjäksi, jos et halua vastata.
me-hint-json = Anna arvo JSON-muodossa.
me-event-code = Tapahtuma
me-event-date = Päivämäärä
me-event-n = Tapahtuma { $n }
me-event-new = Uusi tapahtuma
me-event-none = Ei tapahtumaa (poistaa rivin)
me-language-fi = suomi
me-language-sv = ruotsi
me-language-en = englanti
me-choice-employment_status-employed = Palkkatyössä
me-choice-employment_status-self_employed = Yrittäjä
me-choice-employment_status-unemployed = Työtön
me-choice-employment_status-student = Opiskelija
me-choice-employment_status-retired = Eläkkeellä
me-choice-employment_status-family_leave = Perhevapaalla
me-choice-employment_status-other = Muu
me-choice-size-micro = Mikroyritys (alle 10 työntekijää)
me-choice-size-small = Pieni (10–49 työntekijää)
me-choice-size-medium = Keskisuuri (50–249 työntekijää)
me-choice-size-large = Suuri (vähintään 250 työntekijää)
me-choice-business_events-starting = Yrityksen perustaminen
me-choice-business_events-first_employee = Ensimmäisen työntekijän palkkaaminen
me-choice-business_events-growing = Kasvu
me-choice-business_events-internationalising = Kansainvälistyminen
me-choice-business_events-change_of_ownership = Omistajanvaihdos
me-choice-business_events-restructuring = Uudelleenjärjestely
me-choice-business_events-financial_difficulty = Taloudelliset vaikeudet
me-choice-business_events-closing = Toiminnan lopettaminen
me-actor-you = Sinä
me-actor-you-mandate = Sinä valtuutuksella
me-actor-person = Toinen henkilö
me-actor-agent = Valtuutuksella toimiva henkilö
me-actor-service = Palvelu
me-actor-operator = Palvelun ylläpitäjä

## Errors of the forms
me-error-required = Anna arvo.
me-error-choose = Valitse yksi vaihtoehdoista.
me-error-integer = Anna kokonaisluku väliltä { $min }–{ $max }.
me-error-meter = Anna kokonaisluku väliltä 0–10 tai jätä tyhjäksi.
me-error-meters-empty = Arvioi vähintään yksi osa-alue.
me-error-date = Anna päivämäärä muodossa vuosi-kuukausi-päivä, esimerkiksi 2026-03-15.
me-error-event-code = Valitse tälle päivämäärälle tapahtuma.
me-error-years = Anna syntymävuodet väliltä 1900–2100 pilkuilla erotettuina.
me-error-json = Tämä ei ole kelvollista JSONia.
me-error-invalid = Tätä arvoa ei hyväksytä. Tarkista se ohjeen mukaan.
me-error-conflict = Tietoa muutettiin sillä välin, ehkä toisessa ikkunassa. Tarkista nykyinen arvo ja yritä uudelleen.
me-error-confirm = Vahvista valitsemalla ruutu.
me-error-agent = Tällä tunnisteella ei löytynyt henkilöä.
me-error-matters = Valitse vähintään yksi asia.
me-error-future-date = Anna tuleva päivämäärä, esimerkiksi 2027-12-31.
me-error-last-manager = Tämä on viimeinen valtuutus, jolla voi hallita yrityksen valtuutuksia. Anna ensin toinen.
me-error-no-mandate-row = Valtuutusta ei löytynyt tai se on jo peruttu.
me-error-passphrase = Salalauseen pituuden on oltava { $min }–{ $max } merkkiä.
me-error-passphrase-confirm = Salalauseet eivät täsmää.

## History
me-history-heading = Muutoshistoria
me-history-caption = Muutokset, uusin ensin
me-history-none = Ei vielä muutoksia.
me-history-set = Tallennettu
me-history-deleted = Poistettu
me-history-older = Vanhemmat muutokset
me-history-newest = Uusimmat muutokset
me-history-paging = Muutoshistorian sivut
me-col-when = Milloin
me-col-attribute = Tieto
me-col-change = Muutos
me-col-value = Arvo
me-col-who = Kuka
me-col-what = Mitä
me-col-why = Miksi
me-col-how = Miten
me-col-consent = Suostumus
me-col-company = Yritys
me-col-agent = Henkilö
me-col-matters = Asiat
me-col-valid-from = Voimassa alkaen
me-col-valid-until = Voimassa asti
me-col-state = Tila
me-col-actions = Toiminnot

## Companies and mandates
me-companies-heading = Yritykset, joiden puolesta voin asioida
me-your-identifier = Tunnisteesi, jolla sinulle voi antaa valtuutuksen:
me-companies-none = Sinulla ei ole valtuutusta asioida yrityksen puolesta.
me-mandates-heading = Valtuutukseni
me-mandates-caption = Valtuutukseni asioida yritysten puolesta
me-mandates-none = Ei valtuutuksia.
me-matter-twin-read = Yrityksen tietojen katselu
me-matter-twin-write = Yrityksen tietojen muuttaminen
me-matter-mandates = Valtuutusten antaminen ja peruminen
me-mandate-state-active = Voimassa
me-mandate-state-revoked = Peruttu
me-mandate-state-expired = Päättynyt
me-mandate-state-pending = Ei vielä voimassa
me-mandate-no-end = Toistaiseksi
me-mandate-revoke = Peru
me-mandate-granted = Valtuutus annettiin.
me-mandate-revoked = Valtuutus peruttiin.
me-company-business-id = Y-tunnus
me-company-your-matters = Valtuutuksesi kattaa
me-company-data-heading = Yrityksen tiedot
me-company-mandates-heading = Yrityksen valtuutukset
me-company-mandates-caption = Kaikkien valtuutukset tähän yritykseen
me-grant-heading = Anna valtuutus
me-grant-agent = Henkilön tunniste
me-grant-agent-hint = Henkilön tilin tunniste tässä palvelussa (hän näkee sen tilisivultaan).
me-grant-matters = Asiat
me-grant-valid-until = Voimassa asti (valinnainen)
me-grant-valid-until-hint = Valtuutus päättyy tämän päivän lopussa. Jätä tyhjäksi, jos valtuutus on voimassa toistaiseksi.
me-grant-submit = Anna valtuutus
me-denied-title = Et voi asioida tämän yrityksen puolesta
me-denied-no-mandate = Sinulla ei ole valtuutusta asioida tämän yrityksen puolesta.
me-denied-wrong-matter = Valtuutuksesi tähän yritykseen ei kata tätä asiaa.
me-denied-not-yet-valid = Valtuutuksesi tähän yritykseen ei ole vielä voimassa.
me-denied-expired = Valtuutuksesi tähän yritykseen on päättynyt.
me-denied-revoked = Valtuutuksesi tähän yritykseen on peruttu.

## Consents
me-consents-title = Suostumukseni
me-consents-intro = Tässä näet, kenelle olet antanut suostumuksen tietojesi käyttöön, mihin tarkoitukseen ja mihin asti. Voit peruuttaa suostumuksen milloin tahansa; se päättyy heti.
me-consents-active = Voimassa olevat suostumukset
me-consents-none-active = Ei voimassa olevia suostumuksia.
me-consents-past = Aiemmat suostumukset
me-consents-none-past = Ei aiempia suostumuksia.
me-consents-past-caption = Peruutetut ja päättyneet suostumukset
me-consent-recipient = Vastaanottaja
me-recipient-service = palvelu
me-recipient-agent = neuvoja
me-consent-purpose = Käyttötarkoitus
me-consent-attributes = Tiedot
me-consent-granted = Annettu
me-consent-valid-until = Voimassa asti
me-consent-state = Tila
me-consent-receipt = Kuitti
me-consent-download = Lataa allekirjoitettu kuitti
me-consent-withdraw = Peruuta suostumus
me-consent-withdrawn-notice = Suostumus peruutettu:
me-consent-not-found-title = Suostumusta ei löytynyt
me-consent-not-found-text = Suostumuksistasi ei löydy tällaista.
me-withdraw-title = Peruuta suostumus
me-withdraw-intro = Olet peruuttamassa tämän suostumuksen:
me-withdraw-effect = Vastaanottaja ei voi lukea näitä tietoja peruutuksen jälkeen, ja sen pääsy päättyy heti. Jo luovutettuja tietoja ei palauteta.
me-withdraw-submit = Peruuta suostumus
me-withdraw-cancel = Älä peruuta, pidä suostumus
me-receipt-title = Suostumuskuitti
me-receipt-intro = Suostumuskuitti on tämän palvelun allekirjoittama tosite suostumuksestasi (Kantara Consent Receipt v1.1).
me-receipt-signature = Allekirjoitus
me-receipt-verified = Allekirjoitus on kelvollinen. Allekirjoitusavain:
me-receipt-not-verified = Tämän kuitin allekirjoitusta ei voitu varmentaa.
me-receipt-fields = Kuitin sisältö
me-receipt-id = Kuitin tunniste
me-receipt-version = Versio
me-receipt-jurisdiction = Lainkäyttöalue
me-receipt-time = Suostumus annettu
me-receipt-method = Miten suostumus kerättiin
me-receipt-language = Kieli
me-receipt-principal = Tunnisteesi
me-receipt-controllers = Rekisterinpitäjä
me-receipt-policy = Tietosuojaseloste
me-receipt-sensitive = Arkaluonteisia tietoja
me-receipt-spi = Arkaluonteiset luokat
me-receipt-purpose-heading = Käyttötarkoitus
me-receipt-service = Palvelu
me-receipt-purpose = Tarkoitus
me-receipt-purpose-category = Tarkoituksen luokka
me-receipt-consent-type = Suostumuksen tyyppi
me-receipt-pii-category = Tiedot
me-receipt-primary = Ensisijainen tarkoitus
me-receipt-termination = Päättyminen
me-receipt-third-party = Luovutetaan kolmansille
me-receipt-jws-heading = Allekirjoitettu kuitti (JWS)
me-receipt-keys = Varmennusavaimet

## Access log
me-log-title = Käyttöloki
me-log-intro = Kuka on nähnyt tietojasi, milloin ja miksi. Jokainen palvelun tai neuvojan tekemä luku kirjataan tähän.
me-log-none = Kukaan ei ole lukenut tietojasi.
me-log-caption = Tietojesi luvut, uusin ensin
me-log-page = sivu { $page }/{ $pages }, { $total ->
    [one] 1 luku
   *[other] { $total } lukua
}
me-log-paging = Käyttölokin sivut
me-log-newer = Uudemmat luvut
me-log-older = Vanhemmat luvut
me-log-consent-n = Suostumus { $n }

## Export
me-export-title = Lataa tietoni
me-export-intro = Voit ladata kaiken, mitä tämä palvelu säilyttää sinusta: tietosi ja niiden historian, yrityksesi ja valtuutuksesi.
me-export-json-heading = JSON-tiedostona
me-export-json-text = Koneluettava tiedosto, jonka voit avata tai siirtää toiseen palveluun.
me-export-json-link = Lataa JSON-tiedostona
me-export-archive-heading = Salattuna arkistona
me-export-archive-text = Sama sisältö salattuna valitsemallasi salalauseella. Säilytä salalause huolella: arkistoa ei voi avata ilman sitä.
me-export-passphrase = Salalause
me-export-passphrase-hint = Vähintään 10 merkkiä.
me-export-passphrase-confirm = Salalause uudelleen
me-export-archive-submit = Lataa salattu arkisto

## Erasure
me-delete-title = Poista tilini
me-delete-intro = Voit poistaa tilisi ja kaikki tietosi tästä palvelusta.
me-delete-what-heading = Mitä tapahtuu
me-delete-what-data = Tietosi, niiden historia, suostumuksesi, käyttölokisi ja valtuutuksesi poistetaan heti.
me-delete-what-tokens = Kaikki palveluille antamasi käyttöoikeudet päättyvät heti.
me-delete-what-services = Palveluille, jotka ovat saaneet tietojasi, ilmoitetaan, että niiden on poistettava ne.
me-delete-what-receipt = Saat poistosta allekirjoitetun kuitin.
me-delete-what-final = Poistoa ei voi perua.
me-delete-export-first = Lataa ensin tietosi
me-delete-confirm-heading = Vahvista poisto
me-delete-confirm = Ymmärrän, että tilini ja kaikki tietoni poistetaan pysyvästi
me-delete-submit = Poista tilini
me-erased-title = Tilisi on poistettu
me-erased-text = Tilisi ja kaikki tietosi on poistettu, ja sinut on kirjattu ulos.
me-erased-when = Poistettu
me-erased-services = Palvelut, joille ilmoitettiin
me-erased-notified = { $n ->
    [one] 1 palvelu
   *[other] { $n } palvelua
}
me-erased-receipt-id = Kuitin tunniste
me-erased-receipt-heading = Poistokuitti
me-erased-receipt-text = Tallenna tämä allekirjoitettu kuitti. Se osoittaa, että tilisi poistettiin ja milloin.
me-erased-home = Etusivulle
