package app

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"tribune/shared/errs"
	"tribune/shared/locale"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/metrics"
	"tribune/shared/policy"
)

// healthSentences say a health check's findings in each language (the web app has its
// own in web/src/i18n.ts, "kpis"): {from} and {to} are the figures before and now,
// written as the finding's unit asks (a duration, a percentage, a number).
var healthSentences = map[string]map[string]string{
	"en": {
		"subject":                           "Community health check: {n} finding(s)",
		"subject.none":                      "Community health check: nothing to report",
		"intro":                             "The community's health check from {from} to {to} is ready.",
		"none":                              "No figure crossed a warning threshold.",
		"link":                              "See the report",
		"colon":                             ": ",
		metrics.FindingFirstResponseDoubled: "The median time to a first answer to questions doubled, from {from} to {to}.",
		metrics.FindingSolutionRateDown:     "The share of questions solved fell by a third or more, from {from} to {to}.",
		metrics.FindingDauMauDown:           "Stickiness (daily over monthly active members) fell from {from} to {to}.",
		metrics.FindingUnansweredUp:         "Unanswered questions rose from {from} to {to}.",
		metrics.FindingContributionsDown:    "Posts and comments written fell from {from} to {to}.",
		metrics.FindingShiftedToReaders:     "Participation shifted to reading: readers went from {from} to {to} of active members.",
		"hours":                             "{h} h {m} min",
		"minutes":                           "{m} min",
	},
	"fr": {
		"subject":      "Bilan de santé de la communauté\u00a0: {n} constat(s)",
		"subject.none": "Bilan de santé de la communauté\u00a0: rien à signaler",
		"intro":        "Le bilan de santé de la communauté du {from} au {to} est prêt.",
		"none":         "Aucun indicateur n’a franchi de seuil d’alerte.",
		"link":         "Voir le bilan",
		// French puts a no-break space before : ; ! ? (tester 14, finding 17).
		"colon":                             "\u00a0: ",
		metrics.FindingFirstResponseDoubled: "Le délai médian de première réponse aux questions a doublé, de {from} à {to}.",
		metrics.FindingSolutionRateDown:     "La part des questions résolues a baissé d’un tiers ou plus, de {from} à {to}.",
		metrics.FindingDauMauDown:           "La fidélité (membres actifs par jour sur membres actifs par mois) est passée de {from} à {to}.",
		metrics.FindingUnansweredUp:         "Les questions sans réponse sont passées de {from} à {to}.",
		metrics.FindingContributionsDown:    "Les publications et commentaires écrits sont passés de {from} à {to}.",
		metrics.FindingShiftedToReaders:     "La participation a glissé vers la lecture\u00a0: les lecteurs sont passés de {from} à {to} des membres actifs.",
		"hours":                             "{h} h {m} min",
		"minutes":                           "{m} min",
	},
}

// healthSay is a sentence in lang with its placeholders filled.
func healthSay(lang, key string, pairs ...string) string {
	s, ok := healthSentences[lang][key]
	if !ok {
		s = healthSentences[locale.Default][key]
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+pairs[i]+"}", pairs[i+1])
	}
	return s
}

// healthFigure writes a finding's figure in lang: a duration for the first response, a
// percentage for the rates and shares, a number otherwise.
func healthFigure(lang, code string, v float64) string {
	switch code {
	case metrics.FindingFirstResponseDoubled:
		minutes := int64(math.Round(v / 60))
		if minutes < 60 {
			return healthSay(lang, "minutes", "m", strconv.FormatInt(minutes, 10))
		}
		return healthSay(lang, "hours", "h", strconv.FormatInt(minutes/60, 10), "m", fmt.Sprintf("%02d", minutes%60))
	case metrics.FindingSolutionRateDown:
		return percent(lang, v) // solution_rate is a percent already
	case metrics.FindingDauMauDown, metrics.FindingShiftedToReaders:
		return percent(lang, v*100)
	}
	return number(lang, v)
}

func percent(lang string, v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if lang == "fr" {
		return strings.ReplaceAll(s, ".", ",") + "\u00a0%"
	}
	return s + "%"
}

func number(lang string, v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if lang == "fr" {
		return strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// mailDate writes a day (YYYY-MM-DD) as the web app does: "30 September 2026",
// "30 septembre 2026" (tester 14, finding 17: the mail wrote ISO dates).
func mailDate(lang, day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return locale.Date(lang, t)
}

// FindingSentence is a finding said in lang.
func FindingSentence(lang string, f metrics.Finding) string {
	return healthSay(lang, f.Code, "from", healthFigure(lang, f.Code, f.From), "to", healthFigure(lang, f.Code, f.To))
}

// healthMessage is the email of a report to one admin, in their language.
func healthMessage(lang, to, publicURL string, rep metrics.HealthReport) mail.Message {
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	subject := healthSay(lang, "subject", "n", strconv.Itoa(len(rep.Findings)))
	if len(rep.Findings) == 0 {
		subject = healthSay(lang, "subject.none")
	}
	intro := healthSay(lang, "intro", "from", mailDate(lang, rep.From), "to", mailDate(lang, rep.To))
	lines := []string{}
	for _, f := range rep.Findings {
		lines = append(lines, FindingSentence(lang, f))
	}
	if len(lines) == 0 {
		lines = append(lines, healthSay(lang, "none"))
	}
	link := strings.TrimRight(publicURL, "/") + "/kpis/health-checks/" + rep.ID
	var text, body strings.Builder
	text.WriteString(intro + "\n\n")
	body.WriteString("<p>" + html.EscapeString(intro) + "</p>\n<ul>\n")
	for _, l := range lines {
		text.WriteString("- " + l + "\n")
		body.WriteString("<li>" + html.EscapeString(l) + "</li>\n")
	}
	text.WriteString("\n" + healthSay(lang, "link") + healthSay(lang, "colon") + link + "\n")
	body.WriteString("</ul>\n<p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(healthSay(lang, "link")) + "</a></p>\n")
	return mail.Message{ID: "kpis-health#" + rep.ID + "#" + to, To: to, Subject: subject, Text: text.String(), HTML: body.String()}
}

// mailAdmins sends the report to every active admin, in their language (the message's
// ID makes a second sending of the same report to the same admin the same message).
func (k *kpiHealth) mailAdmins(ctx context.Context, rep metrics.HealthReport) error {
	if k.mail == nil {
		return nil
	}
	ids, err := k.store.RoleHolderIDs(ctx, policy.RoleAdmin)
	if err != nil {
		return err
	}
	var failed error
	for _, id := range ids {
		m, err := k.store.Members().GetMember(ctx, id)
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			failed = errors.Join(failed, err)
			continue
		}
		if m.Status != members.StatusActive || m.Email == "" {
			continue
		}
		if err := k.mail.Send(ctx, healthMessage(m.Locale, m.Email, k.publicURL, rep)); err != nil {
			failed = errors.Join(failed, fmt.Errorf("health check %s to %s: %w", rep.ID, id, err))
		}
	}
	return failed
}
