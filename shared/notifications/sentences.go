package notifications

import (
	"strconv"
	"strings"

	"tribune/shared/locale"
)

// sentences say what each kind of notification tells, by language: who did what to
// what, as the activity email's first line and subject (the web app's inbox has the
// same sentences in web/src/i18n.ts, "notices"; tests check both cover every Kind
// constant). Placeholders: {actor} who did it; {post} a post's title, {ticket} a
// ticket's number and subject, {space} a space's name (each quoted); {status} a new
// status, {reason} a report's reason, {target} a missed support target (Word);
// {within} the expected first-response time. A variant ("report.comment",
// "warning.post", "content_hidden.comment") is used when the notification names that
// part.
var sentences = map[string]map[string]string{
	"en": {
		KindComment:               "{actor} commented on your post {post}.",
		KindReply:                 "{actor} replied to your comment on {post}.",
		KindAnswerAccepted:        "{actor} accepted your answer to {post}.",
		KindMention:               "{actor} mentioned you in {post}.",
		KindIdeaStatus:            "The idea {post}, which you voted for, is now {status}.",
		KindReport:                "Someone reported the post {post} ({reason}).",
		KindReport + ".comment":   "Someone reported a comment on {post} ({reason}).",
		KindWarning:               "A moderator sent you a warning.",
		KindWarning + ".post":     "A moderator sent you a warning about {post}.",
		KindSpaceInvite:           "{actor} invited you to join the space {space}.",
		KindSpaceApproved:         "Your request to join the space {space} was approved: you are now a member.",
		KindSpaceDeclined:         "Your request to join the space {space} was declined.",
		KindTicketAck:             "We received your request {ticket}: our support team will answer within {within}.",
		KindTicketOpened:          "{actor} opened the ticket {ticket}.",
		KindTicketReply:           "{actor} replied to the ticket {ticket}.",
		KindTicketStatus:          "Your ticket {ticket} is now {status}.",
		KindTicketReopened:        "{actor} reopened the ticket {ticket}.",
		KindTicketAssigned:        "{actor} assigned the ticket {ticket} to you.",
		KindTicketBreached:        "The ticket {ticket} missed its {target} target.",
		KindUnavailable:           "This notification is about something you can no longer see.",
		KindOutdated:              "What this notification said about {post} has changed since.",
		"someone":                 "Someone",
		"ticket":                  "#{number} “{subject}”",
		"quoted":                  "“{text}”",
		"link." + linkPost:        "See the post",
		"link." + linkTicket:      "See the ticket",
		"link." + linkSpace:       "See the space",
		"link." + linkHome:        "Open Tribune",
		"deleted_member":          "Deleted member",
		"idea.new":                "new",
		"idea.under_review":       "under review",
		"idea.planned":            "planned",
		"idea.done":               "done",
		"idea.declined":           "declined",
		"ticket.new":              "new",
		"ticket.open":             "open",
		"ticket.pending_customer": "waiting for your answer",
		"ticket.on_hold":          "on hold",
		"ticket.solved":           "solved",
		"ticket.closed":           "closed",
		"reason.spam":             "spam",
		"reason.harassment":       "harassment",
		"reason.off_topic":        "off topic",
		"reason.inappropriate":    "inappropriate",
		"reason.other":            "other reason",
		"target.first_response":   "first-response",
		"target.resolution":       "resolution",

		KindContentHidden:              "A moderator hid your post {post}.",
		KindContentHidden + ".comment": "A moderator hid your comment on {post}.",
		"link." + linkQueue:            "Open the moderation queue",

		// Campaigns (issue 12, r2).
		KindProofApproved: "Your proof for the campaign {post} was approved: you earned {points} points.",
		KindProofRejected: "Your proof for the campaign {post} was not accepted; the reason is on the campaign’s page.",
		KindProofChanges:  "The reviewer asks you to change your proof for the campaign {post}; see what to change on its page.",
		KindTrialApproved: "Your application for the trial of the campaign {post} was approved; the instructions are on its page.",
		KindTrialDeclined: "Your application for the trial of the campaign {post} was declined.",
		KindTrialFull:     "Every place of the trial of the campaign {post} is taken: your application could not be accepted.",

		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		KindOrderStatus:              "Your order {post} is now {status}.",
		KindOrderStatus + ".shipped": "Your order {post} was shipped: follow it with its tracking number on your orders page.",
		"order.ordered":              "ordered",
		"order.approved":             "approved",
		"order.shipped":              "shipped",
		"order.delivered":            "delivered",
		"order.cancelled":            "cancelled (your points are back)",
		"link." + linkOrders:         "See my orders",

		// Issue 12, round 3 (g4): a shipment corrected, a rank named, points taken back.
		KindOrderStatus + "." + OrderCorrected: "The carrier or tracking number of your order {post} was corrected: see it on your orders page.",
		KindRankReached + ".named":             "You reached the rank {post}: see {rewards}.",
		KindPointsReversed:                     "The community team took back {points} points found not to be earned fairly: {post}.",

		// rewards: points, ranks, badges (r1)
		KindBadgeAwarded:              "You earned the badge {badge}.",
		KindRankReached:               "You reached a new rank: see {rewards}.",
		"rewards":                     "your rewards",
		"link." + linkRewards:         "See your rewards",
		"badge.first_post":            "First post",
		"badge.first_accepted_answer": "First solution",
		"badge.ten_accepted_answers":  "Problem solver",
		"badge.profile_photo":         "Face in the crowd",
		"badge.three_friends":         "Ambassador",
		"badge.campaign_completed":    "Campaigner",
		"badge.super_user":            "Super-user",
		"badge.expert":                "Expert",
	},
	"fr": {
		KindComment:               "{actor} a commenté votre message {post}.",
		KindReply:                 "{actor} a répondu à votre commentaire sur {post}.",
		KindAnswerAccepted:        "{actor} a accepté votre réponse à {post}.",
		KindMention:               "{actor} vous mentionne dans {post}.",
		KindIdeaStatus:            "L’idée {post}, pour laquelle vous avez voté, est maintenant {status}.",
		KindReport:                "Quelqu’un a signalé le message {post} ({reason}).",
		KindReport + ".comment":   "Quelqu’un a signalé un commentaire sur {post} ({reason}).",
		KindWarning:               "Un modérateur vous a adressé un avertissement.",
		KindWarning + ".post":     "Un modérateur vous a adressé un avertissement au sujet de {post}.",
		KindSpaceInvite:           "{actor} vous invite à rejoindre l’espace {space}.",
		KindSpaceApproved:         "Votre demande pour rejoindre l’espace {space} a été acceptée : vous en êtes maintenant membre.",
		KindSpaceDeclined:         "Votre demande pour rejoindre l’espace {space} a été refusée.",
		KindTicketAck:             "Nous avons reçu votre demande {ticket} : notre équipe d’assistance vous répondra sous {within}.",
		KindTicketOpened:          "{actor} a ouvert le ticket {ticket}.",
		KindTicketReply:           "{actor} a répondu au ticket {ticket}.",
		KindTicketStatus:          "Votre ticket {ticket} est maintenant {status}.",
		KindTicketReopened:        "{actor} a rouvert le ticket {ticket}.",
		KindTicketAssigned:        "{actor} vous a attribué le ticket {ticket}.",
		KindTicketBreached:        "Le ticket {ticket} a dépassé son délai de {target}.",
		KindUnavailable:           "Cette notification concerne un contenu que vous ne pouvez plus voir.",
		KindOutdated:              "Ce que disait cette notification sur {post} a changé depuis.",
		"someone":                 "Quelqu’un",
		"ticket":                  "n° {number} « {subject} »",
		"quoted":                  "« {text} »",
		"link." + linkPost:        "Voir le message",
		"link." + linkTicket:      "Voir le ticket",
		"link." + linkSpace:       "Voir l’espace",
		"link." + linkHome:        "Ouvrir Tribune",
		"deleted_member":          "Membre supprimé",
		"idea.new":                "nouvelle",
		"idea.under_review":       "à l’étude",
		"idea.planned":            "prévue",
		"idea.done":               "réalisée",
		"idea.declined":           "refusée",
		"ticket.new":              "nouveau",
		"ticket.open":             "ouvert",
		"ticket.pending_customer": "en attente de votre réponse",
		"ticket.on_hold":          "en pause",
		"ticket.solved":           "résolu",
		"ticket.closed":           "fermé",
		"reason.spam":             "spam",
		"reason.harassment":       "harcèlement",
		"reason.off_topic":        "hors sujet",
		"reason.inappropriate":    "contenu inapproprié",
		"reason.other":            "autre raison",
		"target.first_response":   "première réponse",
		"target.resolution":       "résolution",

		KindContentHidden:              "Un modérateur a masqué votre message {post}.",
		KindContentHidden + ".comment": "Un modérateur a masqué votre commentaire sur {post}.",
		"link." + linkQueue:            "Ouvrir la file de modération",

		// Campaigns (issue 12, r2).
		KindProofApproved: "Votre preuve pour la campagne {post} a été approuvée : vous avez gagné {points} points.",
		KindProofRejected: "Votre preuve pour la campagne {post} n’a pas été acceptée ; la raison est sur la page de la campagne.",
		KindProofChanges:  "Le relecteur vous demande de modifier votre preuve pour la campagne {post} ; voyez quoi changer sur sa page.",
		KindTrialApproved: "Votre candidature à l’essai de la campagne {post} a été acceptée ; les instructions sont sur sa page.",
		KindTrialDeclined: "Votre candidature à l’essai de la campagne {post} a été refusée.",
		KindTrialFull:     "Toutes les places de l’essai de la campagne {post} sont prises : votre candidature n’a pas pu être retenue.",

		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		KindOrderStatus:              "Votre commande {post} est maintenant {status}.",
		KindOrderStatus + ".shipped": "Votre commande {post} a été expédiée : suivez-la avec son numéro de suivi sur la page de vos commandes.",
		"order.ordered":              "commandée",
		"order.approved":             "validée",
		"order.shipped":              "expédiée",
		"order.delivered":            "livrée",
		"order.cancelled":            "annulée (vos points vous sont rendus)",
		"link." + linkOrders:         "Voir mes commandes",

		// Issue 12, round 3 (g4): a shipment corrected, a rank named, points taken back.
		KindOrderStatus + "." + OrderCorrected: "Le transporteur ou le numéro de suivi de votre commande {post} a été corrigé : voyez-le sur la page de vos commandes.",
		KindRankReached + ".named":             "Vous avez atteint le rang {post} : voyez {rewards}.",
		KindPointsReversed:                     "L’équipe de la communauté a repris {points} points jugés non mérités : {post}.",

		// rewards: points, ranks, badges (r1)
		KindBadgeAwarded:              "Vous avez obtenu le badge {badge}.",
		KindRankReached:               "Vous avez atteint un nouveau rang : voyez {rewards}.",
		"rewards":                     "vos récompenses",
		"link." + linkRewards:         "Voir vos récompenses",
		"badge.first_post":            "Premier message",
		"badge.first_accepted_answer": "Première solution",
		"badge.ten_accepted_answers":  "Dépanneur",
		"badge.profile_photo":         "Un visage dans la foule",
		"badge.three_friends":         "Ambassadeur",
		"badge.campaign_completed":    "Participant engagé",
		"badge.super_user":            "Super-utilisateur",
		"badge.expert":                "Expert",
	},
}

