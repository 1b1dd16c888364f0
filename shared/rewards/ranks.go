package rewards

// Names is a text in English and in French.
type Names struct {
	En string `json:"en" schema:"minLength=1;maxLength=40"`
	Fr string `json:"fr" schema:"minLength=1;maxLength=40"`
}

// In is the text in locale ("fr" or English).
func (n Names) In(locale string) string {
	if locale == "fr" && n.Fr != "" {
		return n.Fr
	}
	return n.En
}

// Rank is a level of lifetime score: reached at Threshold points and above.
type Rank struct {
	ID        string `json:"id" schema:"pattern=^[a-z0-9_-]{1,30}$"`
	Name      Names  `json:"name"`
	Threshold int64  `json:"threshold" schema:"minimum=0"`
}

// DefaultRanks are a new community's ranks.
func DefaultRanks() []Rank {
	return []Rank{
		{"newcomer", Names{"Newcomer", "Nouveau venu"}, 0},
		{"contributor", Names{"Contributor", "Contributeur"}, 100},
		{"regular", Names{"Regular", "Habitué"}, 500},
		{"expert", Names{"Expert", "Expert"}, 2000},
		{"legend", Names{"Legend", "Légende"}, 5000},
	}
}

// RankFor is the highest rank whose threshold lifetime reaches (ranks in order).
func RankFor(ranks []Rank, lifetime int64) Rank {
	var out Rank
	for _, r := range ranks {
		if lifetime >= r.Threshold {
			out = r
		}
	}
	return out
}
