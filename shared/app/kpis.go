package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// KpisFunction: the page-view beacon, the traffic report, the KPI dashboard and its
// CSV export, participation and the KPI settings (HTTP, issue 14).
func KpisFunction() Function {
	return Function{Name: "kpis", Description: "KPIs: the page-view beacon, the traffic report, the dashboard, its CSV export, participation, settings (HTTP)",
		Routes: KpisRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvMailFrom},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN, EnvMailConfigurationSet},
		// The cursor secret salts the day's visitor hashes (docs/kpis.md); a health
		// check run from the page is mailed to the admins.
		Grants: []Grant{TableData, CursorKey, SendMail}}
}

// newKpiService is the metrics service with everything the KPIs need (nil store: a
// description only).
func newKpiService(st *store.Store) *metrics.Service {
	svc := &metrics.Service{Store: st, Values: st, Now: time.Now}
	if st != nil {
		svc.KpiData, svc.Customer, svc.Names = st, customerOf(st), st.MemberNames
		svc.Baselines, svc.Sales = st.Health(), st.Sales()
		svc.Staff = staffOf(st)
	}
	return svc
}

// staffOf tells whether a member holds a staff role now (KPI XIII); a member who is
// gone is not staff.
func staffOf(st *store.Store) metrics.StaffOf {
	return func(ctx context.Context, memberID string) (bool, error) {
		m, err := st.Members().GetMember(ctx, memberID)
		if errors.Is(err, errs.ErrNotFound) {
			return false, nil
		}
		return err == nil && policy.IsStaff(m.Roles), err
	}
}

// KpisRoutes are the routes the kpis function serves.
func KpisRoutes(d Deps) []httpx.Route {
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	beacons := &metrics.Beacons{Store: d.Store, Now: time.Now, SpaceReadable: func(ctx context.Context, actor auth.Principal, spaceID string) (bool, error) {
		acc, err := sp.AccessOf(ctx, actor, spaceID)
		if errors.Is(err, spaces.ErrNoSpace) || denied(err) {
			return false, nil
		}
		return err == nil && acc.Read, err
	}}
	if d.Store != nil {
		beacons.Salt = d.Store.VisitorSalt
	}
	routes := metrics.KpiHTTP{Service: newKpiService(d.Store), Beacons: beacons, TrustedProxies: d.Config.TrustedProxies, Sessions: sessions(d.Store)}.Routes()
	// The baseline, the health checks and the sales upload (health.go, sales.go).
	return append(routes, KpiCheckRoutes(d)...)
}

// KpisHandler is the kpis function's HTTP handler.
func KpisHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), KpisRoutes(d))
}

// customerOf finds the customer a member acts for: the customer space spaceID, else
// the first customer space (by name) the member is an active member of.
func customerOf(st *store.Store) metrics.CustomerOf {
	rooms := st.Spaces()
	customer := func(ctx context.Context, spaceID string) (bool, error) {
		sp, _, err := rooms.SpaceAndMembership(ctx, spaceID, "")
		if errors.Is(err, errs.ErrNotFound) {
			return false, nil
		}
		return err == nil && sp.Customer(), err
	}
	return func(ctx context.Context, memberID, spaceID string) (string, error) {
		if spaceID != "" {
			if ok, err := customer(ctx, spaceID); err != nil || ok {
				if ok {
					return spaceID, nil
				}
				return "", err
			}
		}
		mine, err := rooms.MySpaces(ctx, memberID)
		if err != nil {
			return "", err
		}
		for _, m := range mine {
			if !m.Active() || m.SpaceID == spaceID {
				continue
			}
			ok, err := customer(ctx, m.SpaceID)
			if err != nil {
				return "", err
			}
			if ok {
				return m.SpaceID, nil
			}
		}
		return "", nil
	}
}