// What an activity email's button opens.
const (
	linkPost   = "post"
	linkTicket = "ticket"
	linkSpace  = "space"
	linkHome   = "home"
	linkQueue  = "queue"
	// linkOrders: the member's reward orders (issue 12, r3).
	linkOrders = "orders"

	// rewards (r1)
	linkRewards = "rewards"
)

// Word groups: the statuses and reasons a sentence names (Word).
const (
	WordIdea   = "idea"
	WordTicket = "ticket"
	WordReason = "reason"
	WordTarget = "target"
	// WordBadge: a badge's name (rewards, r1).
	WordBadge = "badge"
)

// text is the entry key of lang (English when lang has none); ok false when neither has it.
func text(lang, key string) (string, bool) {
	if s, ok := sentences[lang][key]; ok {
		return s, true
	}
	s, ok := sentences[locale.Default][key]
	return s, ok
}

// HasSentence reports whether kind has its own sentence in lang (no fallback to
// English): every Kind constant must (TestEveryKindHasASentence).
func HasSentence(lang, kind string) bool {
	_, ok := sentences[lang][kind]
	return ok
}

// Word is a status, reason or target code of group (WordIdea, WordTicket, WordReason,
// WordTarget) as a sentence of lang says it ("on_hold" → "on hold", "en pause"); ok
// false when lang has no word for it (a test checks every code of the domains has one).
func Word(lang, group, code string) (string, bool) {
	s, ok := sentences[lang][group+"."+code]
	return s, ok
}

