## Area: the person's own web pages (my twin, consents, access log, export, erase)

me-nav-label = My pages
me-nav-twin = My data
me-nav-consents = Consents
me-nav-access-log = Access log
me-nav-export = Download my data
me-nav-delete = Delete account
me-sign-out = Sign out
me-back = Back
me-back-twin = Back to my data
me-back-consents = Back to consents
me-errors-heading = Please correct the following
me-csrf-title = The form could not be accepted
me-csrf-text = The form had expired or did not come from this service. Nothing was changed. Open the page again and try once more.
me-yes = Yes
me-no = No
me-choose = Choose…
me-sensitive = Sensitive

## My twin
me-twin-title = My data
me-twin-intro = This is your digital twin: the information you have saved about yourself. Only you can see and change it. Services receive it only with your consent, and every time they read it is recorded in your access log.
me-data-heading = My information
me-no-value = No value saved.
me-updated = Last changed:
me-edit = Change
me-add = Add
me-save = Save
me-saved = Saved.
me-deleted = Value deleted.
me-delete-value = Delete value
me-cleared = { $n ->
    [one] One value was deleted.
   *[other] { $n } values were deleted.
}
me-delete-all-heading = Delete all my information
me-delete-all-text = This deletes every value above. Your account, your consents and your access log stay.
me-delete-all-confirm = I understand that all values will be deleted
me-delete-all-submit = Delete all values
me-value-years = { $n } years
me-value-meter = { $n } / 10
me-value-no-events = No events.
me-household-adults = Adults
me-household-children = Children
me-household-children-born = { $n ->
    [one] 1 child, born
   *[other] { $n } children, born
}
me-household-children-years = Children's years of birth
me-hint-children = Separate the years with commas, for example 2015, 2019. Leave empty if there are no children.
me-hint-meters = Rate each area from 0 (very poor) to 10 (excellent). Leave an area empty if you do not want to answer.
me-hint-json = Give the value in JSON format.
me-event-code = Event
me-event-date = Date
me-event-n = Event { $n }
me-event-new = New event
me-event-none = No event (removes the row)
me-language-fi = Finnish
me-language-sv = Swedish
me-language-en = English
me-choice-employment_status-employed = Employed
me-choice-employment_status-self_employed = Self-employed
me-choice-employment_status-unemployed = Unemployed
me-choice-employment_status-student = Student
me-choice-employment_status-retired = Retired
me-choice-employment_status-family_leave = On family leave
me-choice-employment_status-other = Other
me-choice-size-micro = Micro (under 10 employees)
me-choice-size-small = Small (10–49 employees)
me-choice-size-medium = Medium (50–249 employees)
me-choice-size-large = Large (250 employees or more)
me-choice-business_events-starting = Starting a business
me-choice-business_events-first_employee = Hiring the first employee
me-choice-business_events-growing = Growth
me-choice-business_events-internationalising = Going international
me-choice-business_events-change_of_ownership = Change of ownership
me-choice-business_events-restructuring = Restructuring
me-choice-business_events-financial_difficulty = Financial difficulty
me-choice-business_events-closing = Closing down
me-actor-you = You
me-actor-you-mandate = You, under a mandate
me-actor-person = Another person
me-actor-agent = A person acting under a mandate
me-actor-service = Service
me-actor-operator = Service administrator

## Errors of the forms
me-error-required = Enter a value.
me-error-choose = Choose one of the options.
me-error-integer = Enter a whole number from { $min } to { $max }.
me-error-meter = Enter a whole number from 0 to 10, or leave it empty.
me-error-meters-empty = Rate at least one area.
me-error-date = Enter the date as year-month-day, for example 2026-03-15.
me-error-event-code = Choose the event for this date.
me-error-years = Enter years of birth between 1900 and 2100, separated by commas.
me-error-json = This is not valid JSON.
me-error-invalid = This value is not accepted. Check it against the instructions.
me-error-conflict = This information was changed meanwhile, perhaps in another window. Check the current value and try again.
me-error-confirm = Tick the box to confirm.
me-error-agent = No person with this identifier was found.
me-error-matters = Choose at least one matter.
me-error-future-date = Enter a date in the future, for example 2027-12-31.
me-error-last-manager = This is the last mandate that can manage the company's mandates. Grant another one first.
me-error-no-mandate-row = The mandate was not found or has already been revoked.
me-error-passphrase = The passphrase must be { $min } to { $max } characters long.
me-error-passphrase-confirm = The passphrases do not match.

## History
me-history-heading = History of changes
me-history-caption = Changes, newest first
me-history-none = No changes yet.
me-history-set = Saved
me-history-deleted = Deleted
me-history-older = Older changes
me-history-newest = Newest changes
me-history-paging = Pages of the history
me-col-when = When
me-col-attribute = Information
me-col-change = Change
me-col-value = Value
me-col-who = Who
me-col-what = What
me-col-why = Why
me-col-how = How
me-col-consent = Consent
me-col-company = Company
me-col-agent = Person
me-col-matters = Matters
me-col-valid-from = Valid from
me-col-valid-until = Valid until
me-col-state = State
me-col-actions = Actions

