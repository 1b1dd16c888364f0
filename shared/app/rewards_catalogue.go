package app

import (
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/policy"
	"tribune/shared/rewards"
)

// The reward catalogue, redemptions and orders (docs/rewards.md, "Catalogue,
// redemptions and orders"): members browse gifts, redeem them and follow their own
// orders; marketers and admins (policy.RewardsCatalogue) keep the gifts and their
// stock, move orders and export those to ship.

// catalogueHTTP serves the catalogue.
type catalogueHTTP struct{ svc *rewards.Catalogue }

func catalogueRoutes(d Deps) []httpx.Route {
	h := catalogueHTTP{svc: &rewards.Catalogue{Store: d.Store.Rewards(), Now: time.Now}}
	if d.Store != nil {
		h.svc.Campaigns = newCampaigns(d) // a campaign's gift: while it runs, to its audience
	}
	const tag = "rewards"
	giftNotFound := "No such gift (or, for a member, one no longer offered)"
	orderNotFound := "No such order, or not the caller's"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/rewards/gifts", Tag: tag, Action: policy.SignedIn, Handler: h.gifts,
			Query: []httpx.Param{{Name: "cursor", Description: "The next page's cursor"},
				{Name: "all", Description: "true: inactive gifts too (the catalogue's staff; members always get the gifts offered)"},
				{Name: "campaign", Description: "A campaign's id: only its gifts (a member gets them while the campaign is live and offered to them)"}},
			Summary:   "The reward catalogue, newest first: each gift with its cost, its variants and what is left of each.",
			Responses: httpx.Answers(200, "A page of gifts", rewards.GiftPage{}, map[int]string{400: "Bad cursor"})},
		{Method: "GET", Pattern: "/api/rewards/gifts/{id}", Tag: tag, Action: policy.SignedIn, Handler: h.gift,
			Summary:   "One gift with its variants and their stock.",
			Responses: httpx.Answers(200, "The gift", rewards.Gift{}, map[int]string{404: giftNotFound})},
		{Method: "POST", Pattern: "/api/rewards/gifts", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.createGift, Request: rewards.GiftInput{},
			Summary: "Add a gift to the catalogue: name, description, cost in points, variants with their first stock, per-member limit, whether it is shipped, and optionally the campaign whose gift budget it spends (marketers, admins).",
			Responses: httpx.Answers(201, "The gift", rewards.Gift{}, map[int]string{400: "Bad name, description, cost, limit, variants or campaign",
				413: "Body over 64 KiB"})},
		{Method: "PUT", Pattern: "/api/rewards/gifts/{id}", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.editGift, Request: rewards.GiftInput{},
			Summary: "Change a gift: its fields, its variants' labels, new variants (a variant is never removed: set its stock to 0); withdraw it with active false (marketers, admins).",
			Responses: httpx.Answers(200, "The gift", rewards.Gift{}, map[int]string{400: "Bad field", 404: giftNotFound,
				409: "Changed meanwhile: reload"})},
		{Method: "POST", Pattern: "/api/rewards/gifts/{id}/stock", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.stock, Request: rewards.StockChange{},
			Summary: "Add units to a variant's stock, or take some away (a negative number, down to 0) (marketers, admins).",
			Responses: httpx.Answers(200, "The gift", rewards.Gift{}, map[int]string{400: "Unknown variant or bad number", 404: giftNotFound,
				409: "Less left than taken away"})},
		{Method: "POST", Pattern: "/api/rewards/gifts/{id}/redeem", Tag: tag, Action: policy.SignedIn, Handler: h.redeem, Request: rewards.RedeemRequest{},
			Prefetch: httpx.PrefetchMember,
			Summary:  "Redeem a gift: one transaction takes the variant's stock, the points, one of the member's limit and of the campaign's gift budget, and writes the order. The client's key makes a retried click answer the first order (200) instead of ordering twice.",
			Responses: httpx.Answers(201, "The order (200: the order this key made already)", rewards.Order{}, map[int]string{
				400: "Bad key, variant or address", 404: giftNotFound,
				409: "Out of stock, not enough points, the member's limit reached, the campaign's gift budget spent, the gift changed or withdrawn",
				422: "The key was used for another redemption"})},
		{Method: "GET", Pattern: "/api/rewards/orders/mine", Tag: tag, Action: policy.SignedIn, Handler: h.mine,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The caller's orders, newest first, with their shipping addresses (until erased) and tracking numbers.",
			Responses: httpx.Answers(200, "A page of orders", rewards.OrderPage{}, map[int]string{400: "Bad cursor"})},
		{Method: "GET", Pattern: "/api/rewards/orders/{id}", Tag: tag, Action: policy.SignedIn, Handler: h.order,
			Summary:   "One order with its shipping address: the member's own, or any for the catalogue's staff (404 for anyone else).",
			Responses: httpx.Answers(200, "The order", rewards.Order{}, map[int]string{404: orderNotFound})},
		{Method: "POST", Pattern: "/api/rewards/orders/{id}/cancel", Tag: tag, Action: policy.SignedIn, Handler: h.cancel, Request: rewards.CancelRequest{},
			Summary: "Cancel one's own order while it is not approved yet: the points, the stock and the limit come back.",
			Responses: httpx.Answers(200, "The order", rewards.Order{}, map[int]string{400: "Reason too long", 404: orderNotFound,
				409: "Approved already, or changed meanwhile"})},
		{Method: "GET", Pattern: "/api/rewards/orders", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.orders,
			Query: []httpx.Param{{Name: "status", Description: "ordered (default), approved, shipped, delivered or cancelled"},
				{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "Orders of a status, oldest first, without addresses (marketers, admins).",
			Responses: httpx.Answers(200, "A page of orders", rewards.OrderPage{}, map[int]string{400: "Bad status or cursor"})},
		{Method: "POST", Pattern: "/api/rewards/orders/{id}/status", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.move, Request: rewards.OrderStatusRequest{},
			Summary: "Move an order: approved, shipped (carrier and tracking number), delivered, or cancelled with a reason (points and stock return) (marketers, admins).",
			Responses: httpx.Answers(200, "The order", rewards.Order{}, map[int]string{400: "Bad status, carrier, tracking or reason",
				404: orderNotFound, 409: "Not allowed from where it is, or changed meanwhile"})},
		{Method: "GET", Pattern: "/api/rewards/orders-to-ship.csv", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.exportCSV,
			Summary:   "The approved orders to ship, oldest first (at most 1,000), with their addresses, as CSV for a fulfilment vendor (marketers, admins).",
			Responses: httpx.Answers(200, "text/csv: order, ordered_at, gift, variant, name, line1, line2, postal_code, city, region, country, phone", nil, nil)},
		{Method: "GET", Pattern: "/api/rewards/catalogue/settings", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.settings,
			Summary:   "The catalogue's settings: how many days after delivery an address is erased.",
			Responses: httpx.Answers(200, "Settings", rewards.CatalogueSettings{}, nil)},
		{Method: "PUT", Pattern: "/api/rewards/catalogue/settings", Tag: tag, Action: policy.RewardsCatalogue, Handler: h.saveSettings, Request: rewards.CatalogueSettings{},
			Summary:   "Change the catalogue's settings (marketers, admins); a new delay counts for orders finished from then on.",
			Responses: httpx.Answers(200, "Settings", rewards.CatalogueSettings{}, map[int]string{400: "Days out of range"})},
	}
}

