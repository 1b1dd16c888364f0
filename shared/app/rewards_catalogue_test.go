package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/mail"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/rewards"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// catalogueBench is the API alone (no event path) on a table of its own, called
// in-process: what the redemption race needs, without sockets.
type catalogueBench struct {
	st *store.Store
	h  http.Handler
}

func newCatalogueBench(tb testing.TB) *catalogueBench {
	tbl := dynamotest.NewTable(tb)
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.LocalHandler(app.Deps{Config: config.Config{PublicURL: "http://test.local"}, Store: st,
		Mail: mail.Outbox{Dir: tb.TempDir(), From: "t@example.com"}})
	if err != nil {
		tb.Fatal(err)
	}
	return &catalogueBench{st: st, h: h}
}

// call sends one request with a session cookie (cookie "" for a visitor).
func (b *catalogueBench) call(cookie, method, path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	return w
}

// click is a member's click on "Redeem" and the client's retries: on an answer that
// says nothing was decided (a 5xx, or 409 redemptions_busy) it sends the same request,
// with the same key, again (at most 30 times). It returns the final status and problem
// code, and how many retries it took.
func (b *catalogueBench) click(cookie, giftID, body string) (int, string, int) {
	for retry := 0; ; retry++ {
		w := b.call(cookie, "POST", "/api/rewards/gifts/"+giftID+"/redeem", body)
		var p struct{ Code string }
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if (w.Code < 500 && p.Code != "redemptions_busy") || retry == 30 {
			return w.Code, p.Code, retry
		}
		time.Sleep(time.Duration(20+retry*20) * time.Millisecond)
	}
}

// pay gives a member points through the ledger (rule "grant"), as staff would.
func pay(tb testing.TB, st *store.Store, memberID, object string, n int64) {
	tb.Helper()
	if err := st.Rewards().Pay(context.Background(), rewards.Entry{MemberID: memberID, Rule: "grant", Amount: n, ObjectType: "test",
		ObjectID: object, At: time.Now()}, n, n, 0); err != nil {
		tb.Fatal(err)
	}
}

// giftJSON is a gift's body for the API.
func giftJSON(name string, cost, limit int, shipped bool, variants ...string) string {
	vs := make([]string, 0, len(variants))
	for _, v := range variants {
		label, stock, _ := strings.Cut(v, "=")
		vs = append(vs, fmt.Sprintf(`{"label":%q,"stock":%s}`, label, stock))
	}
	return fmt.Sprintf(`{"name":%q,"description":"A gift.","cost":%d,"perMemberLimit":%d,"needsShipping":%v,"active":true,"variants":[%s]}`,
		name, cost, limit, shipped, strings.Join(vs, ","))
}

const annAddress = `{"name":"Ann Lee","line1":"1 rue de la Paix","city":"Paris","postalCode":"75002","country":"FR"}`

// The race: 1,000 concurrent redemptions by 200 members of a gift with 10 in
// stock make exactly 10 orders, oversell nothing, and leave every balance exact (each
// member starts with 250 points, the gift costs 100, a member may hold 2).
func TestRewardsThousandConcurrentRedemptionsOfTenInStock(t *testing.T) {
	t.Parallel()
	b := newCatalogueBench(t)
	marketer := cookieFor(t, b.st, newMember(t, b.st, "Mara", []string{policy.RoleMember, policy.RoleMarketer}))
	w := b.call(marketer, "POST", "/api/rewards/gifts", giftJSON("Hoodie", 100, 2, false, "One size=10"))
	var gift rewards.Gift
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &gift) != nil {
		t.Fatalf("create: %d %s", w.Code, w.Body.String())
	}
	const members, perMember = 200, 5
	ids := make([]string, members)
	cookies := make([]string, members)
	for i := range members {
		ids[i] = newMember(t, b.st, fmt.Sprintf("Racer%03d", i), []string{policy.RoleMember})
		cookies[i] = cookieFor(t, b.st, ids[i])
		pay(t, b.st, ids[i], "seed", 250)
	}
	var mu sync.Mutex
	retries := 0
	statuses := map[int]int{}
	codes := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range members {
		for k := range perMember {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				body := fmt.Sprintf(`{"variantId":%q,"key":"race-%03d-%d"}`, gift.Variants[0].ID, i, k)
				status, code, tries := b.click(cookies[i], gift.ID, body)
				mu.Lock()
				statuses[status]++
				codes[code]++
				retries += tries
				mu.Unlock()
			}()
		}
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("1,000 redemptions in %v: statuses %v, problems %v, client retries %d", time.Since(began), statuses, codes, retries)
	if statuses[201] != 10 || statuses[201]+statuses[409] != members*perMember {
		t.Fatalf("statuses %v (problems %v): want exactly 10 orders and 990 refusals", statuses, codes)
	}
	// Nothing oversold: the stock is 0, never below, and 10 units left it.
	g, err := b.st.Rewards().Gift(context.Background(), gift.ID)
	if err != nil || g.Variants[0].Stock != 0 || g.Variants[0].Added != 10 {
		t.Fatalf("stock after the race: %+v %v", g.Variants, err)
	}
	// Every balance exact: 250 less 100 per order the member holds; 10 orders in all.
	total := 0
	for i, id := range ids {
		w := b.call(cookies[i], "GET", "/api/rewards/orders/mine", "")
		var page rewards.OrderPage
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &page) != nil {
			t.Fatalf("orders of %s: %d %s", id, w.Code, w.Body.String())
		}
		n := len(page.Orders)
		acct, err := b.st.Rewards().Account(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		spent := (250 - acct.Balance) / 100
		if (250-acct.Balance)%100 != 0 || spent > 2 || acct.Lifetime != 250 {
			t.Fatalf("%s: balance %d, lifetime %d", id, acct.Balance, acct.Lifetime)
		}
		if int64(n) != spent {
			t.Fatalf("%s holds %d orders but spent %d gifts' worth", id, n, spent)
		}
		total += n
	}
	if total != 10 {
		t.Fatalf("%d orders in the members' lists, want 10", total)
	}
	w = b.call(marketer, "GET", "/api/rewards/orders?status=ordered", "")
	var list rewards.OrderPage
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &list) != nil || len(list.Orders) != 10 {
		t.Fatalf("the staff's list: %d %s", w.Code, w.Body.String())
	}
}

