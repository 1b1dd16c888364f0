// Package filetypes holds the rules files uploaded by members follow, whatever they
// are for (ticket attachments, space documents): the accepted types and their
// extensions, the checks of a declared or uploaded file's type and size, and a file
// name made safe to show. It knows no domain.
package filetypes

import (
	"maps"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"tribune/shared/text"
)

// Common are the types every upload accepts (ticket attachments: all of them), each
// with the extension its stored key takes.
var Common = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"application/pdf": ".pdf", "text/plain": ".txt", "text/csv": ".csv", "application/zip": ".zip"}

// Office are the Office Open XML types (Word, Excel, PowerPoint), which space documents
// accept too (brochures, price lists, slides: issue 16).
var Office = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}

// Union is the types of every table given.
func Union(tables ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, t := range tables {
		maps.Copy(out, t)
	}
	return out
}

// Problem is what is wrong with a file's declared or stored type and size.
type Problem int

// Problems of Check.
const (
	OK       Problem = iota
	BadType          // not one of the accepted types
	Empty            // no size, or a negative one
	TooLarge         // over the limit
)

// Check tells what is wrong with a file of contentType and size bytes against the
// accepted types and maxBytes (OK when nothing): the same check before the upload (what
// the browser declares) and after it (what the bucket holds).
func Check(types map[string]string, contentType string, size, maxBytes int64) Problem {
	switch _, ok := types[contentType]; {
	case !ok:
		return BadType
	case size < 1:
		return Empty
	case size > maxBytes:
		return TooLarge
	}
	return OK
}

// MaxName is the longest file name kept, in characters.
const MaxName = 100

// CleanName keeps a file's base name, short, under the rules of a line of text
// (text.Line). A file name comes from the person's disk, not from their typing, so
// control, format and bidi characters are removed rather than refused: "invoice" +
// U+202E + "fdp.exe" shows as what it is, "invoicefdp.exe". An empty name becomes
// "file" + ext.
func CleanName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name)
	if clean, err := text.Line("name", name); err == nil {
		name = clean
	} else {
		name = ""
	}
	if name == "" || name == "." || name == "/" {
		name = "file" + ext
	}
	if utf8.RuneCountInString(name) > MaxName {
		name = string([]rune(name)[:MaxName])
	}
	return name
}

// SafeKey reports whether key, sent back by a browser, is one this deployment made
// under prefix: under it, no "..", at most 200 bytes.
func SafeKey(key, prefix string) bool {
	return strings.HasPrefix(key, prefix) && len(key) > len(prefix) && !strings.Contains(key, "..") && len(key) <= 200
}
