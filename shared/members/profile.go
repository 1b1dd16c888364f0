package members

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/locale"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Limits of a profile.
const (
	MaxNameRunes     = 60
	MaxBioRunes      = 1000
	MaxTags          = 10
	MaxTagLength     = 30
	MaxPlaceRunes    = 100
	MaxLinks         = 5
	MaxLinkLength    = 200
	MaxStaffNote     = 4000
	DirectoryPage    = 20
	MaxDirectoryPage = 50
)

// Profile is what a member tells the community about themselves.
type Profile struct {
	DisplayName string   `json:"displayName"`
	Bio         string   `json:"bio"`
	Expertise   []string `json:"expertise"`
	Interests   []string `json:"interests"`
	Company     string   `json:"company"`
	Location    string   `json:"location"`
	Links       []string `json:"links"`
	Locale      string   `json:"locale"`
}

// PublicProfile is a member as other members see them: no email, no staff fields.
type PublicProfile struct {
	ID string `json:"id"`
	Profile
	Roles []string `json:"roles"`
	// Staff: Roles hold a staff role (policy.IsStaff); pages show the staff badge.
	Staff     bool      `json:"staff"`
	HasAvatar bool      `json:"hasAvatar"`
	CreatedAt time.Time `json:"createdAt"`
}

// StaffFields are the staff-only section of a member: never returned by a route a
// member or visitor may call.
type StaffFields struct {
	CRMRef     string    `json:"crmRef"`
	LeadStatus string    `json:"leadStatus"`
	Notes      string    `json:"notes"`
	UpdatedAt  time.Time `json:"updatedAt,omitzero"`
	UpdatedBy  string    `json:"updatedBy,omitempty"`
}

// Lead statuses of the staff section.
var LeadStatuses = []string{"", "prospect", "qualified", "customer", "partner", "churned"}

// DirectoryEntry is one member in the directory.
type DirectoryEntry struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Expertise   []string `json:"expertise"`
	HasAvatar   bool     `json:"hasAvatar"`
	// Staff: the member holds a staff role (policy.IsStaff); pages show the staff badge.
	Staff bool `json:"staff"`
}

// DirectoryPageResult is a page of the directory and the cursor of the next one.
type DirectoryPageResult struct {
	Members []DirectoryEntry `json:"members"`
	Next    string           `json:"next,omitempty"`
}

// Errors of profiles.
var (
	ErrName = errs.InvalidField("displayName", "invalid_display_name", "A display name has 1 to 60 characters.")
	// ErrReservedName: the name reads as a deleted account, the system's own messages or
	// staff (text.ReservedName).
	ErrReservedName = errs.InvalidField("displayName", "reserved_display_name",
		"This name is kept for deleted accounts, the community's own messages or its staff. Choose another.")
	// ErrStaffName: a member who is no staff chose the name of a staff member
	// (compared on DirectoryKey: "alice admin" is "Alice Admin").
	ErrStaffName = errs.InvalidField("displayName", "staff_display_name",
		"This is the name of a member of the community's staff. Choose another, so that nobody takes you for them.")
	ErrBio        = errs.InvalidField("bio", "bio_too_long", "A bio has at most 1000 characters.")
	ErrTags       = errs.InvalidField("expertise", "invalid_tags", "Up to 10 tags of at most 30 letters, digits, '+', '#', '.' or '-'.")
	ErrPlace      = errs.InvalidField("company", "field_too_long", "Company and location have at most 100 characters.")
	ErrLinks      = errs.InvalidField("links", "invalid_links", "Up to 5 links, each an http(s) address of at most 200 characters.")
	ErrLocale     = errs.InvalidField("locale", "invalid_locale", "Choose a supported language: en or fr.")
	ErrStaff      = errs.InvalidField("notes", "invalid_staff_fields", "CRM reference up to 100 characters, a known lead status, notes up to 4000 characters.")
	ErrCursor     = errs.InvalidField("cursor", "invalid_cursor", "This page link is not valid; start from the first page.")
	ErrQuery      = errs.InvalidField("q", "invalid_directory_query", "Search by the start of a word of a name (1 to 60 characters) or by one tag, not both.")
	ErrLimit      = errs.InvalidField("limit", "invalid_directory_limit", "A page of the directory holds 1 to 50 members.")
	ErrNoSuchFile = errs.New(errs.NotFound, "avatar_not_found", "This member has no avatar.")
)

var tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+#.-]{0,29}$`)

// NormalizeTags lower-cases, checks and deduplicates tags.
func NormalizeTags(raw []string) ([]string, error) {
	out := []string{}
	for _, t := range raw {
		t = strings.ToLower(strings.TrimSpace(t))
		if !tagPattern.MatchString(t) {
			return nil, ErrTags
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, ErrTags
	}
	return out, nil
}

// MayTakeName reports whether someone holding roles may call themselves name (already
// cleaned by text.Name): a deleted account's placeholder or the system's own author
// name, nobody; staff words and the community's name, staff only (policy
// MembersStaffNames); anything else, anyone.
func MayTakeName(roles []string, name string) bool {
	switch text.ReservedName(name) {
	case text.ReservedForSystem:
		return false
	case text.ReservedForStaff:
		return policy.Allowed(roles, policy.MembersStaffNames)
	}
	return true
}

// Validate checks and cleans a profile.
func (p *Profile) Validate() error {
	var err error
	if p.DisplayName, err = text.Name("displayName", p.DisplayName); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(p.DisplayName); n < 1 || n > MaxNameRunes {
		return ErrName
	}
	if p.Bio, err = text.Body("bio", p.Bio); err != nil {
		return err
	}
	if utf8.RuneCountInString(p.Bio) > MaxBioRunes {
		return ErrBio
	}
	if p.Expertise, err = NormalizeTags(p.Expertise); err != nil {
		return err
	}
	if p.Interests, err = NormalizeTags(p.Interests); err != nil {
		return errs.InvalidField("interests", ErrTags.Code, ErrTags.Message)
	}
	if p.Company, err = text.Line("company", p.Company); err != nil {
		return err
	}
	if p.Location, err = text.Line("location", p.Location); err != nil {
		return err
	}
	if utf8.RuneCountInString(p.Company) > MaxPlaceRunes {
		return ErrPlace
	}
	if utf8.RuneCountInString(p.Location) > MaxPlaceRunes {
		return errs.InvalidField("location", ErrPlace.Code, ErrPlace.Message)
	}
	if len(p.Links) > MaxLinks {
		return ErrLinks
	}
	links := []string{}
	for _, l := range p.Links {
		l = strings.TrimSpace(l)
		u, err := url.Parse(l)
		if err != nil || len(l) > MaxLinkLength || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return ErrLinks
		}
		if _, err := text.Line("links", l); err != nil {
			return err // a link may not hide characters either
		}
		links = append(links, l)
	}
	p.Links = links
	if !locale.Valid(p.Locale) {
		return ErrLocale
	}
	return nil
}

// ProfileOf returns the profile part of a member.
func (m Member) ProfileOf() Profile {
	return Profile{DisplayName: m.DisplayName, Bio: m.Bio, Expertise: nonNil(m.Expertise), Interests: nonNil(m.Interests),
		Company: m.Company, Location: m.Location, Links: nonNil(m.Links), Locale: m.Locale}
}

// Public returns a member as other members see them.
func (m Member) Public() PublicProfile {
	return PublicProfile{ID: m.ID, Profile: m.ProfileOf(), Roles: m.Roles, Staff: m.IsStaff(), HasAvatar: m.AvatarKey != "", CreatedAt: m.CreatedAt}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DirectoryKey is how a display name is listed and searched, the same for the name
// stored and the words typed: its text.NameKey (NFKC, lower case), or plain lower case
// for a name stored before those rules that they refuse, then folded (foldKey: "Dave
// Lefèvre" is "dave lefevre", found by "lefevre", "Lefèvre" and "LEFÈVRE").
func DirectoryKey(name string) string {
	key := text.NameKey(name)
	if key == "" {
		key = strings.ToLower(strings.TrimSpace(name))
	}
	return foldKey(key)
}

// foldKey folds case and diacritics (golang.org/x/text): canonical decomposition, the
// combining marks (Unicode category Mn) removed, recomposed, then Unicode case folding
// ("ß" is "ss"). Letters that are not a base letter with marks stay as they are ("ø",
// "æ", "ł"). Text that is not valid UTF-8 never reaches it (Directory refuses such a
// q; stored names are cleaned).
func foldKey(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC, cases.Fold()), s)
	if err != nil {
		return s
	}
	return out
}

