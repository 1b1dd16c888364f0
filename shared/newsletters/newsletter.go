package newsletters

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/locale"
	"tribune/shared/text"
)

// Writing (issue 13, n1): what a newsletter says. A newsletter has one version per
// language (subject, preheader, Markdown body, the first name's fallback); the
// recipient's language picks the version, else the newsletter's default language
// (docs/newsletters.md, "Writing"). Community blocks follow the body, filled per
// recipient at render time (blocks.go).

// Version is a newsletter in one language.
type Version struct {
	Lang      string `json:"lang"`
	Subject   string `json:"subject"`
	Preheader string `json:"preheader,omitempty"`
	// Body is Markdown, rendered and sanitized like a post's; {{first_name}} in the
	// subject, preheader and body is the recipient's first name.
	Body string `json:"body"`
	// FirstNameFallback replaces {{first_name}} for a recipient without a name (empty:
	// the language's own word, FirstNameDefault).
	FirstNameFallback string `json:"firstNameFallback,omitempty"`
}

// Block is one community block: Kind, how many items at most (Limit, 0: DefaultBlockItems).
type Block struct {
	Kind  string `json:"kind"`
	Limit int    `json:"limit,omitzero"`
}

// Kinds of community blocks, in the order the editor offers them.
const (
	BlockTopPosts      = "top_posts"
	BlockUnanswered    = "unanswered"
	BlockIdeas         = "ideas"
	BlockCampaigns     = "campaigns"
	BlockAnnouncements = "announcements"
)

// BlockKinds lists the community blocks.
var BlockKinds = []string{BlockTopPosts, BlockUnanswered, BlockIdeas, BlockCampaigns, BlockAnnouncements}

// FirstNameToken is the personalisation token.
const FirstNameToken = "{{first_name}}"

// Limits of writing.
const (
	MaxNameRunes      = 120
	MaxSubjectRunes   = 150
	MaxPreheaderRunes = 200
	MaxBodyRunes      = 20000
	MaxFallbackRunes  = 40
	MaxVersions       = 10 // one per language at most
	MaxBlocks         = 5
	DefaultBlockItems = 5
	MaxBlockItems     = 10
	DefaultPeriodDays = 7
	MaxPeriodDays     = 31
	ListPage          = 30
)

// Writing is the writing part of a newsletter: what the editor sends and the fields
// of Newsletter's writing block.
type Writing struct {
	// Name is the staff's name for the newsletter (lists, calendar); members never see it.
	Name        string    `json:"name"`
	DefaultLang string    `json:"defaultLang"`
	Versions    []Version `json:"versions"`
	Blocks      []Block   `json:"blocks"`
	// PeriodDays is how far back the blocks look (top posts of the last 7 days...).
	PeriodDays int `json:"periodDays,omitzero"`
	// Archive: once sent, the newsletter is on the members' archive page (each reader
	// sees it as it renders for them now).
	Archive bool `json:"archive,omitzero"`
}

// Errors of writing.
var (
	ErrNoNewsletter = errs.New(errs.NotFound, "newsletter_not_found", "There is no such newsletter.")
	ErrName         = errs.InvalidField("name", "invalid_newsletter_name", "A newsletter's name has 1 to 120 characters.")
	ErrLang         = errs.InvalidField("defaultLang", "invalid_newsletter_language", "Choose the default language among the community's languages, and write a version in it.")
	ErrVersions     = errs.InvalidField("versions", "invalid_newsletter_versions", "Write one version per language at most, each in one of the community's languages.")
	ErrSubject      = errs.InvalidField("subject", "invalid_newsletter_subject", "Every version needs a subject of 1 to 150 characters.")
	ErrPreheader    = errs.InvalidField("preheader", "invalid_newsletter_preheader", "A preheader has at most 200 characters.")
	ErrBody         = errs.InvalidField("body", "invalid_newsletter_body", "A version’s text has at most 20,000 characters, and a newsletter says something: write a text or add a community block.")
	ErrFallback     = errs.InvalidField("firstNameFallback", "invalid_first_name_fallback", "The word used when a member has no name has at most 40 characters.")
	ErrBlocks       = errs.InvalidField("blocks", "invalid_newsletter_blocks", "Add each community block once at most (top posts, unanswered questions, ideas, campaigns, announcements), with 1 to 10 items.")
	ErrPeriod       = errs.InvalidField("periodDays", "invalid_newsletter_period", "The blocks look back 1 to 31 days.")
	ErrToken        = errs.InvalidField("body", "unknown_newsletter_token", "The only personalisation is {{first_name}}: remove the other {{...}}.")
	ErrHalfToken    = errs.InvalidField("body", "incomplete_newsletter_token", "A personalisation is incomplete: the only one is {{first_name}}, with two braces on each side.")
	ErrNotDraft     = errs.New(errs.Conflict, "newsletter_not_editable", "Only a draft can change: unschedule this newsletter first (one being sent or sent never changes).")
	ErrChanged      = errs.New(errs.Conflict, "newsletter_changed", "Someone changed this newsletter at the same time: reload it and try again.")
	ErrNothingNew   = errs.New(errs.Conflict, "newsletter_nothing_new", "This digest has nothing new for this member: it is not sent to them.")
)

var tokenPattern = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// halfToken finds, once the whole tokens are taken out, what is left of one: a "{{" or
// "}}" alone, a brace against a token, first_name against a brace ({{first_name},
// {first_name}}, {first_name}).
var halfToken = regexp.MustCompile(`\{\{|\}\}|\{\x00|\x00\}|\{\s*first_name|first_name\s*\}`)

