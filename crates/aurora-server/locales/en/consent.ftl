## Area: consent (docs/twin-design.md): consents, receipts, the access log, hand-over.

consent-state-active = Active
consent-state-withdrawn = Withdrawn
consent-state-expired = Expired
consent-reader-self = You
consent-purpose-self = Viewing your own data
consent-via-api = API
consent-via-web = Web page
consent-via-oauth = Service access (OAuth)
consent-via-handover = Hand-over to a service
consent-via-agent = Advisor
consent-deny-no_consent = No consent
consent-deny-withdrawn = Consent withdrawn
consent-deny-expired = Consent expired
consent-deny-not_allowed_for_recipient = The service may not receive this data
