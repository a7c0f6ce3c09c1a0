## Area: consent (docs/twin-design.md): consents, receipts, the access log, hand-over.

consent-state-active = Voimassa
consent-state-withdrawn = Peruttu
consent-state-expired = Vanhentunut
consent-reader-self = Sinä itse
consent-purpose-self = Omien tietojen katselu
consent-via-api = Rajapinta
consent-via-web = Verkkosivu
consent-via-oauth = Palvelun käyttöoikeus (OAuth)
consent-via-handover = Siirto palveluun
consent-via-agent = Neuvoja
consent-deny-no_consent = Ei suostumusta
consent-deny-withdrawn = Suostumus peruttu
consent-deny-expired = Suostumus vanhentunut
consent-deny-not_allowed_for_recipient = Palvelu ei voi saada tätä tietoa