## Companies and mandates
me-companies-heading = Companies I may act for
me-your-identifier = Your identifier (to be given a mandate):
me-companies-none = You have no mandate to act for a company.
me-mandates-heading = My mandates
me-mandates-caption = My mandates to act for companies
me-mandates-none = No mandates.
me-matter-twin-read = View the company's information
me-matter-twin-write = Change the company's information
me-matter-mandates = Grant and revoke mandates
me-mandate-state-active = In force
me-mandate-state-revoked = Revoked
me-mandate-state-expired = Expired
me-mandate-state-pending = Not yet in force
me-mandate-no-end = Until revoked
me-mandate-revoke = Revoke
me-mandate-granted = The mandate was granted.
me-mandate-revoked = The mandate was revoked.
me-company-business-id = Business ID
me-company-your-matters = Your mandate covers
me-company-data-heading = The company's information
me-company-mandates-heading = Mandates for the company
me-company-mandates-caption = Everyone's mandates for this company
me-grant-heading = Grant a mandate
me-grant-agent = Person's identifier
me-grant-agent-hint = The identifier of the person's account in this service (they can find it on their account page).
me-grant-matters = Matters
me-grant-valid-until = Valid until (optional)
me-grant-valid-until-hint = The mandate ends at the end of this day. Leave empty for a mandate until revoked.
me-grant-submit = Grant the mandate
me-denied-title = You may not act for this company
me-denied-no-mandate = You have no mandate to act for this company.
me-denied-wrong-matter = Your mandate for this company does not cover this matter.
me-denied-not-yet-valid = Your mandate for this company is not in force yet.
me-denied-expired = Your mandate for this company has expired.
me-denied-revoked = Your mandate for this company has been revoked.

## Consents
me-consents-title = My consents
me-consents-intro = Here you see to whom you have given consent to use your information, for what and until when. You can withdraw a consent at any time; it ends at once.
me-consents-active = Consents in force
me-consents-none-active = No consents in force.
me-consents-past = Earlier consents
me-consents-none-past = No earlier consents.
me-consents-past-caption = Withdrawn and expired consents
me-consent-recipient = Recipient
me-recipient-service = service
me-recipient-agent = advisor
me-consent-purpose = Purpose
me-consent-attributes = Information
me-consent-granted = Given
me-consent-valid-until = Valid until
me-consent-state = State
me-consent-receipt = Receipt
me-consent-download = Download the signed receipt
me-consent-withdraw = Withdraw consent
me-consent-withdrawn-notice = Consent withdrawn:
me-consent-not-found-title = Consent not found
me-consent-not-found-text = There is no such consent among your consents.
me-withdraw-title = Withdraw consent
me-withdraw-intro = You are withdrawing this consent:
me-withdraw-effect = The recipient cannot read this information after withdrawal, and its access is revoked at once. Information it has already received is not returned.
me-withdraw-submit = Withdraw consent
me-withdraw-cancel = Cancel, keep the consent
me-receipt-title = Consent receipt
me-receipt-intro = The consent receipt is a record of your consent signed by this service (Kantara Consent Receipt v1.1).
me-receipt-signature = Signature
me-receipt-verified = The signature is valid. Signing key:
me-receipt-not-verified = The signature of this receipt could not be verified.
me-receipt-fields = Contents of the receipt
me-receipt-id = Receipt ID
me-receipt-version = Version
me-receipt-jurisdiction = Jurisdiction
me-receipt-time = Consent given
me-receipt-method = How consent was collected
me-receipt-language = Language
me-receipt-principal = Your identifier
me-receipt-controllers = Controller
me-receipt-policy = Privacy policy
me-receipt-sensitive = Sensitive information
me-receipt-spi = Sensitive categories
me-receipt-purpose-heading = Purpose
me-receipt-service = Service
me-receipt-purpose = Purpose
me-receipt-purpose-category = Purpose category
me-receipt-consent-type = Type of consent
me-receipt-pii-category = Information
me-receipt-primary = Primary purpose
me-receipt-termination = Ending
me-receipt-third-party = Disclosed to third parties
me-receipt-jws-heading = The signed receipt (JWS)
me-receipt-keys = Verification keys

## Access log
me-log-title = Access log
me-log-intro = Who has seen your information, when and why. Every read by a service or an advisor is recorded here.
me-log-none = Nobody has read your information.
me-log-caption = Reads of your information, newest first
me-log-page = page { $page } of { $pages }, { $total ->
    [one] 1 read
   *[other] { $total } reads
}
me-log-paging = Pages of the access log
me-log-newer = Newer reads
me-log-older = Older reads
me-log-consent-n = Consent { $n }

## Export
me-export-title = Download my data
me-export-intro = You can download everything this service holds about you: your information and its history, your companies and mandates.
me-export-json-heading = As a JSON file
me-export-json-text = A machine-readable file that you can open or move to another service.
me-export-json-link = Download as JSON
me-export-archive-heading = As an encrypted archive
me-export-archive-text = The same content encrypted with a passphrase you choose. Keep the passphrase safe: the archive cannot be opened without it.
me-export-passphrase = Passphrase
me-export-passphrase-hint = At least 10 characters.
me-export-passphrase-confirm = Passphrase again
me-export-archive-submit = Download the encrypted archive

## Erasure
me-delete-title = Delete my account
me-delete-intro = You can delete your account and all your information from this service.
me-delete-what-heading = What happens
me-delete-what-data = Your information, its history, your consents, your access log and your mandates are deleted at once.
me-delete-what-tokens = Every access you have given to services ends at once.
me-delete-what-services = Services that have received your information are told to delete it.
me-delete-what-receipt = You receive a signed receipt of the deletion.
me-delete-what-final = Deletion cannot be undone.
me-delete-export-first = Download your data first
me-delete-confirm-heading = Confirm deletion
me-delete-confirm = I understand that my account and all my information will be deleted permanently
me-delete-submit = Delete my account
me-erased-title = Your account has been deleted
me-erased-text = Your account and all your information have been deleted, and you have been signed out.
me-erased-when = Deleted
me-erased-services = Services notified
me-erased-notified = { $n ->
    [one] 1 service
   *[other] { $n } services
}
me-erased-receipt-id = Receipt ID
me-erased-receipt-heading = Receipt of erasure
me-erased-receipt-text = Save this signed receipt. It shows that your account was deleted and when.
me-erased-home = To the front page