// checkTokens refuses any {{...}} but {{first_name}}, and any half of a token: nothing
// unreplaced ever leaves.
func checkTokens(field, s string) error {
	for _, m := range tokenPattern.FindAllStringSubmatch(s, -1) {
		if m[1] != "first_name" {
			return withField(ErrToken, field)
		}
	}
	if halfToken.MatchString(tokenPattern.ReplaceAllString(s, "\x00")) {
		return withField(ErrHalfToken, field)
	}
	return nil
}

// withField is err for another field.
func withField(err *errs.Error, field string) *errs.Error {
	e := *err
	e.Field = field
	return &e
}

// cleanLine cleans a one-line text of at most max runes (min 1 when required).
func cleanLine(field, s string, max int, required bool, bad *errs.Error) (string, error) {
	out, err := text.Line(field, s)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(out); n > max || (required && n == 0) {
		return "", withField(bad, field)
	}
	return out, nil
}

// Clean validates and cleans what the editor sent: every field within its limits, one
// version per language, a version in the default language, each block once. Every
// wrong field is reported at once (errs.Fields; the error itself is the first).
func (w Writing) Clean() (Writing, error) {
	out, problems := w.check()
	if err := errs.Fields(problems); err != nil {
		return Writing{}, err
	}
	return out, nil
}

// check cleans w and lists every wrong field, in the editor's order (name, default
// language, each version's language, subject, preheader, fallback word, body, then the
// blocks and their period), one problem per field: a field too long or empty is not
// also checked for its tokens.
func (w Writing) check() (Writing, []error) {
	var out Writing
	var problems []error
	report := func(err error) bool {
		if err != nil {
			problems = append(problems, err)
		}
		return err == nil
	}
	var err error
	out.Name, err = cleanLine("name", w.Name, MaxNameRunes, true, ErrName)
	report(err)
	out.DefaultLang = w.DefaultLang
	langOK := locale.Valid(out.DefaultLang)
	if !langOK {
		report(ErrLang)
	}
	if len(w.Versions) == 0 || len(w.Versions) > MaxVersions {
		report(ErrVersions)
	}
	versions := w.Versions
	if len(versions) > MaxVersions {
		versions = nil // not read one by one
	}
	var langs []string
	for i, v := range versions {
		field := func(f string) string { return "versions[" + strconv.Itoa(i) + "]." + f }
		if !locale.Valid(v.Lang) || slices.Contains(langs, v.Lang) {
			report(withField(ErrVersions, field("lang")))
		}
		langs = append(langs, v.Lang)
		c := Version{Lang: v.Lang}
		// tokens checks a field once it is right otherwise, and writes {{ first_name }}
		// as {{first_name}}.
		tokens := func(f string, s *string) {
			if report(checkTokens(field(f), *s)) {
				*s = tokenPattern.ReplaceAllString(*s, FirstNameToken)
			}
		}
		if c.Subject, err = cleanLine(field("subject"), v.Subject, MaxSubjectRunes, true, ErrSubject); report(err) {
			tokens("subject", &c.Subject)
		}
		if c.Preheader, err = cleanLine(field("preheader"), v.Preheader, MaxPreheaderRunes, false, ErrPreheader); report(err) {
			tokens("preheader", &c.Preheader)
		}
		if c.FirstNameFallback, err = cleanLine(field("firstNameFallback"), v.FirstNameFallback, MaxFallbackRunes, false, ErrFallback); report(err) &&
			strings.Contains(c.FirstNameFallback, "{{") {
			report(withField(ErrFallback, field("firstNameFallback")))
		}
		if c.Body, err = text.Body(field("body"), v.Body); report(err) {
			if utf8.RuneCountInString(c.Body) > MaxBodyRunes || (c.Body == "" && len(w.Blocks) == 0) {
				report(withField(ErrBody, field("body")))
			} else {
				tokens("body", &c.Body)
			}
		}
		out.Versions = append(out.Versions, c)
	}
	if langOK && len(versions) > 0 && !slices.Contains(langs, out.DefaultLang) {
		report(ErrLang)
	}
	out.Blocks = []Block{}
	if len(w.Blocks) > MaxBlocks {
		report(ErrBlocks)
	} else {
		for i, b := range w.Blocks {
			if !slices.Contains(BlockKinds, b.Kind) || slices.ContainsFunc(out.Blocks, func(o Block) bool { return o.Kind == b.Kind }) ||
				b.Limit < 0 || b.Limit > MaxBlockItems {
				report(withField(ErrBlocks, "blocks["+strconv.Itoa(i)+"]"))
				continue
			}
			if b.Limit == 0 {
				b.Limit = DefaultBlockItems
			}
			out.Blocks = append(out.Blocks, b)
		}
	}
	out.PeriodDays, out.Archive = w.PeriodDays, w.Archive
	if out.PeriodDays == 0 {
		out.PeriodDays = DefaultPeriodDays
	}
	if out.PeriodDays < 1 || out.PeriodDays > MaxPeriodDays {
		report(ErrPeriod)
	}
	if len(problems) > 0 {
		return Writing{}, problems
	}
	return out, nil
}

// Version picks the version for a recipient's language: theirs when there is one,
// else the one of the default language, else the first (docs/newsletters.md).
func (w Writing) Version(lang string) Version {
	lang, _, _ = strings.Cut(strings.ToLower(lang), "-")
	for _, want := range []string{lang, w.DefaultLang} {
		for _, v := range w.Versions {
			if v.Lang == want {
				return v
			}
		}
	}
	if len(w.Versions) > 0 {
		return w.Versions[0]
	}
	return Version{Lang: w.DefaultLang}
}

// Since is the start of the blocks' period for a render at now.
func (w Writing) Since(now time.Time) time.Time {
	return now.Add(-time.Duration(max(w.PeriodDays, 1)) * 24 * time.Hour)
}
