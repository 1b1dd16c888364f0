package content

import (
	"regexp"
	"slices"
	"testing"
)

// Every image the page renders is found, in every Markdown form, as the renderer
// resolves it; a link is no image, nor is text inside code, nor raw HTML (never rendered).
func TestImageSourcesAreTheImagesThePageShows(t *testing.T) {
	src := "![a](/api/images/s_a/m_a/f.png) [link](/api/images/s_b/m_b/f.png)\n\n" +
		"![b][ref] ![c](</api/images/./s_c/m_c/f.png>) ![d](/api/images/s\\_d/m_d/f.png) ![e](/api/images/s&#95;e/m_e/f%2Epng)\n\n" +
		"`![e](/api/images/s_e/m_e/f.png)`\n\n    ![f](/api/images/s_f/m_f/f.png)\n\n" +
		"<img src=\"/api/images/s_g/m_g/f.png\">\n\n[ref]: /api/images/s_b/m_b/g.png\n"
	got := ImageSources(src)
	want := []string{"/api/images/s_a/m_a/f.png", "/api/images/s_b/m_b/g.png", "/api/images/./s_c/m_c/f.png", "/api/images/s_d/m_d/f.png",
		"/api/images/s_e/m_e/f%2Epng"}
	if !slices.Equal(got, want) {
		t.Fatalf("ImageSources = %q, want %q", got, want)
	}
	// And the renderer shows exactly those (the raw <img> is left out).
	html, err := Render(src)
	if err != nil {
		t.Fatal(err)
	}
	shown := regexp.MustCompile(`<img src="([^"]*)"`).FindAllStringSubmatch(html, -1)
	if len(shown) != len(want) {
		t.Fatalf("the page shows %d images, ImageSources found %d: %s", len(shown), len(want), html)
	}
}

// The tester's bypasses and their cousins all point under /api/images/; addresses
// elsewhere do not.
func TestPointsUnderSeesEverySpellingOfAPath(t *testing.T) {
	under := []string{
		"/api/images/s_x/m_y/f.png", "/api/images/./s_hidden/m_y/f.png", "/api//images/s_hidden/m_y/f.png",
		"/api/x/../images/s_h/m/f.png", "/API/Images/s_h/m/f.png", "/api/%69mages/s_h/m/f.png", "/api%2Fimages/s_h/m/f.png",
		"\\api\\images\\s_h\\m\\f.png", "/api/ima\tges/s_h/m/f.png", "../../api/images/s_h/m/f.png", "api/images/s_h/m/f.png",
		"https://tribune.example/api/images/s_h/m/f.png", "//tribune.example/api/images/s_h/m/f.png", "http:/api/images/s_h/m/f.png",
		"/api/images/s_h/m/f.png?v=1", "/api/images", "/./api/images/s_h/m/f.png", "/api/images/%2e%2e/images/s_h/m/f.png",
	}
	for _, u := range under {
		if !PointsUnder(u, "/api/images/") {
			t.Errorf("PointsUnder(%q) = false", u)
		}
	}
	for _, u := range []string{"https://cdn.example/cat.png", "/api/members/m_x/avatar", "/images/cat.png", "/api/imagesx/s/m/f.png", "api-images.png"} {
		if PointsUnder(u, "/api/images/") {
			t.Errorf("PointsUnder(%q) = true", u)
		}
	}
}
