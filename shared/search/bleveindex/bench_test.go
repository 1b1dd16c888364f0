package bleveindex

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"tribune/shared/search"
)

// The 100k benchmarks share one index, built once per test process (by
// BenchmarkIndex100k's first run, or by the first benchmark that needs it) in a temporary
// directory removed by TestMain.

const benchDocs = 100_000

var (
	benchOnce  sync.Once
	benchDir   string // the cached 100k index
	benchErr   error
	benchStats indexStats
	benchRoot  string
)

type indexStats struct {
	took      time.Duration
	cpu       time.Duration // user + system CPU of the process while building (the machine may be shared)
	heapBytes uint64        // live heap once built (after a GC)
	peakHeap  uint64        // highest sampled heap while building
	diskBytes int64
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot != "" {
		os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

// Words of generated posts: common words of each language and a long tail of made-up
// words (a forum's names, products, typos), drawn with a Zipf law as real text is.
var (
	wordsEN = strings.Fields(`the a to and of in is it you that for on with this my have be
		can how not are do but or if what when your from at an i we they will there about
		password reset account login email notification settings profile space member post
		question answer idea ticket support billing invoice payment subscription export import
		upload image file download mobile application browser error problem issue working
		update version release feature request bug crash slow page search filter report
		admin moderator community event calendar newsletter badge reward points level
		share comment reply thread topic category tag delete edit hide move accept solved
		thanks help please again still since after before today yesterday week month year
		team company customer product service integration webhook api token key security
		privacy data backup restore sync connection network server timeout retry limit`)
	wordsFR = strings.Fields(`le la les de des un une et à en est que qui pour dans ce il
		elle nous vous ils sur pas plus par avec tout faire mais ou donc comme mon ma mes
		mot passe réinitialiser compte connexion courriel notification paramètres profil
		espace membre publication question réponse idée ticket assistance facturation
		facture paiement abonnement exporter importer téléverser image fichier télécharger
		application mobile navigateur erreur problème fonctionne mise jour version
		fonctionnalité demande bogue lent page recherche filtre rapport administrateur
		modérateur communauté événement calendrier lettre badge récompense points niveau
		partager commentaire répondre fil sujet catégorie étiquette supprimer modifier
		masquer déplacer accepter résolu merci aide encore depuis après avant aujourd'hui
		hier semaine mois année équipe entreprise client produit service intégration
		sécurité confidentialité données sauvegarde restaurer synchronisation délai limite`)
	syllables = strings.Fields("ka ro mi tu ne sa lo vi pe da ri mo zu fe ga ti bo le na ku")
)

type textGen struct {
	r    *rand.Rand
	en   *rand.Zipf
	fr   *rand.Zipf
	vocE []string
	vocF []string
}

func newTextGen(seed uint64) *textGen {
	r := rand.New(rand.NewPCG(seed, 15))
	tail := make([]string, 20000)
	for i := range tail {
		var b strings.Builder
		for range 2 + i%3 {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		tail[i] = b.String()
	}
	vocE := append(slices.Clone(wordsEN), tail...)
	vocF := append(slices.Clone(wordsFR), tail...)
	return &textGen{
		r: r, vocE: vocE, vocF: vocF,
		en: rand.NewZipf(r, 1.07, 2, uint64(len(vocE)-1)),
		fr: rand.NewZipf(r, 1.07, 2, uint64(len(vocF)-1)),
	}
}

func (g *textGen) words(lang string, n int) string {
	voc, z := g.vocE, g.en
	if lang == "fr" {
		voc, z = g.vocF, g.fr
	}
	w := make([]string, n)
	for i := range w {
		w[i] = voc[z.Uint64()]
	}
	if n > 0 {
		w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	}
	return strings.Join(w, " ")
}

var kindsBench = []string{search.KindDiscussion, search.KindQuestion, search.KindQuestion, search.KindIdea, search.KindComment, search.KindComment, search.KindComment}

// benchDoc is post i: a realistic forum post (a 4 to 11 word title, a body of 20 to 220
// words, about 800 characters on average), one in three French, in one of 50 spaces.
func (g *textGen) benchDoc(i int) search.Doc {
	lang := "en"
	if i%3 == 0 {
		lang = "fr"
	}
	kind := kindsBench[i%len(kindsBench)]
	d := search.Doc{
		ID: fmt.Sprintf("post:p%06d", i), Kind: kind, SpaceID: fmt.Sprintf("s%02d", i%50),
		AuthorID: fmt.Sprintf("m%04d", g.r.IntN(5000)), Lang: lang,
		Title:   g.words(lang, 4+g.r.IntN(8)),
		Body:    g.words(lang, 20+g.r.IntN(200)),
		Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 10 * time.Minute),
	}
	switch kind {
	case search.KindComment:
		d.ID = fmt.Sprintf("comment:c%06d", i)
		d.Title, d.PostID = "", fmt.Sprintf("p%06d", i-1)
		d.Accepted = i%11 == 0
		d.Staff = i%13 == 0
	case search.KindQuestion:
		d.Solved = i%2 == 0
	case search.KindIdea:
		d.IdeaStatus = []string{"new", "planned", "done"}[i%3]
	}
	d.Updated = d.Created
	return d
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// build100k indexes benchDocs generated posts into dir in batches of 1,000, and closes it.
func build100k(dir string) (indexStats, error) {
	var st indexStats
	runtime.GC()
	start, cpu0 := time.Now(), cpuTime()
	ix, err := Open(dir)
	if err != nil {
		return st, err
	}
	g := newTextGen(1)
	batch := make([]search.Doc, 0, 1000)
	var ms runtime.MemStats
	for i := range benchDocs {
		batch = append(batch, g.benchDoc(i))
		if len(batch) == cap(batch) {
			if err := ix.Put(batch...); err != nil {
				ix.Close()
				return st, err
			}
			batch = batch[:0]
			if i%10_000 == 9_999 {
				runtime.ReadMemStats(&ms)
				st.peakHeap = max(st.peakHeap, ms.HeapAlloc)
			}
		}
	}
	if err := ix.Close(); err != nil {
		return st, err
	}
	st.took, st.cpu = time.Since(start), cpuTime()-cpu0
	runtime.GC()
	runtime.ReadMemStats(&ms)
	st.heapBytes = ms.HeapAlloc
	st.diskBytes = dirSize(dir)
	return st, nil
}

func cached100k(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		benchRoot, benchErr = os.MkdirTemp("", "tribune-search-bench-")
		if benchErr != nil {
			return
		}
		benchDir = filepath.Join(benchRoot, "index")
		benchStats, benchErr = build100k(benchDir)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func reportBuild(b *testing.B, st indexStats) {
	b.ReportMetric(st.took.Seconds(), "s/100k")
	b.ReportMetric(st.cpu.Seconds(), "cpu-s/100k")
	b.ReportMetric(float64(benchDocs)/st.took.Seconds(), "docs/s")
	b.ReportMetric(float64(st.peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(st.diskBytes)/(1<<20), "disk-MB")
}

// BenchmarkIndex100k: the time, throughput, heap and on-disk size of indexing 100,000
// generated posts. The first run's index is kept for the query benchmarks.
func BenchmarkIndex100k(b *testing.B) {
	b.ReportAllocs()
	var last indexStats
	for i := 0; i < b.N; i++ {
		if i == 0 {
			built := false
			benchOnce.Do(func() {}) // prevent a later rebuild: set below
			if benchDir == "" {
				benchRoot, benchErr = os.MkdirTemp("", "tribune-search-bench-")
				if benchErr != nil {
					b.Fatal(benchErr)
				}
				benchDir = filepath.Join(benchRoot, "index")
				benchStats, benchErr = build100k(benchDir)
				if benchErr != nil {
					b.Fatal(benchErr)
				}
				built = true
			}
			if built {
				last = benchStats
				continue
			}
		}
		dir := filepath.Join(b.TempDir(), "index")
		st, err := build100k(dir)
		if err != nil {
			b.Fatal(err)
		}
		last = st
		os.RemoveAll(dir)
	}
	reportBuild(b, last)
}

// benchQueries are varied searches: common and rare words, two and three words, French,
// typos, prefixes while typing (from 2 letters), a phrase, filters and facets.
var benchQueries = []search.Query{
	{Text: "password"},
	{Text: "reset password"},
	{Text: "réinitialiser mot de passe"},
	{Text: "reinitialiser"},
	{Text: "notificaton settings"}, // typo
	{Text: "subscripton invoce"},   // typos
	{Text: "pa", Typing: true},
	{Text: "expo", Typing: true},
	{Text: "how to exp", Typing: true},
	{Text: `"mobile application"`},
	{Text: "webhook timeout retry", Facets: true},
	{Text: "billing", Kinds: []string{search.KindQuestion}, Facets: true},
	{Text: "error", SpaceID: "s07"},
	{Text: "kamiro"}, // a tail word
	{Text: "zzzzzzzz"},
	{Text: "sécurité données", From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
	{Kinds: []string{search.KindIdea}, IdeaStatus: "planned", Facets: true}, // browse
	{Text: strings.Repeat("a", 150)},
}

const queryRounds = 20

var benchAccess = func() search.Access {
	a := search.Access{Members: true, AllTickets: false}
	for i := range 30 {
		a.Spaces = append(a.Spaces, fmt.Sprintf("s%02d", i))
		a.ListedSpaces = append(a.ListedSpaces, fmt.Sprintf("s%02d", i))
	}
	return a
}()

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkQuery100k: p50 and p99 of varied queries on the 100k index (20 hits, access
// to 30 of the 50 spaces). One op is queryRounds rounds of the whole set, so that a few
// ops give enough samples for a p99.
func BenchmarkQuery100k(b *testing.B) {
	ix, err := Open(cached100k(b))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for _, q := range benchQueries { // warm the caches once
		q.Access = benchAccess
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var took []time.Duration
	for i := 0; i < b.N; i++ {
		for range queryRounds {
			for _, q := range benchQueries {
				q.Access = benchAccess
				start := time.Now()
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
		}
	}
	b.StopTimer()
	if testing.Verbose() { // each query's median, to find the slow ones
		for j, q := range benchQueries {
			var mine []time.Duration
			for k := j; k < len(took); k += len(benchQueries) {
				mine = append(mine, took[k])
			}
			b.Logf("%8.2f ms  %+v", float64(percentile(mine, 0.5).Microseconds())/1000, q)
		}
	}
	b.ReportMetric(float64(percentile(took, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(took, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkRestore100k: the search function's cold start with the 100k index: the
// snapshot's size, then unpacking it into a fresh directory and answering a first query
// (fetching the snapshot from S3 is not counted).
func BenchmarkRestore100k(b *testing.B) {
	src, err := Open(cached100k(b))
	if err != nil {
		b.Fatal(err)
	}
	snap := filepath.Join(b.TempDir(), "snapshot.tar")
	f, err := os.Create(snap)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := src.Snapshot(f); err != nil {
		b.Fatal(err)
	}
	snapTook := time.Since(start)
	f.Close()
	src.Close()
	info, _ := os.Stat(snap)

	var restore, first []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(snap)
		if err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join(b.TempDir(), fmt.Sprint("restored", i))
		start := time.Now()
		ix, err := Restore(f, dir)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		restore = append(restore, time.Since(start))
		start = time.Now()
		res, err := ix.Search(context.Background(), search.Query{Text: "reset password", Access: benchAccess, Facets: true})
		if err != nil || res.Total == 0 {
			b.Fatalf("first query: %d hits, %v", res.Total, err)
		}
		first = append(first, time.Since(start))
		ix.Close()
		os.RemoveAll(dir)
	}
	b.StopTimer()
	b.ReportMetric(float64(info.Size())/(1<<20), "snapshot-MB")
	b.ReportMetric(snapTook.Seconds()*1000, "snapshot-ms")
	b.ReportMetric(float64(percentile(restore, 0.5).Milliseconds()), "restore-ms")
	b.ReportMetric(float64(percentile(first, 0.5).Microseconds())/1000, "first-query-ms")
}

// BenchmarkPutOne: one doc per batch, as the indexer applies an event: each Put returns
// once the batch is on disk, so this is the indexer's ceiling in events per second
// (before batching several events per Put).
func BenchmarkPutOne(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	g := newTextGen(2)
	for i := range 10 {
		docs := make([]search.Doc, 100)
		for j := range docs {
			docs[j] = g.benchDoc(i*100 + j)
		}
		if err := ix.Put(docs...); err != nil {
			b.Fatal(err)
		}
	}
	docs := make([]search.Doc, 1000)
	for i := range docs {
		docs[i] = g.benchDoc(i) // replaces: an edit
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := ix.Put(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
}
