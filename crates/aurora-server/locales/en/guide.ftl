# The guidance page (/{lang}/guide), English. Keep the message ids identical in fi, sv and en.

nav-site = Site
nav-guide = Services for your situation

guide-title = Services for your situation
guide-heading = Find services for your situation
guide-intro = Describe your situation in your own words, say how things are in different areas of your life, or both. Every part is optional, but give at least a description or one rating.
guide-form-heading = Your situation
guide-text-label = Describe your situation (optional)
guide-text-hint = For example: I am moving to Tampere to study and need somewhere to live.
guide-text-too-long = The description is too long: at most { $max } characters.
guide-text-unusable = The description could not be read. Write it with letters and try again.
guide-meters-legend = How are things in these areas of your life? (optional)
guide-meters-hint = 0 means very badly and 10 very well. Only the areas you answer are used.
guide-meter-not-answered = Not answered
guide-meter-invalid = Choose a whole number from 0 to 10.
guide-meter-working_studying = Your work, studies or other daily occupation.
guide-meter-family = Your relationships with your family and the people closest to you.
guide-meter-friends = Friends and other people you can spend time with or turn to.
guide-meter-health = Your physical and mental health and how you cope from day to day.
guide-meter-improvement_of_strengths = Learning, hobbies and chances to use and develop your skills.
guide-meter-housing = Your home and your housing situation.
guide-meter-finance = Your income, expenses and debts.
guide-meter-self_esteem = How you see and value yourself.
guide-meter-resilience = How you get through setbacks and difficult times.
guide-meter-life_satisfaction = How satisfied you are with your life as a whole.
guide-municipality-label = Municipality (optional)
guide-municipality-hint = Services of this municipality and nationwide services are shown. Without a choice, a municipality named in the description is used.
guide-municipality-none = Not chosen
guide-municipality-invalid = Unknown municipality. Choose a municipality from the list.
guide-age-label = Age in years (optional)
guide-age-invalid = Give your age as a whole number from 0 to 120.
guide-submit = Show services
guide-errors-heading = Please correct the following
guide-nothing-given = Describe your situation or answer at least one area of life.

guide-urgent-heading = Get help now
guide-urgent-text = If you or someone else is in danger, call the emergency number 112 at once.

guide-results-count = { $count ->
    [0] No services found for your situation
    [one] 1 service for your situation
   *[other] { $count } services for your situation
}
guide-based-on = Based on
guide-based-text = your description
guide-based-meters = { $count ->
    [one] 1 area of life you rated
   *[other] { $count } areas of life you rated
}
guide-based-municipality = municipality
guide-based-recognised = recognised in your description
guide-based-age = age { $age }
guide-no-results = No services were found. Try describing your situation in other words or choose another municipality.
guide-why = Why this was recommended
guide-channels = How to use the service
guide-more-channels = { $count ->
    [one] 1 more service channel on the service page
   *[other] { $count } more service channels on the service page
}
guide-feedback-legend = Was this service helpful?
guide-feedback-up = Helpful
guide-feedback-down = Not helpful
guide-thanks = Thank you for your feedback.

guide-denied-title = The feedback was not accepted
guide-denied-csrf = The feedback could not be checked. Your browser may block cookies for this site. Load the results page again and give the feedback there.
guide-denied-signature = The feedback did not match a page shown by this service, or the page was too old. Load the results page again and give the feedback there.
guide-denied-malformed = The feedback was incomplete. Load the results page again and give the feedback there.
