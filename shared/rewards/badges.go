package rewards

import "time"

// Counted stats: what badges count, once per object (a stat's object is counted once
// however often its event comes).
const (
	StatPosts              = "posts"
	StatAcceptedAnswers    = "accepted_answers"
	StatProfilePhoto       = "profile_photo"
	StatFriendsInvited     = "friends_invited"
	StatCampaignsCompleted = "campaigns_completed"
)

// BadgeDef is a badge: earned when a stat reaches At (rule-based), or granted by staff
// by hand (Stat "").
type BadgeDef struct {
	ID          string `json:"id"`
	Name        Names  `json:"name"`
	Description Names  `json:"description"`
	Stat        string `json:"-"`
	At          int64  `json:"-"`
	// Granted: staff give it by hand.
	Granted bool `json:"granted"`
}

// Badges are the community's badges.
var Badges = []BadgeDef{
	{ID: "first_post", Name: Names{"First post", "Premier message"},
		Description: Names{"Published a first post.", "A publié un premier message."}, Stat: StatPosts, At: 1},
	{ID: "first_accepted_answer", Name: Names{"First solution", "Première solution"},
		Description: Names{"Had a first answer accepted.", "A vu une première réponse acceptée."}, Stat: StatAcceptedAnswers, At: 1},
	{ID: "ten_accepted_answers", Name: Names{"Problem solver", "Dépanneur"},
		Description: Names{"Had 10 answers accepted.", "A vu 10 réponses acceptées."}, Stat: StatAcceptedAnswers, At: 10},
	{ID: "profile_photo", Name: Names{"Face in the crowd", "Un visage dans la foule"},
		Description: Names{"Added a profile photo.", "A ajouté une photo de profil."}, Stat: StatProfilePhoto, At: 1},
	{ID: "three_friends", Name: Names{"Ambassador", "Ambassadeur"},
		Description: Names{"Invited 3 friends who joined.", "A invité 3 amis qui ont rejoint la communauté."}, Stat: StatFriendsInvited, At: 3},
	{ID: "campaign_completed", Name: Names{"Campaigner", "Participant engagé"},
		Description: Names{"Completed every challenge of a campaign.", "A réussi tous les défis d’une campagne."}, Stat: StatCampaignsCompleted, At: 1},
	{ID: "super_user", Name: Names{"Super-user", "Super-utilisateur"},
		Description: Names{"Recognised by the community team.", "Reconnu par l'équipe de la communauté."}, Granted: true},
	{ID: "expert", Name: Names{"Expert", "Expert"},
		Description: Names{"Recognised by the community team for their expertise.", "Reconnu par l'équipe de la communauté pour son expertise."}, Granted: true},
}

// Badge returns the badge with id.
func Badge(id string) (BadgeDef, bool) {
	for _, b := range Badges {
		if b.ID == id {
			return b, true
		}
	}
	return BadgeDef{}, false
}

// BadgesFor are the rule-based badges of stat whose threshold count reaches.
func BadgesFor(stat string, count int64) []BadgeDef {
	var out []BadgeDef
	for _, b := range Badges {
		if b.Stat == stat && count >= b.At {
			out = append(out, b)
		}
	}
	return out
}

// Award is a badge a member holds.
type Award struct {
	Badge     string    `json:"badge"`
	At        time.Time `json:"at"`
	GrantedBy string    `json:"grantedBy,omitempty"`
	// Granted: staff granted it (what another member's profile shows instead of who).
	Granted bool `json:"granted,omitempty"`
}