// BenchmarkRedemptions runs the same race (1,000 redemptions by 200 members of a gift
// with 10 in stock) per iteration, on a new gift each time.
func BenchmarkRedemptions(bm *testing.B) {
	b := newCatalogueBench(bm)
	marketer := cookieFor2(bm, b.st, newMember(bm, b.st, "Mara", []string{policy.RoleMember, policy.RoleMarketer}))
	const members, perMember = 200, 5
	cookies := make([]string, members)
	for i := range members {
		id := newMember(bm, b.st, fmt.Sprintf("Racer%03d", i), []string{policy.RoleMember})
		cookies[i] = cookieFor2(bm, b.st, id)
		pay(bm, b.st, id, "seed", 1_000_000_000)
	}
	bm.ResetTimer()
	orders, retries := 0, 0
	for n := 0; n < bm.N; n++ {
		bm.StopTimer()
		w := b.call(marketer, "POST", "/api/rewards/gifts", giftJSON(fmt.Sprintf("Hoodie %d", n), 100, 2, false, "One size=10"))
		var gift rewards.Gift
		if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &gift) != nil {
			bm.Fatalf("create: %d %s", w.Code, w.Body.String())
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for i := range members {
			for k := range perMember {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					status, code, tries := b.click(cookies[i], gift.ID, fmt.Sprintf(`{"variantId":%q,"key":"b%d-%03d-%d"}`, gift.Variants[0].ID, n, i, k))
					mu.Lock()
					retries += tries
					if status == 201 {
						orders++
					}
					mu.Unlock()
					if status != 201 && status != 409 {
						bm.Errorf("redeem: %d %s", status, code)
					}
				}()
			}
		}
		bm.StartTimer()
		close(start)
		wg.Wait()
	}
	bm.StopTimer()
	if orders != 10*bm.N {
		bm.Fatalf("%d orders in %d races, want 10 each", orders, bm.N)
	}
	bm.ReportMetric(float64(members*perMember*bm.N)/bm.Elapsed().Seconds(), "redemptions/s")
	bm.ReportMetric(0, "oversold")
	bm.ReportMetric(float64(retries)/float64(bm.N), "client-retries/race")
}

// cookieFor2 is cookieFor for a benchmark.
func cookieFor2(tb testing.TB, st *store.Store, memberID string) string {
	tb.Helper()
	sess, cookie := auth.NewSession(memberID, time.Now(), "test")
	if err := st.Members().CreateSession(context.Background(), sess); err != nil {
		tb.Fatal(err)
	}
	return cookie
}