// MaxNameWords bounds the words of a name the directory finds: the first eight (a
// later word is found only as part of the words before it).
const MaxNameWords = 8

// NameWords are the directory's search keys of a name key: the key from the start of
// each of its words on, the first MaxNameWords ("jane van dyke" gives "jane van dyke",
// "van dyke", "dyke"). A word starts at a letter or digit that follows anything else:
// a space, a hyphen, an apostrophe ("jean-pierre" gives "jean-pierre", "pierre"). A
// search for q finds the names of which one search key starts with q.
func NameWords(key string) []string {
	var out []string
	after := false // the rune before was part of a word
	for i, r := range key {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if inWord && !after && len(out) < MaxNameWords {
			out = append(out, key[i:])
		}
		after = inWord
	}
	if len(out) == 0 && key != "" {
		out = append(out, key) // no letter or digit at all: the whole name
	}
	return out
}

// FirstWordMatching is the index of the first of NameWords(key) that starts with q, -1
// if none does: a name found by several of its words is listed once, at that word.
func FirstWordMatching(key, q string) int {
	for i, w := range NameWords(key) {
		if strings.HasPrefix(w, q) {
			return i
		}
	}
	return -1
}

// UpdateProfile replaces a member's profile.
func (s *Service) UpdateProfile(ctx context.Context, actor auth.Principal, p Profile) (Member, error) {
	memberID := actor.MemberID
	if err := p.Validate(); err != nil {
		return Member{}, fmt.Errorf("members.UpdateProfile %s: %w", memberID, err)
	}
	if !MayTakeName(actor.Roles, p.DisplayName) {
		return Member{}, fmt.Errorf("members.UpdateProfile %s: %w", memberID, ErrReservedName)
	}
	if err := s.notStaffsName(ctx, actor, p.DisplayName); err != nil {
		return Member{}, fmt.Errorf("members.UpdateProfile %s: %w", memberID, err)
	}
	m, err := s.Store.UpdateProfile(ctx, memberID, p)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoMember
	}
	if err != nil {
		return Member{}, fmt.Errorf("members.UpdateProfile %s: %w", memberID, err)
	}
	return m, nil
}

// notStaffsName refuses (ErrStaffName) a member who is no staff taking the name of a
// staff member (policy.StaffRoles), or one that looks like it (text.LookalikeKey: "Аda
// Admin" with a Cyrillic А, "Ada Admin."), unless it is already theirs: a member who had the name before its staff holder (who took it, or became
// staff, later) keeps it, and may save the rest of their profile. Staff may share
// names among themselves: they are shown with their roles. Costs a read of the staff
// (Store.StaffNamed), and one read of the member only when the name is a staff member's.
func (s *Service) notStaffsName(ctx context.Context, actor auth.Principal, name string) error {
	if policy.Allowed(actor.Roles, policy.MembersStaffNames) {
		return nil
	}
	held, err := s.Store.StaffNamed(ctx, name, actor.MemberID)
	if err != nil || !held {
		return err
	}
	m, err := s.Store.GetMember(ctx, actor.MemberID)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			err = ErrNoMember
		}
		return err
	}
	if text.LookalikeKey(m.DisplayName) == text.LookalikeKey(name) {
		return nil
	}
	return ErrStaffName
}

// Profile returns a member's public profile (active members only).
func (s *Service) Profile(ctx context.Context, memberID string) (PublicProfile, error) {
	m, err := s.Store.GetMember(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && m.Status == StatusDeleted) {
		err = ErrNoMember
	}
	if err != nil {
		return PublicProfile{}, fmt.Errorf("members.Profile %s: %w", memberID, err)
	}
	return m.Public(), nil
}

