## Area: the person's own web pages (my twin, consents, access log, export, erase)

me-nav-label = Mina sidor
me-nav-twin = Mina uppgifter
me-nav-consents = Samtycken
me-nav-access-log = Åtkomstlogg
me-nav-export = Ladda ner mina uppgifter
me-nav-delete = Radera konto
me-sign-out = Logga ut
me-back = Tillbaka
me-back-twin = Tillbaka till mina uppgifter
me-back-consents = Tillbaka till samtycken
me-errors-heading = Rätta följande
me-csrf-title = Formuläret kunde inte godkännas
me-csrf-text = Formuläret hade gått ut eller kom inte från den här tjänsten. Inget ändrades. Öppna sidan på nytt och försök en gång till.
me-yes = Ja
me-no = Nej
me-choose = Välj…
me-sensitive = Känslig

## My twin
me-twin-title = Mina uppgifter
me-twin-intro = Det här är din digitala tvilling: uppgifterna du har sparat om dig själv. Bara du ser och ändrar dem. Tjänster får dem endast med ditt samtycke, och varje läsning registreras i din åtkomstlogg.
me-data-heading = Mina uppgifter
me-no-value = Inget värde sparat.
me-updated = Senast ändrad:
me-edit = Ändra
me-add = Lägg till
me-save = Spara
me-saved = Sparat.
me-deleted = Värdet raderat.
me-delete-value = Radera värdet
me-cleared = { $n ->
    [one] Ett värde raderades.
   *[other] { $n } värden raderades.
}
me-delete-all-heading = Radera alla mina uppgifter
me-delete-all-text = Detta raderar alla värden ovan. Ditt konto, dina samtycken och din åtkomstlogg finns kvar.
me-delete-all-confirm = Jag förstår att alla värden raderas
me-delete-all-submit = Radera alla värden
me-value-years = { $n } år
me-value-meter = { $n } / 10
me-value-no-events = Inga händelser.
me-household-adults = Vuxna
me-household-children = Barn
me-household-children-born = { $n ->
    [one] 1 barn, fött
   *[other] { $n } barn, födda
}
me-household-children-years = Barnens födelseår
me-hint-children = Skilj åren åt med kommatecken, till exempel 2015, 2019. Lämna tomt om det inte finns barn.
me-hint-meters = Bedöm varje område på skalan 0 (mycket dåligt) till 10 (utmärkt). Lämna ett område tomt om du inte vill svara.
me-hint-json = Ange värdet i JSON-format.
me-event-code = Händelse
me-event-date = Datum
me-event-n = Händelse { $n }
me-event-new = Ny händelse
me-event-none = Ingen händelse (tar bort raden)
me-language-fi = finska
me-language-sv = svenska
me-language-en = engelska
me-choice-employment_status-employed = Anställd
me-choice-employment_status-self_employed = Företagare
me-choice-employment_status-unemployed = Arbetslös
me-choice-employment_status-student = Studerande
me-choice-employment_status-retired = Pensionär
me-choice-employment_status-family_leave = Familjeledig
me-choice-employment_status-other = Annat
me-choice-size-micro = Mikroföretag (under 10 anställda)
me-choice-size-small = Litet (10–49 anställda)
me-choice-size-medium = Medelstort (50–249 anställda)
me-choice-size-large = Stort (minst 250 anställda)
me-choice-business_events-starting = Att starta företag
me-choice-business_events-first_employee = Att anställa den första arbetstagaren
me-choice-business_events-growing = Tillväxt
me-choice-business_events-internationalising = Internationalisering
me-choice-business_events-change_of_ownership = Ägarbyte
me-choice-business_events-restructuring = Omstrukturering
me-choice-business_events-financial_difficulty = Ekonomiska svårigheter
me-choice-business_events-closing = Att avsluta verksamheten
me-actor-you = Du
me-actor-you-mandate = Du, med fullmakt
me-actor-person = En annan person
me-actor-agent = En person som handlar med fullmakt
me-actor-service = Tjänst
me-actor-operator = Tjänstens administratör

## Errors of the forms
me-error-required = Ange ett värde.
me-error-choose = Välj ett av alternativen.
me-error-integer = Ange ett heltal från { $min } till { $max }.
me-error-meter = Ange ett heltal från 0 till 10 eller lämna tomt.
me-error-meters-empty = Bedöm minst ett område.
me-error-date = Ange datumet som år-månad-dag, till exempel 2026-03-15.
me-error-event-code = Välj händelsen för det här datumet.
me-error-years = Ange födelseår mellan 1900 och 2100, åtskilda med kommatecken.
me-error-json = Det här är inte giltig JSON.
me-error-invalid = Värdet godtas inte. Kontrollera det enligt anvisningen.
me-error-conflict = Uppgiften ändrades under tiden, kanske i ett annat fönster. Kontrollera det nuvarande värdet och försök igen.
me-error-confirm = Bekräfta genom att kryssa i rutan.
me-error-agent = Ingen person med den här identifieraren hittades.
me-error-matters = Välj minst ett ärende.
me-error-future-date = Ange ett framtida datum, till exempel 2027-12-31.
me-error-last-manager = Det här är den sista fullmakten som kan hantera företagets fullmakter. Ge en annan först.
me-error-no-mandate-row = Fullmakten hittades inte eller har redan återkallats.
me-error-passphrase = Lösenfrasen ska vara { $min }–{ $max } tecken lång.
me-error-passphrase-confirm = Lösenfraserna stämmer inte överens.

