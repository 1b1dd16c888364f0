package posts

import (
	"errors"
	"slices"
	"testing"
)

// A text shows an uploaded image by its one address; any other spelling that leads
// under /api/images/ is refused, and what a text shows is what the index records.
func TestShownImagesAcceptOneSpelling(t *testing.T) {
	const file = "abcdefghijklmnopqrstuvwxyz.png"
	img := ImageID{SpaceID: "s_public", MemberID: "m_ann", File: file}
	old := ImageID{MemberID: "m_ann", File: file}
	shown, err := ShownImages("![a](" + img.Address() + ") ![b](" + old.Address() + ") ![again](" + img.Address() + ") ![c](https://cdn.example/c.png)")
	if err != nil || !slices.Equal(shown, []ImageID{img, old}) {
		t.Fatalf("ShownImages = %v, %v", shown, err)
	}
	for _, bad := range []string{"/api/images/./s_hidden/m_ann/" + file, "/api//images/s_hidden/m_ann/" + file,
		"/api/images/s_hidden/m_ann/" + file + "?x", "http://tribune.example/api/images/s_hidden/m_ann/" + file, "/api/images/s_hidden/m_ann/../m_ann/" + file} {
		if _, err := ShownImages("![x](" + bad + ")"); !errors.Is(err, ErrImageAddress) {
			t.Errorf("ShownImages(%q) = %v, want ErrImageAddress", bad, err)
		}
		if got := ImagesIn("![x](" + bad + ")"); len(got) != 0 {
			t.Errorf("ImagesIn(%q) = %v: another spelling is recorded", bad, got)
		}
	}
	// Links and code show no image.
	if shown, err := ShownImages("[a](" + img.Address() + ") `![b](" + img.Address() + ")`"); err != nil || len(shown) != 0 {
		t.Fatalf("links and code: %v %v", shown, err)
	}
	added, removed := ImageChanges("![a]("+img.Address()+")", "![b]("+old.Address()+")")
	if !slices.Equal(added, []ImageID{old}) || !slices.Equal(removed, []ImageID{img}) {
		t.Fatalf("ImageChanges = %v, %v", added, removed)
	}
	if img.Key() != "images/s_public/m_ann/"+file || old.Key() != "images/m_ann/"+file {
		t.Fatalf("keys: %s %s", img.Key(), old.Key())
	}
}
