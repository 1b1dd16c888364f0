// Package policy decides every permission: which community roles may take which
// action. Routes name an action; one guard asks Allowed; nothing else decides.
package policy

import "slices"

// Community roles. Every member holds RoleMember; staff roles come on top.
const (
	RoleAdmin     = "admin"
	RoleModerator = "moderator"
	RoleSupport   = "support"
	RoleMarketer  = "marketer"
	RoleMember    = "member"
)

// Roles lists every role, for validation and for the route x role test.
var Roles = []string{RoleAdmin, RoleModerator, RoleSupport, RoleMarketer, RoleMember}

// StaffRoles are the roles that make someone staff.
var StaffRoles = []string{RoleAdmin, RoleModerator, RoleSupport, RoleMarketer}

// Action is something a route does on behalf of someone.
type Action string

// Actions. Public is the absence of an action: anyone, visitors included.
const (
	Public Action = ""
	// SignedIn: any active member, e.g. their own profile and sessions.
	SignedIn Action = "signed-in"
	// Visitors: reading public content. Members always; people who are not signed in
	// when the community's access mode lets visitors read (the guard asks the settings).
	Visitors Action = "visitors"
	// MembersManageRoles: grant and remove community roles.
	MembersManageRoles Action = "members.roles"
	// MembersModerate: suspend, ban and reinstate members.
	MembersModerate Action = "members.moderate"
	// MembersReadStaffFields: the staff-only section of a profile.
	MembersReadStaffFields Action = "members.staff-fields"
	// MembersStaffNames: take a display name made of staff words or the community's name
	// ("Admin", "Support team"; text.ReservedForStaff). Not an action of a route: the
	// profile service asks.
	MembersStaffNames Action = "members.staff-names"
	// InvitationsStaff: invite in bulk, share links, list, resend and revoke.
	InvitationsStaff Action = "invitations.staff"
	// InvitationsFriend: invite a friend by email (with a daily quota).
	InvitationsFriend Action = "invitations.friend"
	// CommunitySettings: change the access mode.
	CommunitySettings Action = "community.settings"
	// SpacesCreate: create spaces (customer, partner, project groups).
	SpacesCreate Action = "spaces.create"
	// SpacesModerateAll: act as a moderator in every space.
	SpacesModerateAll Action = "spaces.moderate-all"
	// PostsAnnounce: publish announcements pinned to the top of streams.
	PostsAnnounce Action = "posts.announce"
	// IdeasStatus: move ideas along (new, under review, planned, done, declined).
	IdeasStatus Action = "ideas.status"
	// ContentModerate: the moderation queue, dismissing reports, warning members.
	ContentModerate Action = "content.moderate"
	// ModerationAudit: read the log of moderator actions.
	ModerationAudit Action = "moderation.audit"
	// TicketsWork: the support queue, internal notes, assigning, the support metrics.
	TicketsWork Action = "tickets.work"
	// SupportSettings: products, targets and the auto-close delay.
	SupportSettings Action = "support.settings"

	// Rewards: campaigns (issue 12, r2). Running campaigns: the editor, the schedule,
	// the review queue of proofs, trial applications, the campaign report.
	CampaignsManage Action = "campaigns.manage"

	// Rewards: catalogue, redemptions, orders (issue 12, r3).
	// RewardsCatalogue: run the reward catalogue (gifts, stock) and its orders (approve,
	// ship, cancel, export addresses to ship).
	RewardsCatalogue Action = "rewards.catalogue"

	// ---- rewards: points, ranks, badges, leaderboard (r1) ----
	// RewardsSettings: edit the points rules, daily caps and ranks.
	RewardsSettings Action = "rewards.settings"
	// RewardsStaff: read a member's points history, take back fraudulent points, grant badges.
	RewardsStaff Action = "rewards.staff"

	// ---- newsletters: audience and consent (issue 13, n2) ----
	// NewslettersAudience: build segments with their live count, read the lists' defaults.
	NewslettersAudience Action = "newsletters.audience"
	// NewslettersLists: choose each list's default for new members; the suppression list.
	NewslettersLists Action = "newsletters.lists"

	// ---- newsletters: results and the calendar (issue 13, n4) ----
	// NewslettersResults: a newsletter's results, the daily visits from newsletters,
	// the editorial calendar.
	NewslettersResults Action = "newsletters.results"
	// NewslettersTracking: switch open tracking (in aggregate) on or off.
	NewslettersTracking Action = "newsletters.tracking"

	// ---- newsletters: writing (issue 13, n1) ----
	// NewslettersWrite: write, edit and delete newsletters, preview them as a member,
	// send a test to staff, set the newsletters' branding and the recurring digests.
	NewslettersWrite Action = "newsletters.write"

	// ---- KPIs (issue 14, k1) ----
	// KpisRead: the traffic report (page views, visitors, sessions, active members).
	KpisRead Action = "kpis.read"
	// KpisManage (issue 14, round 2): the KPI settings, freezing the baseline, the sales
	// upload, running a health check.
	KpisManage Action = "kpis.manage"
	// SearchAnalytics (issue 15): search analytics (searches per day, top queries,
	// queries with no result, click-through, the composers' deflection).
	SearchAnalytics Action = "search.analytics"

	// ---- Knowledge base and documents (issue 16) ----
	// KnowledgeWrite: write community-wide categories and articles, and the articles
	// and documents of any space the caller may read (in a space, its owner,
	// moderators, experts and editors do too: spaces.Access.Edit).
	KnowledgeWrite Action = "knowledge.write"
	// KnowledgeFeedback: read the "was this helpful?" counts and comments of articles.
	KnowledgeFeedback Action = "knowledge.feedback"
)

