package filetypes

import "testing"

func TestCheck(t *testing.T) {
	t.Parallel()
	docs := Union(Common, Office)
	cases := []struct {
		types map[string]string
		ct    string
		size  int64
		want  Problem
	}{
		{Common, "application/pdf", 10 << 20, OK},
		{Common, "application/pdf", 10<<20 + 1, TooLarge},
		{Common, "application/pdf", 0, Empty},
		{Common, "application/pdf", -5, Empty},
		{Common, "application/x-msdownload", 10, BadType},
		{Common, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 10, BadType},
		{docs, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 10, OK},
		{docs, "text/html", 10, BadType},
	}
	for _, c := range cases {
		if got := Check(c.types, c.ct, c.size, 10<<20); got != c.want {
			t.Errorf("%s %d: %v, want %v", c.ct, c.size, got, c.want)
		}
	}
	if len(docs) != len(Common)+len(Office) || len(Common) != 8 {
		t.Errorf("union: %d types", len(docs))
	}
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"C:\\Users\\ann\\brochure.pdf": "brochure.pdf",
		"../../etc/passwd":             "passwd",
		"invoice\u202efdp.exe":         "invoicefdp.exe",
		"":                             "file.pdf",
		"/":                            "file.pdf",
	} {
		if got := CleanName(in, ".pdf"); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	long := make([]rune, 150)
	for i := range long {
		long[i] = 'é'
	}
	if got := []rune(CleanName(string(long), ".pdf")); len(got) != MaxName {
		t.Errorf("a long name keeps %d characters", len(got))
	}
}

func TestSafeKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"documents/s1/d1/abc.pdf":                   true,
		"documents/s2/d1/abc.pdf":                   false,
		"documents/s1/../s2/abc.pdf":                false,
		"documents/s1/":                             false,
		"attachments/m1/abc.pdf":                    false,
		"documents/s1/" + string(make([]byte, 200)): false,
	} {
		if got := SafeKey(key, "documents/s1/"); got != want {
			t.Errorf("%q: %v", key, got)
		}
	}
}
