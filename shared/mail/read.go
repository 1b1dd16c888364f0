package mail

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Stored is a message read back from an outbox folder.
type Stored struct {
	File    string
	To      string
	Subject string
	Date    time.Time
	Text    string
	HTML    string
}

// Links returns the http(s) links of the text part.
func (s Stored) Links() []string {
	return linkPattern.FindAllString(s.Text, -1)
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// ReadOutbox returns the messages of an outbox folder, oldest first (by the time each
// file was written, then by name).
func ReadOutbox(dir string) ([]Stored, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("mail.ReadOutbox: %w", err)
	}
	var out []Stored
	var written []time.Time
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("mail.ReadOutbox: %w", err)
		}
		s, err := ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		written = append(written, info.ModTime())
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if !written[i].Equal(written[j]) {
			return written[i].Before(written[j])
		}
		return out[i].File < out[j].File
	})
	sorted := make([]Stored, len(out))
	for k, i := range order {
		sorted[k] = out[i]
	}
	return sorted, nil
}

// ReadFile parses one .eml file written by Outbox.
func ReadFile(path string) (Stored, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stored{}, fmt.Errorf("mail.ReadFile: %w", err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return Stored{}, fmt.Errorf("mail.ReadFile %s: %w", path, err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	date, _ := msg.Header.Date()
	s := Stored{File: filepath.Base(path), To: msg.Header.Get("To"), Subject: subject, Date: date}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return Stored{}, fmt.Errorf("mail.ReadFile %s: %w", path, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Stored{}, fmt.Errorf("mail.ReadFile %s: %w", path, err)
		}
		// multipart decodes quoted-printable parts itself.
		body, err := io.ReadAll(p)
		if err != nil {
			return Stored{}, fmt.Errorf("mail.ReadFile %s: %w", path, err)
		}
		text := strings.ReplaceAll(string(body), "\r\n", "\n")
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			s.HTML = text
		} else {
			s.Text = text
		}
	}
	return s, nil
}
