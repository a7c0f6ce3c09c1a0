# Aurora web UI, English. Keep the message ids identical in fi, sv and en.

site-name = Aurora
site-tagline = Public services in one place
skip-to-content = Skip to content
nav-me = My data
language-nav = Language
footer-about = Aurora is an open-source implementation of the AuroraAI service network.
footer-source = Service data: Finnish Service Catalogue (PTV).
api-link = API (JSON)

services-title = Services
services-heading = Services
services-intro = Browse public services and narrow them down by municipality. Nationwide services are always shown.
filter-heading = Filter services
filter-municipality = Municipality
filter-all-municipalities = All municipalities
filter-submit = Show services
results-heading = Results
results-count = { $count ->
    [0] No services
    [one] 1 service
   *[other] { $count } services
}
results-range = Showing { $from }–{ $to } of { $total }
no-results = No services match your choices.
responsible-organization = Responsible organisation
national-service = Nationwide service
paging-nav = Pages
paging-previous = Previous page
paging-next = Next page
paging-page = Page { $page } of { $pages }

search-heading = Search
search-label = Search services
search-hint = For example: housing allowance, day care in Tampere
search-submit = Search
search-matched = Matched
search-results-count = { $count ->
    [0] No services found
    [one] 1 service found
   *[other] { $count } services found
}
search-too-long = The search text is too long: at most { $max } characters.

service-back = Back to services
service-description = Description
service-instructions = How to use the service
service-requirements = Requirements
service-charge = Charges
service-deadline = Deadline
service-processing-time = Processing time
service-organizations = Responsible for the service
channels-heading = Service channels
no-channels = The service has no published service channels.
channel-kind-EChannel = Online service
channel-kind-WebPage = Web page
channel-kind-Phone = Telephone service
channel-kind-ServiceLocation = Service location
channel-kind-PrintableForm = Printable form
channel-phones = Phone
channel-emails = Email
channel-web-pages = Web pages
channel-addresses = Address
channel-hours = Opening hours
channel-closed = Closed
channel-requires-authentication = Requires strong authentication
charge-FreeOfCharge = Free of charge
charge-Chargeable = Chargeable
charge-Other = Other pricing
day-monday = Monday
day-tuesday = Tuesday
day-wednesday = Wednesday
day-thursday = Thursday
day-friday = Friday
day-saturday = Saturday
day-sunday = Sunday

error-not-found-title = Page not found
error-not-found-text = The page or service you were looking for does not exist. It may have been withdrawn.
error-invalid-municipality = Unknown municipality. Choose a municipality from the list.
error-unavailable-title = The service is not available right now
error-unavailable-text = Please try again in a moment.
error-internal-title = An error occurred
error-internal-text = The page could not be shown. The error has been logged.
error-forbidden-title = Access denied
error-forbidden-text = You are not allowed to do this, or your session has ended. Sign in and try again.
error-too-many-title = Too many attempts
error-too-many-text = Wait a moment and then try again.

# API documentation page (/{lang}/api)
apidocs-title = API documentation
apidocs-intro = Aurora's HTTP API: the service catalogue, search, text understanding, guidance and the AuroraAI-compatible service recommender. This page is generated from the OpenAPI document.
apidocs-download = The OpenAPI 3.1 document (JSON)
apidocs-version = version
apidocs-english-note = The descriptions of the API are in English.
apidocs-contents = Contents
apidocs-overview = Overview
apidocs-schemas = Schemas
apidocs-parameters = Parameters
apidocs-name = Parameter
apidocs-field = Field
apidocs-fields = Fields
apidocs-request-body = Request body
apidocs-required = required
apidocs-optional = optional
apidocs-responses = Responses
apidocs-status = Status
apidocs-headers = Headers
apidocs-media-type = Media type
apidocs-schema = schema
apidocs-type = Type
apidocs-description = Description
apidocs-auth-basic = Requires HTTP Basic authentication with the client id and client secret.
apidocs-variants = The value is one of the following variants.
apidocs-variant = Variant
apidocs-array-of = array of
apidocs-or = or
apidocs-one-of = one of
apidocs-length = length
apidocs-items = items
apidocs-field-count = fields
apidocs-default = default
apidocs-example = Example
apidocs-closed = Other fields are rejected.
apidocs-extends = All fields of
apidocs-in-query = query
apidocs-in-path = path
apidocs-in-header = header
apidocs-tag-services = Services
apidocs-tag-search = Search
apidocs-tag-channels = Service channels
apidocs-tag-organizations = Organisations
apidocs-tag-codes = Code lists
apidocs-tag-understanding = Text understanding
apidocs-tag-guidance = Guidance
apidocs-tag-recommender = AuroraAI service recommender
apidocs-tag-account = Account
apidocs-tag-me = My data and session
apidocs-tag-twin = Digital twin
apidocs-tag-handover = Hand-over to a service
apidocs-tag-oauth = Authorization (OAuth 2.1 / OpenID Connect)
apidocs-tag-operations = Operations
apidocs-tag-documentation = Documentation
apidocs-shared-responses = Shared responses
apidocs-shared-response = Shared response, with examples in
apidocs-auth-optional = HTTP Basic authentication with the client id and client secret is optional.
