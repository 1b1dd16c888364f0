package metrics

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// Counts of the KPIs (issue 14, round 2; docs/kpis.md defines each).
const (
	// QuestionsAsked counts questions posted, on the day they were.
	QuestionsAsked = "questions_asked"
	// QuestionsAnswered counts questions on the day of their first answer by someone else.
	QuestionsAnswered = "questions_answered"
	// QuestionsSolved counts questions whose answer was accepted, on the day the question
	// was asked (solution rate); QuestionsSolvedOn the same on the day of the acceptance
	// (deflection). A question counts once, whatever answers are accepted after.
	QuestionsSolved   = "questions_solved"
	QuestionsSolvedOn = "questions_solved_on"
	// FirstResponseHistogram holds the first-response times of questions, per day of
	// the first answer, as a log histogram (Bucket).
	FirstResponseHistogram = "question_first_response"
	// NewContributors counts members on the day of their first post or comment ever.
	NewContributors = "new_contributors"
	// ContributionsBy is keyed by member: the day's posts and comments of each.
	ContributionsBy = "contributions_by"
	// Customer activities (KPI X): tickets opened, questions asked, ideas, challenge
	// completions by members of customer spaces. CustomerActivitiesBy is keyed by the
	// customer (its space id); CustomerParticipants is a sketch of their members;
	// CustomerSuggestions (KPI XV) counts their ideas.
	CustomerActivities   = "customer_activities"
	CustomerActivitiesBy = "customer_activities_by"
	CustomerParticipants = "customer_participants"
	CustomerSuggestions  = "customer_suggestions"
)

// KpiStore keeps what the KPIs need beyond counters and sketches. Every write is
// idempotent on its own key (a question, a member), so a repeated event changes nothing.
type KpiStore interface {
	// KeyedDays returns, for each day from..to, each key's count of keyed counter name.
	KeyedDays(ctx context.Context, name, from, to string) (map[string]map[string]int64, error)
	// FirstContribution counts member in NewContributors on day unless they were counted
	// before (ever).
	FirstContribution(ctx context.Context, memberID, day string) error
	// AskQuestion remembers a question (its author, when it was asked), once.
	AskQuestion(ctx context.Context, postID, authorID, day string, at time.Time) error
	// AnswerQuestion records a question's first answer by someone else than its author,
	// once: QuestionsAnswered and the time since it was asked in FirstResponseHistogram,
	// on the answer's day. A post that is no known question, an answer by its author or
	// a later answer change nothing.
	AnswerQuestion(ctx context.Context, postID, answererID string, at time.Time) error
	// SolveQuestion counts a known question's first accepted answer, once
	// (QuestionsSolved on the day it was asked, QuestionsSolvedOn at's day).
	SolveQuestion(ctx context.Context, postID string, at time.Time) error
	// HistogramDays returns each day's histogram from..to (days without values absent).
	HistogramDays(ctx context.Context, name, from, to string) (map[string]Histogram, error)
	// KpiSettings returns the settings (Defaults when never saved); SaveKpiSettings
	// replaces them.
	KpiSettings(ctx context.Context) (KpiSettings, error)
	SaveKpiSettings(ctx context.Context, s KpiSettings) error
}

// CustomerOf returns the customer (a customer space's id) for whom member acts: the
// space itself when spaceID is a customer space, else the first customer space the
// member belongs to, else "" (not a customer).
type CustomerOf func(ctx context.Context, memberID, spaceID string) (string, error)

// contribution counts a post or comment in its author's daily contributions.
func contribution(memberID string) Count {
	return Count{Name: ContributionsBy, Key: memberID, Delta: 1}
}

// customerActivity returns the counts of a customer activity by memberID (in spaceID,
// "" for none), none when the member acts for no customer.
func (s *Service) customerActivity(ctx context.Context, memberID, spaceID string, suggestion bool) ([]Count, error) {
	if s.Customer == nil || memberID == "" {
		return nil, nil
	}
	customer, err := s.Customer(ctx, memberID, spaceID)
	if err != nil {
		return nil, fmt.Errorf("metrics.customerActivity %s: %w", memberID, err)
	}
	if customer == "" {
		return nil, nil
	}
	counts := []Count{{Name: CustomerActivities, Delta: 1}, {Name: CustomerParticipants, Member: memberID},
		{Name: CustomerActivitiesBy, Key: customer, Delta: 1}}
	if suggestion {
		counts = append(counts, Count{Name: CustomerSuggestions, Delta: 1})
	}
	return counts, nil
}

func (s *Service) firstContribution(ctx context.Context, memberID string, at time.Time) error {
	if err := s.KpiData.FirstContribution(ctx, memberID, Day(at)); err != nil {
		return fmt.Errorf("metrics.firstContribution %s: %w", memberID, err)
	}
	return nil
}

// ---- Histograms of durations ----

// BucketRatio is the width of a histogram bucket: bucket i holds the seconds s with
// BucketRatio^i <= s < BucketRatio^(i+1), and stands for their geometric middle, so a
// median or p90 read from a histogram is within ±4.9 % of the true one
// (HistogramError).
const (
	BucketRatio    = 1.1
	HistogramError = 0.049
	// maxBucket caps durations at about 100 years.
	maxBucket = 330
)

// Bucket is the histogram bucket of a duration in seconds (under a second: bucket 0).
func Bucket(seconds float64) int {
	if seconds < 1 {
		return 0
	}
	return min(int(math.Floor(math.Log(seconds)/math.Log(BucketRatio))), maxBucket)
}

// BucketValue is the duration a bucket stands for.
func BucketValue(b int) float64 { return math.Pow(BucketRatio, float64(b)+0.5) }

// Histogram counts durations per bucket.
type Histogram map[int]int64

// Add adds o's counts.
func (h Histogram) Add(o Histogram) {
	for b, n := range o {
		h[b] += n
	}
}

// Quantile is the duration at quantile q (0..1, nearest rank), and false when empty.
func (h Histogram) Quantile(q float64) (float64, bool) {
	var total int64
	buckets := make([]int, 0, len(h))
	for b, n := range h {
		if n > 0 {
			total += n
			buckets = append(buckets, b)
		}
	}
	if total == 0 {
		return 0, false
	}
	sort.Ints(buckets)
	rank := max(int64(math.Ceil(q*float64(total))), 1)
	var seen int64
	for _, b := range buckets {
		if seen += h[b]; seen >= rank {
			return BucketValue(b), true
		}
	}
	return BucketValue(buckets[len(buckets)-1]), true
}
