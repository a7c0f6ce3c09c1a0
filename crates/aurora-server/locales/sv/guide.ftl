# Vägledningssidan (/{lang}/guide), svenska. Håll meddelandenas id lika i fi, sv och en.

nav-site = Webbplatsen
nav-guide = Tjänster för din situation

guide-title = Tjänster för din situation
guide-heading = Hitta tjänster för din situation
guide-intro = Beskriv din situation med egna ord, berätta hur det går inom olika områden i ditt liv, eller både och. Allt är frivilligt, men ge åtminstone en beskrivning eller ett svar.
guide-form-heading = Din situation
guide-text-label = Beskriv din situation (frivilligt)
guide-text-hint = Till exempel: Jag flyttar till Tammerfors för att studera och behöver en bostad.
guide-text-too-long = Beskrivningen är för lång: högst { $max } tecken.
guide-text-unusable = Beskrivningen kunde inte läsas. Skriv den med bokstäver och försök igen.
guide-meters-legend = Hur går det inom dessa områden i ditt liv? (frivilligt)
guide-meters-hint = 0 betyder mycket dåligt och 10 mycket bra. Bara de områden du svarar på används.
guide-meter-not-answered = Inte besvarad
guide-meter-invalid = Välj ett heltal från 0 till 10.
guide-meter-working_studying = Ditt arbete, dina studier eller annan daglig sysselsättning.
guide-meter-family = Dina relationer till familjen och dina närmaste.
guide-meter-friends = Vänner och andra som du kan umgås med eller vända dig till.
guide-meter-health = Din fysiska och psykiska hälsa och hur du orkar i vardagen.
guide-meter-improvement_of_strengths = Lärande, fritidsintressen och möjligheter att använda och utveckla dina färdigheter.
guide-meter-housing = Ditt hem och din boendesituation.
guide-meter-finance = Dina inkomster, utgifter och skulder.
guide-meter-self_esteem = Hur du ser på och värdesätter dig själv.
guide-meter-resilience = Hur du klarar motgångar och svåra tider.
guide-meter-life_satisfaction = Hur nöjd du är med ditt liv som helhet.
guide-municipality-label = Kommun (frivilligt)
guide-municipality-hint = Kommunens egna och riksomfattande tjänster visas. Utan val används en kommun som nämns i beskrivningen.
guide-municipality-none = Inte vald
guide-municipality-invalid = Okänd kommun. Välj en kommun i listan.
guide-age-label = Ålder i år (frivilligt)
guide-age-invalid = Ange din ålder som ett heltal från 0 till 120.
guide-submit = Visa tjänster
guide-errors-heading = Rätta följande
guide-nothing-given = Beskriv din situation eller svara på åtminstone ett livsområde.

guide-urgent-heading = Få hjälp genast
guide-urgent-text = Om du eller någon annan är i fara, ring genast nödnumret 112.

guide-results-count = { $count ->
    [0] Inga tjänster hittades för din situation
    [one] 1 tjänst för din situation
   *[other] { $count } tjänster för din situation
}
guide-based-on = Utgående från
guide-based-text = din beskrivning
guide-based-meters = { $count ->
    [one] 1 livsområde som du bedömde
   *[other] { $count } livsområden som du bedömde
}
guide-based-municipality = kommun
guide-based-recognised = identifierad i din beskrivning
guide-based-age = ålder { $age }
guide-no-results = Inga tjänster hittades. Försök beskriva din situation med andra ord eller välj en annan kommun.
guide-why = Varför detta rekommenderas
guide-channels = Så här använder du tjänsten
guide-more-channels = { $count ->
    [one] 1 till servicekanal på tjänstens sida
   *[other] { $count } till servicekanaler på tjänstens sida
}
guide-feedback-legend = Var tjänsten till hjälp?
guide-feedback-up = Till hjälp
guide-feedback-down = Inte till hjälp
guide-thanks = Tack för din respons.

guide-denied-title = Responsen godtogs inte
guide-denied-csrf = Responsen kunde inte kontrolleras. Din webbläsare kanske blockerar kakor för den här webbplatsen. Ladda resultatsidan på nytt och ge responsen där.
guide-denied-signature = Responsen motsvarade inte en sida som den här tjänsten visat, eller sidan var för gammal. Ladda resultatsidan på nytt och ge responsen där.
guide-denied-malformed = Responsen var ofullständig. Ladda resultatsidan på nytt och ge responsen där.