// StaffFieldsOf returns the staff section of a member.
func (s *Service) StaffFieldsOf(ctx context.Context, memberID string) (StaffFields, error) {
	if _, err := s.Store.GetMember(ctx, memberID); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			err = ErrNoMember
		}
		return StaffFields{}, fmt.Errorf("members.StaffFieldsOf %s: %w", memberID, err)
	}
	f, err := s.Store.GetStaffFields(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		return StaffFields{}, nil
	}
	if err != nil {
		return StaffFields{}, fmt.Errorf("members.StaffFieldsOf %s: %w", memberID, err)
	}
	return f, nil
}

// SaveStaffFields replaces the staff section of a member.
func (s *Service) SaveStaffFields(ctx context.Context, actorID, memberID string, f StaffFields) (StaffFields, error) {
	var err error
	if f.CRMRef, err = text.Line("crmRef", f.CRMRef); err != nil {
		return StaffFields{}, fmt.Errorf("members.SaveStaffFields: %w", err)
	}
	if f.Notes, err = text.Body("notes", f.Notes); err != nil {
		return StaffFields{}, fmt.Errorf("members.SaveStaffFields: %w", err)
	}
	// The problem names the field that is wrong (the form shows it there).
	switch {
	case len(f.CRMRef) > 100:
		err = errs.InvalidField("crmRef", ErrStaff.Code, ErrStaff.Message)
	case !slices.Contains(LeadStatuses, f.LeadStatus):
		err = errs.InvalidField("leadStatus", ErrStaff.Code, ErrStaff.Message)
	case utf8.RuneCountInString(f.Notes) > MaxStaffNote:
		err = ErrStaff
	}
	if err != nil {
		return StaffFields{}, fmt.Errorf("members.SaveStaffFields: %w", err)
	}
	if _, err := s.Store.GetMember(ctx, memberID); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			err = ErrNoMember
		}
		return StaffFields{}, fmt.Errorf("members.SaveStaffFields %s: %w", memberID, err)
	}
	f.UpdatedAt, f.UpdatedBy = s.Now().UTC(), actorID
	err = s.Store.SaveStaffFields(ctx, memberID, f)
	if errors.Is(err, ErrUnchanged) {
		// The same fields again: nothing written; the section as it is.
		return s.StaffFieldsOf(ctx, memberID)
	}
	if err != nil {
		return StaffFields{}, fmt.Errorf("members.SaveStaffFields %s: %w", memberID, err)
	}
	return f, nil
}

// Directory lists members (active and suspended ones; nothing typed: everyone, by
// name), finds them by the start of any word of their display name (q: "smi" finds
// "Jane Smith"), or by expertise tag. A page holds at most limit members (20 by
// default, 50 at most) and the cursor of the next; ErrQuery for both q and tag, a q of
// more than 60 characters or not valid UTF-8, or a bad tag, ErrCursor for a cursor not made for that list.
func (s *Service) Directory(ctx context.Context, q, tag, cursor string, limit int) (DirectoryPageResult, error) {
	if limit <= 0 {
		limit = DirectoryPage
	}
	limit = min(limit, MaxDirectoryPage)
	if !utf8.ValidString(q) {
		// Bytes that are no text (%FF%FE) would be searched as replacement characters:
		// a query nobody typed.
		return DirectoryPageResult{}, fmt.Errorf("members.Directory: %w", ErrQuery)
	}
	typed := strings.TrimSpace(q) != ""
	q = DirectoryKey(q)
	var page DirectoryPageResult
	var err error
	switch {
	case tag != "" && !typed:
		tags, terr := NormalizeTags([]string{tag})
		if terr != nil {
			return DirectoryPageResult{}, fmt.Errorf("members.Directory: %w", errs.InvalidField("tag", ErrQuery.Code, ErrQuery.Message))
		}
		page, err = s.Store.MembersByTag(ctx, tags[0], cursor, limit)
	case typed && tag == "" && q != "" && utf8.RuneCountInString(q) <= MaxNameRunes:
		page, err = s.Store.MembersByName(ctx, q, cursor, limit)
	case !typed && tag == "":
		page, err = s.Store.ListMembers(ctx, cursor, limit)
	default:
		return DirectoryPageResult{}, fmt.Errorf("members.Directory: %w", ErrQuery)
	}
	if err != nil {
		return DirectoryPageResult{}, fmt.Errorf("members.Directory: %w", err)
	}
	if page.Members == nil {
		page.Members = []DirectoryEntry{}
	}
	return page, nil
}