// word is Word with a fallback: English, then the code itself with its underscores as
// spaces (never reached for a known code).
func word(lang, group, code string) string {
	if s, ok := text(lang, group+"."+code); ok {
		return s
	}
	return strings.ReplaceAll(code, "_", " ")
}

// fill replaces each {name} of pattern by vars[name].
func fill(pattern string, vars map[string]string) string {
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(pattern)
}

// Sentence is what n tells its reader in lang, as plain text (the email's first line;
// its subject without the final stop): who did what to what, with the names n carries
// (read as they are now, see Subjects) and its status, reason or target in words. A
// notification whose actor is unknown names "Someone"; a deleted actor is "Deleted
// member" in lang.
func Sentence(lang string, n Notification) string {
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	key := n.Kind
	switch {
	case n.Kind == KindReport && n.CommentID != "":
		key += ".comment"
	case n.Kind == KindWarning && n.PostID != "":
		key += ".post"
	case n.Kind == KindContentHidden && n.CommentID != "":
		key += ".comment"
	case n.Kind == KindOrderStatus && n.Detail == "shipped":
		key += ".shipped"
	case n.Kind == KindOrderStatus && n.Detail == OrderCorrected:
		key += "." + OrderCorrected
	case n.Kind == KindRankReached && n.PostTitle != "":
		key += ".named"
	}
	pattern, ok := text(lang, key)
	if !ok {
		// A kind without a sentence is a bug the tests catch; say the least that is true.
		pattern, _ = text(lang, KindUnavailable)
	}
	quote := func(s string) string { q, _ := text(lang, "quoted"); return fill(q, map[string]string{"text": s}) }
	actor := personName(lang, n.ActorName, n.ActorDeleted)
	if actor == "" {
		actor, _ = text(lang, "someone")
	}
	ticket, _ := text(lang, "ticket")
	vars := map[string]string{
		"actor":  actor,
		"post":   quote(n.PostTitle),
		"ticket": fill(ticket, map[string]string{"number": strconv.FormatInt(n.TicketNumber, 10), "subject": n.PostTitle}),
		"space":  quote(n.Detail),
	}
	switch n.Kind {
	case KindTicketAck:
		vars["within"] = humanDuration(lang, n.Detail)
	case KindIdeaStatus:
		vars["status"] = word(lang, WordIdea, n.Detail)
	case KindTicketStatus:
		vars["status"] = word(lang, WordTicket, n.Detail)
	case KindReport:
		vars["reason"] = word(lang, WordReason, n.Detail)
	case KindTicketBreached:
		vars["target"] = word(lang, WordTarget, n.Detail)
	case KindProofApproved:
		vars["points"] = n.Detail

	case KindOrderStatus:
		vars["status"] = word(lang, WordOrder, n.Detail)

	case KindBadgeAwarded:
		vars["badge"] = quote(word(lang, WordBadge, n.Detail))
	case KindRankReached:
		vars["rewards"], _ = text(lang, "rewards")
	case KindPointsReversed:
		vars["points"] = n.Detail
	}
	return fill(pattern, vars)
}

// personName is a member's name in lang: a deleted member is named in the reader's
// language (deleted comes from the member's status, never from the name: a name is
// only text, see text.ReservedName).
func personName(lang, name string, deleted bool) string {
	if deleted {
		s, _ := text(lang, "deleted_member")
		return s
	}
	return name
}
