package runtime

import (
	"net/http"

	"github.com/frontdesk-health/frontdesk/http/emrapi"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/http/webhook"
)

// routes is the table of every route the process serves.
func (a *App) routes() http.Handler {
	hooks := webhook.New(webhook.Options{
		PublicURL: a.cfg.PublicURL, AccountSID: a.cfg.TwilioAccountSID, AuthToken: a.cfg.TwilioAuthToken.Value(),
		Router: a.router, Now: a.now, Hasher: a.hasher, Metrics: a.metrics, Logger: a.log,
		Available: a.health.err, Outage: a.health.outage, Statuses: a.statuses,
	})
	api := emrapi.New(emrapi.Options{
		Keys: emrapi.NewKeys(a.cfg.Hospitals), Store: a.store, Codec: a.codec, Router: a.router,
		Notify: a.notify, Now: a.now, Hasher: a.hasher, Metrics: a.metrics, Logger: a.log,
		Available: a.health.err, Reminders: a.scheduler,
	})
	routes := []server.Route{
		{Method: http.MethodPost, Path: "/twilio/messages", Handler: hooks.Messages},
		{Method: http.MethodPost, Path: "/twilio/status", Handler: hooks.Status},
	}
	routes = append(routes, api.Routes()...)
	routes = append(routes, api.V1Routes()...) // /v1: docs/openapi.yaml
	routes = append(routes, a.mediaRoutes()...)
	routes = append(routes, a.simulatorRoutes()...)
	return server.New(server.Options{Logger: a.log, Metrics: a.metrics, Ready: a.ready, Routes: routes})
}
