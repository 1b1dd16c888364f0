package app

import "tribune/shared/errs"

var errNoRoute = errs.New(errs.NotFound, "no_route", "There is no such API operation.")
