package store_test

import (
	"fmt"
	"testing"
	"time"

	"tribune/shared/members"
)

// Access pattern 100: the names texts show for the members they mention, as they are
// now, in batched reads (more than one BatchGetItem's 100 keys here); an id of no
// member and a deleted member read "" (shown "@Deleted member").
func TestMemberNamesAreReadAsTheyAreNow(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	var ids []string
	for i := range 120 {
		m, _ := register(t, st, fmt.Sprintf("n%03d@example.com", i), now)
		ids = append(ids, m.ID)
	}
	if _, err := st.Members().UpdateProfile(ctx, ids[0], members.Profile{DisplayName: "Renamed Member", Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Members().SetStatus(ctx, ids[1], members.StatusDeleted, nil); err != nil {
		t.Fatal(err)
	}
	names, err := st.MemberNames(ctx, append(ids, "m_NOBODYNOBODYNOBODYNOBODYNO"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 121 || names[ids[0]] != "Renamed Member" || names[ids[1]] != "" || names[ids[2]] != "x" || names["m_NOBODYNOBODYNOBODYNOBODYNO"] != "" {
		t.Fatalf("names: %d, %q %q %q", len(names), names[ids[0]], names[ids[1]], names[ids[2]])
	}
	if empty, err := st.MemberNames(ctx, nil); err != nil || len(empty) != 0 {
		t.Fatalf("no ids: %v %v", empty, err)
	}
}