func (h catalogueHTTP) gifts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := h.svc.Gifts(r.Context(), auth.Caller(r), q.Get("all") == "true", q.Get("campaign"), q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h catalogueHTTP) gift(w http.ResponseWriter, r *http.Request) {
	g, err := h.svc.Gift(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, g, err)
}

func (h catalogueHTTP) createGift(w http.ResponseWriter, r *http.Request) {
	var in rewards.GiftInput
	if httpx.Decoded(w, r, &in) {
		g, err := h.svc.CreateGift(r.Context(), in)
		httpx.Reply(w, r, http.StatusCreated, g, err)
	}
}

func (h catalogueHTTP) editGift(w http.ResponseWriter, r *http.Request) {
	var in rewards.GiftInput
	if httpx.Decoded(w, r, &in) {
		g, err := h.svc.EditGift(r.Context(), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, g, err)
	}
}

func (h catalogueHTTP) stock(w http.ResponseWriter, r *http.Request) {
	var in rewards.StockChange
	if httpx.Decoded(w, r, &in) {
		g, err := h.svc.ChangeStock(r.Context(), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, g, err)
	}
}

func (h catalogueHTTP) redeem(w http.ResponseWriter, r *http.Request) {
	var in rewards.RedeemRequest
	if httpx.Decoded(w, r, &in) {
		o, created, err := h.svc.Redeem(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		status := http.StatusCreated
		if !created {
			status = http.StatusOK
		}
		httpx.Reply(w, r, status, o, err)
	}
}

func (h catalogueHTTP) mine(w http.ResponseWriter, r *http.Request) {
	page, err := h.svc.MyOrders(r.Context(), auth.Caller(r), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h catalogueHTTP) order(w http.ResponseWriter, r *http.Request) {
	o, err := h.svc.Order(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, o, err)
}

func (h catalogueHTTP) cancel(w http.ResponseWriter, r *http.Request) {
	var in rewards.CancelRequest
	if httpx.Decoded(w, r, &in) {
		o, err := h.svc.Cancel(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, o, err)
	}
}

func (h catalogueHTTP) orders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := h.svc.Orders(r.Context(), q.Get("status"), q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h catalogueHTTP) move(w http.ResponseWriter, r *http.Request) {
	var in rewards.OrderStatusRequest
	if httpx.Decoded(w, r, &in) {
		o, err := h.svc.Move(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, o, err)
	}
}

func (h catalogueHTTP) exportCSV(w http.ResponseWriter, r *http.Request) {
	out, err := h.svc.ShippingCSV(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="orders-to-ship-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

func (h catalogueHTTP) settings(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Settings(r.Context())
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h catalogueHTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var in rewards.CatalogueSettings
	if httpx.Decoded(w, r, &in) {
		st, err := h.svc.SaveSettings(r.Context(), in)
		httpx.Reply(w, r, http.StatusOK, st, err)
	}
}