## History
me-history-heading = Ändringshistorik
me-history-caption = Ändringar, nyaste först
me-history-none = Inga ändringar ännu.
me-history-set = Sparad
me-history-deleted = Raderad
me-history-older = Äldre ändringar
me-history-newest = Nyaste ändringar
me-history-paging = Historikens sidor
me-col-when = När
me-col-attribute = Uppgift
me-col-change = Ändring
me-col-value = Värde
me-col-who = Vem
me-col-what = Vad
me-col-why = Varför
me-col-how = Hur
me-col-consent = Samtycke
me-col-company = Företag
me-col-agent = Person
me-col-matters = Ärenden
me-col-valid-from = Giltig från
me-col-valid-until = Giltig till
me-col-state = Status
me-col-actions = Åtgärder

## Companies and mandates
me-companies-heading = Företag som jag får företräda
me-your-identifier = Din identifierare (för att få en fullmakt):
me-companies-none = Du har ingen fullmakt att företräda ett företag.
me-mandates-heading = Mina fullmakter
me-mandates-caption = Mina fullmakter att företräda företag
me-mandates-none = Inga fullmakter.
me-matter-twin-read = Se företagets uppgifter
me-matter-twin-write = Ändra företagets uppgifter
me-matter-mandates = Ge och återkalla fullmakter
me-mandate-state-active = Giltig
me-mandate-state-revoked = Återkallad
me-mandate-state-expired = Upphörd
me-mandate-state-pending = Ännu inte giltig
me-mandate-no-end = Tills vidare
me-mandate-revoke = Återkalla
me-mandate-granted = Fullmakten gavs.
me-mandate-revoked = Fullmakten återkallades.
me-company-business-id = FO-nummer
me-company-your-matters = Din fullmakt omfattar
me-company-data-heading = Företagets uppgifter
me-company-mandates-heading = Fullmakter för företaget
me-company-mandates-caption = Allas fullmakter för det här företaget
me-grant-heading = Ge en fullmakt
me-grant-agent = Personens identifierare
me-grant-agent-hint = Identifieraren för personens konto i den här tjänsten (personen ser den på sin kontosida).
me-grant-matters = Ärenden
me-grant-valid-until = Giltig till (valfritt)
me-grant-valid-until-hint = Fullmakten upphör i slutet av den här dagen. Lämna tomt för en fullmakt som gäller tills vidare.
me-grant-submit = Ge fullmakten
me-denied-title = Du får inte företräda det här företaget
me-denied-no-mandate = Du har ingen fullmakt att företräda det här företaget.
me-denied-wrong-matter = Din fullmakt för det här företaget omfattar inte det här ärendet.
me-denied-not-yet-valid = Din fullmakt för det här företaget är inte giltig ännu.
me-denied-expired = Din fullmakt för det här företaget har upphört.
me-denied-revoked = Din fullmakt för det här företaget har återkallats.

