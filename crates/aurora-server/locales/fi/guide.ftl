# Ohjaussivu (/{lang}/guide), suomi. Pidä viestien tunnisteet samoina fi-, sv- ja en-tiedostoissa.

nav-site = Sivusto
nav-guide = Palvelut tilanteeseesi

guide-title = Palvelut tilanteeseesi
guide-heading = Löydä palvelut tilanteeseesi
guide-intro = Kerro tilanteestasi omin sanoin, arvioi miten elämäsi eri osa-alueilla menee, tai molemmat. Kaikki kohdat ovat vapaaehtoisia, mutta anna vähintään kuvaus tai yksi arvio.
guide-form-heading = Tilanteesi
guide-text-label = Kuvaile tilannettasi (vapaaehtoinen)
guide-text-hint = Esimerkiksi: Muutan Tampereelle opiskelemaan ja tarvitsen asunnon.
guide-text-too-long = Kuvaus on liian pitkä: enintään { $max } merkkiä.
guide-text-unusable = Kuvausta ei voitu lukea. Kirjoita se kirjaimin ja yritä uudelleen.
guide-meters-legend = Miten elämäsi näillä osa-alueilla menee? (vapaaehtoinen)
guide-meters-hint = 0 tarkoittaa erittäin huonosti ja 10 erittäin hyvin. Vain vastaamasi osa-alueet otetaan huomioon.
guide-meter-not-answered = Ei vastattu
guide-meter-invalid = Valitse kokonaisluku väliltä 0–10.
guide-meter-working_studying = Työsi, opiskelusi tai muu päivittäinen toimintasi.
guide-meter-family = Suhteesi perheeseesi ja läheisiisi.
guide-meter-friends = Ystävät ja muut ihmiset, joiden kanssa voit viettää aikaa tai joihin voit tukeutua.
guide-meter-health = Fyysinen ja psyykkinen terveytesi ja jaksamisesi arjessa.
guide-meter-improvement_of_strengths = Oppiminen, harrastukset ja mahdollisuudet käyttää ja kehittää taitojasi.
guide-meter-housing = Kotisi ja asumistilanteesi.
guide-meter-finance = Tulosi, menosi ja velkasi.
guide-meter-self_esteem = Miten näet ja arvostat itseäsi.
guide-meter-resilience = Miten selviät vastoinkäymisistä ja vaikeista ajoista.
guide-meter-life_satisfaction = Kuinka tyytyväinen olet elämääsi kokonaisuutena.
guide-municipality-label = Kunta (vapaaehtoinen)
guide-municipality-hint = Näytetään kunnan omat ja valtakunnalliset palvelut. Jos et valitse kuntaa, käytetään kuvauksessa mainittua kuntaa.
guide-municipality-none = Ei valittu
guide-municipality-invalid = Tuntematon kunta. Valitse kunta luettelosta.
guide-age-label = Ikä vuosina (vapaaehtoinen)
guide-age-invalid = Anna ikäsi kokonaislukuna väliltä 0–120.
guide-submit = Näytä palvelut
guide-errors-heading = Korjaa seuraavat kohdat
guide-nothing-given = Kuvaile tilannettasi tai vastaa vähintään yhteen elämän osa-alueeseen.

guide-urgent-heading = Hae apua heti
guide-urgent-text = Jos sinä tai joku muu on vaarassa, soita heti hätänumeroon 112.

guide-results-count = { $count ->
    [0] Tilanteeseesi ei löytynyt palveluita
    [one] 1 palvelu tilanteeseesi
   *[other] { $count } palvelua tilanteeseesi
}
guide-based-on = Perusteena
guide-based-text = kuvauksesi
guide-based-meters = { $count ->
    [one] 1 arvioimasi elämän osa-alue
   *[other] { $count } arvioimaasi elämän osa-aluetta
}
guide-based-municipality = kunta
guide-based-recognised = tunnistettu kuvauksestasi
guide-based-age = ikä { $age }
guide-no-results = Palveluita ei löytynyt. Kokeile kuvata tilannettasi toisin sanoin tai valitse toinen kunta.
guide-why = Miksi tätä suositellaan
guide-channels = Näin asioit
guide-more-channels = { $count ->
    [one] 1 muu asiointikanava palvelun sivulla
   *[other] { $count } muuta asiointikanavaa palvelun sivulla
}
guide-feedback-legend = Oliko tästä palvelusta apua?
guide-feedback-up = Hyödyllinen
guide-feedback-down = Ei hyödyllinen
guide-thanks = Kiitos palautteestasi.

guide-denied-title = Palautetta ei hyväksytty
guide-denied-csrf = Palautetta ei voitu tarkistaa. Selaimesi saattaa estää tämän sivuston evästeet. Lataa tulossivu uudelleen ja anna palaute siellä.
guide-denied-signature = Palaute ei vastannut tämän palvelun näyttämää sivua, tai sivu oli liian vanha. Lataa tulossivu uudelleen ja anna palaute siellä.
guide-denied-malformed = Palaute oli puutteellinen. Lataa tulossivu uudelleen ja anna palaute siellä.