// grants is the permission table: the roles allowed each action.
var grants = map[Action][]string{
	SignedIn:               Roles,
	Visitors:               Roles,
	MembersManageRoles:     {RoleAdmin},
	MembersModerate:        {RoleAdmin, RoleModerator},
	MembersReadStaffFields: StaffRoles,
	MembersStaffNames:      StaffRoles,
	InvitationsStaff:       {RoleAdmin, RoleMarketer},
	InvitationsFriend:      Roles,
	CommunitySettings:      {RoleAdmin},
	SpacesCreate:           StaffRoles,
	SpacesModerateAll:      {RoleAdmin, RoleModerator},
	PostsAnnounce:          StaffRoles,
	IdeasStatus:            StaffRoles,
	ContentModerate:        {RoleAdmin, RoleModerator},
	ModerationAudit:        StaffRoles,
	TicketsWork:            {RoleAdmin, RoleSupport},
	SupportSettings:        {RoleAdmin},

	// Rewards: campaigns (issue 12, r2).
	CampaignsManage: {RoleAdmin, RoleMarketer},

	// Rewards: catalogue, redemptions, orders (issue 12, r3).
	RewardsCatalogue: {RoleAdmin, RoleMarketer},

	// rewards: points (r1)
	RewardsSettings: {RoleAdmin, RoleMarketer},
	RewardsStaff:    StaffRoles,

	// newsletters: audience and consent (issue 13, n2)
	NewslettersAudience: {RoleAdmin, RoleMarketer},
	NewslettersLists:    {RoleAdmin},

	// newsletters: results and the calendar (issue 13, n4)
	NewslettersResults:  {RoleAdmin, RoleMarketer},
	NewslettersTracking: {RoleAdmin},

	// newsletters: writing (issue 13, n1)
	NewslettersWrite: {RoleAdmin, RoleMarketer},

	// KPIs (issue 14, k1)
	KpisRead:   {RoleAdmin, RoleMarketer},
	KpisManage: {RoleAdmin},

	// Search analytics (issue 15): every staff role acts on it. Admins and marketers
	// read the KPIs; moderators and support agents answer the questions members could
	// not find (queries with no result), and agents' tickets are what the composers'
	// suggestions deflect. Discourse shows its search logs to staff (admins and
	// moderators); Khoros gives community analytics to the roles granted it. Members
	// never: queries are what members typed.
	SearchAnalytics: StaffRoles,

	// Knowledge base (issue 16): every staff role writes it (support agents turn answers
	// into articles, marketers keep brochures and the roadmap) and reads its feedback.
	KnowledgeWrite:    StaffRoles,
	KnowledgeFeedback: StaffRoles,
}

// Actions lists every action that needs a role, for docs and tests.
func Actions() []Action {
	out := make([]Action, 0, len(grants))
	for a := range grants {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Allowed reports whether someone holding roles may take action. No roles means a
// visitor, who may only take Public actions.
func Allowed(roles []string, action Action) bool {
	if action == Public || action == Visitors {
		return true
	}
	for _, r := range grants[action] {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// AllowedActions lists, in the order of Actions, every action someone holding roles
// may take: what GET /api/me tells the web app, so it shows what the guard allows and
// keeps no copy of this table. Public is left out (anyone may).
func AllowedActions(roles []string) []Action {
	out := []Action{}
	for _, a := range Actions() {
		if len(roles) > 0 && Allowed(roles, a) {
			out = append(out, a)
		}
	}
	return out
}

// EnumValues are every action of the table: the API document states them as the
// values of an Action, so the web's type of one is their union.
func (Action) EnumValues() []string {
	out := []string{}
	for _, a := range Actions() {
		out = append(out, string(a))
	}
	return out
}

// AllowedRoles returns the roles allowed an action (nil for Public: everyone).
func AllowedRoles(action Action) []string { return grants[action] }

// IsStaff reports whether someone holding roles is staff (holds one of StaffRoles):
// what the staff badge shows in the directory, on profiles and in bylines.
func IsStaff(roles []string) bool {
	for _, r := range roles {
		if slices.Contains(StaffRoles, r) {
			return true
		}
	}
	return false
}

// ValidRole reports whether r is a community role.
func ValidRole(r string) bool { return slices.Contains(Roles, r) }

// ---- newsletters: scheduling and sending (issue 13) ----

// NewslettersSend: schedule a newsletter, pause, resume, cancel its sending, confirm a
// late send, follow its progress, and set the sending settings (time zone, rate).
const NewslettersSend Action = "newsletters.send"

func init() { grants[NewslettersSend] = []string{RoleAdmin, RoleMarketer} }