## Consents
me-consents-title = Mina samtycken
me-consents-intro = Här ser du vem du har gett samtycke att använda dina uppgifter, för vad och till när. Du kan återkalla ett samtycke när som helst; det upphör genast.
me-consents-active = Gällande samtycken
me-consents-none-active = Inga gällande samtycken.
me-consents-past = Tidigare samtycken
me-consents-none-past = Inga tidigare samtycken.
me-consents-past-caption = Återkallade och upphörda samtycken
me-consent-recipient = Mottagare
me-recipient-service = tjänst
me-recipient-agent = rådgivare
me-consent-purpose = Ändamål
me-consent-attributes = Uppgifter
me-consent-granted = Givet
me-consent-valid-until = Giltigt till
me-consent-state = Status
me-consent-receipt = Kvitto
me-consent-download = Ladda ner det undertecknade kvittot
me-consent-withdraw = Återkalla samtycket
me-consent-withdrawn-notice = Samtycket återkallat:
me-consent-not-found-title = Samtycket hittades inte
me-consent-not-found-text = Det finns inget sådant samtycke bland dina samtycken.
me-withdraw-title = Återkalla samtycke
me-withdraw-intro = Du håller på att återkalla det här samtycket:
me-withdraw-effect = Mottagaren kan inte läsa uppgifterna efter återkallelsen, och dess åtkomst upphör genast. Uppgifter som redan lämnats ut returneras inte.
me-withdraw-submit = Återkalla samtycket
me-withdraw-cancel = Avbryt, behåll samtycket
me-receipt-title = Samtyckeskvitto
me-receipt-intro = Samtyckeskvittot är ett av den här tjänsten undertecknat bevis på ditt samtycke (Kantara Consent Receipt v1.1).
me-receipt-signature = Underskrift
me-receipt-verified = Underskriften är giltig. Signeringsnyckel:
me-receipt-not-verified = Underskriften på kvittot kunde inte verifieras.
me-receipt-fields = Kvittots innehåll
me-receipt-id = Kvittots identifierare
me-receipt-version = Version
me-receipt-jurisdiction = Jurisdiktion
me-receipt-time = Samtycket givet
me-receipt-method = Hur samtycket samlades in
me-receipt-language = Språk
me-receipt-principal = Din identifierare
me-receipt-controllers = Personuppgiftsansvarig
me-receipt-policy = Dataskyddsbeskrivning
me-receipt-sensitive = Känsliga uppgifter
me-receipt-spi = Känsliga kategorier
me-receipt-purpose-heading = Ändamål
me-receipt-service = Tjänst
me-receipt-purpose = Ändamål
me-receipt-purpose-category = Ändamålets kategori
me-receipt-consent-type = Typ av samtycke
me-receipt-pii-category = Uppgifter
me-receipt-primary = Huvudsakligt ändamål
me-receipt-termination = Upphörande
me-receipt-third-party = Lämnas ut till tredje part
me-receipt-jws-heading = Det undertecknade kvittot (JWS)
me-receipt-keys = Verifieringsnycklar

## Access log
me-log-title = Åtkomstlogg
me-log-intro = Vem som har sett dina uppgifter, när och varför. Varje läsning av en tjänst eller en rådgivare registreras här.
me-log-none = Ingen har läst dina uppgifter.
me-log-caption = Läsningar av dina uppgifter, nyaste först
me-log-page = sida { $page } av { $pages }, { $total ->
    [one] 1 läsning
   *[other] { $total } läsningar
}
me-log-paging = Åtkomstloggens sidor
me-log-newer = Nyare läsningar
me-log-older = Äldre läsningar
me-log-consent-n = Samtycke { $n }

## Export
me-export-title = Ladda ner mina uppgifter
me-export-intro = Du kan ladda ner allt som den här tjänsten har om dig: dina uppgifter och deras historik, dina företag och fullmakter.
me-export-json-heading = Som JSON-fil
me-export-json-text = En maskinläsbar fil som du kan öppna eller flytta till en annan tjänst.
me-export-json-link = Ladda ner som JSON
me-export-archive-heading = Som krypterat arkiv
me-export-archive-text = Samma innehåll krypterat med en lösenfras som du väljer. Förvara lösenfrasen väl: arkivet kan inte öppnas utan den.
me-export-passphrase = Lösenfras
me-export-passphrase-hint = Minst 10 tecken.
me-export-passphrase-confirm = Lösenfrasen igen
me-export-archive-submit = Ladda ner det krypterade arkivet

## Erasure
me-delete-title = Radera mitt konto
me-delete-intro = Du kan radera ditt konto och alla dina uppgifter från den här tjänsten.
me-delete-what-heading = Vad som händer
me-delete-what-data = Dina uppgifter, deras historik, dina samtycken, din åtkomstlogg och dina fullmakter raderas genast.
me-delete-what-tokens = All åtkomst som du har gett tjänster upphör genast.
me-delete-what-services = Tjänster som har fått dina uppgifter meddelas att de ska radera dem.
me-delete-what-receipt = Du får ett undertecknat kvitto på raderingen.
me-delete-what-final = Raderingen kan inte ångras.
me-delete-export-first = Ladda ner dina uppgifter först
me-delete-confirm-heading = Bekräfta raderingen
me-delete-confirm = Jag förstår att mitt konto och alla mina uppgifter raderas permanent
me-delete-submit = Radera mitt konto
me-erased-title = Ditt konto har raderats
me-erased-text = Ditt konto och alla dina uppgifter har raderats, och du har loggats ut.
me-erased-when = Raderat
me-erased-services = Tjänster som meddelats
me-erased-notified = { $n ->
    [one] 1 tjänst
   *[other] { $n } tjänster
}
me-erased-receipt-id = Kvittots identifierare
me-erased-receipt-heading = Raderingskvitto
me-erased-receipt-text = Spara det här undertecknade kvittot. Det visar att ditt konto raderades och när.
me-erased-home = Till startsidan