// The catalogue through the whole product: a marketer makes a shipped gift; a member
// redeems it (a retried click answers the same order); nobody else reads the order or
// its address; the marketer approves and ships it, the member reads the tracking number
// and is told in the app; the CSV of orders to ship holds the address, for staff only;
// the counters count. Bad input is refused with a problem and nothing written.
func TestRewardsCatalogueRedeemShipAndPrivacy(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mara := c.as("Mara", policy.RoleMarketer)
	ann := c.as("Ann")
	bob := c.as("Bob")
	mod := c.as("Mo", policy.RoleModerator)
	pay(t, c.st, "m_Ann", "seed", 500)
	pay(t, c.st, "m_Bob", "seed", 300)

	var gift rewards.Gift
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", giftJSON("T-shirt", 200, 1, true, "S=1", "M=3"), &gift); st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	var page rewards.GiftPage
	if st, body := c.call(ann, "GET", "/api/rewards/gifts", "", &page); st != 200 || len(page.Gifts) != 1 || page.Balance != 500 || page.Gifts[0].Variants[1].Stock != 3 {
		t.Fatalf("the catalogue: %d %s", st, body)
	}
	if st, _ := c.call(ann, "POST", "/api/rewards/gifts", giftJSON("Mine", 1, 1, false, "x=1"), nil); st != 403 {
		t.Fatalf("a member makes a gift: %d", st)
	}
	if st, _ := c.call(mod, "POST", "/api/rewards/gifts", giftJSON("Mine", 1, 1, false, "x=1"), nil); st != 403 {
		t.Fatalf("a moderator makes a gift: %d", st)
	}
	m := gift.Variants[1].ID
	// Bad input, each refused with a problem naming its field, nothing written.
	before := c.settledItems()
	for _, bad := range []struct{ body, code string }{
		{`{"variantId":"` + m + `","key":"ann-1"}`, "invalid_redemption_key"},
		{`{"variantId":"` + m + `","key":"ann-click-0001"}`, "address_needed"},
		{`{"variantId":"v_none","key":"ann-click-0001","address":` + annAddress + `}`, "unknown_variant"},
		{`{"variantId":"` + m + `","key":"ann-click-0001","address":{"name":"Ann","line1":"x","city":"P","postalCode":"1","country":"France"}}`, "invalid_address"},
		{`{"variantId":"` + m + `","key":"ann-click-0001","address":` + annAddress + `,"coupon":"FREE"}`, "malformed_json"},
	} {
		st, body := c.call(ann, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", bad.body, nil)
		if st != 400 || problemCode(body) != bad.code {
			t.Errorf("%s: %d %s, want 400 %s", bad.body, st, body, bad.code)
		}
	}
	for _, bad := range []struct{ body, code string }{
		{giftJSON("", 10, 1, false, "x=1"), "invalid_gift_name"},
		{giftJSON("Mug", -5, 1, false, "x=1"), "invalid_gift_cost"},
		{giftJSON("Mug", 5, 1, false), "invalid_variants"},
		{giftJSON("Mug", 5, 1, false, "x=100001"), "invalid_variants"},
	} {
		if st, body := c.call(mara, "POST", "/api/rewards/gifts", bad.body, nil); st != 400 || problemCode(body) != bad.code {
			t.Errorf("%s: %d %s, want 400 %s", bad.body, st, body, bad.code)
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refused requests wrote %d items", after-before)
	}

	redeem := `{"variantId":"` + m + `","key":"ann-click-0001","address":` + annAddress + `}`
	var order rewards.Order
	if st, body := c.call(ann, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", redeem, &order); st != 201 || order.Address == nil || order.Cost != 200 {
		t.Fatalf("redeem: %d %s", st, body)
	}
	var again rewards.Order
	if st, body := c.call(ann, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", redeem, &again); st != 200 || again.ID != order.ID {
		t.Fatalf("the retried click: %d %s", st, body)
	}
	// Her limit is 1; Bob has too few points for a second... he has 300: he may have one.
	if st, body := c.call(ann, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", strings.Replace(redeem, "0001", "0002", 1), nil); st != 409 || problemCode(body) != "gift_limit_reached" {
		t.Fatalf("over the limit: %d %s", st, body)
	}
	// Nobody else reads the order or its address: Bob and a moderator hear 404.
	for who, client := range map[string]*http.Client{"Bob": bob, "a moderator": mod} {
		if st, body := c.call(client, "GET", "/api/rewards/orders/"+order.ID, "", nil); st != 404 || strings.Contains(body, "rue de la Paix") {
			t.Fatalf("%s reads Ann's order: %d %s", who, st, body)
		}
		if st, body := c.call(client, "POST", "/api/rewards/orders/"+order.ID+"/cancel", `{}`, nil); st != 404 {
			t.Fatalf("%s cancels Ann's order: %d %s", who, st, body)
		}
		if _, body := c.call(client, "GET", "/api/rewards/orders/mine", "", nil); strings.Contains(body, "rue de la Paix") || strings.Contains(body, order.ID) {
			t.Fatalf("%s's orders show Ann's: %s", who, body)
		}
	}
	if st, _ := c.call(bob, "GET", "/api/rewards/orders?status=ordered", "", nil); st != 403 {
		t.Fatalf("a member lists the orders: %d", st)
	}
	if st, _ := c.call(bob, "GET", "/api/rewards/orders-to-ship.csv", "", nil); st != 403 {
		t.Fatalf("a member exports addresses: %d", st)
	}
	// The staff's list has no addresses; the order itself has, for staff.
	var list rewards.OrderPage
	if st, body := c.call(mara, "GET", "/api/rewards/orders?status=ordered", "", &list); st != 200 || len(list.Orders) != 1 || strings.Contains(body, "rue de la Paix") || list.Orders[0].MemberName != "Ann" {
		t.Fatalf("staff's list: %d %s", st, body)
	}
	if st, body := c.call(mara, "GET", "/api/rewards/orders/"+order.ID, "", nil); st != 200 || !strings.Contains(body, "rue de la Paix") {
		t.Fatalf("staff read the order: %d %s", st, body)
	}
	// Approve, then ship without a tracking number (refused), then ship.
	if st, body := c.call(mara, "POST", "/api/rewards/orders/"+order.ID+"/status", `{"status":"shipped","carrier":"La Poste","tracking":"6A1"}`, nil); st != 409 || problemCode(body) != "order_move_not_allowed" {
		t.Fatalf("ship before approving: %d %s", st, body)
	}
	if st, body := c.call(mara, "POST", "/api/rewards/orders/"+order.ID+"/status", `{"status":"approved"}`, nil); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	if st, body := c.call(mara, "POST", "/api/rewards/orders/"+order.ID+"/status", `{"status":"shipped","carrier":"La Poste"}`, nil); st != 400 || problemCode(body) != "invalid_tracking" {
		t.Fatalf("ship without tracking: %d %s", st, body)
	}
	st, csv := exportCSV(t, c, mara)
	if st != 200 || !strings.Contains(csv, "1 rue de la Paix") || !strings.HasPrefix(csv, "order,ordered_at,") {
		t.Fatalf("the CSV: %d %s", st, csv)
	}
	if st, body := c.call(mara, "POST", "/api/rewards/orders/"+order.ID+"/status", `{"status":"shipped","carrier":"La Poste","tracking":"6A12345678901"}`, nil); st != 200 {
		t.Fatalf("ship: %d %s", st, body)
	}
	var mine rewards.OrderPage
	waitFor(t, "Ann's order shipped in her list", func() bool {
		c.call(ann, "GET", "/api/rewards/orders/mine", "", &mine)
		return len(mine.Orders) == 1 && mine.Orders[0].Tracking == "6A12345678901" && mine.Orders[0].Address != nil
	})
	if n := c.inbox(ann, "order_status"); n.Detail == "" || !strings.Contains(n.PostTitle, "T-shirt") {
		t.Fatalf("Ann's notification: %+v", n)
	}
	if st, body := c.call(ann, "POST", "/api/rewards/orders/"+order.ID+"/cancel", `{}`, nil); st != 409 || problemCode(body) != "order_not_cancellable" {
		t.Fatalf("cancel a shipped order: %d %s", st, body)
	}
	// Bob redeems and cancels: his points come back, the marketer is not told, nor he.
	var bobs rewards.Order
	if st, body := c.call(bob, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", `{"variantId":"`+m+`","key":"bob-click-0001","address":`+annAddress+`}`, &bobs); st != 201 {
		t.Fatalf("Bob redeems: %d %s", st, body)
	}
	if st, body := c.call(bob, "POST", "/api/rewards/orders/"+bobs.ID+"/cancel", `{"reason":"Wrong size"}`, nil); st != 200 {
		t.Fatalf("Bob cancels: %d %s", st, body)
	}
	if a, _ := c.st.Rewards().Account(context.Background(), "m_Bob"); a.Balance != 300 {
		t.Fatalf("Bob's balance after cancelling: %+v", a)
	}
	c.settledItems()
	day := metrics.Day(time.Now())
	for name, want := range map[string]int64{metrics.Redemptions: 2, metrics.GiftsShipped: 1, metrics.RedemptionsCancelled: 1} {
		if got, _ := c.st.Counter(context.Background(), name, day); got != want {
			t.Errorf("counter %s: %d, want %d", name, got, want)
		}
	}
	for _, n := range c.notes(bob) {
		if n.Kind == "order_status" {
			t.Fatalf("Bob was told of his own cancellation: %+v", n)
		}
	}
}

// exportCSV downloads the CSV of orders to ship.
func exportCSV(t *testing.T, c *community, who *http.Client) (int, string) {
	t.Helper()
	resp, err := who.Get(c.srv.URL + "/api/rewards/orders-to-ship.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("the CSV's type: %s", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, b.String()
}
