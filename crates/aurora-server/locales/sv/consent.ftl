## Area: consent (docs/twin-design.md): consents, receipts, the access log, hand-over.

consent-state-active = Gäller
consent-state-withdrawn = Återkallat
consent-state-expired = Har gått ut
consent-reader-self = Du själv
consent-purpose-self = Visning av egna uppgifter
consent-via-api = Gränssnitt
consent-via-web = Webbsida
consent-via-oauth = Tjänstens åtkomsträtt (OAuth)
consent-via-handover = Överföring till tjänsten
consent-via-agent = Rådgivare
consent-deny-no_consent = Inget samtycke
consent-deny-withdrawn = Samtycket har återkallats
consent-deny-expired = Samtycket har gått ut
consent-deny-not_allowed_for_recipient = Tjänsten får inte ta emot denna uppgift
