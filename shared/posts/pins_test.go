package posts

import (
	"testing"
	"time"
)

// OncePerStream: an announcement pinned as of the first page's reading shows among the
// pins only, on every page; once its pin has ended, in its dated place only.
func TestOncePerStreamShowsAnAnnouncementOnce(t *testing.T) {
	asOf := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := asOf.Add(d); return &v }
	live := Summary{ID: "p_live", PinnedUntil: at(time.Hour)}
	ended := Summary{ID: "p_ended", PinnedUntil: at(-time.Second)}
	edge := Summary{ID: "p_edge", PinnedUntil: at(0)} // ends exactly at asOf: ended
	plain := Summary{ID: "p_plain"}

	pinned, dated := OncePerStream([]Summary{live, ended, edge, live}, []Summary{live, plain, ended, edge, plain}, asOf)
	if got := idsOf(pinned); len(got) != 1 || got[0] != "p_live" {
		t.Fatalf("pinned: %v", got)
	}
	if got := idsOf(dated); len(got) != 3 || got[0] != "p_plain" || got[1] != "p_ended" || got[2] != "p_edge" {
		t.Fatalf("dated: %v", got)
	}
	// A later page (its pin was on page 1) leaves the live announcement's entry out, even
	// read after the pin ended, since the cursor carries the first page's time.
	if pinned, dated := OncePerStream(nil, []Summary{plain, live}, asOf); len(pinned) != 0 || len(dated) != 1 || dated[0].ID != "p_plain" {
		t.Fatalf("a later page: %v %v", idsOf(pinned), idsOf(dated))
	}
}

func idsOf(list []Summary) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}
